"""The Groth16 verifier: ``e(A, B) = e(α, β)·e(vk_x, γ)·e(C, δ)``.

Checked as one product of four pairings with a single final exponentiation:
``e(-A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1``, where
``vk_x = IC_0 + Σ public_i·IC_i``. Inputs are curve objects, so the points have
been checked on their curves (and B in the G2 subgroup) by
:mod:`zkel.circuits.groth16.keys`; public values must be canonical (< r).
"""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits.bn254 import R
from zkel.circuits.bn254.pairing import pairing_check
from zkel.circuits.groth16.keys import Proof, VerifyingKey
from zkel.circuits.msm import msm_g1


def verify(vk: VerifyingKey, public: Sequence[int], proof: Proof) -> bool:
    """True iff ``proof`` is valid for ``public`` under ``vk``.

    Returns False (never raises) for a wrong number of public values or a value ≥ r.
    """
    if len(public) != vk.n_public or any(not 0 <= v < R for v in public):
        return False
    if not proof.b.in_subgroup():
        return False
    vk_x = vk.ic[0] + msm_g1(list(vk.ic[1:]), list(public)) if public else vk.ic[0]
    return pairing_check(
        [
            (-proof.a, proof.b),
            (vk.alpha1, vk.beta2),
            (vk_x, vk.gamma2),
            (proof.c, vk.delta2),
        ]
    )
