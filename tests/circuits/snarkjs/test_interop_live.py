"""The formats against snarkjs 0.7 itself, live (skipped without `make tools`).

Files that zkel reads from a fresh snarkjs run and writes back are byte-identical,
and snarkjs accepts what zkel writes: ``r1cs info`` and ``wtns check`` on zkel's
files, ``groth16 prove`` with a zkey zkel wrote, ``zkey export verificationkey`` of
it equal to the original's, ``groth16 verify`` on JSON files zkel re-wrote, and a
rejection when zkel writes a wrong public signal.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from tests.circuits.snarkjs.conftest import FIX
from tests.interop import ToolError, circom_compile, groth16_setup, needs_tools, snarkjs
from zkel.circuits.bn254 import R
from zkel.circuits.snarkjs import (
    R1cs,
    read_proof,
    read_public,
    read_r1cs,
    read_vkey,
    read_wtns,
    read_zkey,
    write_proof,
    write_public,
    write_r1cs,
    write_vkey,
    write_wtns,
    write_zkey,
)

pytestmark = needs_tools


@dataclasses.dataclass
class World:
    """One circuit set up by snarkjs in ``d``: r1cs, zkey, witness, proof, vkey."""

    d: Path
    name: str

    def f(self, suffix: str) -> Path:
        return self.d / f"{self.name}{suffix}"


@pytest.fixture(scope="module", params=["multiplier", "interop"])
def world(request, tmp_path_factory) -> World:
    d = tmp_path_factory.mktemp(request.param)
    built = circom_compile(FIX / f"{request.param}.circom", d)
    built.witness(FIX / f"{request.param}_input.json", d / f"{request.param}.wtns")
    ptau = tmp_path_factory.getbasetemp() / "pot8.ptau"
    if ptau.exists():
        shutil.copy(ptau, d)
    groth16_setup(built.r1cs, d, power=8)
    if not ptau.exists():
        shutil.copy(d / "pot8.ptau", ptau)
    w = World(d, request.param)
    snarkjs("zkey", "export", "verificationkey", w.f(".zkey"), w.f(".vkey.json"), cwd=d)
    snarkjs(
        "groth16",
        "prove",
        w.f(".zkey"),
        w.f(".wtns"),
        w.f(".proof.json"),
        w.f(".public.json"),
        cwd=d,
    )
    return w


@pytest.mark.parametrize(
    ("suffix", "reader", "writer"),
    [
        (".r1cs", read_r1cs, write_r1cs),
        (".wtns", read_wtns, write_wtns),
        (".zkey", read_zkey, write_zkey),
        (".vkey.json", read_vkey, write_vkey),
        (".proof.json", read_proof, write_proof),
        (".public.json", read_public, write_public),
    ],
)
def test_fresh_snarkjs_files_round_trip_identically(world, tmp_path, suffix, reader, writer):
    writer(tmp_path / f"x{suffix}", reader(world.f(suffix)))
    assert (tmp_path / f"x{suffix}").read_bytes() == world.f(suffix).read_bytes()


def test_rewritten_json_passes_groth16_verify(world, tmp_path):
    write_vkey(tmp_path / "vk.json", read_vkey(world.f(".vkey.json")))
    write_proof(tmp_path / "proof.json", read_proof(world.f(".proof.json")))
    public = read_public(world.f(".public.json"))
    write_public(tmp_path / "public.json", public)
    snarkjs("groth16", "verify", "vk.json", "public.json", "proof.json", cwd=tmp_path)
    write_public(tmp_path / "public.json", [(public[0] + 1) % R, *public[1:]])
    res = snarkjs(
        "groth16", "verify", "vk.json", "public.json", "proof.json", cwd=tmp_path, check=False
    )
    assert res.returncode == 1 and "Invalid proof" in res.stdout + res.stderr


def test_zkel_zkey_without_section_10_proves_and_exports(world, tmp_path):
    # a zkey as zkel writes it when no ceremony is recorded: snarkjs still proves with
    # it and exports the same verification key
    z = dataclasses.replace(read_zkey(world.f(".zkey")), contributions=b"")
    write_zkey(tmp_path / "z.zkey", z)
    snarkjs("zkey", "export", "verificationkey", "z.zkey", "vk.json", cwd=tmp_path)
    assert json.loads((tmp_path / "vk.json").read_text()) == json.loads(
        world.f(".vkey.json").read_text()
    )
    write_wtns(tmp_path / "w.wtns", read_wtns(world.f(".wtns")))
    snarkjs("groth16", "prove", "z.zkey", "w.wtns", "proof.json", "public.json", cwd=tmp_path)
    snarkjs("groth16", "verify", world.f(".vkey.json"), "public.json", "proof.json", cwd=tmp_path)
    assert read_public(tmp_path / "public.json") == read_public(world.f(".public.json"))


@pytest.mark.parametrize("world", ["multiplier"], indirect=True)
def test_zkel_witness_proves_with_zkel_zkey(tmp_path, world):
    # a witness computed by hand (wires 1, c, a, b) and written by zkel
    a, b = 1234567, R - 2  # c = a * b mod r
    write_wtns(tmp_path / "w.wtns", [1, a * b % R, a, b])
    snarkjs("wtns", "check", world.f(".r1cs"), "w.wtns", cwd=tmp_path)
    write_zkey(tmp_path / "z.zkey", read_zkey(world.f(".zkey")))
    snarkjs("groth16", "prove", "z.zkey", "w.wtns", "proof.json", "public.json", cwd=tmp_path)
    assert read_public(tmp_path / "public.json") == [a * b % R]
    snarkjs("groth16", "verify", world.f(".vkey.json"), "public.json", "proof.json", cwd=tmp_path)
    write_wtns(tmp_path / "bad.wtns", [1, a * b % R + 1, a, b])
    res = snarkjs("wtns", "check", world.f(".r1cs"), "bad.wtns", cwd=tmp_path, check=False)
    assert res.returncode == 1


def test_r1cs_written_from_scratch_is_read_by_snarkjs(tmp_path):
    # out = x * y + 5 with x public, y private: wires 1 (out), 2 (x), 3 (y)
    r1cs = R1cs(R, 32, 4, 1, 1, 1, 4, [({2: 1}, {3: 1}, {1: 1, 0: -5})], [0, 1, 2, 3])
    write_r1cs(tmp_path / "c.r1cs", r1cs)
    info = snarkjs("r1cs", "info", "c.r1cs", cwd=tmp_path).stdout
    for line in (
        "# of Wires: 4",
        "# of Constraints: 1",
        "# of Private Inputs: 1",
        "# of Public Inputs: 1",
        "# of Outputs: 1",
    ):
        assert line in info
    write_wtns(tmp_path / "ok.wtns", [1, 6 * 7 + 5, 6, 7])
    snarkjs("wtns", "check", "c.r1cs", "ok.wtns", cwd=tmp_path)
    write_wtns(tmp_path / "bad.wtns", [1, 6 * 7, 6, 7])
    assert snarkjs("wtns", "check", "c.r1cs", "bad.wtns", cwd=tmp_path, check=False).returncode == 1


def test_a_failing_tool_raises_with_its_output(tmp_path):
    with pytest.raises(ToolError, match=r"(?s)snarkjs r1cs info exited with 1\n--- stdout"):
        snarkjs("r1cs", "info", "missing.r1cs", cwd=tmp_path)
    assert snarkjs("r1cs", "info", "missing.r1cs", cwd=tmp_path, check=False).returncode == 1
