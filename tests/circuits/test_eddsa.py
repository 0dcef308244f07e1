"""EdDSA-Poseidon: circomlibjs' keys and signatures, BLAKE-512 key derivation vectors,
round trips, rejections, packing, and live cross-checks with circomlibjs."""

import json
import random
from pathlib import Path

import pytest

from tests.interop import NODE_MODULES, node, skip_without_tools
from zkel.circuits import babyjub
from zkel.circuits.blake512 import blake512
from zkel.circuits.bn254 import R
from zkel.circuits.eddsa import PrivateKey, pack_signature, unpack_signature, verify_poseidon

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eddsa"
VECTORS = json.loads((FIXTURES / "vectors.json").read_text())
PUBLISHED_BLAKE = json.loads((FIXTURES / "blake512_published.json").read_text())["vectors"]


def ints(values: list[str]) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


@pytest.mark.parametrize("case", PUBLISHED_BLAKE, ids=lambda c: f"{len(c['hex']) // 2}B")
def test_blake512_published_vectors(case):
    assert blake512(bytes.fromhex(case["hex"])).hex() == case["digest"]


@pytest.mark.parametrize("case", VECTORS["blake512"], ids=lambda c: f"{len(c['hex']) // 2}B")
def test_blake512_equals_circomlibjs_blake_hash(case):
    assert blake512(bytes.fromhex(case["hex"])).hex() == case["digest"]


@pytest.mark.parametrize(
    "case", VECTORS["eddsa"][::2], ids=lambda c: c["key"][:6] + "/" + c["msg"][:6]
)
def test_circomlibjs_keys_and_signatures(case):
    key = PrivateKey(bytes.fromhex(case["key"]))
    assert key.public_key() == ints(case["public"])
    sig = key.sign_poseidon(int(case["msg"]))
    assert sig == ints(case["signature"])
    assert pack_signature(sig).hex() == case["signature_packed"]
    assert babyjub.pack(key.public_key()).hex() == case["public_packed"]


def test_every_circomlibjs_signature_verifies():
    for case in VECTORS["eddsa"]:
        sig = unpack_signature(bytes.fromhex(case["signature_packed"]))
        assert sig == ints(case["signature"])
        assert verify_poseidon(ints(case["public"]), int(case["msg"]), sig)


def test_round_trip_and_public_key_in_subgroup():
    rng = random.Random(17)
    for _ in range(3):
        key = PrivateKey(rng.randbytes(32))
        msg = rng.randrange(R)
        assert babyjub.in_subgroup(key.public_key())
        assert verify_poseidon(key.public_key(), msg, key.sign_poseidon(msg))


def test_signing_is_deterministic():
    key = PrivateKey(bytes(range(32)))
    assert key.sign_poseidon(5) == key.sign_poseidon(5) != key.sign_poseidon(6)


def test_tampering_is_rejected():
    key = PrivateKey(bytes(range(32)))
    other = PrivateKey(bytes(range(1, 33)))
    pub = key.public_key()
    r8x, r8y, s = key.sign_poseidon(99)
    l = babyjub.SUBORDER
    assert verify_poseidon(pub, 99, (r8x, r8y, s))
    assert not verify_poseidon(pub, 100, (r8x, r8y, s))  # message
    assert not verify_poseidon(other.public_key(), 99, (r8x, r8y, s))  # public key
    assert not verify_poseidon(pub, 99, (r8x, r8y, (s + 1) % l))  # S
    assert not verify_poseidon(pub, 99, (*babyjub.add((r8x, r8y), babyjub.BASE8), s))  # R8
    assert not verify_poseidon(pub, 99, (*babyjub.neg((r8x, r8y)), s))


