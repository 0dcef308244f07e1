"""BN254's groups G1 (over Fq) and G2 (over Fq2, the sextic twist), as immutable points.

Both curves are ``y² = x³ + b`` (a = 0): ``b = 3`` for G1, ``b' = 3/(9 + u)`` for G2.
Points are held in Jacobian coordinates ``(X, Y, Z)`` (affine ``x = X/Z²``,
``y = Y/Z³``), canonical ints (G1) or ``(c0, c1)`` int pairs (G2); ``Z = 0`` is the
point at infinity. Generators are those of EIP-197, snarkjs and py_ecc.
G1 has prime order r (cofactor 1); G2's curve has a large cofactor, so
:meth:`G2.in_subgroup` is a real check.
"""

from __future__ import annotations

from typing import Any, ClassVar

from zkel.circuits.bn254.fields import (
    Q,
    R,
    f2_add,
    f2_inv,
    f2_mul,
    f2_mul_int,
    f2_neg,
    f2_sqr,
    f2_sub,
)


class _IntOps:
    """Fq arithmetic on ints, with the same names as :class:`_F2Ops`."""

    zero, one = 0, 1

    @staticmethod
    def add(a: int, b: int) -> int:
        return (a + b) % Q

    @staticmethod
    def sub(a: int, b: int) -> int:
        return (a - b) % Q

    @staticmethod
    def mul(a: int, b: int) -> int:
        return a * b % Q

    @staticmethod
    def sqr(a: int) -> int:
        return a * a % Q

    @staticmethod
    def neg(a: int) -> int:
        return -a % Q

    @staticmethod
    def small(a: int, k: int) -> int:
        return a * k % Q

    @staticmethod
    def inv(a: int) -> int:
        return pow(int(a), -1, Q)

    @staticmethod
    def is_zero(a: int) -> bool:
        return a == 0

    @staticmethod
    def canonical(a: Any) -> int:
        if not isinstance(a, int) or isinstance(a, bool):
            raise ValueError(f"coordinate must be an int, not {type(a).__name__}")
        if not 0 <= a < Q:
            raise ValueError("coordinate is not in [0, q)")
        return a

    @staticmethod
    def export(a: int) -> int:
        return int(a)


class _F2Ops:
    """Fq2 arithmetic on ``(c0, c1)`` tuples."""

    zero, one = (0, 0), (1, 0)
    add, sub, mul, sqr, neg = (
        staticmethod(f2_add),
        staticmethod(f2_sub),
        staticmethod(f2_mul),
        staticmethod(f2_sqr),
        staticmethod(f2_neg),
    )
    small = staticmethod(f2_mul_int)
    inv = staticmethod(f2_inv)

    @staticmethod
    def is_zero(a: tuple[int, int]) -> bool:
        return a[0] == 0 and a[1] == 0

    @staticmethod
    def canonical(a: Any) -> tuple[int, int]:
        if not isinstance(a, tuple | list) or len(a) != 2:
            raise ValueError("an Fq2 coordinate must be a pair (c0, c1)")
        return (_IntOps.canonical(a[0]), _IntOps.canonical(a[1]))

    @staticmethod
    def export(a: tuple[int, int]) -> tuple[int, int]:
        return (int(a[0]), int(a[1]))


