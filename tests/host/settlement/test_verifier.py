"""The generated Groth16 verifier contract, run on the embedded EVM.

A proof from zkel's prover is accepted; a tampered public input, a random proof, a
proof of another statement, public inputs ≥ r and coordinates ≥ q are rejected
(``False``, no revert) — for keys with 1, 3 and 5 public inputs.
"""

from __future__ import annotations

import functools

import pytest

from zkel.circuits.bn254 import G1, G2, Q, R
from zkel.circuits.groth16 import Proof
from zkel.host.settlement.calldata import ProofCalldata
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.contract import Contract, deploy
from zkel.host.settlement.rollup import verifier_contract
from zkel.host.settlement.verifier import verifier_source

from .circuits import cubes, cubes_key

XS = {1: [3], 3: [3, 0, 10**30], 5: [1, 2, 3, 4, 5]}


@functools.cache
def _chain_and_verifier(n_public: int) -> tuple[EmbeddedChain, Contract]:
    chain = EmbeddedChain()
    contract, _ = deploy(chain, verifier_contract(cubes_key(n_public).vk), sender=chain.accounts[0])
    return chain, contract


@functools.cache
def _proof(n_public: int, shift: int = 0) -> ProofCalldata:
    return cubes_key(n_public).prove(cubes([x + shift for x in XS[n_public]]))


def verify(n_public: int, calldata: ProofCalldata) -> bool:
    _, contract = _chain_and_verifier(n_public)
    return contract.call("verifyProof", *calldata.proof_args(), list(calldata.public))


def _with_public(calldata: ProofCalldata, public: list[int]) -> ProofCalldata:
    return ProofCalldata(calldata.a, calldata.b, calldata.c, tuple(public))


@pytest.mark.parametrize("n_public", [1, 3, 5])
def test_accepts_valid_and_rejects_tampered_input(n_public):
    good = _proof(n_public)
    assert verify(n_public, good) is True
    tampered = list(good.public)
    tampered[-1] = (tampered[-1] + 1) % R
    assert verify(n_public, _with_public(good, tampered)) is False


@pytest.mark.parametrize("n_public", [1, 3, 5])
def test_rejects_public_input_not_below_r(n_public):
    good = _proof(n_public)
    # v + r is the same field element, so only the range check can refuse it
    shifted = [good.public[0] + R, *good.public[1:]]
    assert verify(n_public, _with_public(good, shifted)) is False


def test_rejects_proof_of_another_statement():
    other = _proof(3, shift=7)
    assert verify(3, other) is True  # valid for its own statement
    assert verify(3, _with_public(other, list(_proof(3).public))) is False


def test_rejects_random_proof():
    random_proof = ProofCalldata.from_proof(
        Proof(a=G1.generator() * 12345, b=G2.generator() * 678, c=G1.generator() * 9),
        _proof(3).public,
    )
    assert verify(3, random_proof) is False


def test_rejects_bad_points():
    good = _proof(3)
    a_off = ProofCalldata((good.a[0], good.a[1] + Q), good.b, good.c, good.public)
    assert verify(3, a_off) is False
    c_off_curve = ProofCalldata(good.a, good.b, (good.c[0], (good.c[1] + 1) % Q), good.public)
    assert verify(3, c_off_curve) is False
    b_off_curve = ProofCalldata(
        good.a, (good.b[0], (good.b[1][0], good.b[1][1] ^ 1)), good.c, good.public
    )
    assert verify(3, b_off_curve) is False


def test_source_states_key_and_layout():
    source = verifier_source(cubes_key(3).vk, origin="cubes.zkey")
    assert "N_PUBLIC: constant(uint256) = 3" in source
    assert "from cubes.zkey" in source
    assert source.count("ecmul(") == 3
    assert "[[x1, x0], [y1, y0]]" in source


def test_zero_public_inputs_compiles_without_argument():
    vk = cubes_key(1).vk
    from dataclasses import replace

    no_public = replace(vk, ic=vk.ic[:1])
    abi = verifier_contract(no_public).abi
    (entry,) = [e for e in abi if e.get("name") == "verifyProof"]
    assert [p["type"] for p in entry["inputs"]] == ["uint256[2]", "uint256[2][2]", "uint256[2]"]
