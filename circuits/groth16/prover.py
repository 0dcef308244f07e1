"""The Groth16 prover, following the paper's steps in snarkjs' order.

1. Check the witness shape (length ``nVars``, ``w[0] = 1``, every value < r).
2. QAP: evaluate ``A·w``, ``B·w`` on the domain; ``C·w = (A·w)(B·w)``.
3. ``p = a·b - c`` on the odd coset (three INTTs, three coset NTTs).
4. MSMs: ``Σ w_i·A_i``, ``Σ w_i·B2_i`` (G2), ``Σ w_i·B1_i``, ``Σ w_i·C_i`` (private
   wires), ``Σ p_j·H_j``.
5. Blind with random ``r, s``: ``A = α + Σ w_i A_i + r·δ``, ``B = β + Σ w_i B_i + s·δ``,
   ``C = Σ w_i C_i + H + s·A + r·B1 - r·s·δ``.
6. Self-check: the proof must verify against the key's own verification key; a
   witness that does not satisfy the circuit is refused here, so no invalid proof
   ever leaves the prover.

Every MSM and NTT goes through a :class:`~zkel.host.accel.kernels.Kernels` backend;
each step is timed.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from zkel.circuits.bn254 import G1, G2, R
from zkel.circuits.groth16.keys import Proof, ProvingKey
from zkel.circuits.groth16.qap import abc_evaluations, odd_coset_quotient
from zkel.circuits.groth16.verifier import verify
from zkel.host.accel.kernels import Kernels

Progress = Callable[[str], None]


class ProverError(ValueError):
    """The prover refuses: the witness does not fit or does not satisfy the key's circuit."""


@dataclass
class ProofResult:
    """A proof, its public signals (canonical ints), and seconds spent per step."""

    proof: Proof
    public: list[int]
    timings: dict[str, float] = field(default_factory=dict)


def check_witness(pk: ProvingKey, witness: Sequence[int]) -> list[int]:
    """The witness as canonical ints, checked against the key's shape."""
    if len(witness) != pk.n_vars:
        raise ProverError(
            f"witness has {len(witness)} values but the key's circuit has {pk.n_vars} wires"
        )
    if witness[0] != 1:
        raise ProverError(f"witness[0] must be the constant 1, found {witness[0]}")
    for i, v in enumerate(witness):
        if not 0 <= v < R:
            raise ProverError(f"witness value {i} is not a field element below r")
    return list(witness)


def prove(
    pk: ProvingKey,
    witness: Sequence[int],
    kernels: Kernels,
    *,
    rng: secrets.SystemRandom | None = None,
    progress: Progress | None = None,
    self_check: bool = True,
) -> ProofResult:
    """Prove that ``witness`` satisfies the circuit of ``pk``; see the module docstring.

    Raises :class:`ProverError` when the witness does not fit the key or does not
    satisfy the circuit (detected by the final self-check).
    """
    rng = rng or secrets.SystemRandom()
    say = progress or (lambda _msg: None)
    w = check_witness(pk, witness)
    z = pk.zkey
    timings: dict[str, float] = {}

    def step(name: str, fn: Callable[[], object]) -> object:
        say(name)
        t0 = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - t0
        return out

    evals = step("qap", lambda: abc_evaluations(z.coeffs, w, z.domain_size))
    h_scalars = step("ntt", lambda: odd_coset_quotient(evals, kernels))
    sum_a: G1 = step("msm A", lambda: kernels.msm_g1(pk.a, w))
    sum_b2: G2 = step("msm B2", lambda: kernels.msm_g2(pk.b2, w))
    sum_b1: G1 = step("msm B1", lambda: kernels.msm_g1(pk.b1, w))
    private = w[z.n_public + 1 :]
    sum_c: G1 = step("msm C", lambda: kernels.msm_g1(pk.c, private))
    sum_h: G1 = step("msm H", lambda: kernels.msm_g1(pk.h, h_scalars))

    r = rng.randrange(1, R)
    s = rng.randrange(1, R)
    alpha1 = _g1(z.alpha1)
    beta1 = _g1(z.beta1)
    beta2 = _g2(z.beta2)
    delta1 = _g1(z.delta1)
    delta2 = _g2(z.delta2)
    pi_a = alpha1 + sum_a + delta1 * r
    pi_b = beta2 + sum_b2 + delta2 * s
    pi_b1 = beta1 + sum_b1 + delta1 * s
    pi_c = sum_c + sum_h + pi_a * s + pi_b1 * r - delta1 * (r * s % R)
    proof = Proof(a=pi_a, b=pi_b, c=pi_c)
    public = w[1 : z.n_public + 1]

    if self_check:
        ok = step("self-check", lambda: verify(pk.verifying_key(), public, proof))
        if not ok:
            raise ProverError(
                "the witness does not satisfy the circuit's constraints, or the key is "
                "damaged: the proof does not verify; no proof written"
            )
    return ProofResult(proof=proof, public=public, timings=timings)


def _g1(p: tuple[int, int] | None) -> G1:
    return G1.identity() if p is None else G1.from_affine(*p)


def _g2(p: tuple[tuple[int, int], tuple[int, int]] | None) -> G2:
    return G2.identity() if p is None else G2.from_affine(*p)
