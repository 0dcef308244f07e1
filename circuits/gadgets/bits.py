"""Booleans, bit decompositions, range checks, comparisons and selection.

All values are canonical field elements of BN254's Fr. "An n-bit value" means an
integer in ``[0, 2**n)`` held in one field element. Costs (constraints):

==========================  ==============================================
``assert_bool``             1
``to_bits(x, n)``           n + 1 (also a range check ``x < 2**n``)
``range_check(x, n)``       n + 1
``is_zero`` / ``is_equal``  2
``select``                  1
``less_than(a, b, n)``      n + 2 (a, b must be n-bit values)
``div_rem(a, d, n, m)``     n + m + 3 (a < 2**(n+m) roughly; see docstring)
==========================  ==============================================
"""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits.bn254 import R
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.r1cs.lc import Operand


def as_lc(cs: ConstraintSystem, x: Operand) -> LC:
    """``x`` as a linear combination of ``cs`` (ints become constants)."""
    return cs._lc(x)


def assert_bool(cs: ConstraintSystem, b: Operand, name: str = "bool") -> None:
    """Constrain ``b`` to 0 or 1 (1 constraint)."""
    b = as_lc(cs, b)
    cs.enforce(b, b - 1, 0, name)


def to_bits(cs: ConstraintSystem, x: Operand, n: int, name: str = "bits") -> list[LC]:
    """The ``n`` bits of ``x``, least significant first; constrains ``x < 2**n``.

    ``n + 1`` constraints. With ``n >= 254`` the decomposition is not unique (``x``
    and ``x + r`` may both fit); callers that need uniqueness keep ``n <= 253``.
    """
    if not 1 <= n <= 254:
        raise ValueError(f"bit width must be 1..254, not {n}")
    x = as_lc(cs, x)
    bits = []
    for i in range(n):
        b = cs.hint(f"{name}[{i}]", lambda i=i: (x.value >> i) & 1)
        assert_bool(cs, b, f"{name}[{i}] is a bit")
        bits.append(b)
    cs.enforce_equal(from_bits(cs, bits), x, f"{name}: x < 2^{n}")
    return bits


def from_bits(cs: ConstraintSystem, bits: Sequence[Operand]) -> LC:
    """``Σ bits[i]·2**i`` (no constraint; the bits must already be constrained)."""
    total = cs.constant(0)
    for i, b in enumerate(bits):
        total = total + as_lc(cs, b) * (1 << i)
    return total


def range_check(cs: ConstraintSystem, x: Operand, n: int, name: str = "range") -> None:
    """Constrain ``0 <= x < 2**n`` (``n + 1`` constraints)."""
    to_bits(cs, x, n, name)


def signed_range_check(cs: ConstraintSystem, x: Operand, n: int, name: str = "signed") -> None:
    """Constrain ``-2**(n-1) <= x < 2**(n-1)`` with ``x`` encoded as ``x mod r`` (n + 1)."""
    to_bits(cs, as_lc(cs, x) + (1 << (n - 1)), n, name)


def is_zero(cs: ConstraintSystem, x: Operand, name: str = "is_zero") -> LC:
    """1 when ``x == 0`` else 0 (2 constraints)."""
    x = as_lc(cs, x)
    inv = cs.hint(f"{name}.inv", lambda: pow(x.value, -1, R) if x.value else 0)
    out = cs.hint(f"{name}.out", lambda: int(x.value == 0))
    cs.enforce(x, inv, 1 - out, f"{name}: out = 1 - x·inv")
    cs.enforce(x, out, 0, f"{name}: x·out = 0")
    return out


def is_equal(cs: ConstraintSystem, a: Operand, b: Operand, name: str = "is_equal") -> LC:
    """1 when ``a == b`` else 0 (2 constraints)."""
    return is_zero(cs, as_lc(cs, a) - as_lc(cs, b), name)


def select(cs: ConstraintSystem, s: Operand, a: Operand, b: Operand, name: str = "select") -> LC:
    """``a`` when the bit ``s`` is 1, else ``b`` (1 constraint; ``s`` must be a bit)."""
    a, b = as_lc(cs, a), as_lc(cs, b)
    return b + cs.mul(s, a - b, name)


def less_than(cs: ConstraintSystem, a: Operand, b: Operand, n: int, name: str = "lt") -> LC:
    """1 when ``a < b`` else 0, for n-bit values ``a`` and ``b`` (n + 2 constraints).

    Decomposes ``a - b + 2**n`` into n + 1 bits; its top bit is ``a >= b``.
    The caller must have range-checked ``a`` and ``b`` to n bits.
    """
    if not 1 <= n <= 252:
        raise ValueError(f"comparison width must be 1..252, not {n}")
    diff = as_lc(cs, a) - as_lc(cs, b) + (1 << n)
    bits = to_bits(cs, diff, n + 1, name)
    return 1 - bits[n]


def assert_less_equal(
    cs: ConstraintSystem, a: Operand, b: Operand, n: int, name: str = "le"
) -> None:
    """Constrain ``a <= b`` for values with ``0 <= b - a`` or ``a - b`` below ``2**n``.

    ``n + 1`` constraints: ``b - a`` must decompose into n bits. Sound when both
    values are known to be at most n-bit (so ``a - b`` cannot wrap into range).
    """
    range_check(cs, as_lc(cs, b) - as_lc(cs, a), n, name)


def div_rem(
    cs: ConstraintSystem,
    a: Operand,
    d: int,
    q_bits: int,
    name: str = "divrem",
) -> tuple[LC, LC]:
    """``(a // d, a % d)`` for a non-negative ``a < d·2**q_bits`` and a constant ``d > 0``.

    Constrains ``a = q·d + rem`` with ``q < 2**q_bits`` and ``rem < d``
    (``q_bits + 1`` + ``(d - 1).bit_length() + 1`` + 1 constraints at most).
    Sound when ``d·2**q_bits < r``.
    """
    if d <= 0:
        raise ValueError("divisor must be positive")
    if d << q_bits >= R:
        raise ValueError("d·2^q_bits must stay below the field order")
    a = as_lc(cs, a)
    q = cs.hint(f"{name}.q", lambda: a.value // d)
    rem = a - q * d
    range_check(cs, q, q_bits, f"{name}.q")
    if d > 1:
        m = (d - 1).bit_length()
        range_check(cs, rem, m, f"{name}.rem")
        if d != 1 << m:
            range_check(cs, (d - 1) - rem, m, f"{name}.rem < d")
    return q, rem
