"""The R1CS-to-QAP reduction in snarkjs' layout.

Domain: ``n = 2^k``, the smallest power of two with ``n ≥ nConstraints + nPublic + 1``;
``ω_n = root_of_unity(n)`` as ffjavascript chooses it. Each public wire ``i`` (the
constant 1 included) gets one extra row ``A[nConstraints + i][i] = 1`` so that the
public inputs are bound to the proof (snarkjs' ``zkey new`` does the same).

The quotient ``h = (a·b - c)/Z`` is never divided out: the key's H section holds
``L^{2n}_{2j+1}(τ)/δ`` (Lagrange basis of the doubled domain at its odd points), so
the prover only needs ``p = a·b - c`` evaluated on the odd coset ``ω_{2n}·⟨ω_n⟩``.
Since ``p`` vanishes on ``⟨ω_n⟩`` and has degree < 2n, ``Σ_j p(ω_{2n}^{2j+1})·L_{2j+1}(τ)
= p(τ) = h(τ)·Z(τ)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from zkel.circuits.bn254 import R
from zkel.circuits.ntt import root_of_unity
from zkel.circuits.snarkjs import Coeff, R1cs
from zkel.host.accel.kernels import Kernels

MATRIX_A, MATRIX_B = 0, 1


def domain_size_for(n_constraints: int, n_public: int) -> int:
    """Smallest power of two ≥ ``n_constraints + n_public + 1``."""
    need = n_constraints + n_public + 1
    n = 1
    while n < need:
        n <<= 1
    return n


def qap_coefficients(r1cs: R1cs) -> list[Coeff]:
    """The A and B matrix entries of the QAP (snarkjs' zkey section 4), canonical values.

    In snarkjs' order: per constraint its A entries then its B entries, then the
    public-input rows ``A[nConstraints + i][i] = 1`` for ``i = 0..nPublic``.
    """
    n_public = r1cs.n_pub_out + r1cs.n_pub_in
    n_cons = len(r1cs.constraints)
    coeffs: list[Coeff] = []
    for c, (a, b, _) in enumerate(r1cs.constraints):
        coeffs.extend(Coeff(MATRIX_A, c, s, v % R) for s, v in a.items())
        coeffs.extend(Coeff(MATRIX_B, c, s, v % R) for s, v in b.items())
    coeffs.extend(Coeff(MATRIX_A, n_cons + s, s, 1) for s in range(n_public + 1))
    return coeffs


def lagrange_at(tau: int, n: int) -> list[int]:
    """``L_j(τ)`` for ``j < n`` over ``⟨ω_n⟩``: ``(τ^n - 1)/n · ω^j/(τ - ω^j)`` (canonical).

    ``τ`` must not lie in the domain. One batched inversion.
    """
    omega = root_of_unity(n)
    powers = [1] * n
    for j in range(1, n):
        powers[j] = powers[j - 1] * omega % R
    denominators = [(tau - w) % R for w in powers]
    if any(d == 0 for d in denominators):
        raise ValueError("τ lies in the evaluation domain")
    inverses = batch_inverse(denominators)
    z_over_n = (pow(tau, n, R) - 1) * pow(n, -1, R) % R
    return [z_over_n * w % R * inv % R for w, inv in zip(powers, inverses, strict=True)]


def batch_inverse(values: Sequence[int]) -> list[int]:
    """Inverses mod r of non-zero values with one exponentiation (Montgomery's trick)."""
    prefix = [1] * (len(values) + 1)
    for i, v in enumerate(values):
        prefix[i + 1] = prefix[i] * v % R
    inv = pow(prefix[-1], -1, R)
    out = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        out[i] = inv * prefix[i] % R
        inv = inv * values[i] % R
    return out


class AbcEvaluations(NamedTuple):
    """``A·w``, ``B·w``, ``C·w`` at each point of ``⟨ω_n⟩`` (canonical)."""

    a: list[int]
    b: list[int]
    c: list[int]


def abc_evaluations(coeffs: Sequence[Coeff], witness: Sequence[int], n: int) -> AbcEvaluations:
    """Evaluate the QAP's A and B at the domain points from the coefficient list.

    ``C·w`` is taken as ``(A·w)·(B·w)`` row by row, as snarkjs does: for a satisfying
    witness it equals the R1CS's C row. (A non-satisfying witness thus still yields
    a divisible ``p``; the prover's final self-check is what catches it.)
    """
    a = [0] * n
    b = [0] * n
    for coeff in coeffs:
        target = a if coeff.matrix == MATRIX_A else b
        target[coeff.constraint] += coeff.value * witness[coeff.signal]
    a = [x % R for x in a]
    b = [x % R for x in b]
    c = [x * y % R for x, y in zip(a, b, strict=True)]
    return AbcEvaluations(a, b, c)


def odd_coset_quotient(evals: AbcEvaluations, kernels: Kernels) -> list[int]:
    """``p = a·b - c`` evaluated at ``ω_{2n}^{2j+1}`` for ``j < n``: the H-query scalars."""
    n = len(evals.a)
    shift = root_of_unity(2 * n)
    a_odd = kernels.coset_ntt(kernels.intt(evals.a), shift)
    b_odd = kernels.coset_ntt(kernels.intt(evals.b), shift)
    c_odd = kernels.coset_ntt(kernels.intt(evals.c), shift)
    return [(x * y - z) % R for x, y, z in zip(a_odd, b_odd, c_odd, strict=True)]
