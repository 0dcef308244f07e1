"""Combinational modular addition, subtraction and small-constant multiplication over Fq.

Operands are 256-bit values below q (BN254's base field modulus, 254 bits), in any
form (Montgomery or canonical: these operations commute with the scaling); the
results are below q, 256 bits wide. Each is one carry chain plus a compare and a
multiplexer, meant to sit between two pipeline registers.
"""

from __future__ import annotations

from amaranth.hdl import Const, Mux, Value

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


def mul_small_mod(a: Value, k: int) -> Value:
    """``k·a mod q`` for ``a < q`` and a small constant ``k >= 1``.

    ``k·a < k·q``: the ``k - 1`` candidates ``k·a - j·q`` are compared in parallel
    and the last non-negative one wins (``k = 9``: 8 subtractors).
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"Constant must be a positive integer, not {k!r}")
    prod = a * Const(k)
    result = prod
    for j in range(1, k):
        cand = prod - j * Q
        result = Mux(cand[-1], result, cand)
    return result[:ELEMENT_BITS]
