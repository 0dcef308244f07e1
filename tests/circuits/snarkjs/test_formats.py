"""snarkjs file formats: byte-identical round trips of snarkjs' own files, and precise
errors for truncated, corrupted and foreign files (fixtures from make_fixtures.sh)."""

import json
import shutil
import struct
from pathlib import Path

import pytest

from zkel.circuits.bn254 import Q, R
from zkel.circuits.snarkjs import (
    FormatError,
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
from zkel.circuits.snarkjs.binfile import parse_binfile

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "snarkjs"
BLS12_381_R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001


@pytest.mark.parametrize(
    ("name", "reader", "writer"),
    [
        ("interop.r1cs", read_r1cs, write_r1cs),
        ("interop.wtns", read_wtns, write_wtns),
        ("interop.zkey", read_zkey, write_zkey),
    ],
)
def test_binary_round_trip_is_byte_identical(tmp_path, name, reader, writer):
    out = tmp_path / name
    writer(out, reader(FIX / name))
    assert out.read_bytes() == (FIX / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "reader", "writer"),
    [
        ("verification_key.json", read_vkey, write_vkey),
        ("proof.json", read_proof, write_proof),
        ("public.json", read_public, write_public),
    ],
)
def test_json_round_trip_is_identical(tmp_path, name, reader, writer):
    out = tmp_path / name
    writer(out, reader(FIX / name))
    assert json.loads(out.read_text()) == json.loads((FIX / name).read_text())
    assert out.read_text() == (FIX / name).read_text()


def test_r1cs_content():
    r1cs = read_r1cs(FIX / "interop.r1cs")
    assert r1cs.prime == R and r1cs.n_pub_out == 1 and r1cs.n_pub_in == 2
    assert r1cs.n_prv_in == 1 and len(r1cs.constraints) == 21
    w = read_wtns(FIX / "interop.wtns")
    assert len(w) == r1cs.n_wires and w[0] == 1

    def ev(lc):
        return sum(c * w[i] for i, c in lc.items()) % R

    assert all(ev(a) * ev(b) % R == ev(c) for a, b, c in r1cs.constraints)


def test_zkey_content_matches_vkey():
    z = read_zkey(FIX / "interop.zkey")
    vk = read_vkey(FIX / "verification_key.json")
    assert (z.n_public, z.alpha1, z.beta2, z.gamma2, z.delta2, z.ic) == (
        vk.n_public,
        vk.alpha1,
        vk.beta2,
        vk.gamma2,
        vk.delta2,
        vk.ic,
    )
    assert len(z.h) == z.domain_size and len(z.c) == z.n_vars - z.n_public - 1
    # public-input rows A[nConstraints + i][i] = 1 close the coefficient list
    tail = z.coeffs[-(z.n_public + 1) :]
    assert [(c.matrix, c.signal, c.value) for c in tail] == [
        (0, i, 1) for i in range(z.n_public + 1)
    ]


def _sections(path):
    data = path.read_bytes()
    return data, parse_binfile(data, path.name, data[:4], (1, 2))


