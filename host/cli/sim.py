"""``zkel sim ntt`` / ``zkel sim msm``: the accelerator RTL in simulation.

``zkel sim ntt`` runs one NTT job through the whole top level (``zkel_top``: AXI4-Lite
registers, AXI4-Stream in and out, the NTT engine) in the cocotb bench of
``sim/test_zkel_top.py`` on Icarus Verilog, checks the output against
:mod:`zkel.circuits.ntt`, and prints the top's cycle counters: total (START to
DONE, load and unload included) and compute (between the end of the input and
the start of the output), and butterflies per compute clock.

``zkel sim msm`` runs one MSM of random points and scalars through the same top
(the MSM bucket engine), finishes the bucket stream on the host
(:func:`zkel.gateware.msm.finish.msm_from_buckets`), checks the point against
:mod:`zkel.circuits.msm`, and prints the cycle counters (total; compute: points
streaming in and bucket additions, the clear and unload outside), the bucket
additions the engine issued, additions per compute clock and same-bucket
collisions.

Both need the ``sim/`` folder of a source checkout and ``iverilog``
(``make sim-tools``). Exit 0 when the result matches, 1 when it does not, 2 for
bad arguments.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from zkel.host.cli.errors import UserError
from zkel.host.cli.progress import reporter

app = typer.Typer(no_args_is_help=True, add_completion=False)

_RUNNER_NAME = "zkel_sim_runner"


def _config(name: str) -> object:
    from zkel.gateware.config import CONFIGS

    cfg = CONFIGS.get(name)
    if cfg is None:
        raise UserError(f"unknown configuration {name!r}; known: {', '.join(sorted(CONFIGS))}")
    return cfg


def _runner() -> ModuleType:
    """``sim/runner.py`` of the source checkout this zkel is installed from."""
    import zkel.host

    path = Path(zkel.host.__file__).resolve().parents[1] / "sim" / "runner.py"
    if not path.is_file():
        raise UserError(f"zkel sim needs the sim/ folder of a zkel source checkout ({path})")
    for name in (_RUNNER_NAME, "sim.runner"):  # loaded already: keep its compiled builds
        loaded = sys.modules.get(name)
        if loaded is not None and Path(loaded.__file__).resolve() == path:
            return loaded
    try:
        spec = importlib.util.spec_from_file_location(_RUNNER_NAME, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[_RUNNER_NAME] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    except ImportError as exc:
        sys.modules.pop(_RUNNER_NAME, None)
        raise UserError(f"the simulation needs the dev extra (make setup): {exc}") from None
    if not module.simulator_available():
        raise UserError("iverilog (Icarus Verilog) is not installed; `make sim-tools` installs it")
    return module


def butterflies(n: int) -> int:
    """Radix-2 butterflies of a size-n transform: ``n/2`` per stage, ``log2 n`` stages."""
    return (n // 2) * (n.bit_length() - 1)


@app.command("ntt")
def ntt_cmd(
    config: Annotated[str, typer.Option(help="Accelerator configuration (tiny, z7020, ...).")],
    size: Annotated[int, typer.Option(help="Transform size n, a power of two the build holds.")],
    seed: Annotated[int, typer.Option(help="Seed of the random input and coset base.")] = 1,
    inverse: Annotated[bool, typer.Option("--inverse", help="Inverse transform.")] = False,
    coset: Annotated[bool, typer.Option("--coset", help="Coset variant.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """One NTT through the RTL of the accelerator top (cocotb + Icarus), checked and timed."""
    from zkel.gateware.top import choose_multiplier

    cfg = _config(config)
    lo, hi = 1 << cfg.ntt.min_log_size, 1 << cfg.ntt.max_log_size
    if size < 1 or size & (size - 1):
        raise UserError(f"--size must be a power of two, not {size}")
    if not lo <= size <= hi:
        raise UserError(f"--size must be in {lo}..{hi} for configuration {cfg.name}, not {size}")
    if seed < 0:
        raise UserError(f"--seed must be non-negative, not {seed}")
    runner = _runner()
    variant = ("inverse " if inverse else "") + ("coset " if coset else "") + "NTT"
    with reporter(f"sim {variant.lower()} n={size} seed={seed}") as rep:
        try:
            result = runner.run_ntt_job(
                cfg.name, size, inverse=inverse, coset=coset, seed=seed, progress=rep.step
            )
        except runner.BenchFailed as exc:
            raise UserError(str(exc).splitlines()[0]) from None
    work = butterflies(size)
    compute = result["compute_cycles"]
    result |= {
        "simulator": "icarus (cocotb)",
        "ntt_multiplier": choose_multiplier(cfg).kind,
        "units": cfg.ntt.units,
        "butterflies": work,
        "butterflies_per_clock": round(work / compute, 4) if compute else None,
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        verdict = "matches" if result["ok"] else "DIFFERS from"
        typer.echo(
            f"{variant} of {size} on {cfg.name} ({cfg.ntt.units} unit(s), "
            f"{result['ntt_multiplier']} multiplier): output {verdict} zkel.circuits.ntt"
        )
        typer.echo(f"cycles      {result['cycles']:,} total, {compute:,} computing")
        typer.echo(
            f"butterflies {work:,}: {result['butterflies_per_clock']} per compute clock "
            f"({cfg.ntt.units} at most); at {cfg.clock_mhz:g} MHz "
            f"{result['cycles'] / cfg.clock_mhz:,.1f} us per job"
        )
    if not result["ok"]:
        raise UserError(
            f"{result['wrong_outputs']} of {size} outputs differ from zkel.circuits.ntt "
            f"(seed {seed})",
            exit_code=1,
        )


MAX_SIM_POINTS = 1024
"""Most points ``zkel sim msm`` takes: Icarus runs the top at some hundreds of clocks
per second, so larger jobs take hours."""


@app.command("msm")
def msm_cmd(
    config: Annotated[str, typer.Option(help="Accelerator configuration (tiny, z7020, ...).")],
    points: Annotated[int, typer.Option(help="Number of points and scalars.")],
    seed: Annotated[int, typer.Option(help="Seed of the random points and scalars.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """One MSM through the RTL of the accelerator top (cocotb + Icarus), checked and timed."""
    from zkel.gateware.top import choose_msm_multiplier

    cfg = _config(config)
    if not 1 <= points <= MAX_SIM_POINTS:
        raise UserError(f"--points must be in 1..{MAX_SIM_POINTS}, not {points}")
    if seed < 0:
        raise UserError(f"--seed must be non-negative, not {seed}")
    runner = _runner()
    with reporter(f"sim msm n={points} seed={seed}") as rep:
        try:
            result = runner.run_msm_job(cfg.name, points, seed=seed, progress=rep.step)
        except runner.BenchFailed as exc:
            raise UserError(str(exc).splitlines()[0]) from None
    choice = choose_msm_multiplier(cfg)
    interval = adder_interval(cfg.msm.multipliers, choice.interval)
    compute = result["compute_cycles"]
    result |= {
        "simulator": "icarus (cocotb)",
        "window_bits": cfg.msm.window_bits,
        "msm_multiplier": choice.kind,
        "adder_multipliers": cfg.msm.multipliers,
        "adder_interval": interval,
        "additions_per_clock": round(result["additions"] / compute, 4) if compute else None,
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        _print_msm(cfg, points, result)
    if not result["ok"]:
        raise UserError(
            f"the MSM of {points} points differs from zkel.circuits.msm (seed {seed})",
            exit_code=1,
        )


def adder_interval(multipliers: int, multiplier_interval: int) -> int:
    """Clocks between two additions the point adder takes: its 12 products go over
    ``multipliers`` multipliers in ``ceil(12 / multipliers)`` phases of
    ``multiplier_interval`` clocks (:mod:`zkel.gateware.ec.padd`)."""
    return -(-12 // multipliers) * multiplier_interval


def _print_msm(cfg: object, points: int, result: dict) -> None:
    verdict = "matches" if result["ok"] else "DIFFERS from"
    typer.echo(
        f"MSM of {points} points on {cfg.name} (c = {result['window_bits']}, "
        f"{result['adder_multipliers']} {result['msm_multiplier']} multipliers): "
        f"result {verdict} zkel.circuits.msm"
    )
    typer.echo(f"cycles      {result['cycles']:,} total, {result['compute_cycles']:,} computing")
    typer.echo(
        f"additions   {result['additions']:,} bucket additions: "
        f"{result['additions_per_clock']} per compute clock "
        f"(1/{result['adder_interval']} at most); {result['collisions']:,} collisions"
    )
    typer.echo(f"at {cfg.clock_mhz:g} MHz {result['cycles'] / cfg.clock_mhz:,.1f} us per job")
