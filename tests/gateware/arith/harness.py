"""Drive a multiplier (``i_valid``, ``a``, ``b`` -> ``o_valid``, ``o``) in Amaranth simulation."""

from __future__ import annotations

import random
from dataclasses import dataclass

from amaranth.lib import wiring
from amaranth.sim import Simulator


@dataclass
class Run:
    """Results in output order, and the clock each operand went in and came out."""

    outputs: list[int]
    in_cycles: list[int]
    out_cycles: list[int]


def run_pairs(
    dut: wiring.Component,
    pairs: list[tuple[int, int]],
    *,
    idle: float = 0.0,
    seed: int = 0,
    spacing: int = 1,
) -> Run:
    """Present ``pairs`` at least ``spacing`` clocks apart, with random idle clocks.

    ``idle`` is the chance of one extra empty clock before each operand. Collects
    every ``o_valid`` result until all operands are out (and ``dut.latency`` more
    clocks, so a spurious extra ``o_valid`` would show).
    """
    rng = random.Random(seed)
    outputs: list[int] = []
    in_cycles: list[int] = []
    out_cycles: list[int] = []

    async def feed(ctx):
        now = 0
        for a, b in pairs:
            while rng.random() < idle:
                await ctx.tick()
                now += 1
            ctx.set(dut.i_valid, 1)
            ctx.set(dut.a, a)
            ctx.set(dut.b, b)
            in_cycles.append(now)
            for _ in range(spacing):
                await ctx.tick()
                now += 1
                ctx.set(dut.i_valid, 0)

    async def collect(ctx):
        now, spare = 0, dut.latency + 2
        while len(outputs) < len(pairs) or spare > 0:
            if len(outputs) == len(pairs):
                spare -= 1
            _, _, valid, o = await ctx.tick().sample(dut.o_valid, dut.o)
            if valid:
                outputs.append(o)
                out_cycles.append(now)
            now += 1

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(feed)
    sim.add_testbench(collect)
    sim.run()
    return Run(outputs, in_cycles, out_cycles)
