"""Butterfly unit against zkel.circuits.ntt.butterfly, in Amaranth simulation."""

from __future__ import annotations

import random

import pytest
from amaranth.sim import Simulator

from tests.gateware.behavioural_montmul import BehaviouralMontMul
from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import butterfly as model
from zkel.gateware.ntt.butterfly import BUTTERFLY, SCALE, Butterfly


def behavioural():
    return BehaviouralMontMul(R, latency=3)


def check_butterfly(dut: Butterfly, cases: list[tuple[int, int, int, int, int]]) -> None:
    """Feed (a, b, w, op, swap) one per clock; compare every output with the model."""
    mont_r = dut.mont_r
    got = []

    async def feed(ctx):
        for k, (a, b, w, op, swap) in enumerate(cases):
            ctx.set(dut.i_valid, 1)
            ctx.set(dut.a, a)
            ctx.set(dut.b, b)
            ctx.set(dut.w, w * mont_r % R)
            ctx.set(dut.op, op)
            ctx.set(dut.swap, swap)
            ctx.set(dut.tag, k)
            await ctx.tick()
        ctx.set(dut.i_valid, 0)

    async def collect(ctx):
        while len(got) < len(cases):
            _, _, valid, x, y, tag = await ctx.tick().sample(dut.o_valid, dut.x, dut.y, dut.o_tag)
            if valid:
                got.append((tag, x, y))

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(feed)
    sim.add_testbench(collect)
    sim.run()
    for k, (a, b, w, op, swap) in enumerate(cases):
        x, y = model(a, b, w) if op == BUTTERFLY else (a, w * b % R)
        if swap:
            x, y = y, x
        assert got[k] == (k, x, y), (a, b, w, op, swap)


EDGES = [0, 1, 2, R - 1, R - 2]


def edge_cases() -> list[tuple[int, int, int, int, int]]:
    return [(a, b, w, BUTTERFLY, 0) for a in EDGES for b in EDGES for w in (0, 1, R - 1)]


def random_cases(n: int, seed: int) -> list[tuple[int, int, int, int, int]]:
    rng = random.Random(seed)
    return [
        (rng.randrange(R), rng.randrange(R), rng.randrange(R), rng.randrange(2), rng.randrange(2))
        for _ in range(n)
    ]


def test_edges_with_behavioural_multiplier():
    check_butterfly(Butterfly(behavioural, tag_bits=8), edge_cases())


def test_random_ops_with_behavioural_multiplier():
    check_butterfly(Butterfly(behavioural, tag_bits=8), random_cases(40, seed=1))


def test_latency_is_multiplier_plus_one():
    dut = Butterfly(behavioural)
    assert dut.latency == 4 and dut.initiation_interval == 1


def test_scale_op_keeps_a():
    check_butterfly(
        Butterfly(behavioural, tag_bits=4), [(5, 7, 3, SCALE, 0), (R - 1, 2, 2, SCALE, 1)]
    )


def test_real_multiplier_edges_and_random():
    """The butterfly with the project's Montgomery multiplier (once gateware.arith exists)."""
    montmul = pytest.importorskip("zkel.gateware.arith.montmul")
    dut = Butterfly(lambda: montmul.MontMul(R, limb_bits=17), tag_bits=8)
    check_butterfly(dut, edge_cases()[:12] + random_cases(12, seed=2))
