"""Combinational modular addition, subtraction and small-constant multiplication over Fq.

Operands are 256-bit values below q (BN254's base field modulus, 254 bits), in any
form (Montgomery or canonical: these operations commute with the scaling); the
results are below q, 256 bits wide. Each is one carry chain plus a compare and a
multiplexer, meant to sit between two pipeline registers.
"""

from __future__ import annotations

from amaranth.hdl import Array, Const, Mux, Value

from zkel.circuits.bn254.fields import Q
from zkel.gateware.config import ELEMENT_BITS


def add_mod(a: Value, b: Value) -> Value:
    """``a + b mod q`` for ``a, b < q``."""
    total = a + b
    over = total - Q  # negative (top bit set) when total < q
    return Mux(over[-1], total, over)[:ELEMENT_BITS]


def sub_mod(a: Value, b: Value) -> Value:
    """``a - b mod q`` for ``a, b < q``."""
    diff = a - b
    return Mux(diff[-1], diff + Q, diff)[:ELEMENT_BITS]


LINEAR_MAX = 3
"""Largest constant :func:`mul_small_mod` reduces by parallel candidates; above it,
by the quotient table (on xc7 by Yosys, ``k = 3``: 475 LUTs against the table's
647; ``k = 9``: 2,011 against 756)."""

QUOTIENT_SHIFT = Q.bit_length() - 1
"""``s`` with ``2^s < q`` (253): the bits of ``k·a`` above ``s`` fix ``floor(k·a / q)``
to within one (:func:`mul_small_mod`)."""


def quotient_floor(top: int) -> int:
    """``floor(top·2^s / q)``: the quotient table entry for the top bits ``top``."""
    return (top << QUOTIENT_SHIFT) // Q


def mul_small_mod(a: Value, k: int) -> Value:
    """``k·a mod q`` for ``a < q`` and a small constant ``k >= 1``.

    ``k ≤ 3`` (:data:`LINEAR_MAX`): the ``k - 1`` candidates ``k·a - j·q`` are
    compared in parallel and the last non-negative one wins. Larger ``k`` (``k = 9``,
    the curve's ``3b``): the bits of ``P = k·a`` above ``s = 253`` (``T``, 4 bits
    for ``k = 9``) select ``j·q`` with ``j = floor(T·2^s / q)`` from a constant
    table; since ``2^s < q``, ``floor(P / q)`` is ``j`` or ``j + 1``, so ``P - j·q``
    is below ``2q`` and one conditional subtraction of q finishes: two subtractors
    and a table in place of ``k - 1`` subtractors and a ``k - 1`` deep multiplexer
    chain.
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"Constant must be a positive integer, not {k!r}")
    prod = a * Const(k)
    if k <= LINEAR_MAX:
        result = prod
        for j in range(1, k):
            cand = prod - j * Q
            result = Mux(cand[-1], result, cand)
        return result[:ELEMENT_BITS]
    top_max = (k * (Q - 1)) >> QUOTIENT_SHIFT
    top = prod[QUOTIENT_SHIFT : QUOTIENT_SHIFT + top_max.bit_length()]  # exact: P ≤ k(q-1)
    table = Array(Const(quotient_floor(t) * Q, len(prod)) for t in range(top_max + 1))
    r1 = (prod - table[top])[: ELEMENT_BITS + 1]  # below 2q < 2^255
    r2 = r1 - Q
    return Mux(r2[-1], r1, r2)[:ELEMENT_BITS]
