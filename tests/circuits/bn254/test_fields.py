"""Field laws of Fq, Fr and Fq2 (hypothesis, fixed seed)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits.bn254 import Fq, Fq2, Fr, Q, R

fq = st.integers(min_value=0, max_value=Q - 1)
fr = st.integers(min_value=0, max_value=R - 1)
SETTINGS = settings(max_examples=60, derandomize=True, deadline=None)


@SETTINGS
@given(fr, fr, fr)
def test_fr_ring_laws(a, b, c):
    A, B, C = Fr(a), Fr(b), Fr(c)
    assert (A + B) * C == A * C + B * C
    assert A * B == B * A and (A * B) * C == A * (B * C)
    assert A - A == Fr(0) and A + (-A) == 0
    assert int(A + B) == (a + b) % R


@SETTINGS
@given(fq.filter(bool), fq)
def test_fq_inverse_and_division(a, b):
    A, B = Fq(a), Fq(b)
    assert A * A.inverse() == 1
    assert (B / A) * A == B
    assert A ** (Q - 1) == 1  # Fermat


def test_zero_has_no_inverse():
    import pytest

    with pytest.raises(ZeroDivisionError):
        Fr(0).inverse()
    with pytest.raises(ZeroDivisionError):
        Fq2((0, 0)).inverse()


def test_fields_do_not_mix():
    import pytest

    with pytest.raises(TypeError):
        Fr(1) + Fq(1)


@SETTINGS
@given(fq, fq, fq, fq)
def test_fq2_laws(a0, a1, b0, b1):
    A, B = Fq2((a0, a1)), Fq2((b0, b1))
    assert A * B == B * A
    assert (A + B) * (A - B) == A * A - B * B
    u = Fq2((0, 1))
    assert u * u == Fq2((Q - 1, 0))
    if A != Fq2((0, 0)):
        assert A * A.inverse() == Fq2((1, 0))
    assert A**3 == A * A * A
