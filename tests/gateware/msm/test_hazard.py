"""In-flight bucket tracker against a naive list of recent issues."""

from __future__ import annotations

import gc
import random
import warnings

import pytest
from amaranth.hdl import UnusedElaboratable
from amaranth.sim import Simulator

from zkel.gateware.msm.hazard import InFlight


def test_hits_exactly_the_last_window_issues():
    dut = InFlight(addr_bits=4, window=5, probes=2)
    rng = random.Random(1)
    history: list[int | None] = []

    async def testbench(ctx):
        for _ in range(200):
            issue = rng.random() < 0.7
            addr = rng.randrange(16)
            probes = [rng.randrange(16), addr]
            ctx.set(dut.issue, issue)
            ctx.set(dut.address, addr)
            ctx.set(dut.probe[0], probes[0])
            ctx.set(dut.probe[1], probes[1])
            await ctx.delay(1e-9)
            recent = [a for a in history[-5:] if a is not None]
            for i, p in enumerate(probes):
                assert ctx.get(dut.hit[i]) == (p in recent)
            history.append(addr if issue else None)
            await ctx.tick()

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(testbench)
    sim.run()


def test_bad_window():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnusedElaboratable)
        with pytest.raises(ValueError, match="Window must be a positive integer, not 0"):
            InFlight(4, 0)
        gc.collect()
