"""Poseidon in R1CS, circomlib's parameters, in the optimized (sparse) form.

``poseidon(cs, inputs)`` equals :func:`zkel.circuits.poseidon.poseidon` on the
same values (canonical field elements in, one canonical element out). The S-box
``x^5`` costs 3 constraints; everything linear (round constants, the MDS and
sparse matrices) folds into the linear combinations for free. With ``n`` inputs
(width ``t = n + 1``) the cost is ``3·(8·t + R_P)`` constraints, minus 3 when the
first S-box input is a constant (it always is: the capacity element is 0):

=======  =====  ===========
inputs   R_P    constraints
=======  =====  ===========
1        56     213
2        57     240
4        60     297
5        60     321
8        63     402
15       64     573
16       68     609
=======  =====  ===========
"""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits.poseidon import optimized_parameters
from zkel.circuits.poseidon.grain import N_ROUNDS_F
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.r1cs.lc import Operand


def _sbox(cs: ConstraintSystem, x: LC, name: str) -> LC:
    x2 = cs.mul(x, x, f"{name}^2")
    x4 = cs.mul(x2, x2, f"{name}^4")
    return cs.mul(x4, x, f"{name}^5")


def _mix(cs: ConstraintSystem, matrix: Sequence[Sequence[int]], v: Sequence[LC]) -> list[LC]:
    out = []
    for row in matrix:
        acc = cs.constant(0)
        for m, x in zip(row, v, strict=True):
            acc = acc + x * m
        out.append(acc)
    return out


def permute(cs: ConstraintSystem, state: Sequence[Operand], name: str = "poseidon") -> list[LC]:
    """The Poseidon permutation of width ``len(state)`` (2..17) on linear combinations."""
    t = len(state)
    p = optimized_parameters(t)
    half = N_ROUNDS_F // 2
    s = [cs._lc(x) for x in state]
    with cs.scope(name):
        for r in range(half):
            s = _mix(
                cs,
                p.mds,
                [
                    _sbox(cs, x + c, f"f{r}.{i}")
                    for i, (x, c) in enumerate(zip(s, p.full_constants[r], strict=True))
                ],
            )
        for r, (row, col, c) in enumerate(
            zip(p.sparse_rows, p.sparse_cols, p.partial_constants, strict=True)
        ):
            a0 = _sbox(cs, s[0] + c, f"p{r}")
            s0 = a0 * row[0]
            for m, x in zip(row[1:], s[1:], strict=True):
                s0 = s0 + x * m
            s = [s0, *(x + a0 * m for x, m in zip(s[1:], col, strict=True))]
        s = [s[0], *_mix(cs, p.basis, s[1:])]
        for r in range(half, N_ROUNDS_F):
            s = _mix(
                cs,
                p.mds,
                [
                    _sbox(cs, x + c, f"f{r}.{i}")
                    for i, (x, c) in enumerate(zip(s, p.full_constants[r], strict=True))
                ],
            )
    return s


def poseidon(cs: ConstraintSystem, inputs: Sequence[Operand], name: str = "poseidon") -> LC:
    """circomlib's ``Poseidon(n)`` of 1..16 inputs: the first element of the permuted state.

    The output is a linear combination (of the last round's S-box outputs), not a
    new variable; callers that reuse it many times may want to pin it with
    :meth:`ConstraintSystem.hint` and an equality.
    """
    if not 1 <= len(inputs) <= 16:
        raise ValueError(f"Poseidon takes 1..16 inputs, not {len(inputs)}")
    return permute(cs, [0, *inputs], name)[0]
