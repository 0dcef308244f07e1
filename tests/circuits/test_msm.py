"""Pippenger MSM against the naive reference: edge cases, both number backends."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits import msm
from zkel.circuits.bn254 import G1, G2, R

RNG = random.Random(7)
BASE = [G1.generator() * RNG.randrange(1, R) for _ in range(8)]
BASE2 = [G2.generator() * RNG.randrange(1, R) for _ in range(4)]
EDGE = [0, 1, 2, R - 1, R, R + 1, 2**254 - 1, -1, -(2**200)]
GMPY = [True, False] if msm.HAVE_GMPY2 else [False]


@pytest.mark.parametrize("use_gmpy2", GMPY)
@settings(max_examples=30, derandomize=True, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 7),
            st.one_of(st.integers(min_value=0, max_value=R - 1), st.sampled_from(EDGE)),
        ),
        max_size=40,
    )
)
def test_msm_g1_matches_naive(use_gmpy2, terms):
    points = [BASE[i] for i, _ in terms]
    scalars = [k for _, k in terms]
    assert msm.msm_g1(points, scalars, use_gmpy2=use_gmpy2) == msm.msm_naive_g1(points, scalars)


def test_g1_edge_cases():
    g = BASE[0]
    cases = [
        ([], []),
        ([g], [0]),
        ([G1.identity(), g], [5, 0]),
        ([g, g, g], [1, 2, 3]),  # same bucket collisions and doublings
        ([g, -g], [7, 7]),  # P + (-P)
        ([g, g], [1, R - 1]),  # cancels
        ([g * 3, g], [1, R - 3]),
        ([g] * 64, [RNG.randrange(R) for _ in range(64)]),
    ]
    for points, scalars in cases:
        assert msm.msm_g1(points, scalars) == msm.msm_naive_g1(points, scalars)


def test_g1_points_not_in_affine_form():
    pts = [BASE[1] + BASE[2], BASE[3].double()]  # Jacobian z != 1
    ks = [3, 5]
    assert msm.msm_g1(pts, ks) == msm.msm_naive_g1(pts, ks)


@pytest.mark.parametrize("c", [1, 2, 3, 4, 5, 8, 13])
def test_signed_digits_extremes(c):
    half = 1 << (c - 1)
    for k in (0, 1, R - 1, 2**253, (1 << 254) - 1, sum(half << (c * i) for i in range(254 // c))):
        d = msm.signed_digits(k, c)
        assert sum(x << (c * i) for i, x in enumerate(d)) == k % R
        assert all(-half < x <= half for x in d)


def test_window_with_every_digit_extreme():
    # scalars whose every window digit is +2^(c-1) or -(2^(c-1) - 1) for the window c chosen
    c = msm.best_window(4)
    half = 1 << (c - 1)
    k_max = sum(half << (c * i) for i in range(254 // c - 1)) % R
    k_min = sum((-(half - 1)) << (c * i) for i in range(254 // c - 1)) % R
    pts, ks = BASE[:4], [k_max, k_min, k_max, R - k_max]
    assert msm.msm_g1(pts, ks) == msm.msm_naive_g1(pts, ks)


def test_accumulate_window_buckets():
    xs = [p.affine()[0] for p in BASE[:4]]
    ys = [p.affine()[1] for p in BASE[:4]]
    buckets = msm.accumulate_window_g1(xs, ys, [1, -1, 2, 1], 2)
    b1 = G1.from_affine(*buckets[1])
    assert b1 == BASE[0] - BASE[1] + BASE[3]
    assert G1.from_affine(*buckets[2]) == BASE[2]
    assert msm.accumulate_window_g1(xs[:2], ys[:2], [1, 1], 1)[1] == (BASE[0] + BASE[1]).affine()
    assert (
        msm.accumulate_window_g1(xs[:1] * 2, [ys[0], (-BASE[0]).affine()[1]], [1, 1], 1)[1] is None
    )


@pytest.mark.parametrize("use_gmpy2", GMPY)
def test_msm_g2_matches_naive(use_gmpy2):
    for n in (0, 1, 3, 9):
        pts = [BASE2[RNG.randrange(4)] for _ in range(n)]
        ks = [RNG.choice([0, 1, R - 1, R + 2, RNG.randrange(R)]) for _ in range(n)]
        assert msm.msm_g2(pts, ks, use_gmpy2=use_gmpy2) == msm.msm_naive_g2(pts, ks)
    g = BASE2[0]
    assert msm.msm_g2([g, -g, g], [5, 5, 1]) == g


def test_length_mismatch():
    with pytest.raises(ValueError, match="as many scalars as points"):
        msm.msm_g1(BASE[:2], [1])
