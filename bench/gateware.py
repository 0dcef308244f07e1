"""Gateware cycle counts in Amaranth simulation: the MSM and NTT engines.

Figures are clocks of the simulated RTL, not wall time (the wall time of each
simulation is recorded too, as a note on what the run cost). The Montgomery
multipliers are the behavioural stand-in (``tests/gateware/behavioural_montmul.py``:
``a·b·R^-1 mod p`` through a register chain) with the *real* multiplier's timing:
the latency of the pipelined :class:`zkel.gateware.arith.montmul_wide.MontMulWide`
(49 clocks with 17-bit digits, as :class:`zkel.gateware.arith.montmul.MontMul`'s with
17-bit limbs) and, for the small MSM, the latency and initiation interval of
:class:`zkel.gateware.arith.montmul_iterative.MontMulIterative` (51 and 16). The
control paths measured are the real engines'; only the multiplier's arithmetic is
modelled. Every result is checked against :mod:`zkel.circuits` (MSM through the
host finish), so each figure is of a correct run.

Measurements:

* **MSM, large configuration** (``zu48dr``: window 10, 12 multipliers, a fully
  pipelined adder): bucket additions per clock over the compute phase and over
  the stretch in which the adder is issued, and the job's clocks against
  ``points × windows + fixed`` (the adder's drain; for the whole job also the
  bucket clear after reset and the unload of three elements per bucket).
* **MSM, small configuration** (``z7020``: window 7, two iterative multipliers):
  clocks per bucket addition.
* **NTT** (``2^10`` points, ``units`` 1 as on every registered configuration, and 4,
  both with the pipelined multiplier's latency): butterflies per clock per unit
  while a stage issues, and total clocks.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from amaranth.lib import wiring
from amaranth.sim import Simulator

from bench.common import plot_lines, write_json
from tests.gateware.behavioural_montmul import BehaviouralMontMul
from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q, R
from zkel.circuits.msm import msm_g1
from zkel.circuits.ntt import ntt
from zkel.gateware.arith.montmul_iterative import MontMulIterative
from zkel.gateware.arith.montmul_wide import MontMulWide, wide_limb_bits
from zkel.gateware.config import MSMConfig, NTTConfig, get_config
from zkel.gateware.msm.engine import MSMEngine
from zkel.gateware.msm.finish import msm_from_buckets
from zkel.gateware.msm.words import pack_inputs
from zkel.gateware.ntt.butterfly import BUTTERFLY
from zkel.gateware.ntt.engine import NTTEngine
from zkel.host.cli.progress import StepReporter, reporter

LARGE_MSM_CONFIG = "zu48dr"
SMALL_MSM_CONFIG = "z7020"
NTT_UNITS = (1, 4)
"""Butterfly units of the NTT runs: 1 as every registered configuration has, and 4."""
NTT_LOG_SIZE = 10
SIM_RECURSION_LIMIT = 20_000
"""Python recursion limit while the simulator compiles an engine: the MSM engine's
expressions at c = 7 with two multipliers nest deeper than the default 1,000 allows."""
SAMPLE_EVERY = 256
"""Clocks between the points of the cumulative-additions curve in the plot."""


# -- multiplier timing ------------------------------------------------------------------


@dataclass(frozen=True)
class MulTiming:
    """Timing of a Montgomery multiplier: ``latency`` and ``initiation_interval`` (clocks)."""

    name: str
    latency: int
    initiation_interval: int


def multiplier_timing(kind: type, modulus: int, limb_bits: int) -> MulTiming:
    """Read the timing of the project's multiplier ``kind`` (built, never elaborated)."""
    mul = kind(modulus, limb_bits=limb_bits)
    mul._MustUse__silence = True  # built only to read its timing
    return MulTiming(kind.__name__, int(mul.latency), int(getattr(mul, "initiation_interval", 1)))


class PacedBehaviouralMontMul(BehaviouralMontMul):
    """The behavioural multiplier with an ``initiation_interval`` (an iterative one's pace).

    It would take an operand every clock; the attribute makes the point adder's
    multiplier stage pace itself as it does around
    :class:`~zkel.gateware.arith.montmul_iterative.MontMulIterative`.
    """

    def __init__(self, modulus: int, *, latency: int, initiation_interval: int) -> None:
        super().__init__(modulus, latency=latency)
        self.initiation_interval = initiation_interval


