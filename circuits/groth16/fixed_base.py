"""Many scalar multiplications of one fixed base point (for key generation).

A table ``T[j][d] = d · 2^(w·j) · P`` for every ``w``-bit window ``j`` turns each
``k·P`` into at most ``⌈254/w⌉`` additions and no doublings. With ``w = 8`` the
table holds 32 × 255 points and each product costs ≤ 32 additions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from zkel.circuits.bn254 import R

P = TypeVar("P")  # G1 or G2

WINDOW_BITS = 8
SCALAR_BITS = 254


def window_table(base: P, window_bits: int = WINDOW_BITS) -> list[list[P]]:
    """``T[j][d] = d·2^(w·j)·base`` for ``0 ≤ d < 2^w`` and every window of a 254-bit scalar."""
    n_windows = -(-SCALAR_BITS // window_bits)
    table: list[list[P]] = []
    step = base
    for _ in range(n_windows):
        row = [step * 0]
        for _d in range(1, 1 << window_bits):
            row.append(row[-1] + step)
        table.append(row)
        step = row[-1] + step  # 2^w · step
    return table


def fixed_base_mul(
    base: P,
    scalars: Sequence[int],
    *,
    window_bits: int = WINDOW_BITS,
    progress: Callable[[int], None] | None = None,
) -> list[P]:
    """``[k · base for k in scalars]`` (scalars reduced mod r; base of order r)."""
    table = window_table(base, window_bits)
    mask = (1 << window_bits) - 1
    zero = table[0][0]
    out: list[P] = []
    for i, k in enumerate(scalars):
        k %= R
        acc = zero
        j = 0
        while k:
            d = k & mask
            if d:
                acc = acc + table[j][d]
            k >>= window_bits
            j += 1
        out.append(acc)
        if progress is not None and (i & 1023) == 1023:
            progress(1024)
    if progress is not None:
        progress(len(scalars) & 1023)
    return out
