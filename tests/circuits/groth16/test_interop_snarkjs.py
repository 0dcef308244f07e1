"""Interoperability with snarkjs 0.7 (live, through node; skipped without `make tools`).

- a snarkjs zkey (from a circom circuit and a powers-of-tau) proven by zkel with a
  snarkjs witness passes ``snarkjs groth16 verify``;
- a snarkjs proof passes zkel's verify;
- a zkel setup gives a zkey that snarkjs proves with, and whose verification key
  snarkjs exports identically to zkel's (``vk_alphabeta_12`` included).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from zkel.host.cli.main import main

ROOT = Path(__file__).resolve().parents[3]
BIN = ROOT / "tools" / "node_modules" / ".bin"
FIXTURES = ROOT / "tests" / "fixtures" / "groth16"

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(
        not (BIN / "snarkjs").exists() or shutil.which("node") is None,
        reason="node tools not installed (run `make tools`)",
    ),
]


def sj(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "snarkjs"), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def sj_ok(*args, cwd: Path) -> str:
    res = sj(*args, cwd=cwd)
    assert res.returncode == 0, f"snarkjs {args[0]} failed: {res.stdout}\n{res.stderr}"
    return res.stdout


@pytest.fixture(scope="module")
def snarkjs_world(tmp_path_factory):
    """Compile the circuit, run a tiny powers-of-tau, make the zkey and the witness."""
    d = tmp_path_factory.mktemp("interop")
    shutil.copy(FIXTURES / "interop.circom", d)
    res = subprocess.run(
        [str(BIN / "circom2"), "interop.circom", "--r1cs", "--wasm", "-o", "."],
        cwd=d,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    sj_ok("powersoftau", "new", "bn128", 7, "pot0.ptau", cwd=d)
    sj_ok("powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "-e=zkel interop", cwd=d)
    sj_ok("powersoftau", "prepare", "phase2", "pot1.ptau", "pot.ptau", cwd=d)
    sj_ok("groth16", "setup", "interop.r1cs", "pot.ptau", "sj.zkey", cwd=d)
    sj_ok("zkey", "export", "verificationkey", "sj.zkey", "sj_vk.json", cwd=d)
    res = subprocess.run(
        [
            "node",
            "interop_js/generate_witness.js",
            "interop_js/interop.wasm",
            str(FIXTURES / "interop_input.json"),
            "w.wtns",
        ],
        cwd=d,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    return d


def test_zkel_proves_snarkjs_zkey_and_snarkjs_verifies(snarkjs_world):
    d = snarkjs_world
    assert (
        main(
            [
                "groth16",
                "prove",
                str(d / "sj.zkey"),
                str(d / "w.wtns"),
                str(d / "zk_proof.json"),
                str(d / "zk_public.json"),
            ]
        )
        == 0
    )
    out = sj_ok("groth16", "verify", "sj_vk.json", "zk_public.json", "zk_proof.json", cwd=d)
    assert "OK" in out
    assert (
        main(
            [
                "groth16",
                "verify",
                str(d / "sj_vk.json"),
                str(d / "zk_public.json"),
                str(d / "zk_proof.json"),
            ]
        )
        == 0
    )


def test_zkel_verifies_snarkjs_proof_and_rejects_tampering(snarkjs_world, tmp_path):
    d = snarkjs_world
    sj_ok("groth16", "prove", "sj.zkey", "w.wtns", "sj_proof.json", "sj_public.json", cwd=d)
    assert (
        main(
            [
                "groth16",
                "verify",
                str(d / "sj_vk.json"),
                str(d / "sj_public.json"),
                str(d / "sj_proof.json"),
            ]
        )
        == 0
    )
    public = json.loads((d / "sj_public.json").read_text())
    public[-1] = str(int(public[-1]) + 1)
    (tmp_path / "bad_public.json").write_text(json.dumps(public))
    assert (
        main(
            [
                "groth16",
                "verify",
                str(d / "sj_vk.json"),
                str(tmp_path / "bad_public.json"),
                str(d / "sj_proof.json"),
            ]
        )
        == 1
    )
    assert (
        sj(
            "groth16", "verify", "sj_vk.json", tmp_path / "bad_public.json", "sj_proof.json", cwd=d
        ).returncode
        != 0
    )


def test_zkel_setup_zkey_is_usable_by_snarkjs(snarkjs_world):
    d = snarkjs_world
    assert main(["groth16", "setup", str(d / "interop.r1cs"), str(d / "zk.zkey")]) == 0
    assert main(["zkey", "export-vkey", str(d / "zk.zkey"), str(d / "zk_vk.json")]) == 0
    sj_ok("zkey", "export", "verificationkey", "zk.zkey", "zk_vk_by_sj.json", cwd=d)
    assert json.loads((d / "zk_vk.json").read_text()) == json.loads(
        (d / "zk_vk_by_sj.json").read_text()
    )
    sj_ok("groth16", "prove", "zk.zkey", "w.wtns", "p.json", "pub.json", cwd=d)
    assert "OK" in sj_ok("groth16", "verify", "zk_vk.json", "pub.json", "p.json", cwd=d)
    assert (
        main(["groth16", "verify", str(d / "zk_vk.json"), str(d / "pub.json"), str(d / "p.json")])
        == 0
    )


def test_exported_vkey_equals_snarkjs_export(snarkjs_world):
    d = snarkjs_world
    assert main(["zkey", "export-vkey", str(d / "sj.zkey"), str(d / "zk_vk_of_sj.json")]) == 0
    assert json.loads((d / "zk_vk_of_sj.json").read_text()) == json.loads(
        (d / "sj_vk.json").read_text()
    )
