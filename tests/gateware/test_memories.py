"""On-chip memory placement: which memories go to UltraRAM, and whether each
configuration's memories fit its part's block RAM and UltraRAM.

The whole-top Yosys report takes 14 minutes (z7020) to 26 (zu7ev), too long for
``make test``; this budget check is what keeps a configuration change from
outgrowing the part's memories between those runs. (It would have caught the
large tops' bucket RAMs landing in block RAM: 18.9 Mbit against the XCZU7EV's
11.5 Mbit of BRAM36.)
"""

from __future__ import annotations

import gc
import warnings

import pytest
from amaranth.hdl import Shape, UnusedElaboratable

from zkel.gateware.config import (
    CONFIGS,
    URAM_MIN_BITS,
    XC7Z020,
    get_config,
    ram_attrs,
    uram_blocks,
)
from zkel.gateware.msm.engine import BUCKET_BITS
from zkel.gateware.top import Top

BRAM36_BITS = 36 * 1024


def memories(name: str) -> list[tuple[str, int, int, bool, str | None]]:
    """(what, depth, width, has initial contents, ram_style) of every large memory of
    configuration ``name``'s top, read off the elaborated engines."""
    with warnings.catch_warnings():  # elaborated only to read the memories
        warnings.simplefilter("ignore", UnusedElaboratable)
        out = _memories(name)
        gc.collect()
    return out


def _memories(name: str) -> list[tuple[str, int, int, bool, str | None]]:
    top = Top(get_config(name))
    top.elaborate(None)
    ntt, msm = top.engines["ntt"], top.engines["msm"]
    ntt.elaborate(None)
    msm.elaborate(None)

    def row(what: str, mem) -> tuple[str, int, int, bool, str | None]:
        width = Shape.cast(mem.shape).width
        return (what, mem.depth, width, any(mem.init), mem.attrs.get("ram_style"))

    out = [row("buckets", msm.bucket_ram)]
    out += [row(f"ntt{i}", mem) for i, mem in enumerate(ntt.data_memories)]
    rom = ntt.twiddle_rom
    out.append(("twiddles", rom.depth, 256, True, None))
    return out


def test_policy():
    assert ram_attrs(True, 4096, 256) == {"ram_style": "ultra"}  # exactly 1 Mbit
    assert ram_attrs(True, 4095, 256) is None
    assert ram_attrs(False, 1 << 20, 768) is None  # no UltraRAM on the part
    assert uram_blocks(4096, 72) == 1 and uram_blocks(4097, 73) == 4
    assert uram_blocks(13312, 768) == 44 and uram_blocks(8192, 256) == 8


@pytest.mark.parametrize("name", sorted(n for n, c in CONFIGS.items() if not c.tiny))
def test_memories_fit_the_part(name):
    cfg = get_config(name)
    mems = memories(name)
    bucket = mems[0]
    assert bucket[1] == cfg.msm.bucket_entries and bucket[2] == BUCKET_BITS
    uram = sum(uram_blocks(d, w) for _, d, w, _, style in mems if style == "ultra")
    bram_bits = sum(d * w for _, d, w, _, style in mems if style != "ultra")
    for what, depth, width, has_init, style in mems:
        # UltraRAM holds no initial contents; the ROM must stay in block RAM
        assert not (style == "ultra" and has_init), what
        if cfg.device.uram and depth * width >= URAM_MIN_BITS and what != "twiddles":
            assert style == "ultra", what
        if not cfg.device.uram:
            assert style is None, what
    assert uram <= cfg.device.uram, f"{name}: {uram} URAM288 of {cfg.device.uram}"
    # bits are a lower bound on block RAM (its aspect ratios waste some): leave a quarter
    assert bram_bits <= 0.75 * cfg.device.bram36 * BRAM36_BITS, (
        f"{name}: {bram_bits / 1e6:.1f} Mbit in block RAM of "
        f"{cfg.device.bram36 * BRAM36_BITS / 1e6:.1f}"
    )


def test_seven_series_has_no_uram():
    assert XC7Z020.uram == 0
    assert all(style is None for *_, style in memories("z7020"))
