"""Signed-digit recoding in one addition: model against circuits.msm, gateware against model."""

from __future__ import annotations

import random

import pytest
from amaranth.hdl import Module, Signal
from amaranth.sim import Simulator
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits.bn254.fields import R
from zkel.circuits.msm import n_windows, signed_digits
from zkel.gateware.msm.recoding import BucketOp, bucket_ops, recode


def expected_ops(k: int, c: int) -> list[BucketOp | None]:
    half = 1 << (c - 1)
    return [
        None if d == 0 else BucketOp(w * half + abs(d) - 1, d < 0)
        for w, d in enumerate(signed_digits(k, c))
    ]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, R - 1), st.integers(2, 16))
def test_one_addition_gives_the_signed_digits(k, c):
    assert bucket_ops(k, c, n_windows(c)) == expected_ops(k, c)


@pytest.mark.parametrize("k", [0, 1, R - 1, (1 << 253) - 1])
@pytest.mark.parametrize("c", [2, 3, 11, 16])
def test_edges(k, c):
    assert bucket_ops(k, c, n_windows(c)) == expected_ops(k, c)


def test_scalar_out_of_range():
    with pytest.raises(ValueError, match=r"scalar must be in \[0, r\), not -1"):
        bucket_ops(-1, 3, 85)
    with pytest.raises(ValueError, match=r"scalar must be in \[0, r\)"):
        bucket_ops(R, 3, 85)


@pytest.mark.parametrize("c", [2, 3, 4])
def test_gateware_recoding(c):
    windows = n_windows(c)
    addr_bits = (windows * (1 << (c - 1)) - 1).bit_length()
    m = Module()
    scalar = Signal(256)
    outs = []
    for nz, addr, neg in recode(scalar, c, windows):
        assert len(addr) == addr_bits  # addresses pack side by side in the engine
        sigs = (Signal(), Signal(addr_bits), Signal())
        m.d.comb += [sigs[0].eq(nz), sigs[1].eq(addr), sigs[2].eq(neg)]
        outs.append(sigs)
    rng = random.Random(c)
    scalars = [0, 1, R - 1] + [rng.randrange(R) for _ in range(8)]

    async def testbench(ctx):
        for k in scalars:
            ctx.set(scalar, k)
            await ctx.delay(1e-9)
            got = [
                BucketOp(ctx.get(a), bool(ctx.get(s))) if ctx.get(nz) else None for nz, a, s in outs
            ]
            assert got == bucket_ops(k, c, windows)

    sim = Simulator(m)
    sim.add_testbench(testbench)
    sim.run()
