"""Small circuits for the settlement tests, keyed and proven once per test session.

- :func:`cubes`: ``n`` public outputs ``out_i = x_i³ + x_i + 5`` of private ``x_i``,
  so one key proves many statements (a proof of another statement is at hand).
- :func:`stand_in_batch`: the transition circuit's public interface (old_root,
  new_root, pubdata_commitment, in that order) over a toy relation that binds all
  three: a private ``k`` with ``k · old_root = new_root - commitment`` (and
  ``k`` committed through ``k²``), until the real circuit exists.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from zkel.circuits import groth16
from zkel.circuits.bn254 import R
from zkel.circuits.r1cs import ConstraintSystem
from zkel.host.accel import kernels
from zkel.host.settlement.calldata import ProofCalldata


def cubes(xs: list[int], *, with_values: bool = True) -> ConstraintSystem:
    cs = ConstraintSystem(with_values=with_values)
    outs = [
        cs.public_input(f"out{i}", (x**3 + x + 5) % R if with_values else None)
        for i, x in enumerate(xs)
    ]
    for i, (x, out) in enumerate(zip(xs, outs, strict=True)):
        xv = cs.private_input(f"x{i}", x if with_values else None)
        x3 = cs.mul(cs.mul(xv, xv, f"x{i}^2"), xv, f"x{i}^3")
        cs.enforce_equal(x3 + xv + 5, out, f"out{i}")
    return cs


def stand_in_batch(
    old_root: int, new_root: int, commitment: int, *, with_values: bool = True
) -> ConstraintSystem:
    cs = ConstraintSystem(with_values=with_values)

    def v(x: int) -> int | None:
        return x if with_values else None

    old = cs.public_input("old_root", v(old_root))
    new = cs.public_input("new_root", v(new_root))
    com = cs.public_input("pubdata_commitment", v(commitment))
    k_value = (new_root - commitment) * pow(old_root, -1, R) % R if with_values else None
    k = cs.private_input("k", k_value)
    cs.enforce(k, old, new - com, "k * old_root == new_root - commitment")
    cs.mul(k, k, "k^2")
    return cs


@dataclass(frozen=True)
class Keyed:
    pk: groth16.ProvingKey

    @property
    def vk(self) -> groth16.VerifyingKey:
        return self.pk.verifying_key()

    def prove(self, cs: ConstraintSystem) -> ProofCalldata:
        result = groth16.prove(self.pk, cs.witness(), kernels("cpu"))
        return ProofCalldata.from_proof(result.proof, result.public)


@functools.cache
def cubes_key(n_public: int) -> Keyed:
    zkey = groth16.setup(cubes([0] * n_public, with_values=False).to_r1cs())
    return Keyed(groth16.ProvingKey.from_zkey(zkey))


@functools.cache
def batch_key() -> Keyed:
    zkey = groth16.setup(stand_in_batch(1, 0, 0, with_values=False).to_r1cs())
    return Keyed(groth16.ProvingKey.from_zkey(zkey))
