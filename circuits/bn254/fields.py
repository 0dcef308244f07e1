"""BN254's fields: the base field Fq, the scalar field Fr, and Fq2 = Fq[u]/(u² + 1).

Values are canonical integers in ``[0, p)`` (never Montgomery form at this level;
Montgomery form exists only in files and gateware). The classes ``Fq``, ``Fr`` and
``Fq2`` are for users and tests; hot loops use the tuple functions ``f2_*`` on
``(c0, c1)`` pairs of ints, which work the same on gmpy2 ``mpz`` values.
"""

from __future__ import annotations

from typing import ClassVar

Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
"""Base-field modulus q (254 bits): coordinates of G1 and G2 points."""

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
"""Scalar-field modulus r (254 bits): the order of G1 and G2, the field of circuits."""


class _PrimeField:
    """An element of a prime field, canonical in ``[0, MODULUS)``."""

    MODULUS: ClassVar[int]
    __slots__ = ("value",)

    def __init__(self, value: int | _PrimeField) -> None:
        if isinstance(value, _PrimeField):
            if type(value) is not type(self):
                raise TypeError(f"cannot convert {type(value).__name__} to {type(self).__name__}")
            value = value.value
        self.value = int(value) % self.MODULUS

    def _coerce(self, other: object) -> int:
        if isinstance(other, type(self)):
            return other.value
        if isinstance(other, int):
            return other % self.MODULUS
        raise TypeError(f"cannot combine {type(self).__name__} with {type(other).__name__}")

    def __int__(self) -> int:
        return self.value

    __index__ = __int__

    def __add__(self, other: object) -> _PrimeField:
        return type(self)(self.value + self._coerce(other))

    __radd__ = __add__

    def __sub__(self, other: object) -> _PrimeField:
        return type(self)(self.value - self._coerce(other))

    def __rsub__(self, other: object) -> _PrimeField:
        return type(self)(self._coerce(other) - self.value)

    def __mul__(self, other: object) -> _PrimeField:
        return type(self)(self.value * self._coerce(other))

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> _PrimeField:
        return self * type(self)(self._coerce(other)).inverse()

    def __rtruediv__(self, other: object) -> _PrimeField:
        return type(self)(self._coerce(other)) * self.inverse()

    def __neg__(self) -> _PrimeField:
        return type(self)(-self.value)

    def __pow__(self, exponent: int) -> _PrimeField:
        if exponent < 0:
            return self.inverse() ** (-exponent)
        return type(self)(pow(self.value, exponent, self.MODULUS))

    def inverse(self) -> _PrimeField:
        """Multiplicative inverse; ZeroDivisionError for 0."""
        if self.value == 0:
            raise ZeroDivisionError(f"0 has no inverse in {type(self).__name__}")
        return type(self)(pow(self.value, -1, self.MODULUS))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return self.value == other.value
        if isinstance(other, int):
            return self.value == other % self.MODULUS
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.value))

    def __bool__(self) -> bool:
        return self.value != 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value})"


class Fq(_PrimeField):
    """An element of BN254's base field (modulus ``Q``)."""

    MODULUS = Q
    __slots__ = ()


class Fr(_PrimeField):
    """An element of BN254's scalar field (modulus ``R``)."""

    MODULUS = R
    __slots__ = ()


# --- Fq2 on (c0, c1) tuples: c0 + c1·u with u² = -1 ------------------------------
F2 = tuple  # (c0, c1), canonical ints (or mpz)


def f2_add(a: F2, b: F2) -> F2:
    return ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q)


def f2_sub(a: F2, b: F2) -> F2:
    return ((a[0] - b[0]) % Q, (a[1] - b[1]) % Q)


def f2_neg(a: F2) -> F2:
    return (-a[0] % Q, -a[1] % Q)


def f2_mul(a: F2, b: F2) -> F2:
    """Karatsuba: 3 base-field multiplications."""
    a0, a1 = a
    b0, b1 = b
    t0 = a0 * b0
    t1 = a1 * b1
    return ((t0 - t1) % Q, ((a0 + a1) * (b0 + b1) - t0 - t1) % Q)


def f2_sqr(a: F2) -> F2:
    """Complex squaring: 2 base-field multiplications."""
    a0, a1 = a
    return ((a0 + a1) * (a0 - a1) % Q, 2 * a0 * a1 % Q)


def f2_mul_int(a: F2, k: int) -> F2:
    return (a[0] * k % Q, a[1] * k % Q)


def f2_inv(a: F2) -> F2:
    """Inverse via the norm ``c0² + c1²``; ZeroDivisionError for 0."""
    a0, a1 = a
    norm = (a0 * a0 + a1 * a1) % Q
    if norm == 0:
        raise ZeroDivisionError("0 has no inverse in Fq2")
    inv = pow(int(norm), -1, Q)
    return (a0 * inv % Q, -a1 * inv % Q)


def f2_is_zero(a: F2) -> bool:
    return a[0] == 0 and a[1] == 0


class Fq2:
    """An element ``c0 + c1·u`` of Fq2 (u² = -1), built from a pair of ints."""

    __slots__ = ("c0", "c1")

    def __init__(self, value: tuple[int, int] | Fq2 | int) -> None:
        if isinstance(value, Fq2):
            self.c0, self.c1 = value.c0, value.c1
        elif isinstance(value, int):
            self.c0, self.c1 = value % Q, 0
        else:
            c0, c1 = value
            self.c0, self.c1 = int(c0) % Q, int(c1) % Q

    @property
    def pair(self) -> tuple[int, int]:
        return (self.c0, self.c1)

    @staticmethod
    def _pair(other: object) -> tuple[int, int]:
        if isinstance(other, Fq2):
            return other.pair
        if isinstance(other, int):
            return (other % Q, 0)
        if isinstance(other, tuple) and len(other) == 2:
            return (other[0] % Q, other[1] % Q)
        raise TypeError(f"cannot combine Fq2 with {type(other).__name__}")

    def __add__(self, other: object) -> Fq2:
        return Fq2(f2_add(self.pair, self._pair(other)))

    __radd__ = __add__

    def __sub__(self, other: object) -> Fq2:
        return Fq2(f2_sub(self.pair, self._pair(other)))

    def __rsub__(self, other: object) -> Fq2:
        return Fq2(f2_sub(self._pair(other), self.pair))

    def __mul__(self, other: object) -> Fq2:
        return Fq2(f2_mul(self.pair, self._pair(other)))

    __rmul__ = __mul__

    def __neg__(self) -> Fq2:
        return Fq2(f2_neg(self.pair))

    def inverse(self) -> Fq2:
        return Fq2(f2_inv(self.pair))

    def __truediv__(self, other: object) -> Fq2:
        return self * Fq2(self._pair(other)).inverse()

    def __pow__(self, exponent: int) -> Fq2:
        if exponent < 0:
            return self.inverse() ** (-exponent)
        result, base = (1, 0), self.pair
        while exponent:
            if exponent & 1:
                result = f2_mul(result, base)
            base = f2_sqr(base)
            exponent >>= 1
        return Fq2(result)

    def __eq__(self, other: object) -> bool:
        try:
            return self.pair == self._pair(other)
        except TypeError:
            return NotImplemented

    def __hash__(self) -> int:
        return hash(("Fq2", self.c0, self.c1))

    def __repr__(self) -> str:
        return f"Fq2({self.c0}, {self.c1})"
