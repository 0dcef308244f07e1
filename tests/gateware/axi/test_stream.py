"""AXI4-Stream <-> element adapters: packing order, TLAST, back-pressure."""

from __future__ import annotations

import random

import pytest
from amaranth.hdl import Module
from amaranth.lib import wiring
from amaranth.sim import Simulator

from zkel.gateware.axi.stream import AXIStreamToElements, ElementsToAXIStream
from zkel.gateware.regmap import pack_elements, unpack_elements


def roundtrip(beat_bits: int, elements: list[int], seed: int) -> tuple[list[int], list[int]]:
    """Beats -> elements -> beats through both adapters, with random idles and stalls.

    Returns the beats that came out and their TLAST values.
    """
    rng = random.Random(seed)
    m = Module()
    m.submodules.up = up = AXIStreamToElements(beat_bits)
    m.submodules.down = down = ElementsToAXIStream(beat_bits)
    wiring.connect(m, up.o, down.i)
    beats = pack_elements(elements, beat_bits)
    per = 256 // beat_bits
    out, lasts = [], []

    async def source(ctx):
        for k, beat in enumerate(beats):
            while rng.random() < 0.3:
                await ctx.tick()
            ctx.set(up.s_axis.tdata, beat)
            ctx.set(up.s_axis.tlast, k == len(beats) - 1)
            ctx.set(up.s_axis.tvalid, 1)
            await ctx.tick().until(up.s_axis.tready)
            ctx.set(up.s_axis.tvalid, 0)

    async def sink(ctx):
        while len(out) < len(beats):
            ready = rng.random() < 0.6
            ctx.set(down.m_axis.tready, ready)
            _, _, valid, data, last = await ctx.tick().sample(
                down.m_axis.tvalid, down.m_axis.tdata, down.m_axis.tlast
            )
            if valid and ready:
                out.append(data)
                lasts.append(last)

    sim = Simulator(m)
    sim.add_clock(1e-8)
    sim.add_testbench(source)
    sim.add_testbench(sink)
    sim.run()
    assert len(out) == len(elements) * per
    return out, lasts


@pytest.mark.parametrize("beat_bits", [32, 64, 256])
def test_roundtrip_with_backpressure(beat_bits):
    rng = random.Random(beat_bits)
    r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
    elements = [0, 1, r - 1] + [rng.randrange(r) for _ in range(5)]
    out, lasts = roundtrip(beat_bits, elements, seed=beat_bits)
    assert unpack_elements(out, beat_bits) == elements
    assert lasts == [0] * (len(out) - 1) + [1]


def test_pack_order_is_least_significant_first():
    assert pack_elements([0x0102 | (7 << 192)], 64) == [0x0102, 0, 0, 7]
    with pytest.raises(ValueError, match="does not fit in 256 bits"):
        pack_elements([1 << 256], 64)
    with pytest.raises(ValueError, match="not a whole number of 4-beat elements"):
        unpack_elements([1, 2, 3], 64)


@pytest.mark.filterwarnings("ignore:.*created but never used")
def test_bad_beat_width_is_rejected():
    with pytest.raises(
        ValueError,
        match=r"Beat width must be one of \(32, 64, 128, 256\) bits, not 48",
    ):
        AXIStreamToElements(48)
