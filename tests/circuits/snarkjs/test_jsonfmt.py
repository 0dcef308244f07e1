"""snarkjs' JSON files: identical round trips, infinity, and precise errors."""

import json

import pytest

from tests.circuits.snarkjs.conftest import CIRCUITS, FIX, json_names
from zkel.circuits.bn254 import Q, R
from zkel.circuits.snarkjs import (
    FormatError,
    Proof,
    VerificationKey,
    read_proof,
    read_public,
    read_vkey,
    write_proof,
    write_public,
    write_vkey,
)

KINDS = [(read_vkey, write_vkey), (read_proof, write_proof), (read_public, write_public)]


@pytest.mark.parametrize("circuit", CIRCUITS)
@pytest.mark.parametrize("kind", [0, 1, 2])
def test_round_trip_is_text_identical(tmp_path, circuit, kind):
    name = json_names(circuit)[kind]
    reader, writer = KINDS[kind]
    writer(tmp_path / name, reader(FIX / name))
    assert (tmp_path / name).read_text() == (FIX / name).read_text()


def test_proof_and_public_content():
    proof = read_proof(FIX / "multiplier.proof.json")
    raw = json.loads((FIX / "multiplier.proof.json").read_text())
    assert proof.a == (int(raw["pi_a"][0]), int(raw["pi_a"][1]))
    assert proof.b == tuple(tuple(int(c) for c in raw["pi_b"][i]) for i in (0, 1))
    assert read_public(FIX / "multiplier.public.json") == [33]
    vk = read_vkey(FIX / "bits.vkey.json")
    assert vk.n_public == 4 and len(vk.ic) == 5 and len(vk.alphabeta_12) == 2


def test_infinity_in_snarkjs_form(tmp_path):
    write_proof(tmp_path / "p.json", Proof(None, None, (1, 2)))
    raw = json.loads((tmp_path / "p.json").read_text())
    assert raw["pi_a"] == ["0", "1", "0"]
    assert raw["pi_b"] == [["0", "0"], ["1", "0"], ["0", "0"]]
    assert read_proof(tmp_path / "p.json") == Proof(None, None, (1, 2))


def test_vkey_without_alphabeta(tmp_path):
    vk = read_vkey(FIX / "verification_key.json")
    bare = VerificationKey(vk.n_public, vk.alpha1, vk.beta2, vk.gamma2, vk.delta2, vk.ic)
    write_vkey(tmp_path / "vk.json", bare)
    assert "vk_alphabeta_12" not in json.loads((tmp_path / "vk.json").read_text())
    assert read_vkey(tmp_path / "vk.json") == bare


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"pi_a": [1, 2', "malformed JSON at line 1"),
        ('{\n"pi_a": [\n"1",,\n]}', "malformed JSON at line 3"),
        ("[]", "expected a JSON object"),
        ('{"pi_b": [], "pi_c": []}', "missing key 'pi_a'"),
        ('{"pi_a": ["1", "2"], "pi_b": [], "pi_c": []}', "pi_a: expected a list of 3"),
        ('{"pi_a": ["x", "2", "1"]}', "pi_a: 'x' is not a decimal number"),
        ('{"pi_a": ["-1", "2", "1"]}', "pi_a: '-1' is not a decimal number"),
        ('{"pi_a": ["0x1", "2", "1"]}', "pi_a: '0x1' is not a decimal number"),
        ('{"pi_a": ["\u00b2", "2", "1"]}', "pi_a: '\u00b2' is not a decimal number"),
        ('{"pi_a": [1.5, "2", "1"]}', "pi_a: expected a decimal string, got float"),
        ('{"pi_a": ["1", "2", "2"]}', "pi_a: z coordinate must be 1 or 0"),
        ('{"pi_a": ["1", "2", "1"], "protocol": "plonk"}', "protocol 'plonk' is not groth16"),
        ('{"pi_a": ["1", "2", "1"], "curve": "bls12381"}', "curve 'bls12381' is not bn128"),
    ],
)
def test_malformed_proof(tmp_path, text, message):
    (tmp_path / "proof.json").write_text(text)
    with pytest.raises(FormatError, match=f"^proof.json: {message}"):
        read_proof(tmp_path / "proof.json")


