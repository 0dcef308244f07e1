"""The point adder's Python model against zkel.circuits.bn254.curve (pure Python)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.ec.model import (
    INFINITY,
    canonical_point,
    from_g1,
    mont_mul,
    mont_point,
    padd,
    padd_canonical,
    padd_mont,
    to_g1,
)

G = G1.generator()
scalars = st.integers(min_value=0, max_value=R - 1)


def add_via_model(p: G1, q: G1, r_bits: int | None = None) -> G1:
    if r_bits is None:
        return to_g1(padd_canonical(from_g1(p), from_g1(q)))
    out = padd_mont(mont_point(from_g1(p), r_bits), mont_point(from_g1(q), r_bits), r_bits)
    return to_g1(canonical_point(out, r_bits))


@settings(max_examples=40, deadline=None)
@given(scalars, scalars)
def test_random_sums(k1, k2):
    p, q = G * k1, G * k2
    assert add_via_model(p, q) == p + q
    assert add_via_model(p, q, r_bits=255) == p + q


@pytest.mark.parametrize("r_bits", [None, 255, 256])
def test_exceptional_cases_take_the_same_formula(r_bits):
    p = G * 1234567
    assert add_via_model(p, p, r_bits) == p.double()
    assert add_via_model(p, -p, r_bits).is_identity()
    assert add_via_model(p, G1.identity(), r_bits) == p
    assert add_via_model(G1.identity(), p, r_bits) == p
    assert add_via_model(G1.identity(), G1.identity(), r_bits).is_identity()
    assert add_via_model(G, G, r_bits) == G * 2


def test_infinity_result_has_zero_z_and_nonzero_y():
    p = from_g1(G * 99)
    x, y, z = padd_canonical(p, (p[0], (Q - p[1]) % Q, p[2]))
    assert z == 0 and x == 0 and y != 0
    x, y, z = padd_canonical(INFINITY, INFINITY)
    assert (x, z) == (0, 0) and y != 0


@settings(max_examples=20, deadline=None)
@given(scalars, scalars, st.integers(1, Q - 1), st.integers(1, Q - 1))
def test_any_scaling_of_either_input_gives_the_same_point(k1, k2, l1, l2):
    """Bihomogeneity: the engine feeds canonical coordinates to a Montgomery multiplier."""
    p, q = from_g1(G * k1), from_g1(G * k2)
    sp = tuple(v * l1 % Q for v in p)
    sq = tuple(v * l2 % Q for v in q)
    out = padd(sp, sq, lambda a, b: mont_mul(a, b, 256))
    assert to_g1(out) == G * k1 + G * k2


def test_projective_round_trip_and_on_curve():
    for k in (1, 2, 5, R - 1):
        p = G * k
        x, y, z = from_g1(p)
        assert (y * y * z - x * x * x - 3 * z * z * z) % Q == 0
        assert to_g1((x, y, z)) == p
    assert from_g1(G1.identity()) == INFINITY
    assert to_g1(INFINITY).is_identity()
