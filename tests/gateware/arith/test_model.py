"""The integer models of gateware.arith: the maths, and the multiplier's digit-level bounds."""

from __future__ import annotations

import random

import pytest

from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.arith import model


@pytest.mark.parametrize("p", [Q, R, 97, (1 << 127) - 1])
@pytest.mark.parametrize("limb_bits", [8, 16, 17, 24, 26, 34])
def test_digit_model_matches_and_stays_in_bounds(p, limb_bits):
    """Digits stay below 2^(w+3), the unreduced result below 2p, the result is a·b·R^-1."""
    rng = random.Random(p % 1009 + limb_bits)
    r_bits = model.n_limbs(p, limb_bits) * limb_bits
    pairs = [(0, 0), (p - 1, p - 1), (1, p - 1), ((1 << r_bits) % p, p - 1)]
    pairs += [(rng.randrange(p), rng.randrange(p)) for _ in range(60)]
    for a, b in pairs:
        trace = model.mont_mul_digits(a, b, p, limb_bits)
        assert trace.result == model.mont_mul(a, b, p, r_bits)
        assert trace.unreduced < 2 * p
        assert trace.max_digit_bits <= limb_bits + model.DIGIT_EXTRA_BITS


@pytest.mark.parametrize("p", [Q, R, 97, (1 << 127) - 1])
@pytest.mark.parametrize(
    ("digit_bits", "limb_bits"), [(17, 26), (17, 24), (17, 17), (4, 6), (5, 9)]
)
def test_wide_digit_model_matches_and_stays_in_bounds(p, digit_bits, limb_bits):
    """Asymmetric limbs: digits below 2^(w+3), unreduced below 2p, result a·b·R^-1 with
    R = 2^(d·na); with d = w it is the symmetric model, row for row."""
    rng = random.Random(p % 1009 + 31 * limb_bits + digit_bits)
    r_bits = model.n_limbs(p, digit_bits) * digit_bits
    top = 1 << (p.bit_length() - 1)
    pairs = [(0, 0), (p - 1, p - 1), (1, p - 1), ((1 << r_bits) % p, p - 1), (top, p - 1)]
    pairs += [(rng.randrange(p), rng.randrange(p)) for _ in range(60)]
    for a, b in pairs:
        trace = model.mont_mul_wide_digits(a, b, p, digit_bits, limb_bits)
        assert trace.result == model.mont_mul(a, b, p, r_bits)
        assert trace.unreduced < 2 * p
        assert trace.max_digit_bits <= limb_bits + model.DIGIT_EXTRA_BITS
        if digit_bits == limb_bits:
            assert trace == model.mont_mul_digits(a, b, p, limb_bits)


def test_forms_round_trip():
    rng = random.Random(1)
    for _ in range(20):
        x, y = rng.randrange(Q), rng.randrange(Q)
        x_mont, y_mont = model.to_mont(x, Q, 255), model.to_mont(y, Q, 255)
        assert model.from_mont(x_mont, Q, 255) == x
        assert model.mont_mul(x_mont, y_mont, Q, 255) == model.to_mont(x * y % Q, Q, 255)
        assert model.mont_mul(x_mont, y, Q, 255) == x * y % Q


def test_add_sub_and_helpers():
    assert model.mod_add(R - 1, R - 1, R) == R - 2
    assert model.mod_sub(0, 1, R) == R - 1
    assert model.limbs_le(0x12345, 8, 3) == [0x45, 0x23, 0x01]
    assert model.n_limbs(Q, 17) == 15 and model.n_limbs(Q, 16) == 16
    w = 17
    assert R * model.neg_inverse(R, w) % (1 << w) == (1 << w) - 1  # p·p' = -1 mod 2^w
