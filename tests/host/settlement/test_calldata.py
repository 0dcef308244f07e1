"""Proof calldata: G2 coordinates swapped to the precompile's order, text as snarkjs prints it."""

from __future__ import annotations

import json

import pytest

from zkel.circuits.bn254 import R
from zkel.circuits.snarkjs import Proof, write_proof, write_public
from zkel.host.settlement.calldata import ProofCalldata

PROOF = Proof(a=(1, 2), b=((3, 4), (5, 6)), c=(7, 8))


def test_g2_imaginary_part_first():
    cd = ProofCalldata.from_proof(PROOF, [9, 10])
    assert cd.args() == ([1, 2], [[4, 3], [6, 5]], [7, 8], [9, 10])


def test_infinity_is_zeros():
    cd = ProofCalldata.from_proof(Proof(a=None, b=None, c=(7, 8)), [])
    assert cd.args() == ([0, 0], [[0, 0], [0, 0]], [7, 8], [])


def test_format_parses_back(tmp_path):
    write_proof(tmp_path / "proof.json", PROOF)
    write_public(tmp_path / "public.json", [9, R - 1])
    text = ProofCalldata.from_files(tmp_path / "proof.json", tmp_path / "public.json").format()
    assert text.startswith('["0x' + "0" * 63 + '1", "0x')
    groups = json.loads(f"[{text}]")
    assert [int(x, 16) for x in groups[3]] == [9, R - 1]
    assert [[int(x, 16) for x in p] for p in groups[1]] == [[4, 3], [6, 5]]


@pytest.mark.parametrize("bad", [R, -1, True, "5"])
def test_public_must_be_field_elements(bad):
    with pytest.raises(ValueError, match="public signal 1 is not a field element below r"):
        ProofCalldata.from_proof(PROOF, [1, bad])
