"""Baby Jubjub: group laws, the subgroup, packing."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits import babyjub as bj

scalars = st.integers(min_value=0, max_value=2**260)


@settings(max_examples=15, derandomize=True, deadline=None)
@given(scalars, scalars)
def test_scalar_mul_is_a_homomorphism(a, b):
    P, Q = bj.mul(bj.BASE8, a), bj.mul(bj.BASE8, b)
    assert bj.add(P, Q) == bj.mul(bj.BASE8, a + b)
    assert bj.on_curve(P)
    assert bj.mul(P, b) == bj.mul(bj.BASE8, a * b)


def test_generator_subgroup_and_identity():
    assert bj.on_curve(bj.GENERATOR) and bj.on_curve(bj.BASE8)
    assert bj.mul(bj.GENERATOR, 8) == bj.BASE8
    assert bj.in_subgroup(bj.BASE8)
    assert not bj.in_subgroup(bj.GENERATOR)  # order 8·l
    assert bj.mul(bj.BASE8, bj.SUBORDER) == bj.IDENTITY
    assert bj.add(bj.BASE8, bj.IDENTITY) == bj.BASE8
    neg = ((-bj.BASE8[0]) % bj.P, bj.BASE8[1])
    assert bj.add(bj.BASE8, neg) == bj.IDENTITY


def test_off_curve_rejected():
    x, y = bj.BASE8
    assert not bj.on_curve((x, y + 1))
    assert not bj.on_curve((x, bj.P))


def test_pack_sets_sign_bit():
    x, y = bj.BASE8
    packed = bj.pack((x, y))
    assert int.from_bytes(packed, "little") & ((1 << 255) - 1) == y
    assert bool(packed[31] & 0x80) == (x > (bj.P - 1) // 2)
