"""NTT against the O(n²) DFT, inverses, cosets, roots, and bad sizes."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits.bn254 import R
from zkel.circuits.ntt import (
    butterfly,
    coset_intt,
    coset_ntt,
    dft,
    idft,
    intt,
    ntt,
    root_of_unity,
)

values = st.integers(min_value=0, max_value=R - 1)


@settings(max_examples=30, derandomize=True, deadline=None)
@given(
    st.integers(min_value=0, max_value=6).flatmap(
        lambda k: st.lists(values, min_size=1 << k, max_size=1 << k)
    )
)
def test_ntt_matches_dft_and_inverts(vals):
    assert ntt(vals) == dft(vals)
    assert intt(vals) == idft(vals)
    assert intt(ntt(vals)) == vals


def test_coset_variants():
    rng = random.Random(4)
    for n in (1, 2, 8, 32):
        vals = [rng.randrange(R) for _ in range(n)]
        shift = rng.randrange(2, R)
        w = root_of_unity(n)
        expected = [
            sum(c * pow(shift * pow(w, i, R), j, R) for j, c in enumerate(vals)) % R
            for i in range(n)
        ]
        assert coset_ntt(vals, shift) == expected
        assert coset_intt(expected, shift) == vals


def test_roots_are_ffjavascripts():
    assert pow(5, (R - 1) // 2, R) == R - 1  # 5 is a non-residue
    assert all(pow(x, (R - 1) // 2, R) == 1 for x in (2, 3, 4))  # and the smallest
    w = root_of_unity(1 << 28)
    assert pow(w, 1 << 27, R) == R - 1
    assert root_of_unity(1 << 10) == pow(w, 1 << 18, R)


def test_edge_values_and_butterfly():
    assert ntt([R - 1, 0, 0, 0]) == [R - 1] * 4
    assert ntt([0] * 16) == [0] * 16
    assert butterfly(1, R - 1, 1) == (0, 2)
    a, b = butterfly(5, 7, root_of_unity(4))
    assert (a + b) % R == 10


@pytest.mark.parametrize("n", [0, 3, 12, 1 << 29])
def test_bad_sizes(n):
    with pytest.raises(ValueError, match="power of two|two-adicity"):
        root_of_unity(n) if n == 1 << 29 else ntt([1] * n)
