"""A batch proven with Groth16 end to end (slow: setup and proof of ~45k constraints)."""

from __future__ import annotations

import pytest

from zkel.circuits import eddsa, groth16
from zkel.circuits.bn254 import R
from zkel.circuits.transition.circuit import Shape, build
from zkel.host.accel import kernels

from .model import ORACLE, Model, batch_witness, snapshot


@pytest.mark.slow
def test_withdrawal_batch_proves_and_verifies() -> None:
    key = eddsa.PrivateKey(b"\x01" * 32)
    m = Model(depth=4)
    m.create(3, key)
    m.deposit(3, 5_000_000)
    snap = snapshot(m)
    m.withdraw(key, 3, 1_000_000, 0x1234)
    w = batch_witness(None, snap, m, 1, 1)
    cs = build(Shape(1, 4, ORACLE.public_key()), w)
    zkey = groth16.setup(cs.to_r1cs())
    result = groth16.prove(groth16.ProvingKey.from_zkey(zkey), cs.witness(), kernels("cpu"))
    vk = groth16.VerifyingKey.from_zkey(zkey)
    assert list(result.public) == [w["old_root"], w["new_root"], w["commitment"]]
    assert groth16.verify(vk, result.public, result.proof)
    for i in range(3):
        tampered = list(result.public)
        tampered[i] = (tampered[i] + 1) % R
        assert not groth16.verify(vk, tampered, result.proof)
