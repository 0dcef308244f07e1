"""Bitstream manifests: round trip, digests, register-map version and configuration checks."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from zkel.gateware import regmap
from zkel.hw import manifest as mf
from zkel.hw.manifest import Manifest, ManifestError


def built(tmp_path, config: str = "z7020") -> tuple[Manifest, object]:
    bit, hwh = tmp_path / "zkel_pynq_z2.bit", tmp_path / "zkel_pynq_z2.hwh"
    bit.write_bytes(b"\x00\xffbitstream")
    hwh.write_text("<hwh/>")
    m = mf.new_manifest(
        "pynq-z2",
        "xc7z020clg400-1",
        config,
        source_revision="0" * 40,
        source_dirty=False,
        files={"zkel_top.v": "ab" * 32},
    )
    return m.with_bitstream(bit, hwh), bit


def test_round_trip_and_fields(tmp_path):
    m, bit = built(tmp_path)
    path = mf.write(m, tmp_path)
    assert path.name == "manifest.json"
    back = mf.load(tmp_path)
    assert back == m
    assert back.id_register == regmap.MAGIC == 0x5A4B454C
    assert back.regmap_version == f"{regmap.VERSION_MAJOR}.{regmap.VERSION_MINOR}"
    assert back.bitstream == "zkel_pynq_z2" and back.built
    assert back.bit_sha256 == mf.sha256_file(bit) and len(back.bit_sha256) == 64
    assert mf.verify(bit) == m


def test_verify_catches_changed_bit_and_hwh(tmp_path):
    m, bit = built(tmp_path)
    mf.write(m, tmp_path)
    bit.write_bytes(b"\x00\xffbitstreaM")
    with pytest.raises(ManifestError, match="zkel_pynq_z2.bit: SHA-256 differs"):
        mf.verify(bit)
    m2, bit = built(tmp_path)
    bit.with_suffix(".hwh").write_text("<hwh changed/>")
    with pytest.raises(ManifestError, match=r"\.hwh: SHA-256 differs"):
        m2.verify(bit)
    bit.with_suffix(".hwh").unlink()
    with pytest.raises(ManifestError, match="side by side"):
        m2.verify(bit)


def test_verify_catches_wrong_version_magic_and_config(tmp_path):
    m, bit = built(tmp_path)
    with pytest.raises(ManifestError, match="major versions differ"):
        replace(m, regmap_version=f"{regmap.VERSION_MAJOR + 1}.0").verify(bit)
    replace(m, regmap_version=f"{regmap.VERSION_MAJOR}.99").verify(bit)  # minor: compatible
    with pytest.raises(ManifestError, match="not a zkel bitstream"):
        replace(m, registers={**m.registers, "ID": 0x12345678}).verify(bit)
    with pytest.raises(ManifestError, match="'z9999' is unknown"):
        replace(m, config="z9999").verify(bit)
    with pytest.raises(ManifestError, match="registers NTT_CONFIG differ"):
        replace(m, registers={**m.registers, "NTT_CONFIG": 0}).verify(bit)


def test_unbuilt_manifest_does_not_verify(tmp_path):
    m, bit = built(tmp_path)
    with pytest.raises(ManifestError, match="records no bitstream"):
        replace(m, bit_sha256=None).verify(bit)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no manifest"),
        ("{not json", "not a JSON manifest"),
        ("[1, 2]", "not a JSON object"),
        ('{"board": "pynq-z2"}', "lacks part, config, regmap_version, registers"),
        ('{"schema": 7}', "schema 7, expected 1"),
    ],
)
def test_load_rejects(tmp_path, content, message):
    path = tmp_path / "manifest.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ManifestError, match=message):
        mf.load(path)


def test_load_rejects_bad_registers(tmp_path):
    m, _ = built(tmp_path)
    data = json.loads(m.to_json())
    data["registers"]["ID"] = -1
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="32-bit integers"):
        mf.load(tmp_path)


def test_new_manifest_rejects_unknown_config():
    with pytest.raises(ManifestError, match="unknown configuration 'nope'"):
        mf.new_manifest("x", "y", "nope", source_revision=None, source_dirty=None, files={})
