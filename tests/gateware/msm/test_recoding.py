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
from zkel.gateware.msm.recoding import BucketOp, bucket_ops, recode, top_window_layout


def expected_ops(k: int, c: int, point: int = 0) -> list[BucketOp | None]:
    half = 1 << (c - 1)
    digits = signed_digits(k, c)
    top, replicas = top_window_layout(c, len(digits))
    ops = []
    for w, d in enumerate(digits):
        slot = abs(d) - 1
        if w == len(digits) - 1:
            assert abs(d) <= top
            slot = slot * replicas + point % replicas
        ops.append(None if d == 0 else BucketOp(w * half + slot, d < 0))
    return ops


@settings(max_examples=60, deadline=None)
@given(st.integers(0, R - 1), st.integers(2, 16), st.integers(0, 1000))
def test_one_addition_gives_the_signed_digits(k, c, point):
    assert bucket_ops(k, c, n_windows(c), point) == expected_ops(k, c, point)


@pytest.mark.parametrize(("c", "top", "replicas"), [(2, 1, 2), (3, 3, 1), (7, 3, 16), (11, 2, 512)])
def test_top_window_layout(c, top, replicas):
    assert top_window_layout(c, n_windows(c)) == (top, replicas)
    assert top * replicas <= 1 << (c - 1)


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
    point = Signal(8)
    outs = []
    for nz, addr, neg in recode(scalar, c, windows, point):
        assert len(addr) == addr_bits  # addresses pack side by side in the engine
        sigs = (Signal(), Signal(addr_bits), Signal())
        m.d.comb += [sigs[0].eq(nz), sigs[1].eq(addr), sigs[2].eq(neg)]
        outs.append(sigs)
    rng = random.Random(c)
    scalars = [0, 1, R - 1] + [rng.randrange(R) for _ in range(8)]

    async def testbench(ctx):
        for i, k in enumerate(scalars):
            ctx.set(scalar, k)
            ctx.set(point, 37 * i % 256)
            await ctx.delay(1e-9)
            got = [
                BucketOp(ctx.get(a), bool(ctx.get(s))) if ctx.get(nz) else None for nz, a, s in outs
            ]
            assert got == bucket_ops(k, c, windows, 37 * i % 256)

    sim = Simulator(m)
    sim.add_testbench(testbench)
    sim.run()
