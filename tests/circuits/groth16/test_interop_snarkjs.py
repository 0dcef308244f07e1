"""Interoperability of zkel's Groth16 with snarkjs 0.7 (live, through node; skipped
without `make tools`).

- a snarkjs zkey (from a circom circuit and a powers-of-tau) proven by zkel with a
  circom witness passes ``snarkjs groth16 verify``;
- a snarkjs proof passes zkel's verify, and a tampered public input fails both;
- a zkel setup gives a zkey that snarkjs proves with, and whose verification key
  snarkjs exports identically to zkel's (``vk_alphabeta_12`` included).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.interop import circom_compile, groth16_setup, needs_tools, snarkjs
from zkel.host.cli.main import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "groth16"

pytestmark = needs_tools


def zkel(*args: object) -> int:
    return main([str(a) for a in args])


def same_json(a: Path, b: Path) -> bool:
    return json.loads(a.read_text()) == json.loads(b.read_text())


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Compile the circuit, make a snarkjs zkey, its vkey and a circom witness."""
    d = tmp_path_factory.mktemp("interop")
    built = circom_compile(FIXTURES / "interop.circom", d)
    zkey = groth16_setup(built.r1cs, d, power=7)
    snarkjs("zkey", "export", "verificationkey", zkey, "sj_vk.json", cwd=d)
    built.witness(FIXTURES / "interop_input.json", d / "w.wtns")
    return d, built, zkey


def test_zkel_proves_snarkjs_zkey_and_snarkjs_verifies(world):
    d, _, zkey = world
    assert zkel("groth16", "prove", zkey, d / "w.wtns", d / "zk_proof.json", d / "zk_pub.json") == 0
    assert (
        "OK"
        in snarkjs("groth16", "verify", "sj_vk.json", "zk_pub.json", "zk_proof.json", cwd=d).stdout
    )
    assert zkel("groth16", "verify", d / "sj_vk.json", d / "zk_pub.json", d / "zk_proof.json") == 0


def test_zkel_verifies_snarkjs_proof_and_rejects_tampering(world, tmp_path):
    d, _, zkey = world
    snarkjs("groth16", "prove", zkey, "w.wtns", "sj_proof.json", "sj_pub.json", cwd=d)
    assert zkel("groth16", "verify", d / "sj_vk.json", d / "sj_pub.json", d / "sj_proof.json") == 0
    public = json.loads((d / "sj_pub.json").read_text())
    public[-1] = str(int(public[-1]) + 1)
    bad = tmp_path / "bad_public.json"
    bad.write_text(json.dumps(public))
    assert zkel("groth16", "verify", d / "sj_vk.json", bad, d / "sj_proof.json") == 1
    rejected = snarkjs("groth16", "verify", "sj_vk.json", bad, "sj_proof.json", cwd=d, check=False)
    assert rejected.returncode != 0


def test_zkel_setup_zkey_is_usable_by_snarkjs(world):
    d, built, _ = world
    assert zkel("groth16", "setup", built.r1cs, d / "zk.zkey") == 0
    assert zkel("zkey", "export-vkey", d / "zk.zkey", d / "zk_vk.json") == 0
    snarkjs("zkey", "export", "verificationkey", "zk.zkey", "zk_vk_by_sj.json", cwd=d)
    assert same_json(d / "zk_vk.json", d / "zk_vk_by_sj.json")
    snarkjs("groth16", "prove", "zk.zkey", "w.wtns", "p.json", "pub.json", cwd=d)
    assert "OK" in snarkjs("groth16", "verify", "zk_vk.json", "pub.json", "p.json", cwd=d).stdout
    assert zkel("groth16", "verify", d / "zk_vk.json", d / "pub.json", d / "p.json") == 0


def test_exported_vkey_equals_snarkjs_export(world):
    d, _, zkey = world
    assert zkel("zkey", "export-vkey", zkey, d / "zk_vk_of_sj.json") == 0
    assert same_json(d / "zk_vk_of_sj.json", d / "sj_vk.json")