def behavioural(modulus: int, timing: MulTiming) -> Callable[[], BehaviouralMontMul]:
    """Factory of behavioural multipliers over ``modulus`` (``a·b·2^-256 mod modulus``,
    Montgomery form in and out) with ``timing``."""
    if timing.initiation_interval == 1:
        return lambda: BehaviouralMontMul(modulus, latency=timing.latency)
    return lambda: PacedBehaviouralMontMul(
        modulus, latency=timing.latency, initiation_interval=timing.initiation_interval
    )


# -- MSM ------------------------------------------------------------------------------


@dataclass
class MSMRun:
    """One MSM job in simulation: clocks, additions and the output elements."""

    cycles: int = 0
    compute_cycles: int = 0
    additions: int = 0
    collisions: int = 0
    first_issue: int = -1
    last_issue: int = -1
    outputs: list[int] = field(default_factory=list)
    curve: tuple[list[int], list[int]] = field(default_factory=lambda: ([], []))
    sim_seconds: float = 0.0


def random_msm_inputs(n: int, seed: int) -> tuple[list[G1], list[int]]:
    """``n`` distinct points ``P0 + i·D`` (random ``P0``, ``D``) and random scalars below r."""
    rng = random.Random(seed)
    g = G1.generator()
    step = g * rng.randrange(1, R)
    point = g * rng.randrange(1, R)
    points = []
    for _ in range(n):
        points.append(point)
        point = point + step
    return points, [rng.randrange(R) for _ in range(n)]


