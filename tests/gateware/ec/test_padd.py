"""Gateware point adder against its model (behavioural multiplier, Amaranth simulation)."""

from __future__ import annotations

import gc
import random
import warnings

import pytest
from amaranth.hdl import Fragment, UnusedElaboratable
from amaranth.sim import Simulator

from tests.gateware.behavioural_montmul import R_BITS, BehaviouralMontMul
from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q
from zkel.gateware.ec.model import INFINITY, from_g1, mont_point, padd_mont, to_g1
from zkel.gateware.ec.padd import PointAdder

G = G1.generator()


def raises_quietly(match: str, build, *args, **kwargs) -> None:
    """``build(*args)`` raises ValueError matching ``match``; the half-built component's
    "never used" warning is collected here rather than in a later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnusedElaboratable)
        with pytest.raises(ValueError, match=match):
            build(*args, **kwargs)
        gc.collect()


def adder(multipliers: int = 12, latency: int = 2) -> PointAdder:
    return PointAdder(
        lambda: BehaviouralMontMul(Q, latency=latency), multipliers=multipliers, tag_bits=8
    )


def run_adder(dut: PointAdder, pairs, gap: int = 0):
    """Present the pairs (one per clock when ready, ``gap`` idle clocks between); results by tag."""
    results: dict[int, tuple] = {}
    times: dict[int, int] = {}
    issued: dict[int, int] = {}

    async def source(ctx):
        t = 0
        for tag, (p1, p2) in enumerate(pairs):
            while not ctx.get(dut.i_ready):
                await ctx.tick()
                t += 1
            for port, p in ((dut.p1, p1), (dut.p2, p2)):
                ctx.set(port.x, p[0])
                ctx.set(port.y, p[1])
                ctx.set(port.z, p[2])
            ctx.set(dut.tag, tag)
            ctx.set(dut.i_valid, 1)
            issued[tag] = t
            await ctx.tick()
            t += 1
            ctx.set(dut.i_valid, 0)
            for _ in range(gap):
                await ctx.tick()
                t += 1

    async def sink(ctx):
        t = 0
        while len(results) < len(pairs):
            if ctx.get(dut.o_valid):
                tag = ctx.get(dut.o_tag)
                assert tag not in results
                results[tag] = (ctx.get(dut.o.x), ctx.get(dut.o.y), ctx.get(dut.o.z))
                times[tag] = t
            await ctx.tick()
            t += 1
            assert t < 50 * (len(pairs) + dut.latency), "adder results missing"

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(source)
    sim.add_testbench(sink)
    sim.run()
    return [results[i] for i in range(len(pairs))], [
        times[i] - issued[i] for i in range(len(pairs))
    ]


def edge_pairs(rng: random.Random):
    """Random points, O, P+P, P+(-P), repeated points, in Montgomery form."""
    pts = [G * rng.randrange(1, 1 << 64) for _ in range(4)]
    cases = [
        (pts[0], pts[1]),
        (pts[2], pts[2]),  # doubling
        (pts[3], -pts[3]),  # cancellation
        (pts[1], G1.identity()),
        (G1.identity(), pts[0]),
        (G1.identity(), G1.identity()),
        (pts[0], pts[1]),  # repeated
        (G, G),
    ]
    out = [(mont_point(from_g1(a), R_BITS), mont_point(from_g1(b), R_BITS)) for a, b in cases]
    # a scaled (non-normalised) projective input, as buckets are
    lam = rng.randrange(2, Q)
    scaled = tuple(v * lam % Q for v in from_g1(pts[1]))
    out.append((mont_point(scaled, R_BITS), mont_point(from_g1(pts[2]), R_BITS)))
    out.append((mont_point(INFINITY, R_BITS), mont_point(INFINITY, R_BITS)))
    return out, cases


def check(dut: PointAdder, seed: int, gap: int = 0):
    pairs, cases = edge_pairs(random.Random(seed))
    got, lat = run_adder(dut, pairs, gap)
    for (p1, p2), out in zip(pairs, got, strict=True):
        assert out == padd_mont(p1, p2, R_BITS)
    # and the sums are right as group elements
    for (a, b), out in zip(cases, got, strict=False):
        assert to_g1(out) == a + b
    assert set(lat) == {dut.latency}
    return got


def test_pipelined_one_addition_per_clock():
    dut = adder(12)
    assert dut.initiation_interval == 1 and dut.latency == 2 * 2 + 5
    check(dut, seed=1)


@pytest.mark.parametrize("multipliers", [2, 4, 6])
def test_time_multiplexed(multipliers):
    dut = adder(multipliers)
    assert dut.initiation_interval == 12 // multipliers
    assert dut.latency == 2 * ((12 // multipliers - 1) + 2) + 5
    check(dut, seed=multipliers)


def test_idle_gaps_and_longer_multiplier_latency():
    check(adder(12, latency=5), seed=7, gap=3)
    check(adder(4, latency=4), seed=8, gap=2)


def test_bad_multiplier_count():
    raises_quietly(r"Multiplier count must be one of \(2, 4, 6, 12\), not 3", adder, 3)


def test_random_points_back_to_back():
    rng = random.Random(11)
    pts = [from_g1(G * rng.randrange(1, 1 << 128)) for _ in range(12)]
    pairs = [(mont_point(pts[i], R_BITS), mont_point(pts[i + 1], R_BITS)) for i in range(11)]
    got, _ = run_adder(adder(12, latency=3), pairs)
    assert got == [padd_mont(a, b, R_BITS) for a, b in pairs]


def test_product_stage_parameters():
    from zkel.gateware.ec.mulstage import ProductStage

    make = lambda: BehaviouralMontMul(Q, latency=2)  # noqa: E731
    raises_quietly("Multiplier count must be in 1..6, not 7", ProductStage, make, 6, 7)
    raises_quietly("Product count must be a positive integer, not 0", ProductStage, make, 0, 1)
    stage = ProductStage(make, 6, 4)
    assert (stage.phases, stage.initiation_interval, stage.latency) == (2, 2, 3)
    Fragment.get(stage, None)  # elaborates (and so uses) its multipliers