class _Point:
    """A point in Jacobian coordinates over the field of ``OPS``."""

    OPS: ClassVar[Any]
    B: ClassVar[Any]
    GENERATOR: ClassVar[tuple[Any, Any]]
    __slots__ = ("x", "y", "z")

    def __init__(self, x: Any, y: Any, z: Any) -> None:
        self.x, self.y, self.z = x, y, z

    # -- constructors -------------------------------------------------------------
    @classmethod
    def identity(cls) -> Any:
        """The point at infinity."""
        return cls(cls.OPS.one, cls.OPS.one, cls.OPS.zero)

    @classmethod
    def generator(cls) -> Any:
        return cls(*cls.GENERATOR, cls.OPS.one)

    @classmethod
    def from_affine(cls, x: Any, y: Any) -> Any:
        """``(x, y)``; ValueError if a coordinate is not below q or the point is off the curve."""
        x, y = cls.OPS.canonical(x), cls.OPS.canonical(y)
        point = cls(x, y, cls.OPS.one)
        if not point.is_on_curve():
            raise ValueError(f"({x}, {y}) is not on the {cls.__name__} curve")
        return point

    @classmethod
    def from_affine_unchecked(cls, x: Any, y: Any) -> Any:
        """The point ``(x, y)`` without any check (for data already validated)."""
        return cls(x, y, cls.OPS.one)

    # -- inspection ---------------------------------------------------------------
    def is_identity(self) -> bool:
        return self.OPS.is_zero(self.z)

    def affine(self) -> Any:
        """``(x, y)`` as ints (pairs of ints for G2), or ``None`` for infinity."""
        F = self.OPS
        if F.is_zero(self.z):
            return None
        if self.z == F.one:
            return (F.export(self.x), F.export(self.y))
        zi = F.inv(self.z)
        zi2 = F.sqr(zi)
        return (F.export(F.mul(self.x, zi2)), F.export(F.mul(self.y, F.mul(zi2, zi))))

    def is_on_curve(self) -> bool:
        """``Y² = X³ + b·Z⁶`` (infinity included)."""
        F = self.OPS
        if F.is_zero(self.z):
            return True
        z2 = F.sqr(self.z)
        z6 = F.mul(F.sqr(z2), z2)
        rhs = F.add(F.mul(F.sqr(self.x), self.x), F.mul(self.B, z6))
        return F.sqr(self.y) == rhs

    def in_subgroup(self) -> bool:
        """Whether the point is on the curve and in the subgroup of order r (``r·P = O``)."""
        return self.is_on_curve() and (self * R).is_identity()

    # -- group law ----------------------------------------------------------------
    def double(self) -> Any:
        F = self.OPS
        x, y, z = self.x, self.y, self.z
        if F.is_zero(z) or F.is_zero(y):
            return self.identity()
        a = F.sqr(x)
        b = F.sqr(y)
        c = F.sqr(b)
        d = F.small(F.sub(F.sub(F.sqr(F.add(x, b)), a), c), 2)
        e = F.small(a, 3)
        f = F.sqr(e)
        x3 = F.sub(f, F.small(d, 2))
        y3 = F.sub(F.mul(e, F.sub(d, x3)), F.small(c, 8))
        z3 = F.small(F.mul(y, z), 2)
        return type(self)(x3, y3, z3)

    def __add__(self, other: Any) -> Any:
        if type(other) is not type(self):
            return NotImplemented
        F = self.OPS
        if F.is_zero(self.z):
            return other
        if F.is_zero(other.z):
            return self
        z1z1 = F.sqr(self.z)
        z2z2 = F.sqr(other.z)
        u1 = F.mul(self.x, z2z2)
        u2 = F.mul(other.x, z1z1)
        s1 = F.mul(self.y, F.mul(other.z, z2z2))
        s2 = F.mul(other.y, F.mul(self.z, z1z1))
        if u1 == u2:
            return self.double() if s1 == s2 else self.identity()
        h = F.sub(u2, u1)
        i = F.sqr(F.small(h, 2))
        j = F.mul(h, i)
        rr = F.small(F.sub(s2, s1), 2)
        v = F.mul(u1, i)
        x3 = F.sub(F.sub(F.sqr(rr), j), F.small(v, 2))
        y3 = F.sub(F.mul(rr, F.sub(v, x3)), F.small(F.mul(s1, j), 2))
        z3 = F.mul(F.sub(F.sub(F.sqr(F.add(self.z, other.z)), z1z1), z2z2), h)
        return type(self)(x3, y3, z3)

    def __neg__(self) -> Any:
        return type(self)(self.x, self.OPS.neg(self.y), self.z)

    def __sub__(self, other: Any) -> Any:
        if type(other) is not type(self):
            return NotImplemented
        return self + (-other)

    def __mul__(self, k: int) -> Any:
        if not isinstance(k, int):
            return NotImplemented
        if k < 0:
            return (-self) * (-k)
        result = self.identity()
        addend = self
        while k:
            if k & 1:
                result = result + addend
            addend = addend.double()
            k >>= 1
        return result

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        F = self.OPS
        if F.is_zero(self.z) or F.is_zero(other.z):
            return F.is_zero(self.z) and F.is_zero(other.z)
        z1z1, z2z2 = F.sqr(self.z), F.sqr(other.z)
        if F.mul(self.x, z2z2) != F.mul(other.x, z1z1):
            return False
        return F.mul(self.y, F.mul(other.z, z2z2)) == F.mul(other.y, F.mul(self.z, z1z1))

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.affine()))

    def __repr__(self) -> str:
        aff = self.affine()
        return f"{type(self).__name__}(infinity)" if aff is None else f"{type(self).__name__}{aff}"


class G1(_Point):
    """A point of BN254's G1: ``y² = x³ + 3`` over Fq, prime order r."""

    OPS = _IntOps
    B = 3
    GENERATOR = (1, 2)
    __slots__ = ()

    def in_subgroup(self) -> bool:
        """G1 has cofactor 1: every point on the curve is in the group of order r."""
        return self.is_on_curve()

    def __mul__(self, k: int) -> G1:
        if not isinstance(k, int):
            return NotImplemented
        return _Point.__mul__(self, k % R)

    __rmul__ = __mul__


_TWIST_B = f2_mul((3, 0), f2_inv((9, 1)))


class G2(_Point):
    """A point of BN254's G2: ``y² = x³ + 3/(9 + u)`` over Fq2; coordinates ``(c0, c1)``."""

    OPS = _F2Ops
    B = _TWIST_B
    GENERATOR = (
        (
            10857046999023057135944570762232829481370756359578518086990519993285655852781,
            11559732032986387107991004021392285783925812861821192530917403151452391805634,
        ),
        (
            8495653923123431417604973247489272438418190587263600148770280649306958101930,
            4082367875863433681332203403145435568316851327593401208105741076214120093531,
        ),
    )
    __slots__ = ()