def simulator(dut: wiring.Component) -> Simulator:
    """A simulator of ``dut`` with a 10 ns clock (compiled under a raised recursion limit)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, SIM_RECURSION_LIMIT))
    try:
        sim = Simulator(dut)
    finally:
        sys.setrecursionlimit(limit)
    sim.add_clock(1e-8)
    return sim


def simulate_msm(
    dut: MSMEngine, elements: Sequence[int], n_points: int, rep: StepReporter, expect: int
) -> MSMRun:
    """Run one job (after reset) with an always-ready sink and a source that never idles."""
    run = MSMRun()
    issue = dut.adder.i_valid

    async def bench(ctx):
        ctx.set(dut.length, n_points)
        ctx.set(dut.o.ready, 1)
        ctx.set(dut.start, 1)
        await ctx.tick()
        ctx.set(dut.start, 0)
        k, cycle = 0, 0
        while True:
            ctx.set(dut.i.valid, k < len(elements))
            if k < len(elements):
                ctx.set(dut.i.payload.data, elements[k])
                ctx.set(dut.i.payload.last, k == len(elements) - 1)
            _, _, i_ready, o_valid, o_data, done, comp, add = await ctx.tick().sample(
                dut.i.ready, dut.o.valid, dut.o.payload.data, dut.done, dut.computing, issue
            )
            cycle += 1
            k += bool(i_ready and k < len(elements))
            if o_valid:
                run.outputs.append(o_data)
            run.compute_cycles += comp
            if add:
                run.last_issue = cycle
                if run.first_issue < 0:
                    run.first_issue = cycle
            if cycle % SAMPLE_EVERY == 0:
                run.curve[0].append(cycle)
                run.curve[1].append(ctx.get(dut.additions))
                rep.count("clocks", cycle, expect)
            if done:
                run.cycles = cycle
                run.additions = ctx.get(dut.additions)
                run.collisions = ctx.get(dut.collisions)
                rep.count("clocks", cycle, cycle)
                return

    sim = simulator(dut)
    sim.add_testbench(bench)
    t0 = time.perf_counter()
    sim.run()
    run.sim_seconds = time.perf_counter() - t0
    return run


def measure_msm(
    cfg: MSMConfig, timing: MulTiming, n: int, seed: int, rep: StepReporter
) -> tuple[dict, MSMRun]:
    """Simulate an MSM of ``n`` random points on an engine with ``cfg`` and check it."""
    rep.step(f"MSM of {n} points, c = {cfg.window_bits}, {cfg.multipliers} multipliers")
    points, scalars = random_msm_inputs(n, seed)
    dut = MSMEngine(cfg, behavioural(Q, timing))
    W, nb = cfg.n_windows, cfg.buckets_per_window
    buckets = W * nb
    clear, unload = buckets, 3 * buckets
    ideal_compute = n * W * dut.initiation_interval + dut.latency
    run = simulate_msm(dut, pack_inputs(points, scalars), n, rep, ideal_compute + clear + unload)
    rep.step(f"check {n} points against circuits.msm.msm_g1")
    correct = msm_from_buckets(run.outputs, cfg) == msm_g1(points, scalars)
    if not correct:
        raise AssertionError(f"MSM engine result differs from circuits.msm for {n} points")
    issue_span = run.last_issue - run.first_issue + 1
    ideal_from_adds = run.additions * dut.initiation_interval + dut.latency  # zero digits skipped
    row = {
        "points": n,
        "window_bits": cfg.window_bits,
        "windows": W,
        "buckets": buckets,
        "adder_multipliers": cfg.multipliers,
        "multiplier": asdict(timing) | {"modelled_by": "behavioural (tests/gateware)"},
        "adder_latency": dut.latency,
        "adder_initiation_interval": dut.initiation_interval,
        "additions": run.additions,
        "collisions": run.collisions,
        "compute_cycles": run.compute_cycles,
        "job_cycles": run.cycles,
        "additions_per_clock_compute": round(run.additions / run.compute_cycles, 4),
        "additions_per_clock_issuing": round(run.additions / issue_span, 4),
        "clocks_per_addition_compute": round(run.compute_cycles / run.additions, 2),
        "ideal_compute_cycles_points_x_windows": ideal_compute,
        "ratio_compute_over_points_x_windows": round(run.compute_cycles / ideal_compute, 3),
        "ideal_compute_cycles_from_additions": ideal_from_adds,
        "ratio_compute_over_ideal_from_additions": round(run.compute_cycles / ideal_from_adds, 3),
        "clear_cycles_model": clear,
        "unload_cycles_model": unload,
        "ratio_job_over_ideal_with_clear_and_unload": round(
            run.cycles / (ideal_compute + clear + unload), 3
        ),
        "correct": correct,
        "sim_wall_s": round(run.sim_seconds, 1),
        "sim_clocks_per_s": round(run.cycles / run.sim_seconds, 1),
    }
    return row, run


# -- NTT ------------------------------------------------------------------------------


def simulate_ntt(dut: NTTEngine, values: Sequence[int], rep: StepReporter) -> dict:
    """Run a forward NTT job; clocks, compute clocks, butterfly issue clocks, outputs."""
    res: dict = {"outputs": [], "issues": []}
    unit0 = dut.units[0]
    n, log_n = len(values), len(values).bit_length() - 1
    expect = 2 * n + log_n * (n // (2 * dut.P) + dut.latency + 4)

    async def bench(ctx):
        ctx.set(dut.length, len(values))
        ctx.set(dut.o.ready, 1)
        ctx.set(dut.start, 1)
        await ctx.tick()
        ctx.set(dut.start, 0)
        k, cycle, comp = 0, 0, 0
        while True:
            ctx.set(dut.i.valid, k < len(values))
            if k < len(values):
                ctx.set(dut.i.payload.data, values[k])
                ctx.set(dut.i.payload.last, k == len(values) - 1)
            _, _, i_ready, o_valid, o_data, done, c, valid, op = await ctx.tick().sample(
                dut.i.ready,
                dut.o.valid,
                dut.o.payload.data,
                dut.done,
                dut.computing,
                unit0.i_valid,
                unit0.op,
            )
            cycle += 1
            comp += c
            k += bool(i_ready and k < len(values))
            if o_valid:
                res["outputs"].append(o_data)
            if valid and op == BUTTERFLY and c:
                res["issues"].append(cycle)
            if cycle % SAMPLE_EVERY == 0:
                rep.count("clocks", cycle, expect)
            if done:
                res["cycles"], res["compute_cycles"] = cycle, comp
                return

    sim = simulator(dut)
    sim.add_testbench(bench)
    t0 = time.perf_counter()
    sim.run()
    res["sim_seconds"] = time.perf_counter() - t0
    return res


def issue_bursts(issues: Sequence[int]) -> list[tuple[int, int]]:
    """``(issues, span in clocks)`` of each run of issue clocks with no gap over 1 clock."""
    bursts: list[tuple[int, int]] = []
    start = prev = None
    count = 0
    for c in issues:
        if prev is not None and c - prev > 2:
            bursts.append((count, prev - start + 1))
            start, count = None, 0
        if start is None:
            start = c
        count += 1
        prev = c
    if start is not None:
        bursts.append((count, prev - start + 1))
    return bursts


def measure_ntt(units: int, timing: MulTiming, seed: int, rep: StepReporter) -> dict:
    """A forward 2^NTT_LOG_SIZE NTT on an engine of ``units`` butterfly units."""
    ncfg = NTTConfig(NTT_LOG_SIZE, units)
    dut = NTTEngine(ncfg, behavioural(R, timing))
    rng = random.Random(seed)
    n = 1 << NTT_LOG_SIZE
    values = [rng.randrange(R) for _ in range(n)]
    res = simulate_ntt(dut, values, rep)
    if res["outputs"] != ntt(values):
        raise AssertionError(f"NTT engine ({units} units) result differs from circuits.ntt")
    butterflies = (n // 2) * NTT_LOG_SIZE
    bursts = issue_bursts(res["issues"])
    steady = sum(b for b, _ in bursts) / sum(s for _, s in bursts)
    per_stage = n // (2 * ncfg.units)
    ideal_compute = NTT_LOG_SIZE * (per_stage + dut.latency)
    return {
        "units": ncfg.units,
        "points": n,
        "multiplier": asdict(timing) | {"modelled_by": "behavioural (tests/gateware)"},
        "butterfly_latency": dut.latency,
        "butterflies": butterflies,
        "butterfly_issue_clocks_unit0": len(res["issues"]),
        "stages_seen": len(bursts),
        "butterflies_per_clock_per_unit_steady": round(steady, 4),
        "butterflies_per_clock_per_unit_compute": round(
            butterflies / ncfg.units / res["compute_cycles"], 4
        ),
        "compute_cycles": res["compute_cycles"],
        "ideal_compute_cycles": ideal_compute,
        "job_cycles": res["cycles"],
        "load_and_unload_cycles": res["cycles"] - res["compute_cycles"],
        "correct": True,
        "sim_wall_s": round(res["sim_seconds"], 1),
    }


# -- the suite ------------------------------------------------------------------------


def run(quick: bool = False) -> dict:
    large_n = 1 << (8 if quick else 12)
    small_n = 4 if quick else 16
    wide = wide_limb_bits(get_config(LARGE_MSM_CONFIG).device.family)
    pipelined_q = multiplier_timing(MontMulWide, Q, wide)
    pipelined_r = multiplier_timing(MontMulWide, R, wide)
    iterative_q = multiplier_timing(MontMulIterative, Q, get_config(SMALL_MSM_CONFIG).limb_bits)
    large_cfg = get_config(LARGE_MSM_CONFIG).msm  # 12 multipliers: fully pipelined
    small_cfg = get_config(SMALL_MSM_CONFIG).msm
    t0 = time.perf_counter()
    with reporter("bench gateware") as rep:
        ntt_rows = []
        for units in NTT_UNITS:
            rep.step(f"NTT 2^{NTT_LOG_SIZE}, {units} unit(s)")
            ntt_rows.append(measure_ntt(units, pipelined_r, seed=1, rep=rep))
            print(f"  gateware ntt: {ntt_rows[-1]}", flush=True)
        small, _ = measure_msm(small_cfg, iterative_q, small_n, seed=2, rep=rep)
        small["config"] = SMALL_MSM_CONFIG
        print(f"  gateware msm small: {small}", flush=True)
        large, large_run = measure_msm(large_cfg, pipelined_q, large_n, seed=3, rep=rep)
        large["config"] = f"{LARGE_MSM_CONFIG}: multipliers = 12 (fully pipelined)"
        print(f"  gateware msm large: {large}", flush=True)
    xs, ys = large_run.curve
    plot_lines(
        "gateware_msm",
        f"MSM engine, c = {large_cfg.window_bits}, 12 multipliers (latency "
        f"{pipelined_q.latency}), {large_n} points",
        "clock",
        "bucket additions issued",
        {
            "engine (simulated RTL)": (xs, ys),
            "one addition per clock from the first issue": (
                xs,
                [min(max(x - large_run.first_issue + 1, 0), large["additions"]) for x in xs],
            ),
        },
        logx=False,
        logy=False,
    )
    write_json(
        "gateware",
        {
            "quick": quick,
            "note": (
                "clock counts from Amaranth simulation of the engines; multipliers are the "
                "behavioural model with the real multipliers' latency (and the iterative "
                "one's initiation interval); results checked against zkel.circuits"
            ),
            "goal": {"additions_per_clock": 0.9, "cycles_over_ideal": 1.2},
            "msm_large": large,
            "msm_small": small,
            "ntt": ntt_rows,
            "wall_s": round(time.perf_counter() - t0, 1),
        },
    )
    return {
        "msm_points": large_n,
        "msm_additions_per_clock": large["additions_per_clock_compute"],
        "msm_compute_over_ideal": large["ratio_compute_over_points_x_windows"],
        "msm_small_clocks_per_addition": small["clocks_per_addition_compute"],
        "ntt_butterflies_per_clock_per_unit": [
            r["butterflies_per_clock_per_unit_steady"] for r in ntt_rows
        ],
    }
