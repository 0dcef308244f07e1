"""Number-theoretic transforms over BN254's scalar field Fr.

Roots of unity are the ones ffjavascript (snarkjs) uses: ``ω_n = 5^((r-1)/n)``,
5 being the smallest quadratic non-residue mod r; r - 1 = 2^28 · t, so sizes are
powers of two up to 2^28. ``ntt(c)[i] = Σ_j c_j·ω_n^(ij)`` (evaluations in natural
order), ``intt`` its inverse, and the coset variants evaluate at ``shift·ω_n^i``.

The transform is an iterative radix-2 decimation-in-time Cooley–Tukey: a
bit-reversal permutation, then ``log2 n`` stages of butterflies
``(a, b, w) -> (a + w·b, a - w·b)``. Each stage runs vectorised over numpy object
arrays of Python ints (one C-level loop per arithmetic step instead of a Python
loop per butterfly); twiddles are cached per size. All values canonical in [0, r).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

try:  # gmpy2's mpz multiplies 254-bit numbers faster; results are identical
    from gmpy2 import mpz as _MPZ
except ImportError:  # pragma: no cover - exercised when gmpy2 is absent
    _MPZ = int

from zkel.circuits.bn254.fields import R

TWO_ADICITY = 28
NON_RESIDUE = 5
MAX_LOG_SIZE = 28


def _log2_exact(n: int) -> int:
    if not isinstance(n, int) or n < 1 or n & (n - 1):
        raise ValueError(f"NTT size must be a power of two, not {n!r}")
    k = n.bit_length() - 1
    if k > MAX_LOG_SIZE:
        raise ValueError(f"NTT size 2^{k} exceeds Fr's two-adicity 2^{MAX_LOG_SIZE}")
    return k


@lru_cache(maxsize=64)
def root_of_unity(n: int) -> int:
    """The primitive n-th root of unity ``5^((r-1)/n)`` (n a power of two ≤ 2^28)."""
    _log2_exact(n)
    return pow(NON_RESIDUE, (R - 1) // n, R)


def butterfly(a: int, b: int, w: int) -> tuple[int, int]:
    """One radix-2 DIT butterfly: ``(a + w·b, a - w·b) mod r`` (canonical in and out).

    The gateware NTT engine's butterfly unit computes exactly this.
    """
    t = w * b % R
    return (a + t) % R, (a - t) % R


@lru_cache(maxsize=32)
def _bit_reverse(n: int) -> np.ndarray:
    k = _log2_exact(n)
    idx = np.arange(n, dtype=np.int64)
    rev = np.zeros(n, dtype=np.int64)
    for bit in range(k):
        rev |= ((idx >> bit) & 1) << (k - 1 - bit)
    return rev


@lru_cache(maxsize=32)
def _twiddles(n: int, inverse: bool) -> np.ndarray:
    """``[w^0 .. w^(n/2 - 1)]`` for ``w = ω_n`` (or ``ω_n^-1``), as an object array."""
    w = root_of_unity(n)
    if inverse:
        w = pow(w, -1, R)
    half = max(n // 2, 1)
    out = [1] * half
    for i in range(1, half):
        out[i] = out[i - 1] * w % R
    return np.array([_MPZ(x) for x in out], dtype=object)


def _transform(values: Sequence[int], inverse: bool) -> list[int]:
    n = len(values)
    k = _log2_exact(n)
    if n == 1:
        return [int(values[0]) % R]
    a = np.array([_MPZ(int(v) % R) for v in values], dtype=object)[_bit_reverse(n)]
    tw_full = _twiddles(n, inverse)
    # Lazy reduction: only the products are reduced inside the loop (Python's % is
    # non-negative for a negative dividend too); the additive side drifts by less
    # than r per stage, and one final reduction makes every value canonical.
    for s in range(1, k + 1):
        half = 1 << (s - 1)
        blocks = a.reshape(n >> s, 2, half)
        u = blocks[:, 0, :]
        if s == 1:
            t = blocks[:, 1, :]  # the only twiddle is 1
        else:
            t = blocks[:, 1, :] * tw_full[:: n >> s] % R  # ω_{2^s}^j for j < half
        a = np.concatenate((u + t, u - t), axis=1).reshape(n)
    if inverse:
        a = a * pow(n, -1, R)
    return [int(x) for x in a % R]


def ntt(values: Sequence[int]) -> list[int]:
    """Evaluations ``[Σ_j c_j·ω_n^(ij) for i < n]`` of the coefficients ``values``."""
    return _transform(values, inverse=False)


def intt(values: Sequence[int]) -> list[int]:
    """Coefficients of the polynomial whose evaluations on ``⟨ω_n⟩`` are ``values``."""
    return _transform(values, inverse=True)


def _scale_by_powers(values: Sequence[int], g: int) -> list[int]:
    out = []
    acc = 1
    for v in values:
        out.append(int(v) * acc % R)
        acc = acc * g % R
    return out


def coset_ntt(values: Sequence[int], shift: int) -> list[int]:
    """Evaluations at ``shift·ω_n^i``: ``ntt([c_j·shift^j])``."""
    return ntt(_scale_by_powers(values, shift % R))


def coset_intt(values: Sequence[int], shift: int) -> list[int]:
    """Inverse of :func:`coset_ntt`: ``intt(values)`` scaled by ``shift^-j``."""
    if shift % R == 0:
        raise ValueError("coset shift must be non-zero")
    return _scale_by_powers(intt(values), pow(shift, -1, R))


def dft(values: Sequence[int]) -> list[int]:
    """Naive O(n²) reference for :func:`ntt`."""
    n = len(values)
    w = root_of_unity(n)
    return [sum(int(c) * pow(w, i * j, R) for j, c in enumerate(values)) % R for i in range(n)]


def idft(values: Sequence[int]) -> list[int]:
    """Naive O(n²) reference for :func:`intt`."""
    n = len(values)
    w_inv = pow(root_of_unity(n), -1, R)
    n_inv = pow(n, -1, R)
    return [
        sum(int(e) * pow(w_inv, i * j, R) for j, e in enumerate(values)) * n_inv % R
        for i in range(n)
    ]
