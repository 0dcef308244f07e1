"""``zkel board selftest``: is this board (or simulation) a working zkel accelerator?

On a board (``--bitstream PATH``): the manifest beside the bitstream is checked
(:mod:`zkel.hw.manifest`: digests, register-map version, configuration), the
bitstream is loaded with PYNQ (:class:`~zkel.host.accel.pynq.PynqBus`), the core's
``ID``/``VERSION`` and configuration registers are compared with the manifest, and
known-answer jobs run: forward, inverse and coset NTTs and a G1 MSM, each
against the CPU backend on seeded random inputs. ``--sim CONFIG`` runs the same
checks over :class:`~zkel.host.driver.simbus.SimBus` (the RTL in simulation; the
registers are compared with :func:`zkel.gateware.regmap.config_words`).

One line per check (``PASS``/``FAIL``/``SKIP``), or ``--json``. Exit 0 when every
check passes, 1 when one fails, 2 when nothing can be loaded (no pynq, no board,
no such file), with one line saying why.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from zkel.host.cli.errors import UserError
from zkel.host.cli.progress import reporter

app = typer.Typer(no_args_is_help=True, add_completion=False)

NTT_LOG_SIZE = 3
"""log2 of the known-answer NTTs' size (capped by the engine's limits)."""
MSM_POINTS = 2


@dataclass
class Check:
    """One self-test check: its name, whether it passed (None: skipped), and a detail line."""

    name: str
    ok: bool | None
    detail: str


def _open(bitstream: Path | None, sim: str | None) -> tuple[Any, dict[str, int], list[Check]]:
    """The driver, the registers it should read, and the checks done while opening."""
    from zkel.gateware import regmap
    from zkel.gateware.config import CONFIGS
    from zkel.host.accel.kernels import KernelsUnavailable
    from zkel.host.driver.driver import Accelerator
    from zkel.host.driver.errors import DriverError

    checks: list[Check] = []
    try:
        if sim is not None:
            from zkel.host.driver.simbus import SimBus

            cfg = CONFIGS.get(sim)
            if cfg is None:
                raise UserError(
                    f"unknown configuration {sim!r}; known: {', '.join(sorted(CONFIGS))}"
                )
            expected = regmap.config_words(cfg)
            bus = SimBus(cfg)
            checks.append(Check("load", True, f"RTL of configuration {sim!r} in simulation"))
        else:
            from zkel.host.accel.pynq import PynqBus, open_bitstream

            manifest = open_bitstream(bitstream)
            checks.append(Check("manifest", True, f"{manifest.board}, config {manifest.config}"))
            expected = manifest.registers
            bus = PynqBus(bitstream)
            checks.append(Check("load", True, f"{bitstream} loaded with PYNQ"))
    except KernelsUnavailable as exc:
        raise UserError(str(exc)) from None
    try:
        accel = Accelerator(bus, timeout_s=600.0 if sim else 10.0)
    except DriverError as exc:
        checks.append(Check("id", False, str(exc)))
        return None, expected, checks
    checks.append(
        Check("id", True, f"ZKEL, register map {accel.info.version[0]}.{accel.info.version[1]}")
    )
    return accel, expected, checks


def _known_answers(
    accel: Any, expected: dict[str, int], *, msm: bool
) -> list[tuple[str, Callable]]:
    """(name, check) pairs; a check returns its detail line or raises."""
    from zkel.circuits.bn254 import G1, R
    from zkel.host.accel import kernels

    cpu = kernels("cpu")
    rng = random.Random(2024)
    log_n = max(accel.info.ntt_min_log, min(NTT_LOG_SIZE, accel.info.ntt_max_log))
    values = [rng.randrange(R) for _ in range(1 << log_n)]
    shift = rng.randrange(2, R)

    def registers() -> str:
        accel.check_registers(expected)
        return f"{len(expected)} registers as expected"

    def agree(name: str, got: object, want: object) -> str:
        if got != want:
            raise AssertionError(f"{name} differs from the CPU backend")
        return f"equals the CPU backend (size {len(values)})"

    checks = [
        ("registers", registers),
        ("ntt", lambda: agree("NTT", accel.ntt(values), cpu.ntt(values))),
        ("intt", lambda: agree("iNTT", accel.intt(values), cpu.intt(values))),
        (
            "coset ntt",
            lambda: agree(
                "coset NTT", accel.coset_ntt(values, shift), cpu.coset_ntt(values, shift)
            ),
        ),
    ]
    if msm:
        points = [G1.generator() * rng.randrange(1, R) for _ in range(MSM_POINTS)]
        scalars = [rng.randrange(R) for _ in points]

        def msm_check() -> str:
            if not accel.info.msm_present:
                return "SKIP: the core has no MSM engine"
            if accel.msm_g1(points, scalars) != cpu.msm_g1(points, scalars):
                raise AssertionError("MSM differs from the CPU backend")
            return f"equals the CPU backend ({len(points)} points)"

        checks.append(("msm", msm_check))
    return checks


def run_selftest(bitstream: Path | None, sim: str | None, *, msm: bool = True) -> list[Check]:
    """Every check, in order; stops after a failed load or identity check."""
    accel, expected, checks = _open(bitstream, sim)
    if accel is None:
        return checks
    with reporter("selftest") as rep:
        for name, fn in _known_answers(accel, expected, msm=msm):
            rep.step(name)
            try:
                detail = fn()
            except Exception as exc:  # a failed check is reported, not raised
                checks.append(Check(name, False, str(exc)))
                continue
            skipped = detail.startswith("SKIP: ")
            checks.append(Check(name, None if skipped else True, detail.removeprefix("SKIP: ")))
    accel.bus.close()
    return checks


@app.command("selftest")
def selftest_cmd(
    bitstream: Annotated[
        Path | None,
        typer.Option("--bitstream", help="The .bit (with .hwh and manifest.json beside it)."),
    ] = None,
    sim: Annotated[
        str | None,
        typer.Option("--sim", metavar="CONFIG", help="Run over the RTL in simulation instead."),
    ] = None,
    skip_msm: Annotated[
        bool,
        typer.Option("--skip-msm", help="Leave out the MSM job (about a minute in simulation)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Load the accelerator, check manifest and ID registers, run known-answer NTT and MSM jobs."""
    if (bitstream is None) == (sim is None):
        raise UserError("give exactly one of --bitstream PATH (a board) or --sim CONFIG")
    checks = run_selftest(bitstream, sim, msm=not skip_msm)
    ok = all(c.ok is not False for c in checks)
    if as_json:
        typer.echo(json.dumps({"ok": ok, "checks": [asdict(c) for c in checks]}, indent=2))
    else:
        for c in checks:
            mark = "SKIP" if c.ok is None else "PASS" if c.ok else "FAIL"
            typer.echo(f"{mark}  {c.name}: {c.detail}")
        typer.echo("selftest passed" if ok else "selftest FAILED")
    if not ok:
        raise typer.Exit(1)
