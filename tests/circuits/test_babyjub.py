"""Baby Jubjub: group laws, the subgroup, circomlibjs' multiples, sums and packing."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits import babyjub as bj

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "eddsa" / "vectors.json").read_text()
)["babyjub"]
scalars = st.integers(min_value=0, max_value=2**260)
NAMED = {"Base8": bj.BASE8, "Generator": bj.GENERATOR}


def point(v: list[str]) -> tuple[int, int]:
    return (int(v[0]), int(v[1]))


@settings(max_examples=10, derandomize=True, deadline=None)
@given(scalars, scalars, scalars)
def test_group_laws(a, b, c):
    P, Q, S = (bj.mul(bj.GENERATOR, k) for k in (a, b, c))
    assert bj.on_curve(P)
    assert bj.add(P, Q) == bj.add(Q, P) == bj.mul(bj.GENERATOR, a + b)
    assert bj.add(bj.add(P, Q), S) == bj.add(P, bj.add(Q, S))
    assert bj.add(P, bj.IDENTITY) == P
    assert bj.add(P, bj.neg(P)) == bj.IDENTITY
    assert bj.mul(P, b) == bj.mul(bj.GENERATOR, a * b)


def test_constants():
    assert bj.on_curve(bj.GENERATOR) and bj.on_curve(bj.BASE8)
    assert bj.mul(bj.GENERATOR, 8) == bj.BASE8
    assert bj.ORDER == 8 * bj.SUBORDER
    assert bj.SUBORDER == (
        2736030358979909402780800718157159386076813972158567259200215660948447373041
    )
    assert bj.in_subgroup(bj.BASE8) and not bj.in_subgroup(bj.GENERATOR)
    assert bj.mul(bj.GENERATOR, bj.ORDER) == bj.IDENTITY
    assert bj.mul(bj.GENERATOR, bj.ORDER // 2) != bj.IDENTITY  # the generator has order 8·l
    assert bj.mul(bj.BASE8, bj.SUBORDER) == bj.IDENTITY
    assert bj.mul(bj.BASE8, 0) == bj.IDENTITY


def test_doubling_and_points_of_small_order():
    assert bj.add(bj.BASE8, bj.BASE8) == bj.mul(bj.BASE8, 2)
    two_torsion = (0, bj.P - 1)  # (0, -1) has order 2
    assert bj.on_curve(two_torsion) and bj.add(two_torsion, two_torsion) == bj.IDENTITY
    assert not bj.in_subgroup(two_torsion)


@pytest.mark.parametrize("case", VECTORS["mul"], ids=lambda c: f"{c['point']}*{c['k'][:8]}")
def test_circomlibjs_multiples(case):
    assert bj.mul(NAMED[case["point"]], int(case["k"])) == point(case["result"])


def test_circomlibjs_sums():
    for case in VECTORS["add"]:
        assert bj.add(point(case["p"]), point(case["q"])) == point(case["result"])


@pytest.mark.parametrize("case", VECTORS["pack"], ids=lambda c: c["packed"][:8])
def test_circomlibjs_packing(case):
    p = point(case["point"])
    assert bj.pack(p).hex() == case["packed"]
    assert bj.unpack(bytes.fromhex(case["packed"])) == p


def test_packing_both_signs():
    x, y = bj.BASE8
    for p in ((x, y), bj.neg((x, y)), bj.IDENTITY):
        assert bj.unpack(bj.pack(p)) == p
    assert bj.pack(bj.neg((x, y)))[31] & 0x80 != bj.pack((x, y))[31] & 0x80


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00" * 31, "exactly 32 bytes"),
        ((bj.P).to_bytes(32, "little"), "not below the field modulus"),
        ((2).to_bytes(32, "little"), "no curve point"),  # (1 - 4)/(a - 4d) is no square
    ],
)
def test_unpack_rejects(data, message):
    with pytest.raises(ValueError, match=message):
        bj.unpack(data)


def test_off_curve_and_non_canonical_points_rejected():
    x, y = bj.BASE8
    assert not bj.on_curve((x, y + 1))
    assert not bj.on_curve((x, bj.P))
    assert not bj.on_curve((x + bj.P, y))
    assert not bj.in_subgroup((x, y + 1))


@pytest.mark.parametrize("k", [-1, 1.5, True])
def test_bad_scalar(k):
    with pytest.raises(ValueError, match="non-negative int"):
        bj.mul(bj.BASE8, k)


@settings(max_examples=10, derandomize=True, deadline=None)
@given(scalars)
def test_base8_table_equals_the_window_method(k):
    # mul(BASE8, .) uses the precomputed table; the generator takes the generic path
    assert (
        bj.mul(bj.BASE8, k)
        == bj.mul(bj.GENERATOR, 8 * k)
        == bj.add(bj.mul(bj.BASE8, k), bj.IDENTITY)
    )
