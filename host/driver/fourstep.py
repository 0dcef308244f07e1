"""Four-step split of an NTT too large for the engine: engine transforms, host twiddles.

For ``n = n1·n2`` write input indices ``j = n2·j1 + j2`` and output indices
``k = k1 + n1·k2``. Then

    X[k] = Σ_j2 ω_n2^(j2·k2) · (ω_n^(j2·k1) · Y[k1, j2]),
    Y[k1, j2] = Σ_j1 a[n2·j1 + j2] · ω_n1^(j1·k1),

so: (1) the ``n2`` strided columns ``a[j2::n2]`` go through size-``n1`` NTTs
(giving ``Y``), (2) the host multiplies ``Y[k1, j2]`` by the twiddle
``ω_n^(j2·k1)`` (``n`` products mod r), (3) the ``n1`` rows go through
size-``n2`` NTTs and row ``k1``'s outputs land at ``k1 + n1·k2``. The inverse is
the same with ``ω^-1`` everywhere: the engine's inverse transforms scale by
``1/n1`` and ``1/n2``, ``1/n`` in all. Values are canonical Fr ints throughout.

The transforms are whatever ``transform(rows, inverse)`` does (the driver sends
each row as one engine job); this module only moves and multiplies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import root_of_unity

BatchTransform = Callable[[list[list[int]], bool], list[list[int]]]
"""``transform(rows, inverse)``: each row (length a power of two) NTT'd (or iNTT'd)."""


def split_sizes(log_n: int, max_log: int) -> tuple[int, int]:
    """``(log2 n1, log2 n2)``: as balanced as possible, ``n1`` never above ``2^max_log``.

    ``n2`` may still exceed the engine; the driver then splits the rows again.
    """
    if max_log < 1 or log_n <= max_log:
        raise ValueError(f"a 2^{log_n} transform needs no split for an engine of 2^{max_log}")
    log_n1 = min(max_log, (log_n + 1) // 2)
    return log_n1, log_n - log_n1


def twiddle(matrix: list[list[int]], n: int, inverse: bool) -> None:
    """Multiply ``matrix[k1][j2]`` by ``ω_n^(±j2·k1)`` in place (``±`` minus when inverse)."""
    w = root_of_unity(n)
    if inverse:
        w = pow(w, -1, R)
    w_k1 = 1  # ω^k1
    for row in matrix:
        factor = 1  # ω^(k1·j2)
        for j2 in range(len(row)):
            row[j2] = row[j2] * factor % R
            factor = factor * w_k1 % R
        w_k1 = w_k1 * w % R


def four_step(
    values: Sequence[int], log_n1: int, transform: BatchTransform, *, inverse: bool
) -> list[int]:
    """The NTT (or iNTT) of ``values`` by size-``2^log_n1`` and size-``n / 2^log_n1`` transforms."""
    n = len(values)
    n1 = 1 << log_n1
    if n < 2 or n & (n - 1) or n % n1 or n1 < 2 or n1 == n:
        raise ValueError(f"cannot split a size-{n} transform into columns of {n1}")
    n2 = n // n1
    columns = transform([list(values[j2::n2]) for j2 in range(n2)], inverse)  # Y[k1, j2] by j2
    rows = [[columns[j2][k1] for j2 in range(n2)] for k1 in range(n1)]  # transpose
    twiddle(rows, n, inverse)
    rows = transform(rows, inverse)
    out = [0] * n
    for k1, row in enumerate(rows):
        out[k1::n1] = row
    return out
