"""Iterative Montgomery multiplier against the integer model, in Amaranth simulation."""

from __future__ import annotations

import re

import pytest
from amaranth.hdl import Fragment
from amaranth.sim import Simulator

from tests.gateware.arith.harness import run_pairs
from tests.gateware.arith.test_montmul import edge_pairs, random_pairs
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.arith.model import mont_mul
from zkel.gateware.arith.montmul import MontgomeryParameters
from zkel.gateware.arith.montmul_iterative import MontMulIterative


def check_iterative(dut: MontMulIterative, pairs: list[tuple[int, int]], **run_args) -> None:
    """Results equal the model, in order, each exactly ``latency`` clocks after its input."""
    run = run_pairs(dut, pairs, spacing=dut.initiation_interval, **run_args)
    assert run.outputs == [mont_mul(a, b, dut.modulus, dut.r_bits) for a, b in pairs]
    delays = {o - i for i, o in zip(run.in_cycles, run.out_cycles, strict=True)}
    assert delays == {dut.latency}


@pytest.mark.parametrize("p", [Q, R], ids=["Fq", "Fr"])
@pytest.mark.parametrize("limb_bits", [17, 16])
def test_edges_at_the_initiation_interval(p, limb_bits):
    dut = MontMulIterative(p, limb_bits=limb_bits)
    check_iterative(dut, edge_pairs(p, dut.r_bits)[:20])


@pytest.mark.parametrize("p", [Q, R], ids=["Fq", "Fr"])
def test_random_with_irregular_spacing(p):
    """Random idle clocks between operands make some wait for a lane (their latency holds)."""
    check_iterative(MontMulIterative(p), random_pairs(p, 60, seed=7), idle=0.5, seed=8)


@pytest.mark.parametrize("limb_bits", [24, 26])
def test_wide_limbs(limb_bits):
    """24-bit limbs: n + 1 = 12 is a multiple of the three lanes (the worst spacing)."""
    dut = MontMulIterative(R, limb_bits=limb_bits)
    check_iterative(dut, random_pairs(R, 30, seed=limb_bits), idle=0.3, seed=1)


def test_small_modulus_exhaustive():
    dut = MontMulIterative(97, limb_bits=4, width=8)  # two limbs, R = 2^8
    check_iterative(dut, [(a, b) for a in range(97) for b in range(0, 97, 3)], idle=0.2)


def test_too_soon_is_refused_and_dropped():
    """Operands every clock: ``i_ready`` refuses some; accepted ones still come out right."""
    dut = MontMulIterative(R, limb_bits=17)
    pairs = random_pairs(R, 120, seed=9)
    accepted, results = [], []

    async def feed(ctx):
        for k, (a, b) in enumerate(pairs):
            ctx.set(dut.i_valid, 1)
            ctx.set(dut.a, a)
            ctx.set(dut.b, b)
            if ctx.get(dut.i_ready):
                accepted.append((k, a, b))
            await ctx.tick()
        ctx.set(dut.i_valid, 0)

    async def collect(ctx):
        for cycle in range(len(pairs) + dut.latency + 2):
            _, _, valid, o = await ctx.tick().sample(dut.o_valid, dut.o)
            if valid:
                results.append((cycle, o))

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(feed)
    sim.add_testbench(collect)
    sim.run()
    assert 3 <= len(accepted) < len(pairs)  # the loop holds three operations at a time
    assert results == [(k + dut.latency, mont_mul(a, b, R, 255)) for k, a, b in accepted]


def test_attributes_and_errors():
    dut = MontMulIterative(R, limb_bits=17)
    assert (dut.latency, dut.initiation_interval, dut.r_bits, dut.dsp_count) == (51, 16, 255, 29)
    assert MontgomeryParameters(Q, 17, 256).z == 15  # so 15 + 15 + 1 = 31 for Fq
    Fragment.get(dut, None)
    with pytest.raises(
        ValueError, match=re.escape("Limb width must be an integer in 4..64, not 99")
    ):
        MontMulIterative(R, limb_bits=99)
    with pytest.raises(
        ValueError, match=re.escape("Modulus must be an odd integer greater than 2, not 4")
    ):
        MontMulIterative(4)
