"""The pairing: bilinearity, non-degeneracy, pairing_check, and snarkjs' GT layout."""

import json
from pathlib import Path

from zkel.circuits.bn254 import G1, G2
from zkel.circuits.bn254.pairing import (
    fq12_from_snarkjs,
    fq12_to_snarkjs,
    pairing,
    pairing_check,
    pairing_snarkjs,
)

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "snarkjs"


def test_bilinear_and_non_degenerate():
    g, h = G1.generator(), G2.generator()
    e = pairing(g, h)
    assert e != e.one()
    assert pairing(g * 6, h) == pairing(g * 2, h * 3) == e**6


def test_pairing_check():
    g, h = G1.generator(), G2.generator()
    assert pairing_check([(g * 3, h * 5), (-(g * 15), h)])
    assert not pairing_check([(g * 3, h * 5), (-(g * 14), h)])
    assert pairing_check([(G1.identity(), h), (g, G2.identity())])


def test_alphabeta_matches_snarkjs_vkey():
    vk = json.loads((FIX / "verification_key.json").read_text())
    alpha = G1.from_affine(*(int(v) for v in vk["vk_alpha_1"][:2]))
    beta = G2.from_affine(*(tuple(int(c) for c in p) for p in vk["vk_beta_2"][:2]))
    expected = [[[int(c) for c in pair] for pair in row] for row in vk["vk_alphabeta_12"]]
    got = fq12_to_snarkjs(pairing_snarkjs(alpha, beta))
    assert got == expected
    assert fq12_to_snarkjs(fq12_from_snarkjs(expected)) == expected
