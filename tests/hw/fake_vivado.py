"""A stand-in ``vivado`` for tests: runs ``-source FILE`` in a real Tcl interpreter
(Python's tkinter) with the Vivado commands replaced by ``vivado_mock.tcl``.

Invoked as ``python fake_vivado.py -mode batch -source build.tcl -log vivado.log ...``
from a ``vivado`` shell script on PATH. The trace of Vivado calls goes to
``$MOCK_TRACE`` (default ``vivado_mock.trace`` in the working directory). Exit
status 1 with an ``ERROR:`` line when the script fails, as Vivado does.
"""

from __future__ import annotations

import os
import sys
import tkinter
from pathlib import Path

MOCK = Path(__file__).with_name("vivado_mock.tcl")


def option(args: list[str], name: str, default: str | None = None) -> str | None:
    return args[args.index(name) + 1] if name in args else default


def main(args: list[str]) -> int:
    source = option(args, "-source")
    if source is None:
        print("ERROR: [fake vivado] no -source", flush=True)
        return 1
    trace = os.environ.get("MOCK_TRACE", "vivado_mock.trace")
    tcl = tkinter.Tcl()
    tcl.eval(f"set ::mock_trace {{{Path(trace).resolve()}}}")
    tcl.eval(f"source {{{MOCK}}}")
    Path(option(args, "-log", "vivado.log")).write_text(f"fake vivado: {' '.join(args)}\n")
    try:
        tcl.eval(f"source {{{Path(source).resolve()}}}")
    except tkinter.TclError as exc:
        print(f"ERROR: [fake vivado] {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
