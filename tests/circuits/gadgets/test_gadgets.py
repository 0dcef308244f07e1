"""Gadgets against their native counterparts: values, satisfiability, constraint counts,
and that wrong witnesses are caught."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits import babyjub, eddsa
from zkel.circuits.bn254 import R
from zkel.circuits.gadgets import babyjub as bj
from zkel.circuits.gadgets import bits
from zkel.circuits.gadgets import eddsa as eg
from zkel.circuits.gadgets import poseidon as pg
from zkel.circuits.poseidon import poseidon
from zkel.circuits.poseidon.grain import N_ROUNDS_P
from zkel.circuits.r1cs import ConstraintSystem

field = st.integers(min_value=0, max_value=R - 1)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 16])
def test_poseidon_gadget_matches_native_and_cost(n: int) -> None:
    rng = random.Random(n)
    values = [rng.randrange(R) for _ in range(n)]
    cs = ConstraintSystem()
    out = pg.poseidon(cs, [cs.private_input(f"x{i}", v) for i, v in enumerate(values)])
    assert out.value == poseidon(values)
    cs.check()
    assert cs.n_constraints == 3 * (8 * (n + 1) + N_ROUNDS_P[n - 1]) - 3


def test_poseidon_gadget_shape_without_values() -> None:
    cs = ConstraintSystem(with_values=False)
    pg.poseidon(cs, [cs.private_input("a"), cs.private_input("b")])
    assert cs.n_constraints == 240


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=0, max_value=(1 << 64) - 1),
    st.integers(min_value=0, max_value=(1 << 64) - 1),
)
def test_less_than(a: int, b: int) -> None:
    cs = ConstraintSystem()
    lt = bits.less_than(cs, cs.private_input("a", a), cs.private_input("b", b), 64)
    assert lt.value == int(a < b)
    cs.check()


def test_range_check_rejects_out_of_range() -> None:
    cs = ConstraintSystem()
    bits.range_check(cs, cs.private_input("x", 1 << 64), 64)
    assert not cs.is_satisfied()
    cs = ConstraintSystem()
    bits.signed_range_check(cs, cs.private_input("x", R - (1 << 63)), 64)  # -2^63
    cs.check()
    cs = ConstraintSystem()
    bits.signed_range_check(cs, cs.private_input("x", R - (1 << 63) - 1), 64)
    assert not cs.is_satisfied()


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=0, max_value=(1 << 100) - 1),
    st.sampled_from([1, 3, 10**6, 10**8, 1 << 20]),
)
def test_div_rem(a: int, d: int) -> None:
    cs = ConstraintSystem()
    q, rem = bits.div_rem(cs, cs.private_input("a", a), d, 101)
    assert (q.value, rem.value) == divmod(a, d)
    cs.check()


def test_div_rem_rejects_a_wrong_quotient() -> None:
    cs = ConstraintSystem()
    a = cs.private_input("a", 100)
    q, rem = bits.div_rem(cs, a, 7, 8)
    cs.values[next(iter(q.terms))] = 13  # then rem = 100 - 91 = 9, not < 7
    assert not cs.is_satisfied()


@settings(max_examples=20, deadline=None)
@given(field, field)
def test_is_equal_and_select(a: int, b: int) -> None:
    for x, y in ((a, b), (a, a)):
        cs = ConstraintSystem()
        va, vb = cs.private_input("a", x), cs.private_input("b", y)
        eq = bits.is_equal(cs, va, vb)
        assert eq.value == int(x == y)
        assert bits.select(cs, eq, va, vb).value == (x if x == y else y)
        cs.check()


def test_is_zero_cannot_lie() -> None:
    cs = ConstraintSystem()
    out = bits.is_zero(cs, cs.private_input("x", 5))
    cs.values[next(iter(out.terms))] = 1
    assert not cs.is_satisfied()


def _points(seed: int, n: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [babyjub.mul(babyjub.BASE8, rng.randrange(1, babyjub.SUBORDER)) for _ in range(n)]


def test_babyjub_add_double_on_curve() -> None:
    p, q = _points(1, 2)
    cases = [(p, q), (p, p), (p, babyjub.neg(p)), (p, babyjub.IDENTITY), (babyjub.IDENTITY,) * 2]
    for a, b in cases:
        cs = ConstraintSystem()
        va = bj.point(cs, (cs.private_input("ax", a[0]), cs.private_input("ay", a[1])))
        vb = bj.point(cs, (cs.private_input("bx", b[0]), cs.private_input("by", b[1])))
        s = bj.add(cs, va, vb)
        d = bj.double(cs, va)
        bj.assert_on_curve(cs, s)
        assert (s[0].value, s[1].value) == babyjub.add(a, b)
        assert (d[0].value, d[1].value) == babyjub.add(a, a)
        cs.check()
        assert cs.n_constraints == 6 + 5 + 3
    cs = ConstraintSystem()
    bj.assert_on_curve(cs, (cs.private_input("x", 1), cs.private_input("y", 2)))
    assert not cs.is_satisfied()


@pytest.mark.parametrize("scalar", [0, 1, 2, 7, 8, babyjub.SUBORDER - 1, (1 << 253) - 1])
def test_babyjub_scalar_multiples(scalar: int) -> None:
    (p,) = _points(2, 1)
    cs = ConstraintSystem()
    k = bits.to_bits(cs, cs.private_input("k", scalar), 253)
    fixed = bj.mul_fixed(cs, k, babyjub.BASE8)
    var = bj.mul_var(cs, k, (cs.private_input("px", p[0]), cs.private_input("py", p[1])))
    assert (fixed[0].value, fixed[1].value) == babyjub.mul(babyjub.BASE8, scalar)
    assert (var[0].value, var[1].value) == babyjub.mul(p, scalar)
    cs.check()


def _verify_cs(pk: tuple[int, int], msg: int, sig: tuple[int, int, int]) -> ConstraintSystem:
    cs = ConstraintSystem()
    eg.verify(
        cs,
        (cs.private_input("ax", pk[0]), cs.private_input("ay", pk[1])),
        cs.private_input("m", msg),
        tuple(cs.private_input(f"sig{i}", v) for i, v in enumerate(sig)),
    )
    return cs


@pytest.mark.parametrize("seed", [0, 1])
def test_eddsa_gadget_accepts_what_native_accepts(seed: int) -> None:
    rng = random.Random(seed)
    key = eddsa.PrivateKey(rng.randbytes(32))
    msg = rng.randrange(R)
    sig = key.sign_poseidon(msg)
    assert eddsa.verify_poseidon(key.public_key(), msg, sig)
    cs = _verify_cs(key.public_key(), msg, sig)
    cs.check()
    assert cs.n_constraints < 4_700


def test_eddsa_gadget_rejects_forgeries() -> None:
    key = eddsa.PrivateKey(bytes(range(32)))
    other = eddsa.PrivateKey(bytes(range(1, 33)))
    sig = key.sign_poseidon(42)
    r8x, r8y, s = sig
    bad = [
        (key.public_key(), 43, sig),  # other message
        (other.public_key(), 42, sig),  # other key
        (key.public_key(), 42, (r8x, r8y, (s + 1) % babyjub.SUBORDER)),  # other S
        (key.public_key(), 42, (*babyjub.add((r8x, r8y), babyjub.BASE8), s)),  # other R8
    ]
    for pk, msg, sg in bad:
        assert not eddsa.verify_poseidon(pk, msg, sg)
        assert not _verify_cs(pk, msg, sg).is_satisfied()