def test_out_of_range_and_malformed_inputs_are_false_not_errors():
    key = PrivateKey(bytes(range(32)))
    pub = key.public_key()
    r8x, r8y, s = key.sign_poseidon(99)
    l = babyjub.SUBORDER
    # S + l passes the curve equation (l·Base8 = 0) but S ≥ l is refused, as circomlibjs
    assert not verify_poseidon(pub, 99, (r8x, r8y, s + l))
    assert not verify_poseidon(pub, 99, (r8x, r8y, -1))
    assert not verify_poseidon(pub, 99, (r8x, (r8y + 1) % R, s))  # R8 off the curve
    assert not verify_poseidon((pub[0], pub[1] + 1), 99, (r8x, r8y, s))  # A off the curve
    assert not verify_poseidon((pub[0] + R, pub[1]), 99, (r8x, r8y, s))  # non-canonical A
    assert not verify_poseidon(pub, 99 + R, (r8x, r8y, s))  # msg ≥ r
    assert not verify_poseidon(pub, -1, (r8x, r8y, s))
    assert not verify_poseidon(pub, 99, (r8x, r8y))  # malformed
    assert not verify_poseidon(pub, 99, None)
    assert not verify_poseidon(pub, 99, (r8x, r8y, float(s)))
    assert not verify_poseidon(None, 99, (r8x, r8y, s))


@pytest.mark.parametrize("key", [b"short", bytes(33), "00" * 32, None])
def test_private_key_must_be_32_bytes(key):
    with pytest.raises(ValueError, match="exactly 32 bytes"):
        PrivateKey(key)


@pytest.mark.parametrize("msg", [R, -1, True, 1.0])
def test_sign_rejects_non_field_messages(msg):
    with pytest.raises(ValueError, match="field element"):
        PrivateKey(bytes(32)).sign_poseidon(msg)


def test_unpack_signature_rejects():
    with pytest.raises(ValueError, match="exactly 64 bytes"):
        unpack_signature(bytes(63))
    with pytest.raises(ValueError, match="no curve point"):
        unpack_signature((2).to_bytes(32, "little") + bytes(32))


@pytest.mark.interop
@skip_without_tools
def test_live_circomlibjs_agrees(tmp_path):
    rng = random.Random(23)
    cases = [(rng.randbytes(32), rng.randrange(R)) for _ in range(3)]
    script = f"""
const {{ buildEddsa }} = require({json.dumps(str(NODE_MODULES / "circomlibjs"))});
(async () => {{
  const e = await buildEddsa(); const F = e.babyJub.F;
  const cases = {json.dumps([[k.hex(), str(m)] for k, m in cases])};
  const out = cases.map(([k, m]) => {{
    const prv = Buffer.from(k, "hex");
    const A = e.prv2pub(prv);
    const sig = e.signPoseidon(prv, F.e(BigInt(m)));
    return [...A, ...sig.R8].map((v) => F.toObject(v).toString()).concat([sig.S.toString()]);
  }});
  console.log(JSON.stringify(out));
}})();
"""
    (tmp_path / "sign.js").write_text(script)
    got = json.loads(node(tmp_path / "sign.js", cwd=tmp_path).stdout)
    for (key_bytes, msg), row in zip(cases, got, strict=True):
        key = PrivateKey(key_bytes)
        assert key.public_key() == ints(row[:2])
        assert key.sign_poseidon(msg) == ints(row[2:])


@pytest.mark.interop
@skip_without_tools
def test_live_circomlibjs_verifies_ours_and_rejects_tampered(tmp_path):
    key = PrivateKey(bytes([7] * 32))
    msg = 123456789
    r8x, r8y, s = key.sign_poseidon(msg)
    ax, ay = key.public_key()
    script = f"""
const {{ buildEddsa }} = require({json.dumps(str(NODE_MODULES / "circomlibjs"))});
(async () => {{
  const e = await buildEddsa(); const F = e.babyJub.F;
  const A = [F.e({ax}n), F.e({ay}n)];
  const sig = {{ R8: [F.e({r8x}n), F.e({r8y}n)], S: {s}n }};
  console.log(JSON.stringify([e.verifyPoseidon(F.e({msg}n), sig, A),
                              e.verifyPoseidon(F.e({msg + 1}n), sig, A)]));
}})();
"""
    (tmp_path / "verify.js").write_text(script)
    assert json.loads(node(tmp_path / "verify.js", cwd=tmp_path).stdout) == [True, False]
