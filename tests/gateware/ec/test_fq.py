"""Amaranth simulation of the combinational Fq helpers against Python integers,
on random operands and the edges of every reduction step."""

from __future__ import annotations

import random

import pytest
from amaranth.hdl import Module, Signal
from amaranth.sim import Simulator

from zkel.circuits.bn254.fields import Q
from zkel.gateware.config import ELEMENT_BITS
from zkel.gateware.ec.fq import QUOTIENT_SHIFT, add_mod, mul_small_mod, quotient_floor, sub_mod


def evaluate(build, pairs: list[tuple[int, int]]) -> list[int]:
    """Outputs of ``build(a, b)`` for each ``(a, b)``, settled in simulation."""
    m = Module()
    a, b = Signal(ELEMENT_BITS), Signal(ELEMENT_BITS)
    out = Signal(ELEMENT_BITS)
    m.d.comb += out.eq(build(a, b))
    got: list[int] = []

    async def bench(ctx):
        for x, y in pairs:
            ctx.set(a, x)
            ctx.set(b, y)
            got.append(ctx.get(out))

    sim = Simulator(m)
    sim.add_testbench(bench)
    sim.run()
    return got


def edge_multiples(k: int) -> list[int]:
    """``a < q`` with ``k·a`` at or next to a multiple of q or of ``2^s`` (the
    table's boundaries), plus 0, 1 and q - 1."""
    vals = {0, 1, 2, Q - 2, Q - 1}
    for j in range(1, k + 1):
        for target in (j * Q - 1, j * Q, j * Q + 1):
            for a in (target // k, target // k + 1):
                if 0 <= a < Q:
                    vals.add(a)
    for t in range(1, (k * Q >> QUOTIENT_SHIFT) + 2):
        edge = t << QUOTIENT_SHIFT
        for a in (edge // k - 1, edge // k, edge // k + 1):
            if 0 <= a < Q:
                vals.add(a)
    return sorted(vals)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 9, 17])
def test_mul_small_mod(k):
    rng = random.Random(k)
    values = edge_multiples(k) + [rng.randrange(Q) for _ in range(200)]
    got = evaluate(lambda a, b: mul_small_mod(a, k), [(v, 0) for v in values])
    assert got == [k * v % Q for v in values]


def test_quotient_table_is_within_one():
    # the premise of the table: floor(P / q) is the entry or one more, for every P
    # the top bits can come from
    for top in range((9 * Q >> QUOTIENT_SHIFT) + 1):
        lo, hi = top << QUOTIENT_SHIFT, ((top + 1) << QUOTIENT_SHIFT) - 1
        assert {lo // Q, hi // Q} <= {quotient_floor(top), quotient_floor(top) + 1}


def test_add_and_sub_mod():
    rng = random.Random(7)
    edges = [0, 1, Q - 1, Q - 2, Q // 2, Q // 2 + 1]
    pairs = [(x, y) for x in edges for y in edges]
    pairs += [(rng.randrange(Q), rng.randrange(Q)) for _ in range(200)]
    assert evaluate(add_mod, pairs) == [(x + y) % Q for x, y in pairs]
    assert evaluate(sub_mod, pairs) == [(x - y) % Q for x, y in pairs]


def test_bad_constant():
    with pytest.raises(ValueError, match="positive integer"):
        mul_small_mod(Signal(ELEMENT_BITS), 0)
