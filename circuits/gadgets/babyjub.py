"""Baby Jubjub points in R1CS: on-curve check, addition, doubling, scalar multiples.

Points are pairs of linear combinations ``(x, y)`` of affine twisted Edwards
coordinates (canonical field elements), as :mod:`zkel.circuits.babyjub` uses;
the identity is ``(0, 1)``. Baby Jubjub's addition law is complete (a square,
d not), so none of these gadgets has an exceptional case. Costs (constraints):

===================================  ======================================
``assert_on_curve``                  3
``add``                              6 (3 when one point is constant)
``double``                           5
``mul_fixed(bits, base)``            10 per 3-bit window (4 lookup + 6 add),
                                     the first window 4: 844 for 253 bits
``mul_var(bits, point)``             23 per 2-bit window + 12 setup:
                                     about 2,900 for 254 bits
===================================  ======================================
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from zkel.circuits import babyjub
from zkel.circuits.bn254 import R
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.r1cs.lc import Operand

A, D = babyjub.A, babyjub.D
Point = tuple[LC, LC]


def point(cs: ConstraintSystem, p: tuple[Operand, Operand]) -> Point:
    """``p`` as a pair of linear combinations of ``cs``."""
    return cs._lc(p[0]), cs._lc(p[1])


def assert_on_curve(
    cs: ConstraintSystem, p: tuple[Operand, Operand], name: str = "on_curve"
) -> None:
    """Constrain ``a·x² + y² = 1 + d·x²·y²`` (3 constraints)."""
    x, y = point(cs, p)
    x2 = cs.mul(x, x, f"{name}.x2")
    y2 = cs.mul(y, y, f"{name}.y2")
    cs.enforce(x2 * D, y2, x2 * A + y2 - 1, f"{name}: a·x²+y² = 1+d·x²·y²")


def _inv(v: int) -> int:
    # 0 for 0 keeps witness generation total on off-curve inputs; the constraints then fail
    return pow(v, -1, R) if v % R else 0


def add(
    cs: ConstraintSystem, p: tuple[Operand, Operand], q: tuple[Operand, Operand], name: str = "add"
) -> Point:
    """``p + q`` (6 constraints, fewer when a coordinate is constant)."""
    x1, y1 = point(cs, p)
    x2, y2 = point(cs, q)
    beta = cs.mul(x1, y2, f"{name}.beta")
    gamma = cs.mul(y1, x2, f"{name}.gamma")
    delta = cs.mul(y1 - x1 * A, x2 + y2, f"{name}.delta")
    tau = cs.mul(beta, gamma, f"{name}.tau")
    # x3·(1 + d·tau) = beta + gamma; y3·(1 - d·tau) = delta + a·beta - gamma
    x3 = cs.hint(f"{name}.x3", lambda: (beta + gamma).value * _inv((1 + tau * D).value) % R)
    y3 = cs.hint(
        f"{name}.y3",
        lambda: (delta + beta * A - gamma).value * _inv((1 - tau * D).value) % R,
    )
    cs.enforce(1 + tau * D, x3, beta + gamma, f"{name}.x3")
    cs.enforce(1 - tau * D, y3, delta + beta * A - gamma, f"{name}.y3")
    return x3, y3


def double(cs: ConstraintSystem, p: tuple[Operand, Operand], name: str = "dbl") -> Point:
    """``2·p`` (5 constraints; ``p`` must be on the curve).

    ``x3 = 2xy / (a·x² + y²)``, ``y3 = (y² - a·x²) / (2 - a·x² - y²)``; both
    denominators equal ``1 ± d·x²·y²`` on the curve, never zero.
    """
    x, y = point(cs, p)
    xy = cs.mul(x, y, f"{name}.xy")
    x2 = cs.mul(x, x, f"{name}.x2")
    y2 = cs.mul(y, y, f"{name}.y2")
    den_x = x2 * A + y2
    den_y = 2 - x2 * A - y2
    x3 = cs.hint(f"{name}.x3", lambda: 2 * xy.value * _inv(den_x.value) % R)
    y3 = cs.hint(f"{name}.y3", lambda: (y2 - x2 * A).value * _inv(den_y.value) % R)
    cs.enforce(den_x, x3, xy * 2, f"{name}.x3")
    cs.enforce(den_y, y3, y2 - x2 * A, f"{name}.y3")
    return x3, y3


@cache
def _window_table(base: tuple[int, int], window: int, bits: int) -> tuple[tuple[int, int], ...]:
    """``[d·8^window·base for d in 0..2^bits-1]`` as affine points (d = 0 is the identity)."""
    step = babyjub.mul(base, 1 << (bits * window)) if window else base
    table = [babyjub.IDENTITY]
    for _ in range((1 << bits) - 1):
        table.append(babyjub.add(table[-1], step))
    return tuple(table)


def _multilinear(values: Sequence[int]) -> list[int]:
    """Coefficients c_S (S a subset mask) with ``values[k] = Σ_{S ⊆ k} c_S`` (Möbius)."""
    c = [v % R for v in values]
    n = len(c).bit_length() - 1
    for i in range(n):
        for k in range(len(c)):
            if k >> i & 1:
                c[k] = (c[k] - c[k ^ (1 << i)]) % R
    return c


def mul_fixed(
    cs: ConstraintSystem, bits: Sequence[LC], base: tuple[int, int], name: str = "mul_fixed"
) -> Point:
    """``Σ bits[i]·2^i · base`` for a constant point ``base``, in 3-bit windows.

    Each window's multiple comes from a constant table through its bits'
    multilinear polynomial (4 products of bits), then one addition.
    """
    acc: Point | None = None
    with cs.scope(name):
        for w in range(0, len(bits), 3):
            chunk = list(bits[w : w + 3])
            table = _window_table(base, w // 3, 3)[: 1 << len(chunk)]
            monomials: list[LC] = [cs.one]
            for i, b in enumerate(chunk):
                monomials += [
                    b if k == 0 else cs.mul(m, b, f"w{w // 3}.m{i}.{k}")
                    for k, m in enumerate(monomials)
                ]
            # monomials[mask] is the product of the chunk bits in mask
            xs = _multilinear([pt[0] for pt in table])
            ys = _multilinear([pt[1] for pt in table])
            px = cs.constant(0)
            py = cs.constant(0)
            for mono, cx, cy in zip(monomials, xs, ys, strict=True):
                px = px + mono * cx
                py = py + mono * cy
            acc = (px, py) if acc is None else add(cs, acc, (px, py), f"w{w // 3}.add")
    assert acc is not None
    return acc


def mul_var(
    cs: ConstraintSystem, bits: Sequence[LC], p: tuple[Operand, Operand], name: str = "mul_var"
) -> Point:
    """``Σ bits[i]·2^i · p`` for a point ``p`` on the curve, in 2-bit windows, MSB first.

    Table ``[O, p, 2p, 3p]`` (one doubling and one addition), then per window
    two doublings, a lookup (``s0·s1`` and three products per coordinate) and
    an addition.
    """
    p = point(cs, p)
    with cs.scope(name):
        p2 = double(cs, p, "t2")
        p3 = add(cs, p2, p, "t3")
        chunks = [list(bits[w : w + 2]) for w in range(0, len(bits), 2)]
        acc: Point | None = None
        for k, chunk in reversed(list(enumerate(chunks))):
            if acc is not None:
                for j in range(len(chunk)):
                    acc = double(cs, acc, f"w{k}.d{j}")
            if len(chunk) == 2:
                s0, s1 = chunk
                s01 = cs.mul(s0, s1, f"w{k}.s01")
                # table[m] = O, p, 2p, 3p for m = s0 + 2·s1
                x = (
                    cs.mul(s0, p[0], f"w{k}.x1")
                    + cs.mul(s1, p2[0], f"w{k}.x2")
                    + cs.mul(s01, p3[0] - p2[0] - p[0], f"w{k}.x3")
                )
                y = (
                    1
                    + cs.mul(s0, p[1] - 1, f"w{k}.y1")
                    + cs.mul(s1, p2[1] - 1, f"w{k}.y2")
                    + (cs.mul(s01, p3[1] - p2[1] - p[1] + 1, f"w{k}.y3"))
                )
            else:
                (s0,) = chunk
                x = cs.mul(s0, p[0], f"w{k}.x1")
                y = 1 + cs.mul(s0, p[1] - 1, f"w{k}.y1")
            acc = (x, y) if acc is None else add(cs, acc, (x, y), f"w{k}.add")
    assert acc is not None
    return acc
