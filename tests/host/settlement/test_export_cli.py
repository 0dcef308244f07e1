"""``zkel zkey export-verifier`` and ``export-calldata`` end to end, bad input included.

The exported contract is compiled and run on the embedded chain with the exported
calldata; with the node tools installed, the calldata is compared with snarkjs'.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.interop import skip_without_tools, snarkjs
from zkel.circuits.r1cs.examples import random_circuit
from zkel.circuits.snarkjs import write_r1cs, write_wtns
from zkel.host.cli.main import main
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.compiler import compile_vyper
from zkel.host.settlement.contract import deploy


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("export")
    cs = random_circuit(12, 2, seed=5)
    write_r1cs(d / "c.r1cs", cs.to_r1cs())
    write_wtns(d / "w.wtns", cs.witness())
    assert main(["groth16", "setup", str(d / "c.r1cs"), str(d / "c.zkey")]) == 0
    assert main(["zkey", "export-vkey", str(d / "c.zkey"), str(d / "vk.json")]) == 0
    args = ["groth16", "prove", d / "c.zkey", d / "w.wtns", d / "proof.json", d / "public.json"]
    assert main([str(a) for a in args]) == 0
    return d


def test_export_verifier_runs_on_chain(workdir, capsys):
    code, out, _ = run(capsys, "zkey", "export-verifier", workdir / "c.zkey", "--out",
                       workdir / "v.vy")  # fmt: skip
    assert code == 0 and "2 public inputs" in out
    code, _, _ = run(capsys, "zkey", "export-verifier", workdir / "vk.json", "-o",
                     workdir / "v2.vy")  # fmt: skip
    assert code == 0
    from_zkey, from_vkey = (workdir / "v.vy").read_text(), (workdir / "v2.vy").read_text()
    # the same key either way; only the header naming the file differs
    strip = re.compile(r"^@notice.*$", re.M)
    assert strip.sub("", from_zkey) == strip.sub("", from_vkey)

    code, calldata, _ = run(capsys, "zkey", "export-calldata", workdir / "public.json",
                            workdir / "proof.json")  # fmt: skip
    assert code == 0
    a, b, c, public = (
        [int(x, 16) if isinstance(x, str) else [int(y, 16) for y in x] for x in group]
        for group in json.loads(f"[{calldata}]")
    )
    chain = EmbeddedChain()
    contract, _ = deploy(chain, compile_vyper(from_zkey), sender=chain.accounts[0])
    assert contract.call("verifyProof", a, b, c, public) is True
    public[0] ^= 1
    assert contract.call("verifyProof", a, b, c, public) is False


@skip_without_tools
@pytest.mark.interop
def test_calldata_matches_snarkjs(workdir, capsys):
    code, ours, _ = run(capsys, "zkey", "export-calldata", workdir / "public.json",
                        workdir / "proof.json")  # fmt: skip
    assert code == 0
    theirs = snarkjs("zkey", "export", "soliditycalldata", "public.json", "proof.json",
                     cwd=workdir).stdout  # fmt: skip
    assert ours.strip() == theirs.strip()


def test_bad_inputs(workdir, tmp_path, capsys):
    code, _, err = run(capsys, "zkey", "export-verifier", tmp_path / "missing.zkey")
    assert code == 2 and "no such file" in err
    (tmp_path / "bad.json").write_text("{ not json")
    code, _, err = run(capsys, "zkey", "export-verifier", tmp_path / "bad.json")
    assert code == 2 and "bad.json" in err and "malformed JSON" in err
    vk = json.loads((workdir / "vk.json").read_text())
    vk["vk_alpha_1"][1] = str(int(vk["vk_alpha_1"][1]) ^ 1)
    (tmp_path / "off.json").write_text(json.dumps(vk))
    code, _, err = run(capsys, "zkey", "export-verifier", tmp_path / "off.json", "-o",
                       tmp_path / "v.vy")  # fmt: skip
    assert code == 2 and "vk_alpha_1" in err and not (tmp_path / "v.vy").exists()
    (tmp_path / "junk.zkey").write_bytes(b"\x00" * 40)
    code, _, err = run(capsys, "zkey", "export-verifier", tmp_path / "junk.zkey")
    assert code == 2 and "junk.zkey" in err
    code, _, err = run(capsys, "zkey", "export-verifier", workdir / "c.zkey", "-o",
                       tmp_path / "no" / "dir" / "v.vy")  # fmt: skip
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, "zkey", "export-calldata", workdir / "proof.json",
                       workdir / "public.json")  # fmt: skip
    assert code == 2 and "proof.json" in err
