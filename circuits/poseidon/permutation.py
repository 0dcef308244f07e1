"""The Poseidon permutation and hash with circomlib's parameters (BN254 Fr).

Round structure (circomlib's reference): for each of ``R_F + R_P`` rounds, add the
round constants, apply ``x^5`` to every element (the 4 first and 4 last, full
rounds) or to the first only (partial rounds), then multiply by the MDS matrix.
The hash of ``n`` inputs (1 ≤ n ≤ 16) permutes ``[0, x_1, .., x_n]`` (width
t = n + 1) and returns the first element. All values canonical ints in [0, r).

The native permutation is straight-line code generated per width (:func:`_compiled`)
in the optimized form of :mod:`zkel.circuits.poseidon.optimized` (folded constants,
sparse partial-round matrices); :func:`permute_reference` is the plain round loop it
is tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from zkel.circuits.bn254.fields import R

try:  # gmpy2 reduces 508-bit products faster; results are identical
    from gmpy2 import mpz as _NUM

    HAVE_GMPY2 = True
except ImportError:  # pragma: no cover
    _NUM = int
    HAVE_GMPY2 = False
from zkel.circuits.poseidon.grain import N_ROUNDS_F, N_ROUNDS_P, generate
from zkel.circuits.poseidon.optimized import optimized_parameters

MAX_INPUTS = len(N_ROUNDS_P)


@cache
def _compiled(t: int) -> Callable[[list[int]], list[int]]:
    """The permutation for width t as straight-line Python, in the optimized form.

    Generated once per width from :func:`optimized_parameters`: the state lives in
    local variables, S-boxes and matrix rows are written out, partial rounds use
    their sparse matrices (2t - 1 products), and sums are reduced once.
    """
    p = optimized_parameters(t)
    half_f = N_ROUNDS_F // 2
    s = [f"s{i}" for i in range(t)]
    consts: list[int] = []

    def const(value: int) -> str:
        consts.append(value)
        return f"K[{len(consts) - 1}]"

    lines = ["def perm(state, K, R=R):", f"    {', '.join(s)}, = state"]

    def full_round(c: list[int]) -> None:
        for i in range(t):
            lines.append(f"    a{i} = ({s[i]} + {const(c[i])}) % R")
            lines.append(f"    b = a{i} * a{i} % R; a{i} = b * b % R * a{i} % R")
        for i in range(t):
            terms = " + ".join(f"{const(p.mds[i][j])} * a{j}" for j in range(t))
            lines.append(f"    {s[i]} = ({terms}) % R")

    for r in range(half_f):
        full_round(p.full_constants[r])
    for row, col, c in zip(p.sparse_rows, p.sparse_cols, p.partial_constants, strict=True):
        lines.append(f"    a0 = ({s[0]} + {const(c)}) % R")
        lines.append("    b = a0 * a0 % R; a0 = b * b % R * a0 % R")
        terms = " + ".join(f"{const(row[j])} * {s[j]}" for j in range(1, t))
        lines.append(f"    n0 = ({const(row[0])} * a0 + {terms}) % R")
        for k in range(1, t):
            lines.append(
                f"    {s[k]} = {s[k]} + {const(col[k - 1])} * a0  # reduced after the partials"
            )
        lines.append(f"    {s[0]} = n0")
    rest = ", ".join(s[1:])
    lines.append(
        f"    {rest}, = "
        + ", ".join(
            "(" + " + ".join(f"{const(p.basis[i][j])} * {s[j + 1]}" for j in range(t - 1)) + ") % R"
            for i in range(t - 1)
        )
        + ","
    )
    for r in range(half_f, N_ROUNDS_F):
        full_round(p.full_constants[r])
    lines.append(f"    return [{', '.join(s)}]")
    namespace: dict = {"R": _NUM(R)}
    exec("\n".join(lines), namespace)  # noqa: S102 - code generated above from constants
    perm = namespace["perm"]
    k_num = [_NUM(k) for k in consts]
    return lambda state: [int(x) for x in perm([_NUM(x) for x in state], k_num)]


def permute(state: Sequence[int]) -> list[int]:
    """The Poseidon permutation of ``state`` (width 2..17), canonical in and out."""
    t = len(state)
    if not 2 <= t <= MAX_INPUTS + 1:
        raise ValueError(f"Poseidon width must be 2..{MAX_INPUTS + 1}, not {t}")
    return _compiled(t)([int(x) % R for x in state])


def permute_reference(state: Sequence[int]) -> list[int]:
    """The same permutation written as the round loop (reference for tests)."""
    t = len(state)
    constants, mds = generate(t)
    r_p = N_ROUNDS_P[t - 2]
    half_f = N_ROUNDS_F // 2
    s = [int(x) % R for x in state]
    for r in range(N_ROUNDS_F + r_p):
        a = [(x + constants[r * t + i]) % R for i, x in enumerate(s)]
        if half_f <= r < half_f + r_p:
            a[0] = pow(a[0], 5, R)
        else:
            a = [pow(x, 5, R) for x in a]
        s = [sum(m * x for m, x in zip(row, a, strict=True)) % R for row in mds]
    return s


def poseidon_ex(inputs: Sequence[int], init_state: int = 0, n_outs: int = 1) -> list[int]:
    """circomlibjs' ``poseidonEx``: the first ``n_outs`` elements of the permuted state."""
    _check(inputs)
    if not 1 <= n_outs <= len(inputs) + 1:
        raise ValueError(f"n_outs must be 1..{len(inputs) + 1}, not {n_outs}")
    return permute([init_state % R, *inputs])[:n_outs]


def poseidon(inputs: Sequence[int]) -> int:
    """Poseidon hash of 1..16 field elements (each in [0, r)), as circomlib's ``Poseidon(n)``.

    Raises ValueError for no input, more than 16, or a value outside [0, r): a state
    hash must not silently reduce (two different values would hash alike).
    """
    _check(inputs)
    return permute([0, *inputs])[0]


def _check(inputs: Sequence[int]) -> None:
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise ValueError(f"poseidon takes 1 to {MAX_INPUTS} inputs, not {len(inputs)}")
    for i, x in enumerate(inputs):
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < R:
            raise ValueError(f"poseidon input {i} is not a field element in [0, r)")
