"""The ``zkel`` command: one Typer application with a sub-command group per feature.

Each feature module under ``zkel.host.cli`` exposes a ``typer.Typer`` named ``app``;
``SUBCOMMANDS`` lists them. Errors an operator can cause (bad files, bad
arguments) are raised as :class:`zkel.host.cli.errors.UserError` and printed as one
line on standard error with exit code 2, never as a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

from zkel.host.cli.errors import UserError, report

# (command name, module under zkel.host.cli, help text)
SUBCOMMANDS: list[tuple[str, str, str]] = [
    ("groth16", "groth16", "Groth16 setup, prove and verify (snarkjs-compatible files)."),
    ("zkey", "zkey", "Inspect and export from .zkey files."),
    ("r1cs", "r1cs", "Inspect .r1cs files."),
    ("exchange", "exchange", "Run and inspect the perpetuals exchange."),
    ("circuit", "circuit", "Inspect the batch transition circuit."),
    ("hw", "hw", "Board builds (Verilog, XDC, Vivado Tcl, manifests) and resource reports."),
    ("sim", "sim", "Run the accelerator RTL in simulation, checked and timed."),
    ("board", "board", "Self-test an accelerator board (or its simulation) through the driver."),
]

app = typer.Typer(
    name="zkel",
    help="zkel: zero-knowledge execution layer for a private perpetual-futures exchange.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _name, _module, _help in SUBCOMMANDS:
    _sub = importlib.import_module(f"zkel.host.cli.{_module}").app
    app.add_typer(_sub, name=_name, help=_help)

app.command("demo")(importlib.import_module("zkel.host.cli.demo").demo)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (0 ok, 1 invalid proof, 2 bad input)."""
    try:
        app(args=argv, standalone_mode=False)
    except UserError as exc:
        report(exc)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # click's own usage errors
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print("zkel: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # click.ClickException and friends
        import click

        if isinstance(exc, click.exceptions.Abort):
            print("zkel: aborted", file=sys.stderr)
            return 130
        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
