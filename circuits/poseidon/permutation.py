"""The Poseidon permutation and hash with circomlib's parameters (BN254 Fr).

Round structure (circomlib's reference, :mod:`.parameters`): for each of
``R_F + R_P`` rounds, add the round constants, apply ``x^5`` to every element (the 4
first and 4 last, full rounds) or to the first only (partial rounds), then multiply
by the MDS matrix. The hash of ``n`` inputs (1 ≤ n ≤ 16) permutes
``[0, x_1, .., x_n]`` (width t = n + 1) and returns the first element. All values
are canonical ints in [0, r), never Montgomery form.

The native permutation is straight-line code generated per width (:func:`_compiled`)
in the optimized form of :mod:`.optimized` (folded constants, sparse partial-round
matrices), run on gmpy2 integers when gmpy2 is installed and on Python ints
otherwise (identical results). :func:`permute_reference` is the plain round loop it
is tested against. Throughput: about 11,000 hashes/s of 2 inputs on one core with
gmpy2 (``bench/poseidon.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from zkel.circuits.bn254.fields import R
from zkel.circuits.poseidon.grain import N_ROUNDS_F, N_ROUNDS_P
from zkel.circuits.poseidon.optimized import optimized_parameters
from zkel.circuits.poseidon.parameters import check_width, parameters

try:  # gmpy2 multiplies and reduces 254-bit values faster; results are identical
    from gmpy2 import mpz as _gmpy2_mpz

    HAVE_GMPY2 = True
except ImportError:  # pragma: no cover - exercised by forcing ``number=int`` in tests
    _gmpy2_mpz = None
    HAVE_GMPY2 = False

MAX_INPUTS = len(N_ROUNDS_P)
"""At most 16 inputs (width 17), as circomlib."""

Permutation = Callable[[Sequence[int]], list[int]]


def _source(t: int) -> tuple[str, list[int]]:
    """Python source of ``perm(state, K, R)`` for width t, and its constant table K."""
    p = optimized_parameters(t)
    s = [f"s{i}" for i in range(t)]
    consts: list[int] = []

    def k(value: int) -> str:
        consts.append(value)
        return f"K[{len(consts) - 1}]"

    lines = ["def perm(state, K, R):", f"    {', '.join(s)}, = state"]

    def full_round(c: Sequence[int]) -> None:
        for i in range(t):  # a < 2r: no reduction before the S-box
            lines.append(f"    a = {s[i]} + {k(c[i])}; b = a * a % R; a{i} = b * b * a % R")
        for i in range(t):
            terms = " + ".join(f"{k(p.mds[i][j])} * a{j}" for j in range(t))
            lines.append(f"    {s[i]} = ({terms}) % R")

    half_f = N_ROUNDS_F // 2
    for r in range(half_f):
        full_round(p.full_constants[r])
    for row, col, c in zip(p.sparse_rows, p.sparse_cols, p.partial_constants, strict=True):
        lines.append(f"    a = {s[0]} + {k(c)}; b = a * a % R; a = b * b * a % R")
        terms = " + ".join(f"{k(row[j])} * {s[j]}" for j in range(1, t))
        lines.append(f"    {s[0]} = ({k(row[0])} * a + {terms}) % R")
        for j in range(1, t):  # left unreduced: adds < 2^508 per round, <= 70 rounds
            lines.append(f"    {s[j]} = {s[j]} + {k(col[j - 1])} * a")
    back = [
        "(" + " + ".join(f"{k(p.basis[i][j])} * {s[j + 1]}" for j in range(t - 1)) + ") % R"
        for i in range(t - 1)
    ]
    lines.append(f"    {', '.join(s[1:])}, = {', '.join(back)},")
    for r in range(half_f, N_ROUNDS_F):
        full_round(p.full_constants[r])
    lines.append(f"    return [{', '.join(s)}]")
    return "\n".join(lines), consts


@cache
def _compiled(t: int, number: type = int) -> Permutation:
    """The permutation of width t as straight-line Python over ``number`` (int or mpz).

    Generated once per width and number type from :func:`optimized_parameters`:
    the state lives in local variables, S-boxes and matrix rows are written out,
    partial rounds use their sparse matrices (``2t - 1`` products each).
    Takes and returns canonical Python ints.
    """
    source, consts = _source(t)
    namespace: dict = {}
    exec(compile(source, f"<poseidon t={t}>", "exec"), namespace)  # noqa: S102 - generated above
    perm = namespace["perm"]
    table = [number(c) for c in consts]
    modulus = number(R)
    if number is int:
        return lambda state: perm(state, table, modulus)
    return lambda state: [int(x) for x in perm([number(x) for x in state], table, modulus)]


def _native(t: int) -> Permutation:
    return _compiled(t, _gmpy2_mpz if HAVE_GMPY2 else int)


def _check_state(state: Sequence[int], what: str) -> None:
    for i, x in enumerate(state):
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < R:
            raise ValueError(f"{what} {i} is not a field element in [0, r)")


def permute(state: Sequence[int]) -> list[int]:
    """The Poseidon permutation of ``state``: 2..17 canonical field elements in [0, r).

    Raises
    ------
    ValueError
        For a width outside 2..17 or an element that is not an int in [0, r).
    """
    check_width(len(state))
    _check_state(state, "state element")
    return _native(len(state))(list(state))


def permute_reference(state: Sequence[int]) -> list[int]:
    """The same permutation written as the plain round loop (reference for tests)."""
    p = parameters(len(state))
    s = [int(x) % R for x in state]
    for r, constants in enumerate(p.round_constants):
        a = [(x + c) % R for x, c in zip(s, constants, strict=True)]
        if p.is_full_round(r):
            a = [pow(x, 5, R) for x in a]
        else:
            a[0] = pow(a[0], 5, R)
        s = [sum(m * x for m, x in zip(row, a, strict=True)) % R for row in p.mds]
    return s


def poseidon_ex(inputs: Sequence[int], init_state: int = 0, n_outs: int = 1) -> list[int]:
    """circomlibjs' ``poseidonEx``: the first ``n_outs`` elements of the permuted state.

    Permutes ``[init_state, *inputs]``; 1..16 inputs, all values field elements in
    [0, r) (circomlibjs reduces larger values; this rejects them), ``n_outs`` in
    ``1..len(inputs) + 1``.

    Raises
    ------
    ValueError
        For a bad input count, a value outside [0, r), or a bad ``n_outs``.
    """
    _check(inputs)
    _check_state([init_state], "init_state")
    if isinstance(n_outs, bool) or not isinstance(n_outs, int):
        raise ValueError(f"n_outs must be an int, not {n_outs!r}")
    if not 1 <= n_outs <= len(inputs) + 1:
        raise ValueError(f"n_outs must be 1..{len(inputs) + 1}, not {n_outs}")
    return _native(len(inputs) + 1)([init_state, *inputs])[:n_outs]


def poseidon(inputs: Sequence[int]) -> int:
    """Poseidon hash of 1..16 field elements, as circomlib's ``Poseidon(n)`` circuit.

    Each input must be an int in [0, r) (canonical, not Montgomery). Unlike
    circomlibjs, which reduces inputs mod r, values ≥ r or < 0 are rejected: a
    state hash must not map two different values to one hash.

    Raises
    ------
    ValueError
        For no input, more than 16, or an input that is not an int in [0, r).
    """
    _check(inputs)
    return _native(len(inputs) + 1)([0, *inputs])[0]


def _check(inputs: Sequence[int]) -> None:
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise ValueError(f"poseidon takes 1 to {MAX_INPUTS} inputs, not {len(inputs)}")
    _check_state(inputs, "poseidon input")
