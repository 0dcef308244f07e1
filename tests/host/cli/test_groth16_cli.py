"""The snarkjs-style CLI verbs end to end, and their handling of bad input.

Each bad input must give one line naming the file and the problem and exit 2; a
well-formed but invalid proof exits 1; nothing prints a traceback.
"""

import json
import shutil

import pytest

from zkel.circuits.bn254 import Q, R
from zkel.circuits.r1cs.examples import random_circuit
from zkel.circuits.snarkjs import write_r1cs, write_wtns
from zkel.host.cli.main import main


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def verify(capsys, vkey, public, proof):
    return run(capsys, "groth16", "verify", vkey, public, proof)


def prove(capsys, zkey, wtns, out_dir, *extra):
    """Prove into ``out_dir/p.json`` and ``out_dir/pub.json``."""
    return run(
        capsys, "groth16", "prove", zkey, wtns, out_dir / "p.json", out_dir / "pub.json", *extra
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    cs = random_circuit(40, 2, seed=21)
    write_r1cs(d / "c.r1cs", cs.to_r1cs())
    write_wtns(d / "w.wtns", cs.witness())
    assert main(["groth16", "setup", str(d / "c.r1cs"), str(d / "c.zkey")]) == 0
    assert main(["zkey", "export-vkey", str(d / "c.zkey"), str(d / "vk.json")]) == 0
    args = ["groth16", "prove", d / "c.zkey", d / "w.wtns", d / "proof.json", d / "public.json"]
    assert main([str(a) for a in args]) == 0
    return d


def test_verify_ok(workdir, capsys):
    code, out, _ = verify(
        capsys, workdir / "vk.json", workdir / "public.json", workdir / "proof.json"
    )
    assert code == 0 and out.strip() == "OK"


def test_r1cs_info(workdir, capsys):
    code, out, _ = run(capsys, "r1cs", "info", workdir / "c.r1cs")
    assert code == 0
    assert "# of Constraints: 40" in out and "# of Public Inputs: 2" in out and "bn128" in out


def test_wrong_public_value_exits_1(workdir, tmp_path, capsys):
    pub = json.loads((workdir / "public.json").read_text())
    pub[0] = str((int(pub[0]) + 1) % R)
    (tmp_path / "public.json").write_text(json.dumps(pub))
    code, _, err = verify(
        capsys, workdir / "vk.json", tmp_path / "public.json", workdir / "proof.json"
    )
    assert code == 1 and "INVALID" in err


def _proof(workdir):
    return json.loads((workdir / "proof.json").read_text())


def _verify_with_proof(workdir, tmp_path, capsys, proof):
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    return verify(capsys, workdir / "vk.json", workdir / "public.json", tmp_path / "proof.json")


def test_proof_point_off_curve_exits_2(workdir, tmp_path, capsys):
    proof = _proof(workdir)
    proof["pi_a"][1] = str((int(proof["pi_a"][1]) + 1) % Q)
    code, _, err = _verify_with_proof(workdir, tmp_path, capsys, proof)
    assert code == 2 and "proof.json" in err and "pi_a" in err
    assert len(err.strip().splitlines()) == 1


def test_valid_points_wrong_proof_exits_1(workdir, tmp_path, capsys):
    proof = _proof(workdir)
    proof["pi_a"], proof["pi_c"] = proof["pi_c"], proof["pi_a"]
    code, _, _ = _verify_with_proof(workdir, tmp_path, capsys, proof)
    assert code == 1


def test_proof_coordinate_not_below_q_exits_2(workdir, tmp_path, capsys):
    proof = _proof(workdir)
    proof["pi_c"][0] = str(int(proof["pi_c"][0]) + Q)
    code, _, err = _verify_with_proof(workdir, tmp_path, capsys, proof)
    assert code == 2 and "proof.json" in err


def test_public_value_not_below_r_exits_2(workdir, tmp_path, capsys):
    pub = json.loads((workdir / "public.json").read_text())
    pub[0] = str(int(pub[0]) + R)
    (tmp_path / "public.json").write_text(json.dumps(pub))
    code, _, err = verify(
        capsys, workdir / "vk.json", tmp_path / "public.json", workdir / "proof.json"
    )
    assert code == 2 and "public.json" in err


def test_malformed_json_exits_2(workdir, tmp_path, capsys):
    (tmp_path / "proof.json").write_text('{"pi_a": [1, 2')
    code, _, err = verify(
        capsys, workdir / "vk.json", workdir / "public.json", tmp_path / "proof.json"
    )
    assert code == 2 and "proof.json" in err


def test_missing_file_exits_2(workdir, tmp_path, capsys):
    code, _, err = verify(
        capsys, tmp_path / "nope.json", workdir / "public.json", workdir / "proof.json"
    )
    assert code == 2 and "nope.json" in err


def test_truncated_zkey_exits_2(workdir, tmp_path, capsys):
    data = (workdir / "c.zkey").read_bytes()
    (tmp_path / "t.zkey").write_bytes(data[: len(data) // 2])
    code, _, err = prove(capsys, tmp_path / "t.zkey", workdir / "w.wtns", tmp_path)
    assert code == 2 and "t.zkey" in err
    assert not (tmp_path / "p.json").exists()


def test_corrupted_zkey_point_exits_2(workdir, tmp_path, capsys):
    from zkel.circuits.snarkjs.binfile import parse_binfile

    data = bytearray((workdir / "c.zkey").read_bytes())
    bf = parse_binfile(bytes(data), "c.zkey", b"zkey", (1,))
    h_offset = bytes(data).find(bytes(bf.sections[9]))
    data[h_offset + 64 + 5] ^= 0x55  # x coordinate of the second H point
    (tmp_path / "x.zkey").write_bytes(bytes(data))
    code, _, err = prove(capsys, tmp_path / "x.zkey", workdir / "w.wtns", tmp_path)
    assert code == 2 and "x.zkey" in err and "section H" in err
    assert not (tmp_path / "p.json").exists()


def test_unsatisfying_witness_exits_2_without_proof(workdir, tmp_path, capsys):
    cs = random_circuit(40, 2, seed=21)
    w = cs.witness()
    w[-1] = (w[-1] + 1) % R
    write_wtns(tmp_path / "bad.wtns", w)
    code, _, err = prove(capsys, workdir / "c.zkey", tmp_path / "bad.wtns", tmp_path)
    assert code == 2 and "bad.wtns" in err and "does not satisfy" in err
    assert not (tmp_path / "p.json").exists()


def test_witness_for_another_field_exits_2(workdir, tmp_path, capsys):
    bls_r = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
    write_wtns(tmp_path / "bls.wtns", [1, 2, 3], prime=bls_r)
    code, _, err = prove(capsys, workdir / "c.zkey", tmp_path / "bls.wtns", tmp_path)
    assert code == 2 and "bls.wtns" in err


def test_unknown_backend_exits_2(workdir, tmp_path, capsys):
    code, _, err = prove(
        capsys, workdir / "c.zkey", workdir / "w.wtns", tmp_path, "--backend", "gpu"
    )
    assert code == 2 and "gpu" in err


def test_setup_of_garbage_exits_2(tmp_path, capsys):
    (tmp_path / "g.r1cs").write_bytes(b"not an r1cs file at all")
    code, _, err = run(capsys, "groth16", "setup", tmp_path / "g.r1cs", tmp_path / "g.zkey")
    assert code == 2 and "g.r1cs" in err
    assert not (tmp_path / "g.zkey").exists()


def test_export_vkey_matches_verify_input(workdir, tmp_path, capsys):
    shutil.copy(workdir / "c.zkey", tmp_path / "copy.zkey")
    code, _, _ = run(capsys, "zkey", "export-vkey", tmp_path / "copy.zkey", tmp_path / "vk.json")
    assert code == 0
    vk = json.loads((tmp_path / "vk.json").read_text())
    assert vk["protocol"] == "groth16" and vk["curve"] == "bn128" and vk["nPublic"] == 2
    assert len(vk["IC"]) == 3 and "vk_alphabeta_12" in vk


def test_proof_point_outside_g2_subgroup_exits_2(workdir, tmp_path, capsys):
    from tests.circuits.bn254.twist import twist_point_off_subgroup

    (x0, x1), (y0, y1) = twist_point_off_subgroup()
    proof = _proof(workdir)
    proof["pi_b"] = [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]
    code, _, err = _verify_with_proof(workdir, tmp_path, capsys, proof)
    assert code == 2 and "pi_b: not in the G2 subgroup" in err
