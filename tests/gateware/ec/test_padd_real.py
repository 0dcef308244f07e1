"""Point adder with the project's real Montgomery multipliers (pipelined and iterative)."""

from __future__ import annotations

import pytest

from tests.gateware.ec.test_padd import run_adder
from zkel.circuits.bn254.curve import G1
from zkel.gateware.ec.model import from_g1, mont_point, padd_mont, to_g1
from zkel.gateware.ec.mulstage import fq_multiplier
from zkel.gateware.ec.padd import PointAdder

G = G1.generator()


def cases():
    p, q = G * 1234567, G * 7654321
    return [(p, q), (p, p), (p, -p), (q, G1.identity())]


@pytest.mark.parametrize("multipliers", [2, pytest.param(12, marks=pytest.mark.slow)])
def test_pipelined_montmul(multipliers):
    check(PointAdder(fq_multiplier(17), multipliers=multipliers, tag_bits=4), 255)


def test_wide_montmul():
    """MontMulWide with 24-bit limbs (the xc7 form; xcup's 26 run in the arith tests)."""
    dut = PointAdder(fq_multiplier(17, wide_limb_bits=24), multipliers=2, tag_bits=4)
    assert dut.stage_a.mul_latency == 49
    check(dut, 255)


def test_iterative_montmul():
    dut = PointAdder(fq_multiplier(17, iterative=True), multipliers=2, tag_bits=4)
    assert dut.initiation_interval == 6 * 16
    check(dut, 255)


def check(dut: PointAdder, r_bits: int) -> None:
    pts = cases()
    pairs = [(mont_point(from_g1(a), r_bits), mont_point(from_g1(b), r_bits)) for a, b in pts]
    got, lat = run_adder(dut, pairs)
    assert got == [padd_mont(a, b, r_bits) for a, b in pairs]
    # Montgomery form scales all three coordinates by R: the same projective point
    assert [to_g1(o) for o in got] == [a + b for a, b in pts]
    assert set(lat) == {dut.latency}
