"""The register map: generated offsets, field encoding, markdown rendering."""

from __future__ import annotations

import pytest

from zkel.gateware import regmap
from zkel.gateware.config import CONFIGS


def test_offsets_are_generated_in_order_and_distinct():
    offsets = [r.offset for r in regmap.REGISTERS]
    assert offsets == [4 * i for i in range(len(regmap.REGISTERS))]
    assert regmap.offset("ID") == 0
    assert len(regmap.BY_NAME) == len(regmap.REGISTERS)
    assert (len(regmap.REGISTERS) * 4 - 1) < 1 << regmap.ADDR_BITS


def test_fields_do_not_overlap_and_fit_32_bits():
    for reg in regmap.REGISTERS:
        used = 0
        for f in reg.fields:
            assert f.lsb + f.width <= 32, (reg.name, f.name)
            assert used & f.mask == 0, (reg.name, f.name)
            used |= f.mask


def test_encode_decode_roundtrip():
    word = regmap.encode("CTRL", START=1, MODE=regmap.Mode.MSM, INVERSE=1)
    assert word == 1 | (1 << 4) | (1 << 8)
    assert regmap.decode("CTRL", word) == {
        "START": 1,
        "SOFT_RESET": 0,
        "MODE": 1,
        "INVERSE": 1,
        "COSET": 0,
    }
    with pytest.raises(ValueError, match=r"CTRL.MODE = 4 does not fit in 2 bits"):
        regmap.encode("CTRL", MODE=4)
    with pytest.raises(KeyError, match="register CTRL has no field 'NOPE'"):
        regmap.encode("CTRL", NOPE=1)


def test_config_words_describe_the_build():
    cfg = CONFIGS["zu7ev"]
    words = regmap.config_words(cfg)
    assert words["ID"] == 0x5A4B454C
    fields = regmap.decode("NTT_CONFIG", words["NTT_CONFIG"])
    assert fields["MAX_LOG_SIZE"] == cfg.ntt.max_log_size
    assert fields["UNITS"] == cfg.ntt.units
    assert fields["STREAM_BYTES"] * 8 == cfg.stream_bits
    assert regmap.decode("VERSION", words["VERSION"])["MAJOR"] == regmap.VERSION_MAJOR


def test_markdown_lists_every_field_and_stream():
    text = regmap.render_markdown()
    for reg in regmap.REGISTERS:
        for f in reg.fields:
            assert f"| 0x{reg.offset:02X} | {reg.name} |" in text
            assert f"| {f.name} |" in text
    for s in regmap.STREAMS:
        assert f"| {s.name} |" in text
