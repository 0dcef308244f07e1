"""Groth16 round trips, tampering and refusals, on circuits made with the builder."""

import pytest

from tests.circuits.groth16.conftest import SeededRandom
from zkel.circuits import groth16
from zkel.circuits.bn254 import G1, G2, R
from zkel.circuits.r1cs.examples import cubic, random_circuit


def test_cubic_round_trip(cubic_keys, cpu):
    cs, _, pk = cubic_keys
    result = groth16.prove(pk, cs.witness(), cpu, rng=SeededRandom(9))
    assert result.public == [35]
    assert groth16.verify(pk.verifying_key(), [35], result.proof)
    assert set(result.timings) >= {"qap", "ntt", "msm A", "msm B2", "msm H", "self-check"}


def test_random_circuit_round_trip_and_rerandomised_proofs(random_keys, cpu):
    cs, _, pk = random_keys
    vk = pk.verifying_key()
    p1 = groth16.prove(pk, cs.witness(), cpu, rng=SeededRandom(1))
    p2 = groth16.prove(pk, cs.witness(), cpu, rng=SeededRandom(2))
    assert p1.proof != p2.proof  # fresh blinding r, s
    assert groth16.verify(vk, p1.public, p1.proof)
    assert groth16.verify(vk, p2.public, p2.proof)


def test_other_witness_for_same_key(cubic_keys, cpu):
    _, _, pk = cubic_keys
    cs = cubic(R - 2)  # x = -2: out = -8 - 2 + 5 = -5
    result = groth16.prove(pk, cs.witness(), cpu, self_check=False)
    assert result.public == [R - 5]
    assert groth16.verify(pk.verifying_key(), [R - 5], result.proof)


def test_tampered_public_input_is_rejected(random_keys, cpu):
    cs, _, pk = random_keys
    vk = pk.verifying_key()
    res = groth16.prove(pk, cs.witness(), cpu, self_check=False)
    for i in range(len(res.public)):
        bad = list(res.public)
        bad[i] = (bad[i] + 1) % R
        assert not groth16.verify(vk, bad, res.proof)
    assert not groth16.verify(vk, res.public[:-1], res.proof)
    assert not groth16.verify(vk, [*res.public[:-1], res.public[-1] + R], res.proof)


def test_tampered_proof_is_rejected(cubic_keys, cpu):
    cs, _, pk = cubic_keys
    vk = pk.verifying_key()
    proof = groth16.prove(pk, cs.witness(), cpu, self_check=False).proof
    g1, g2 = G1.generator(), G2.generator()
    for bad in (
        groth16.Proof(proof.a + g1, proof.b, proof.c),
        groth16.Proof(proof.a, proof.b + g2, proof.c),
        groth16.Proof(proof.a, proof.b, proof.c + g1),
        groth16.Proof(proof.c, proof.b, proof.a),
        groth16.Proof(-proof.a, proof.b, proof.c),
        groth16.Proof(G1.identity(), G2.identity(), G1.identity()),
    ):
        assert not groth16.verify(vk, [35], bad)
    # Groth16 proofs are malleable: (-A, -B, C) is valid too (e(-A, -B) = e(A, B)).
    assert groth16.verify(vk, [35], groth16.Proof(-proof.a, -proof.b, proof.c))


def test_proof_for_one_key_fails_under_another(cubic_keys, cpu):
    cs, _, pk = cubic_keys
    other = groth16.setup(cubic(3).to_r1cs(), rng=SeededRandom(77))
    proof = groth16.prove(pk, cs.witness(), cpu, self_check=False).proof
    assert not groth16.verify(groth16.VerifyingKey.from_zkey(other), [35], proof)


def test_unsatisfying_witness_is_refused(cubic_keys, cpu):
    cs, _, pk = cubic_keys
    w = cs.witness()
    w[1] = 36  # claim out = 36
    with pytest.raises(groth16.ProverError, match="does not satisfy"):
        groth16.prove(pk, w, cpu)


def test_witness_shape_is_checked(cubic_keys, cpu):
    cs, _, pk = cubic_keys
    w = cs.witness()
    with pytest.raises(groth16.ProverError, match="wires"):
        groth16.prove(pk, w[:-1], cpu)
    with pytest.raises(groth16.ProverError, match="constant 1"):
        groth16.prove(pk, [2, *w[1:]], cpu)
    with pytest.raises(groth16.ProverError, match="below r"):
        groth16.prove(pk, [1, w[1] + R, *w[2:]], cpu)


def test_corrupted_key_point_is_refused(cubic_keys):
    _, zkey, _ = cubic_keys
    import dataclasses

    x, y = next(p for p in zkey.a if p is not None)
    bad = dataclasses.replace(zkey, a=[(x, y + 1), *zkey.a[1:]])
    with pytest.raises(groth16.InvalidKey, match="section A: point 0 is not on the curve"):
        groth16.ProvingKey.from_zkey(bad)


def test_verifying_key_file_model_round_trip(random_keys):
    _, _, pk = random_keys
    vk = pk.verifying_key()
    assert groth16.VerifyingKey.from_snarkjs(vk.to_snarkjs(with_alphabeta=False)) == vk


def test_g2_point_off_subgroup_is_refused():
    from tests.circuits.bn254.twist import twist_point_off_subgroup
    from zkel.circuits.groth16.keys import g2_point

    # a point on the twist curve but outside the order-r subgroup: found by search
    off = twist_point_off_subgroup()
    with pytest.raises(groth16.InvalidKey, match="not in the G2 subgroup"):
        g2_point(off, "pi_b")


def test_many_public_inputs(cpu):
    cs = random_circuit(30, 8, seed=4)
    zkey = groth16.setup(cs.to_r1cs(), rng=SeededRandom(5))
    pk = groth16.ProvingKey.from_zkey(zkey)
    res = groth16.prove(pk, cs.witness(), cpu)
    assert len(res.public) == 8
    assert groth16.verify(pk.verifying_key(), res.public, res.proof)