@pytest.mark.parametrize("field", ["pi_a", "pi_b", "pi_c"])
def test_proof_coordinate_not_below_q(tmp_path, field):
    proof = json.loads((FIX / "proof.json").read_text())
    if field == "pi_b":
        proof[field][1][1] = str(Q)
    else:
        proof[field][0] = str(Q)
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    with pytest.raises(FormatError, match=rf"^proof.json: {field}: value not below q$"):
        read_proof(tmp_path / "proof.json")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda v: v.pop("vk_delta_2"), "missing key 'vk_delta_2'"),
        (lambda v: v.update(nPublic=v["nPublic"] + 1), r"IC: expected nPublic \+ 1 = 5 points"),
        (lambda v: v.update(nPublic="3"), "nPublic: expected a non-negative integer"),
        (lambda v: v["IC"][2].__setitem__(1, str(Q + 1)), r"IC\[2\]: value not below q"),
        (lambda v: v["vk_gamma_2"][2].__setitem__(1, "1"), "vk_gamma_2: z coordinate must be"),
        (lambda v: v["vk_alphabeta_12"][1].pop(), r"vk_alphabeta_12: expected a list of 3"),
        (
            lambda v: v["vk_alphabeta_12"][1][2].__setitem__(0, "q"),
            r"vk_alphabeta_12\[1\]\[2\]\[0\]: 'q' is not a decimal number",
        ),
        (lambda v: v.update(protocol="fflonk"), "protocol 'fflonk' is not groth16"),
    ],
)
def test_malformed_vkey(tmp_path, edit, message):
    vk = json.loads((FIX / "verification_key.json").read_text())
    edit(vk)
    (tmp_path / "verification_key.json").write_text(json.dumps(vk, indent=1))
    with pytest.raises(FormatError, match=f"^verification_key.json: {message}"):
        read_vkey(tmp_path / "verification_key.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (json.dumps([str(R)]), "public signal 0: value not below r"),
        (json.dumps(["1", "x"]), "public signal 1: 'x' is not a decimal number"),
        ('{"a": 1}', "expected a JSON list of decimal strings"),
        ('[\n"1",\n"2"\n', "malformed JSON at line 4"),
    ],
)
def test_malformed_public(tmp_path, text, message):
    (tmp_path / "public.json").write_text(text)
    with pytest.raises(FormatError, match=f"^public.json: {message}"):
        read_public(tmp_path / "public.json")


def test_unreadable_files(tmp_path):
    with pytest.raises(FormatError, match="^proof.json: cannot read"):
        read_proof(tmp_path / "proof.json")
    (tmp_path / "proof.json").write_bytes((FIX / "interop.zkey").read_bytes())
    with pytest.raises(FormatError, match="^proof.json: not a text"):
        read_proof(tmp_path / "proof.json")


def test_writers_reject_out_of_range(tmp_path):
    with pytest.raises(ValueError, match=r"public signal 1: -1 is not an integer in \[0, r\)"):
        write_public(tmp_path / "p.json", [1, -1])
    with pytest.raises(ValueError, match=r"pi_c: .* is not an integer in \[0, q\)"):
        write_proof(tmp_path / "p.json", Proof((1, 2), None, (Q, 1)))
    vk = read_vkey(FIX / "verification_key.json")
    with pytest.raises(ValueError, match="IC has 1 points, nPublic"):
        write_vkey(tmp_path / "v.json", VerificationKey(3, vk.alpha1, None, None, None, [None]))


def test_alphabeta_is_read_as_ints_and_checked_when_written(tmp_path):
    vk = read_vkey(FIX / "verification_key.json")
    raw = json.loads((FIX / "verification_key.json").read_text())["vk_alphabeta_12"]
    assert vk.alphabeta_12 == [[[int(c) for c in pair] for pair in half] for half in raw]
    flat = VerificationKey(vk.n_public, vk.alpha1, vk.beta2, vk.gamma2, vk.delta2, vk.ic, [1] * 12)
    with pytest.raises(ValueError, match=r"vk_alphabeta_12: expected 2 x 3 x 2"):
        write_vkey(tmp_path / "v.json", flat)
