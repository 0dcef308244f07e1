"""Run one job through an NTTEngine in Amaranth simulation (shared by the NTT tests)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from amaranth.sim import Simulator

from zkel.gateware.ntt.engine import NTTEngine


@dataclass
class JobResult:
    """Outputs of one job and what it cost."""

    values: list[int]
    lasts: list[int]
    cycles: int
    compute_cycles: int
    err_length: bool
    err_tlast: bool
    refused_writes: int = 0
    """Clocks on which the engine wrote to its unload FIFO while it was full."""


def run_job(
    dut: NTTEngine,
    values: list[int],
    *,
    inverse: bool = False,
    coset: bool = False,
    shift: int = 0,
    length: int | None = None,
    seed: int = 0,
    idle: float = 0.0,
    stall: float = 0.0,
    bad_last_at: int | None = None,
    max_cycles: int = 200_000,
) -> JobResult:
    """Start a job, stream ``values`` in and collect the output (random idles/stalls)."""
    rng = random.Random(seed)
    n = len(values) if length is None else length
    out: list[int] = []
    lasts: list[int] = []
    stats = {"cycles": 0, "compute": 0, "err_length": False, "err_tlast": False, "refused": 0}

    async def control(ctx):
        ctx.set(dut.length, n)
        ctx.set(dut.inverse, inverse)
        ctx.set(dut.coset, coset)
        ctx.set(dut.shift, shift)
        ctx.set(dut.start, 1)
        await ctx.tick()
        ctx.set(dut.start, 0)
        for cycle in range(max_cycles):
            _, _, done, busy, comp, e_len, e_tl = await ctx.tick().sample(
                dut.done, dut.busy, dut.computing, dut.err_length, dut.err_tlast
            )
            stats["compute"] += comp
            stats["err_length"] |= bool(e_len)
            stats["err_tlast"] |= bool(e_tl)
            if done:
                stats["cycles"] = cycle + 1
                return
        raise AssertionError("NTT job did not finish")

    async def source(ctx):
        for k, v in enumerate(values):
            while rng.random() < idle:
                await ctx.tick()
            ctx.set(dut.i.payload.data, v)
            last = k == len(values) - 1
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
                out.append(data)
                lasts.append(last)

    async def fifo_monitor(ctx):
        q = dut.out_fifo  # exists once the simulator has elaborated the engine
        while True:
            _, _, w_en, w_rdy = await ctx.tick().sample(q.w_en, q.w_rdy)
            stats["refused"] += bool(w_en and not w_rdy)

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(fifo_monitor, background=True)
    sim.add_testbench(control)
    sim.add_testbench(source, background=True)
    sim.add_testbench(sink, background=True)
    sim.run()
    return JobResult(
        out,
        lasts,
        stats["cycles"],
        stats["compute"],
        stats["err_length"],
        stats["err_tlast"],
        stats["refused"],
    )
