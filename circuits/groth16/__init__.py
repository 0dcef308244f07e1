"""Groth16 over BN254, compatible with snarkjs' keys, proofs and public inputs.

- :func:`setup` (single party, from a CSPRNG: not a ceremony) → snarkjs ``Zkey`` model
- :func:`prove` (MSM and NTT through a ``Kernels`` backend) → :class:`ProofResult`
- :func:`verify` → bool
"""

from zkel.circuits.groth16.keys import InvalidKey, Proof, ProvingKey, VerifyingKey, check_public
from zkel.circuits.groth16.prover import ProofResult, ProverError, prove
from zkel.circuits.groth16.setup import NO_CEREMONY_WARNING, setup
from zkel.circuits.groth16.verifier import verify

__all__ = [
    "NO_CEREMONY_WARNING",
    "InvalidKey",
    "Proof",
    "ProofResult",
    "ProverError",
    "ProvingKey",
    "VerifyingKey",
    "check_public",
    "prove",
    "setup",
    "verify",
]
