"""The optimized form of Poseidon's partial rounds (the paper's appendix B).

In a partial round only ``state[0]`` passes the S-box, so two rewrites preserve the
permutation exactly:

1. **Constant folding.** The constants a partial round adds to ``state[1:]`` can be
   added after its S-box instead, i.e. pushed through its MDS matrix into the next
   round's constants. Done forward over all partial rounds, each partial round keeps
   one scalar constant (for ``state[0]``) and the residue joins the constants of the
   first full round after them.
2. **Sparse matrices.** The state is carried in a basis ``s = diag(1, N)·ŝ``. With
   ``M = [[m00, vᵀ], [w, M̂]]``, one round's ``M·diag(1, N)`` factors as
   ``diag(1, M̂N) · [[m00, vᵀN], [(M̂N)⁻¹w, I]]``: the carried state is multiplied by
   the sparse right factor (first row and first column only, ``2t - 1``
   multiplications instead of ``t²``) and ``N ← M̂N``. After the last partial round
   one dense product ``N·ŝ[1:]`` returns to the true state.

:func:`optimized_parameters` derives everything from the plain constants and MDS
matrix of :func:`zkel.circuits.poseidon.parameters.parameters`; the tests compare
the result with the round loop on random states of every width. A circuit gadget
can use the same data: per partial round one S-box and ``2t - 1`` linear terms.
Derivation costs 10 ms (t = 3) to 0.3 s (t = 17) on first use of a width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from zkel.circuits.bn254.fields import R
from zkel.circuits.poseidon.grain import N_ROUNDS_F
from zkel.circuits.poseidon.parameters import parameters

Matrix = list[list[int]]
Table = tuple[tuple[int, ...], ...]


def _matmul(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> Matrix:
    return [
        [sum(x * y for x, y in zip(row, col, strict=True)) % R for col in zip(*b, strict=True)]
        for row in a
    ]


def _matvec(a: Sequence[Sequence[int]], v: Sequence[int]) -> list[int]:
    return [sum(x * y for x, y in zip(row, v, strict=True)) % R for row in a]


def _inverse(a: Matrix) -> Matrix:
    """Inverse of a square matrix over Fr by Gauss–Jordan elimination."""
    n = len(a)
    aug = [[*row, *(int(i == j) for j in range(n))] for i, row in enumerate(a)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if aug[r][col] % R)
        aug[col], aug[pivot] = aug[pivot], aug[col]
        inv = pow(aug[col][col], -1, R)
        aug[col] = [x * inv % R for x in aug[col]]
        for r in range(n):
            if r != col and aug[r][col]:
                f = aug[r][col]
                aug[r] = [(x - f * y) % R for x, y in zip(aug[r], aug[col], strict=True)]
    return [row[n:] for row in aug]


@dataclass(frozen=True)
class OptimizedParameters:
    """Everything the optimized permutation of width ``t`` needs (canonical ints).

    ``full_constants[r]``: the constant vector of full round r (0..7), the folded
    residue included in round 4; ``partial_constants[i]``: the scalar constant of
    partial round i; ``sparse_rows[i]`` / ``sparse_cols[i]``: first row (t entries)
    and first column below the diagonal (t - 1 entries) of its sparse matrix;
    ``basis``: the (t-1)×(t-1) matrix N that returns to the true state.
    """

    t: int
    mds: Table
    full_constants: Table
    partial_constants: tuple[int, ...]
    sparse_rows: Table
    sparse_cols: Table
    basis: Table


@cache
def optimized_parameters(t: int) -> OptimizedParameters:
    """Derive the folded constants and sparse matrices for width ``t`` (2..17).

    Raises
    ------
    ValueError
        When ``t`` is outside 2..17.
    """
    plain = parameters(t)
    mds = [list(row) for row in plain.mds]
    r_p = plain.n_rounds_p
    half_f = N_ROUNDS_F // 2
    rounds = [list(c) for c in plain.round_constants]
    # 1. constant folding, forward through the partial rounds
    partial_constants = []
    for r in range(half_f, half_f + r_p):
        rest = [0, *rounds[r][1:]]
        partial_constants.append(rounds[r][0])
        pushed = _matvec(mds, rest)
        nxt = rounds[r + 1]
        rounds[r + 1] = [(x + y) % R for x, y in zip(nxt, pushed, strict=True)]
    full_constants = rounds[:half_f] + rounds[half_f + r_p :]
    # 2. sparse factorisation, forward
    m_hat = [row[1:] for row in mds[1:]]
    v = mds[0][1:]
    w = [row[0] for row in mds[1:]]
    n_basis = [[int(i == j) for j in range(t - 1)] for i in range(t - 1)]
    rows, cols = [], []
    for _ in range(r_p):
        vn = [sum(v[k] * n_basis[k][j] for k in range(t - 1)) % R for j in range(t - 1)]
        mn = _matmul(m_hat, n_basis)
        rows.append([mds[0][0], *vn])
        cols.append(_matvec(_inverse(mn), w))
        n_basis = mn
    return OptimizedParameters(
        t,
        _table(mds),
        _table(full_constants),
        tuple(partial_constants),
        _table(rows),
        _table(cols),
        _table(n_basis),
    )


def _table(rows: Matrix) -> Table:
    return tuple(tuple(row) for row in rows)


def permute_optimized(state: Sequence[int]) -> list[int]:
    """The permutation evaluated in the optimized form (plain loop, for tests and docs).

    ``state``: t canonical field elements (2 ≤ t ≤ 17); returns the permuted state.
    """
    t = len(state)
    p = optimized_parameters(t)
    half_f = N_ROUNDS_F // 2
    s = [x % R for x in state]

    def full_round(s: list[int], c: list[int]) -> list[int]:
        a = [pow((x + k) % R, 5, R) for x, k in zip(s, c, strict=True)]
        return _matvec(p.mds, a)

    for r in range(half_f):
        s = full_round(s, p.full_constants[r])
    for row, col, c in zip(p.sparse_rows, p.sparse_cols, p.partial_constants, strict=True):
        a0 = pow((s[0] + c) % R, 5, R)
        s0 = (row[0] * a0 + sum(m * x for m, x in zip(row[1:], s[1:], strict=True))) % R
        s = [s0, *((x + m * a0) % R for x, m in zip(s[1:], col, strict=True))]
    s = [s[0], *_matvec(p.basis, s[1:])]
    for r in range(half_f, N_ROUNDS_F):
        s = full_round(s, p.full_constants[r])
    return s
