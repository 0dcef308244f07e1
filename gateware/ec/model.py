"""Python model of the gateware point adder: complete projective addition on BN254 G1.

The formula is Renes-Costello-Batina 2016, algorithm 7 (complete addition on a
prime-order ``y² = x³ + b`` curve, here ``b = 3``, ``b3 = 3·b = 9``), in
homogeneous projective coordinates ``(X : Y : Z)`` (affine ``x = X/Z``,
``y = Y/Z``; the point at infinity is ``(0 : 1 : 0)``). It has no exceptional
cases: ``P + P``, ``P + (-P)``, ``P + O`` and ``O + O`` take the same 12
multiplications and 2 small-constant multiplications.

The functions below are grouped in the gateware's pipeline stages, in its
operation order (:mod:`zkel.gateware.ec.padd`):

1. :func:`stage_a_operands`: three pre-additions per point, six products;
2. :func:`stage_b_operands`: three linear stages (subtractions, ``3·t0``,
   ``9·t2``, ``9·Y3``), six more products;
3. :func:`combine`: the three output sums.

``mul`` is the field multiplication the hardware uses: :func:`mont_mul`
(``a·b·2^-r_bits mod q``) with inputs in Montgomery form gives the result in
Montgomery form. Because every output coordinate is bihomogeneous of degree
(2, 2) in the two input points, any other consistent scaling works too: with
canonical inputs the Montgomery multiplier returns ``(X3·R^-3 : Y3·R^-3 :
Z3·R^-3)``, the same projective point (the MSM engine relies on it).
"""

from __future__ import annotations

from collections.abc import Callable

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q

B3 = 9
"""``3·b`` for BN254's G1 (``b = 3``)."""

Projective = tuple[int, int, int]
"""Homogeneous projective ``(X, Y, Z)``, each in ``[0, q)``."""

Mul = Callable[[int, int], int]

INFINITY: Projective = (0, 1, 0)


def mont_mul(a: int, b: int, r_bits: int = 256) -> int:
    """``a·b·2^-r_bits mod q`` (what a Montgomery multiplier with ``R = 2^r_bits`` returns)."""
    return a * b * pow(1 << r_bits, -1, Q) % Q


def to_mont(x: int, r_bits: int = 256) -> int:
    """Montgomery form ``x·2^r_bits mod q`` of a canonical ``x``."""
    return (x << r_bits) % Q


def from_mont(x: int, r_bits: int = 256) -> int:
    """Canonical value of a Montgomery-form ``x``."""
    return x * pow(1 << r_bits, -1, Q) % Q


def stage_a_operands(p1: Projective, p2: Projective) -> list[tuple[int, int]]:
    """The six first-stage products' operand pairs (steps 1-6, 9-11, 14-16)."""
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    return [
        (x1, x2),  # t0 = X1·X2
        (y1, y2),  # t1 = Y1·Y2
        (z1, z2),  # t2 = Z1·Z2
        ((x1 + y1) % Q, (x2 + y2) % Q),  # s3 = (X1+Y1)(X2+Y2)
        ((y1 + z1) % Q, (y2 + z2) % Q),  # s4 = (Y1+Z1)(Y2+Z2)
        ((x1 + z1) % Q, (x2 + z2) % Q),  # s5 = (X1+Z1)(X2+Z2)
    ]


def stage_b_operands(products: list[int]) -> list[tuple[int, int]]:
    """The six second-stage operand pairs from the first stage's products.

    Three linear stages, one modular operation per value per stage, as the
    gateware registers them.
    """
    t0, t1, t2, s3, s4, s5 = products
    # linear stage 1
    p = (s3 - t0) % Q
    q4 = (s4 - t1) % Q
    r = (s5 - t0) % Q
    t0_3 = 3 * t0 % Q
    t2_9 = B3 * t2 % Q
    # linear stage 2
    t3 = (p - t1) % Q  # X1·Y2 + X2·Y1
    t4 = (q4 - t2) % Q  # Y1·Z2 + Y2·Z1
    y3a = (r - t2) % Q  # X1·Z2 + X2·Z1
    z3a = (t1 + t2_9) % Q
    t1a = (t1 - t2_9) % Q
    # linear stage 3
    y3b = B3 * y3a % Q
    return [(t4, y3b), (t3, t1a), (y3b, t0_3), (t1a, z3a), (t0_3, t3), (z3a, t4)]


def combine(products: list[int]) -> Projective:
    """``(X3, Y3, Z3)`` from the second stage's products (steps 27, 30, 33)."""
    x3m, t2m, y3m, t1m, t0m, z3m = products
    return ((t2m - x3m) % Q, (t1m + y3m) % Q, (z3m + t0m) % Q)


def padd(p1: Projective, p2: Projective, mul: Mul) -> Projective:
    """``p1 + p2`` by the complete formula, with the field multiplication ``mul``."""
    first = [mul(a, b) for a, b in stage_a_operands(p1, p2)]
    second = [mul(a, b) for a, b in stage_b_operands(first)]
    return combine(second)


def padd_mont(p1: Projective, p2: Projective, r_bits: int = 256) -> Projective:
    """``p1 + p2`` with coordinates in Montgomery form (``R = 2^r_bits``), as the gateware."""
    return padd(p1, p2, lambda a, b: mont_mul(a, b, r_bits))


def padd_canonical(p1: Projective, p2: Projective) -> Projective:
    """``p1 + p2`` with canonical coordinates and plain modular products."""
    return padd(p1, p2, lambda a, b: a * b % Q)


def from_g1(point: G1) -> Projective:
    """Homogeneous projective coordinates (canonical) of a G1 point (Jacobian inside)."""
    if point.is_identity():
        return INFINITY
    x, y, z = int(point.x), int(point.y), int(point.z)
    return (x * z % Q, y, z * z * z % Q)  # x = X/Z², y = Y/Z³ -> (x·Z³ : y·Z³ : Z³)


def to_g1(p: Projective) -> G1:
    """The G1 point of homogeneous projective ``(X, Y, Z)`` (any common scale)."""
    x, y, z = p
    if z % Q == 0:
        return G1.identity()
    zi = pow(z, -1, Q)
    return G1(x * zi % Q, y * zi % Q, 1)


def mont_point(p: Projective, r_bits: int = 256) -> Projective:
    """Each coordinate in Montgomery form."""
    return tuple(to_mont(v, r_bits) for v in p)  # type: ignore[return-value]


def canonical_point(p: Projective, r_bits: int = 256) -> Projective:
    """Each coordinate back from Montgomery form."""
    return tuple(from_mont(v, r_bits) for v in p)  # type: ignore[return-value]
