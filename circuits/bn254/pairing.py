"""The optimal ate pairing on BN254, through py_ecc's optimized implementation.

``pairing_check`` multiplies the Miller loops of all pairs and applies one final
exponentiation, which is what a Groth16 verifier needs. ``fq12_to_snarkjs`` writes
an Fq12 value in snarkjs' tower layout (``vk_alphabeta_12``):
``Fq12 = Fq6[w]/(w² - v)``, ``Fq6 = Fq2[v]/(v³ - (9 + u))``, ``Fq2 = Fq[u]/(u² + 1)``,
nested as ``[[[c0, c1] × 3] × 2]``. py_ecc keeps Fq12 as ``Fq[w]/(w¹² - 18w⁶ + 82)``,
where the same ``w`` satisfies ``w⁶ = 9 + u``, so ``u = w⁶ - 9`` and ``v = w²``.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc.fields import optimized_bn128_FQ as PyFQ
from py_ecc.fields import optimized_bn128_FQ2 as PyFQ2
from py_ecc.fields import optimized_bn128_FQ12 as PyFQ12
from py_ecc.optimized_bn128 import final_exponentiate, twist
from py_ecc.optimized_bn128.optimized_pairing import cast_point_to_fq12, miller_loop

from zkel.circuits.bn254.curve import G1, G2
from zkel.circuits.bn254.fields import Q

Fq12Value = PyFQ12

BN_U = 4965661367192848881
"""BN254's curve parameter u (q and r are polynomials in it)."""

SNARKJS_GT_EXPONENT = 2 * BN_U * (6 * BN_U * BN_U + 3 * BN_U + 1)
"""ffjavascript's final exponentiation (used by snarkjs) computes the hard part with a
fast addition chain that raises the result to this extra power: its ``e(P, Q)`` is
py_ecc's ``e(P, Q)^(2u(6u² + 3u + 1))``. Still a non-degenerate bilinear pairing, so
verification is unaffected, but ``vk_alphabeta_12`` must use it to match snarkjs."""


def _py_g1(p: G1) -> tuple:
    x, y = p.affine()
    return (PyFQ(x), PyFQ(y), PyFQ(1))


def _py_g2(p: G2) -> tuple:
    (x0, x1), (y0, y1) = p.affine()
    return (PyFQ2([x0, x1]), PyFQ2([y0, y1]), PyFQ2([1, 0]))


def _miller(p: G1, q: G2) -> PyFQ12:
    return miller_loop(twist(_py_g2(q)), cast_point_to_fq12(_py_g1(p)), final_exponentiate=False)


def pairing(p: G1, q: G2) -> Fq12Value:
    """``e(P, Q)`` in GT ⊂ Fq12 (py_ecc's representation); 1 when either is infinity."""
    if p.is_identity() or q.is_identity():
        return PyFQ12.one()
    return final_exponentiate(_miller(p, q))


def pairing_snarkjs(p: G1, q: G2) -> Fq12Value:
    """``e(P, Q)`` as snarkjs/ffjavascript compute it (see :data:`SNARKJS_GT_EXPONENT`)."""
    return pairing(p, q) ** SNARKJS_GT_EXPONENT


def pairing_check(pairs: Sequence[tuple[G1, G2]]) -> bool:
    """True iff ``Π e(P_i, Q_i) = 1`` (pairs with a point at infinity contribute 1)."""
    acc = PyFQ12.one()
    for p, q in pairs:
        if p.is_identity() or q.is_identity():
            continue
        acc = acc * _miller(p, q)
    return final_exponentiate(acc) == PyFQ12.one()


def fq12_to_snarkjs(f: Fq12Value) -> list[list[list[int]]]:
    """``f`` as snarkjs' nested tower coefficients ``[i][j] = [c0, c1]`` of ``w^i v^j``."""
    c = [int(x) % Q for x in f.coeffs]
    out: list[list[list[int]]] = [[[0, 0] for _ in range(3)] for _ in range(2)]
    for deg in range(6):  # w^deg = w^i · v^j with deg = 2j + i
        i, j = deg % 2, deg // 2
        a1 = c[deg + 6]
        a0 = (c[deg] + 9 * a1) % Q
        out[i][j] = [a0, a1]
    return out


def fq12_from_snarkjs(nested: Sequence[Sequence[Sequence[int]]]) -> Fq12Value:
    """Inverse of :func:`fq12_to_snarkjs`."""
    c = [0] * 12
    for i in range(2):
        for j in range(3):
            a0, a1 = (int(v) for v in nested[i][j])
            deg = 2 * j + i
            c[deg] = (c[deg] + a0 - 9 * a1) % Q
            c[deg + 6] = (c[deg + 6] + a1) % Q
    return PyFQ12(c)