@pytest.mark.parametrize("name", ["interop.r1cs", "interop.wtns", "interop.zkey"])
def test_truncation_anywhere_is_a_format_error(tmp_path, name):
    data = (FIX / name).read_bytes()
    reader = {"r1cs": read_r1cs, "wtns": read_wtns, "zkey": read_zkey}[name.split(".")[1]]
    cuts = sorted({0, 3, 11, 12, 20, 40, len(data) // 3, len(data) // 2, len(data) - 1})
    for cut in cuts:
        p = tmp_path / f"cut{cut}_{name}"
        p.write_bytes(data[:cut])
        with pytest.raises(FormatError, match=rf"^cut{cut}_{name}: "):
            reader(p)


def test_zkey_truncated_inside_h_names_the_section(tmp_path):
    data, bf = _sections(FIX / "interop.zkey")
    h_offset = data.find(bytes(bf.sections[9]))
    p = tmp_path / "t.zkey"
    p.write_bytes(data[: h_offset + 10])
    with pytest.raises(
        FormatError, match=r"t.zkey: truncated: section 9 needs 2048 bytes, file has 10"
    ):
        read_zkey(p)


def test_bad_magic_and_version(tmp_path):
    data = bytearray((FIX / "interop.zkey").read_bytes())
    (tmp_path / "m.zkey").write_bytes(b"zkex" + data[4:])
    with pytest.raises(FormatError, match="not a .zkey file"):
        read_zkey(tmp_path / "m.zkey")
    data[4:8] = struct.pack("<I", 7)
    (tmp_path / "v.zkey").write_bytes(bytes(data))
    with pytest.raises(FormatError, match="unsupported .zkey version 7"):
        read_zkey(tmp_path / "v.zkey")
    with pytest.raises(FormatError, match="not a .r1cs file"):
        read_r1cs(FIX / "interop.wtns")


def test_header_for_another_field(tmp_path):
    write_wtns(tmp_path / "bls.wtns", [1, 2, 3], prime=BLS12_381_R)
    with pytest.raises(FormatError, match=r"bls.wtns: prime 0x73eda.* is not BN254's scalar field"):
        read_wtns(tmp_path / "bls.wtns")
    r1cs = read_r1cs(FIX / "interop.r1cs")
    import dataclasses

    write_r1cs(tmp_path / "bls.r1cs", dataclasses.replace(r1cs, prime=BLS12_381_R))
    with pytest.raises(FormatError, match="not BN254's scalar field"):
        read_r1cs(tmp_path / "bls.r1cs")


def test_zkey_coordinate_not_below_q(tmp_path):
    data, bf = _sections(FIX / "interop.zkey")
    a = bytes(bf.sections[5])
    off = data.find(a)
    bad = bytearray(data)
    bad[off : off + 32] = (Q + 5).to_bytes(32, "little")
    (tmp_path / "q.zkey").write_bytes(bytes(bad))
    with pytest.raises(FormatError, match=r"q.zkey: 5 \(A\): coordinate 0 is not below q"):
        read_zkey(tmp_path / "q.zkey")


def test_wtns_value_not_below_r(tmp_path):
    write_wtns(tmp_path / "w.wtns", [1, 2, 3])
    data = bytearray((tmp_path / "w.wtns").read_bytes())
    data[-32:] = (R + 1).to_bytes(32, "little")
    (tmp_path / "w.wtns").write_bytes(bytes(data))
    with pytest.raises(FormatError, match="witness value 2 is not below r"):
        read_wtns(tmp_path / "w.wtns")


def test_trailing_garbage(tmp_path):
    (tmp_path / "g.wtns").write_bytes((FIX / "interop.wtns").read_bytes() + b"xx")
    with pytest.raises(FormatError, match="unexpected bytes after the last section"):
        read_wtns(tmp_path / "g.wtns")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"pi_a": [1, 2', "malformed JSON at line 1"),
        ("[]", "expected a JSON object"),
        ('{"pi_b": [], "pi_c": []}', "missing key 'pi_a'"),
        ('{"pi_a": ["1", "2"], "pi_b": [], "pi_c": []}', "pi_a: expected a list of 3"),
        ('{"pi_a": ["x", "2", "1"], "pi_b": [], "pi_c": []}', "pi_a: 'x' is not a decimal"),
        ('{"pi_a": ["1", "2", "1"], "protocol": "plonk"}', "protocol 'plonk' is not groth16"),
        ('{"pi_a": ["1", "2", "1"], "curve": "bls12381"}', "curve 'bls12381' is not bn128"),
    ],
)
def test_malformed_proof_json(tmp_path, text, message):
    (tmp_path / "proof.json").write_text(text)
    with pytest.raises(FormatError, match=f"^proof.json: {message}"):
        read_proof(tmp_path / "proof.json")


def test_proof_coordinate_not_below_q(tmp_path):
    proof = json.loads((FIX / "proof.json").read_text())
    proof["pi_b"][0][1] = str(Q)
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    with pytest.raises(FormatError, match="pi_b: value not below q"):
        read_proof(tmp_path / "proof.json")


def test_public_not_below_r_and_not_a_list(tmp_path):
    (tmp_path / "public.json").write_text(json.dumps([str(R)]))
    with pytest.raises(FormatError, match="public signal 0: value not below r"):
        read_public(tmp_path / "public.json")
    (tmp_path / "public.json").write_text('{"a": 1}')
    with pytest.raises(FormatError, match="expected a JSON list"):
        read_public(tmp_path / "public.json")


def test_vkey_ic_count_must_match(tmp_path):
    vk = json.loads((FIX / "verification_key.json").read_text())
    vk["nPublic"] += 1
    (tmp_path / "vk.json").write_text(json.dumps(vk))
    with pytest.raises(FormatError, match="IC: expected nPublic"):
        read_vkey(tmp_path / "vk.json")


def test_missing_file_and_binary_json(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_zkey(tmp_path / "nope.zkey")
    shutil.copy(FIX / "interop.zkey", tmp_path / "proof.json")
    with pytest.raises(FormatError, match="proof.json"):
        read_proof(tmp_path / "proof.json")
