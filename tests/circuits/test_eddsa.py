"""EdDSA-Poseidon: circomlibjs' keys and signatures, round trips and rejections."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from zkel.circuits import babyjub
from zkel.circuits.bn254 import R
from zkel.circuits.eddsa import PrivateKey, verify_poseidon

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests/fixtures/circomlibjs/vectors.json").read_text())


@pytest.mark.parametrize(
    "case", VECTORS["eddsa"][::3], ids=lambda c: c["key"][:8] + "/" + c["msg"][:6]
)
def test_circomlibjs_vectors(case):
    key = PrivateKey(bytes.fromhex(case["key"]))
    assert key.public_key() == tuple(int(v) for v in case["public"])
    sig = key.sign_poseidon(int(case["msg"]))
    assert sig == tuple(int(v) for v in case["signature"])
    assert verify_poseidon(key.public_key(), int(case["msg"]), sig)


def test_all_circomlibjs_signatures_verify():
    for case in VECTORS["eddsa"]:
        pub = tuple(int(v) for v in case["public"])
        assert verify_poseidon(pub, int(case["msg"]), tuple(int(v) for v in case["signature"]))


def test_tampering_is_rejected():
    key = PrivateKey(bytes(range(32)))
    other = PrivateKey(bytes(range(1, 33)))
    pub = key.public_key()
    r8x, r8y, s = key.sign_poseidon(99)
    assert verify_poseidon(pub, 99, (r8x, r8y, s))
    assert not verify_poseidon(pub, 100, (r8x, r8y, s))
    assert not verify_poseidon(other.public_key(), 99, (r8x, r8y, s))
    assert not verify_poseidon(pub, 99, (r8x, r8y, (s + 1) % babyjub.SUBORDER))
    assert not verify_poseidon(pub, 99, (r8x, r8y, s + babyjub.SUBORDER))  # S ≥ l
    r8 = babyjub.add((r8x, r8y), babyjub.BASE8)
    assert not verify_poseidon(pub, 99, (*r8, s))
    assert not verify_poseidon(pub, 99, (r8x, (r8y + 1) % R, s))  # off the curve
    assert not verify_poseidon((pub[0], pub[1] + 1), 99, (r8x, r8y, s))
    assert not verify_poseidon(pub, 99 + R, (r8x, r8y, s))
    assert not verify_poseidon(pub, 99, (r8x, r8y))  # malformed


def test_key_and_message_validation():
    with pytest.raises(ValueError, match="exactly 32 bytes"):
        PrivateKey(b"short")
    with pytest.raises(ValueError, match="field element"):
        PrivateKey(bytes(32)).sign_poseidon(R)


@pytest.mark.interop
@pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "tools/node_modules/circomlibjs").exists(),
    reason="node tools not installed (run `make tools`)",
)
def test_live_circomlibjs_verifies_our_signature(tmp_path):
    key = PrivateKey(bytes([7] * 32))
    msg = 123456789
    r8x, r8y, s = key.sign_poseidon(msg)
    ax, ay = key.public_key()
    script = f"""
const {{ buildEddsa }} = require("circomlibjs");
(async () => {{
  const e = await buildEddsa(); const F = e.babyJub.F;
  const ok = e.verifyPoseidon(F.e({msg}n), {{ R8: [F.e({r8x}n), F.e({r8y}n)], S: {s}n }},
                              [F.e({ax}n), F.e({ay}n)]);
  console.log(ok ? "OK" : "BAD");
}})();
"""
    (tmp_path / "v.js").write_text(script)
    res = subprocess.run(
        ["node", str(tmp_path / "v.js")],
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(ROOT / "tools/node_modules"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert res.stdout.strip() == "OK", res.stderr
