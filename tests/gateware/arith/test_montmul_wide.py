"""Asymmetric-limb pipelined Montgomery multiplier against the models, in Amaranth simulation."""

from __future__ import annotations

import random
import re

import pytest
from amaranth.hdl import Fragment

from tests.gateware.arith.harness import run_pairs
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.arith.model import mont_mul, mont_mul_wide_digits, to_mont
from zkel.gateware.arith.montmul_wide import (
    WIDE_LIMB_BITS,
    MontMulWide,
    WideParameters,
    wide_limb_bits,
)


def edge_values(p: int, r_bits: int) -> list[int]:
    """0, 1, 2, p-1, p-2, R mod p and the largest power of two below p."""
    return [0, 1, 2, p - 1, p - 2, (1 << r_bits) % p, 1 << (p.bit_length() - 1)]


def random_pairs(p: int, count: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(rng.randrange(p), rng.randrange(p)) for _ in range(count)]


def check_wide(dut: MontMulWide, pairs: list[tuple[int, int]], **run_args: object) -> None:
    """Every result equals ``a·b·R^-1 mod p`` and the digit model, in order, ``latency``
    clocks after its input."""
    run = run_pairs(dut, pairs, **run_args)
    p, d, w = dut.modulus, dut.digit_bits, dut.limb_bits
    assert run.outputs == [mont_mul(a, b, p, dut.r_bits) for a, b in pairs]
    assert run.outputs == [mont_mul_wide_digits(a, b, p, d, w).result for a, b in pairs]
    delays = [o - i for i, o in zip(run.in_cycles, run.out_cycles, strict=True)]
    assert delays == [dut.latency] * len(pairs)


def test_small_modulus_exhaustive():
    """Every pair below p = 97: 4-bit digits, 6-bit limbs (R = 2^8; row shift 4 bits
    against 6-bit digit positions)."""
    dut = MontMulWide(97, limb_bits=6, digit_bits=4, width=8)
    assert (dut.n_digits, dut.n_limbs, dut.r_bits) == (2, 2, 8)
    check_wide(dut, [(a, b) for a in range(97) for b in range(97)])


@pytest.mark.parametrize(("digit_bits", "limb_bits"), [(5, 9), (7, 7), (4, 11)])
def test_mersenne_61(digit_bits, limb_bits):
    """p = 2^61 - 1 (every limb all ones), edges against each other and random pairs."""
    p = (1 << 61) - 1
    dut = MontMulWide(p, limb_bits=limb_bits, digit_bits=digit_bits, width=64)
    edges = edge_values(p, dut.r_bits)
    pairs = [(a, b) for a in edges for b in edges] + random_pairs(p, 60, seed=digit_bits)
    check_wide(dut, pairs, idle=0.2, seed=limb_bits)


def test_power_of_two_limbs_are_shifts():
    """p = 2^50 + 2^22 + 12345 at 26-bit limbs: 0x40_3039 and 2^24 (a shift)."""
    p = (1 << 50) + (1 << 22) + 12345
    dut = MontMulWide(p, limb_bits=26, digit_bits=17, width=51)
    assert dut.params.p_limbs == [(1 << 22) + 12345, 1 << 24] and dut.params.z == 1
    check_wide(dut, [(a, b) for a in edge_values(p, 51) for b in edge_values(p, 51)])


@pytest.mark.parametrize("family", sorted(WIDE_LIMB_BITS))
@pytest.mark.parametrize("p", [Q, R], ids=["Fq", "Fr"])
def test_bn254_edges_and_random(p, family):
    dut = MontMulWide(p, limb_bits=wide_limb_bits(family))
    edges = edge_values(p, dut.r_bits)
    check_wide(dut, [(a, b) for a in edges for b in edges] + random_pairs(p, 24, seed=p % 97))


def test_montgomery_forms_and_drop_in_radix():
    """R = 2^255 for BN254 (MontMul's radix at 17-bit limbs): Montgomery in, Montgomery out."""
    dut = MontMulWide(Q, limb_bits=26)
    assert dut.r_bits == 255
    xs = random_pairs(Q, 8, seed=6)
    pairs = [(to_mont(x, Q, 255), to_mont(y, Q, 255)) for x, y in xs]
    run = run_pairs(dut, pairs)
    assert run.outputs == [to_mont(x * y % Q, Q, 255) for x, y in xs]


def test_attributes_and_dsp_counts():
    dut = MontMulWide(Q)
    assert (dut.limb_bits, dut.digit_bits, dut.n_digits, dut.n_limbs) == (26, 17, 15, 10)
    assert (dut.latency, dut.initiation_interval) == (49, 1)
    assert dut.dsp_count == 15 * 10 + 15 * 10 + 15
    Fragment.get(dut, None)  # elaborating checks the stage count against the latency
    # Fr: its low wide limb is 1 (a shift) and -r^-1 = -1 mod 2^17 (a negation)
    assert WideParameters(R, 17, 26, 256).dsp_count() == 15 * 10 + 15 * 9
    assert WideParameters(Q, 17, 24, 256).dsp_count() == 15 * 11 + 15 * 11 + 15
    assert WideParameters(R, 17, 24, 256).dsp_count() == 15 * 11 + 15 * 10


def test_family_limb_widths():
    assert (wide_limb_bits("xcup"), wide_limb_bits("xc7")) == (26, 24)
    with pytest.raises(ValueError, match=r"^Family must be one of \('xc7', 'xcup'\), not 'ecp5'$"):
        wide_limb_bits("ecp5")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"digit_bits": 27}, "Digit width must be an integer in 4..26 (the limb width), not 27"),
        ({"digit_bits": 3}, "Digit width must be an integer in 4..26 (the limb width), not 3"),
        (
            {"digit_bits": True},
            "Digit width must be an integer in 4..26 (the limb width), not True",
        ),
        ({"limb_bits": 3}, "Limb width must be an integer in 4..64, not 3"),
        ({"width": 1}, "Width must be an integer of at least 2 bits, not 1"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        MontMulWide(Q if "width" not in kwargs else 3, **kwargs)


def test_bad_modulus():
    with pytest.raises(
        ValueError, match=r"^Modulus must be an odd integer greater than 2, not 10$"
    ):
        MontMulWide(10)
    with pytest.raises(ValueError, match=r"^Modulus must be below 2\*\*8, not 257$"):
        MontMulWide(257, limb_bits=8, digit_bits=8, width=8)
