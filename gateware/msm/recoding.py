"""Signed-digit recoding of a scalar into bucket operations, in one addition.

:func:`zkel.circuits.msm.signed_digits` cuts ``k`` into ``W = 254 // c + 1``
digits ``d_w`` in ``[-(2^(c-1) - 1), 2^(c-1)]`` with a carry rippling from window
to window. The same digits come from one addition: with
``M = Σ_w (2^(c-1) - 1)·2^(c·w)``, the plain ``c``-bit digits ``u_w`` of ``k + M``
give ``d_w = u_w - (2^(c-1) - 1)`` (the digit set is a complete residue system
mod ``2^c``, so the representation is unique). Needs ``k < r`` (then ``k + M``
fits in ``W·c + 1`` bits and no digit overflows; the host reduces scalars).

A non-zero digit becomes a bucket operation: bucket RAM address
``w·2^(c-1) + |d_w| - 1`` and the point's sign.

The top window is special: a scalar below r leaves it only a few digit values
(``D`` of them: 3 for c = 3, 4, 7; 12 for c = 10; 2 for c = 11), so every
point's top-window addition lands in one of ``D`` buckets and they serialise
behind the adder latency (one per ``L + 1`` clocks each: this was the engine's
bottleneck, measured). Its unused buckets become replicas: digit ``d`` of point
``i`` goes to slot ``(|d| - 1)·K + (i mod K)`` of the top window, ``K`` the
largest power of two with ``K·D <= 2^(c-1)``, and the host adds the ``K``
replicas of each bucket (:func:`zkel.gateware.msm.finish.fold_top_window`).
"""

from __future__ import annotations

from typing import NamedTuple

from amaranth.hdl import Cat, Const, Mux, Value

from zkel.circuits.bn254.fields import R


class BucketOp(NamedTuple):
    """One bucket addition of a point: RAM ``address`` and whether ``-P`` is added."""

    address: int
    negative: bool


def offset(c: int, windows: int) -> int:
    """``M = Σ_w (2^(c-1) - 1)·2^(c·w)``: the constant that makes the digits plain bits."""
    return sum(((1 << (c - 1)) - 1) << (c * w) for w in range(windows))


def top_window_layout(c: int, windows: int) -> tuple[int, int]:
    """``(D, K)``: the top window's largest digit for scalars below r, and its replicas."""
    half = 1 << (c - 1)
    top_digit = ((R - 1 + offset(c, windows)) >> (c * (windows - 1))) - (half - 1)
    replicas = 1
    while 2 * replicas * top_digit <= half:
        replicas *= 2
    return top_digit, replicas


def bucket_ops(k: int, c: int, windows: int, point: int = 0) -> list[BucketOp | None]:
    """Per window, the bucket operation of scalar ``k`` of the ``point``-th point
    (``None`` for a zero digit)."""
    if not 0 <= k < R:
        raise ValueError(f"scalar must be in [0, r), not {k!r}")
    half = 1 << (c - 1)
    _, replicas = top_window_layout(c, windows)
    shifted = k + offset(c, windows)
    ops: list[BucketOp | None] = []
    for w in range(windows):
        d = ((shifted >> (c * w)) & ((1 << c) - 1)) - (half - 1)
        slot = abs(d) - 1
        if w == windows - 1:
            slot = slot * replicas + point % replicas
        ops.append(None if d == 0 else BucketOp(w * half + slot, d < 0))
    return ops


def recode(scalar: Value, c: int, windows: int, point: Value) -> list[tuple[Value, Value, Value]]:
    """Gateware form of :func:`bucket_ops`: per window ``(nonzero, address, negative)``.

    ``scalar`` is 256 bits, below r; ``point`` the point's index (its low bits pick
    the top window's replica). Combinational: one ``W·c + 1``-bit addition
    then, per window, a ``c``-bit compare and subtract (address width:
    ``(W·2^(c-1) - 1).bit_length()``).
    """
    half = 1 << (c - 1)
    _, replicas = top_window_layout(c, windows)
    addr_bits = max((windows * half - 1).bit_length(), 1)
    shifted = (scalar + Const(offset(c, windows)))[: windows * c + 1]
    out = []
    for w in range(windows):
        u = shifted[c * w : c * (w + 1)]
        negative = u < half - 1
        magnitude = Mux(negative, (half - 1) - u, u - (half - 1))[:c]
        slot = (magnitude - 1)[:c]
        if w == windows - 1 and replicas > 1:
            log_k = replicas.bit_length() - 1
            slot = Cat(point[:log_k], slot)  # (|d| - 1)·K + (i mod K)
        address = (Const(w * half, addr_bits) + slot)[:addr_bits]
        out.append((u != half - 1, address, negative))
    return out
