"""Many scalar multiplications of one fixed base point (for key generation).

A table ``T[j][d] = d · 2^(w·j) · P`` for every ``w``-bit window ``j`` turns each
``k·P`` into at most ``⌈254/w⌉`` additions and no doublings. The window width is
chosen for the job: building the table costs ``⌈254/w⌉·2^w`` additions and each
product ``⌈254/w⌉``, so ``w`` minimises ``⌈254/w⌉·(2^w + N)`` for ``N`` products.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from zkel.circuits.bn254 import R

P = TypeVar("P")  # G1 or G2

SCALAR_BITS = 254


def best_window(count: int) -> int:
    """Window width (bits) minimising table plus product additions for ``count`` products."""
    return min(range(2, 15), key=lambda w: -(-SCALAR_BITS // w) * ((1 << w) + count))


class FixedBase(Generic[P]):
    """Scalar multiples of ``base`` (a point of order r) through a window table."""

    def __init__(self, base: P, window_bits: int) -> None:
        self.window_bits = window_bits
        n_windows = -(-SCALAR_BITS // window_bits)
        self.table: list[list[P]] = []
        step = base
        for _ in range(n_windows):
            row = [step * 0]
            for _d in range(1, 1 << window_bits):
                row.append(row[-1] + step)
            self.table.append(row)
            step = row[-1] + step  # 2^w · step

    def mul(self, k: int) -> P:
        """``k · base`` (k reduced mod r)."""
        k %= R
        mask = (1 << self.window_bits) - 1
        acc = self.table[0][0]
        j = 0
        while k:
            d = k & mask
            if d:
                acc = acc + self.table[j][d]
            k >>= self.window_bits
            j += 1
        return acc

    def mul_many(
        self, scalars: Sequence[int], progress: Callable[[int], None] | None = None
    ) -> list[P]:
        """``[k · base for k in scalars]``; ``progress(n)`` is called every 1024 products."""
        out = []
        for i, k in enumerate(scalars):
            out.append(self.mul(k))
            if progress is not None and (i & 1023) == 1023:
                progress(1024)
        if progress is not None:
            progress(len(scalars) & 1023)
        return out
