"""G1 and G2 group laws, the public API, subgroup and on-curve checks, against py_ecc."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.optimized_bn128 import G1 as PY_G1
from py_ecc.optimized_bn128 import G2 as PY_G2
from py_ecc.optimized_bn128 import multiply, normalize

from zkel.circuits.bn254 import G1, G2, Q, R

scalars = st.one_of(
    st.integers(min_value=-(2**300), max_value=2**300),
    st.sampled_from([0, 1, 2, R - 1, R, R + 1, 2 * R, -1]),
)
SETTINGS = settings(max_examples=25, derandomize=True, deadline=None)


@pytest.mark.parametrize("group", [G1, G2])
@SETTINGS
@given(a=scalars, b=scalars)
def test_group_laws(group, a, b):
    g = group.generator()
    P, Qp = g * a, g * b
    assert P + Qp == Qp + P
    assert P + Qp == g * (a + b)
    assert (P + Qp) + g == P + (Qp + g)
    assert P + group.identity() == P
    assert P - P == group.identity() and (P + (-P)).is_identity()
    assert P * b == g * (a * b)
    assert a * g == P
    assert P.double() == P + P
    assert P.is_on_curve() and P.in_subgroup()


def test_scalar_mult_wraps_at_r():
    for group in (G1, G2):
        g = group.generator()
        assert (g * R).is_identity()
        assert g * (R + 5) == g * 5
        assert g * -3 == -(g * 3)


def test_matches_py_ecc():
    for k in (1, 7, 2**200 + 3, R - 2):
        x, y = normalize(multiply(PY_G1, k))
        assert (G1.generator() * k).affine() == (int(x), int(y))
        x2, y2 = normalize(multiply(PY_G2, k))
        assert (G2.generator() * k).affine() == (tuple(x2.coeffs), tuple(y2.coeffs))


def test_affine_api():
    assert G1.generator().affine() == (1, 2)
    assert G1.identity().affine() is None and G2.identity().affine() is None
    P = G1.generator() * 12345
    assert G1.from_affine(*P.affine()) == P
    Q2 = G2.generator() * 999
    assert G2.from_affine(*Q2.affine()) == Q2
    assert hash(G1.from_affine(*P.affine())) == hash(P)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (1, 3, "not on the G1 curve"),
        (Q, 2, r"not in \[0, q\)"),
        (-1, 2, r"not in \[0, q\)"),
        ("1", 2, "must be an int"),
    ],
)
def test_from_affine_rejects(x, y, message):
    with pytest.raises(ValueError, match=message):
        G1.from_affine(x, y)


def test_g2_from_affine_rejects():
    (x0, x1), (y0, y1) = G2.generator().affine()
    with pytest.raises(ValueError, match="not on the G2 curve"):
        G2.from_affine((x0, x1), (y0, (y1 + 1) % Q))
    with pytest.raises(ValueError, match="pair"):
        G2.from_affine(x0, (y0, y1))


def test_twist_point_outside_subgroup():
    from tests.circuits.bn254.twist import twist_point_off_subgroup

    x, y = twist_point_off_subgroup()
    P = G2.from_affine(x, y)
    assert P.is_on_curve() and not P.in_subgroup()
    assert not (P * R).is_identity()
