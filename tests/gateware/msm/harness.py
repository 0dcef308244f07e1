"""Run one job through an MSMEngine in Amaranth simulation (shared by the MSM tests)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from amaranth.sim import Simulator

from tests.gateware.behavioural_montmul import BehaviouralMontMul
from zkel.circuits.bn254.fields import Q
from zkel.gateware.config import MSMConfig
from zkel.gateware.msm.engine import MSMEngine


def engine(
    window_bits: int = 3, multipliers: int = 12, *, mul_latency: int = 2, queue_depth: int = 4
) -> MSMEngine:
    """An engine over the behavioural multiplier."""
    cfg = MSMConfig(window_bits, multipliers=multipliers, queue_depth=queue_depth)
    return MSMEngine(cfg, lambda: BehaviouralMontMul(Q, latency=mul_latency))


@dataclass
class JobResult:
    """Outputs of one job and what it cost."""

    values: list[int]
    lasts: list[int]
    cycles: int
    compute_cycles: int
    additions: int
    collisions: int
    err_length: bool
    err_tlast: bool


def run_job(
    dut: MSMEngine,
    elements: list[int],
    *,
    length: int | None = None,
    seed: int = 0,
    idle: float = 0.0,
    stall: float = 0.0,
    bad_last_at: int | None = None,
    jobs: int = 1,
    max_cycles: int = 100_000,
) -> list[JobResult]:
    """Run ``jobs`` jobs back to back on the same input; stream in/out with random idles."""
    rng = random.Random(seed)
    n = len(elements) // 3 if length is None else length
    results: list[JobResult] = []

    async def control(ctx):
        for _ in range(jobs):
            out: list[int] = []
            lasts: list[int] = []
            stats = {"compute": 0, "err_length": False, "err_tlast": False}
            ctx.set(dut.length, n)
            ctx.set(dut.start, 1)
            await ctx.tick()
            ctx.set(dut.start, 0)
            sink_state["out"], sink_state["lasts"] = out, lasts
            source_state["go"] = True
            for cycle in range(max_cycles):
                _, _, done, comp, e_len, e_tl = await ctx.tick().sample(
                    dut.done, dut.computing, dut.err_length, dut.err_tlast
                )
                stats["compute"] += comp
                stats["err_length"] |= bool(e_len)
                stats["err_tlast"] |= bool(e_tl)
                if done:
                    results.append(
                        JobResult(
                            list(out),
                            list(lasts),
                            cycle + 1,
                            stats["compute"],
                            ctx.get(dut.additions),
                            ctx.get(dut.collisions),
                            stats["err_length"],
                            stats["err_tlast"],
                        )
                    )
                    break
            else:
                raise AssertionError("MSM job did not finish")

    source_state = {"go": False}
    sink_state: dict = {"out": [], "lasts": []}

    async def source(ctx):
        while True:
            while not source_state["go"]:
                await ctx.tick()
            source_state["go"] = False
            for k, v in enumerate(elements):
                while rng.random() < idle:
                    await ctx.tick()
                last = k == len(elements) - 1
                ctx.set(dut.i.payload.data, v)
                ctx.set(dut.i.payload.last, (not last) if k == bad_last_at else last)
                ctx.set(dut.i.valid, 1)
                await ctx.tick().until(dut.i.ready)
                ctx.set(dut.i.valid, 0)

    async def sink(ctx):
        while True:
            ready = rng.random() >= stall
            ctx.set(dut.o.ready, ready)
            _, _, valid, data, last = await ctx.tick().sample(
                dut.o.valid, dut.o.payload.data, dut.o.payload.last
            )
            if valid and ready:
                sink_state["out"].append(data)
                sink_state["lasts"].append(last)

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(control)
    sim.add_testbench(source, background=True)
    sim.add_testbench(sink, background=True)
    sim.run()
    return results
