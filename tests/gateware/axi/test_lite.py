"""AXI4-Lite register file against the register map, in Amaranth simulation."""

from __future__ import annotations

import pytest
from amaranth.hdl import Module
from amaranth.sim import Simulator

from zkel.gateware import regmap
from zkel.gateware.axi.lite import OKAY, SLVERR, AXI4LiteSignature, RegisterFile


async def axil_write(ctx, bus, addr: int, value: int, strb: int = 0xF) -> int:
    """Write ``value`` at byte ``addr``; returns BRESP."""
    ctx.set(bus.awaddr, addr)
    ctx.set(bus.awvalid, 1)
    ctx.set(bus.wdata, value)
    ctx.set(bus.wstrb, strb)
    ctx.set(bus.wvalid, 1)
    ctx.set(bus.bready, 1)
    assert ctx.get(bus.awready) and ctx.get(bus.wready)
    await ctx.tick()
    ctx.set(bus.awvalid, 0)
    ctx.set(bus.wvalid, 0)
    for _ in range(10):
        if ctx.get(bus.bvalid):
            resp = ctx.get(bus.bresp)
            await ctx.tick()
            ctx.set(bus.bready, 0)
            return resp
        await ctx.tick()
    raise AssertionError("no write response")


async def axil_read(ctx, bus, addr: int) -> tuple[int, int]:
    """Read byte ``addr``; returns (RDATA, RRESP)."""
    ctx.set(bus.araddr, addr)
    ctx.set(bus.arvalid, 1)
    ctx.set(bus.rready, 1)
    assert ctx.get(bus.arready)
    await ctx.tick()
    ctx.set(bus.arvalid, 0)
    for _ in range(10):
        if ctx.get(bus.rvalid):
            out = ctx.get(bus.rdata), ctx.get(bus.rresp)
            await ctx.tick()
            ctx.set(bus.rready, 0)
            return out
        await ctx.tick()
    raise AssertionError("no read data")


def run(testbench) -> None:
    dut = RegisterFile()
    m = Module()
    m.submodules.dut = dut
    sim = Simulator(m)
    sim.add_clock(1e-8)

    async def bench(ctx):
        await testbench(ctx, dut)

    sim.add_testbench(bench)
    sim.run()


def test_read_only_and_read_write_registers():
    async def tb(ctx, dut):
        ctx.set(dut.id, regmap.MAGIC)
        ctx.set(dut.status, 0x302)
        assert await axil_read(ctx, dut.bus, regmap.offset("ID")) == (regmap.MAGIC, OKAY)
        assert await axil_read(ctx, dut.bus, regmap.offset("STATUS")) == (0x302, OKAY)
        assert await axil_write(ctx, dut.bus, regmap.offset("LENGTH"), 1024) == OKAY
        assert ctx.get(dut.length) == 1024
        assert await axil_read(ctx, dut.bus, regmap.offset("LENGTH")) == (1024, OKAY)
        # read-only registers ignore writes
        await axil_write(ctx, dut.bus, regmap.offset("STATUS"), 0xFFFF)
        assert await axil_read(ctx, dut.bus, regmap.offset("STATUS")) == (0x302, OKAY)

    run(tb)


def test_byte_strobes():
    async def tb(ctx, dut):
        await axil_write(ctx, dut.bus, regmap.offset("SHIFT3"), 0x11223344)
        await axil_write(ctx, dut.bus, regmap.offset("SHIFT3"), 0xAABBCCDD, strb=0b0101)
        assert ctx.get(dut.shift3) == 0x11BB33DD

    run(tb)


def test_pulse_bits_last_one_clock_and_read_as_zero():
    async def tb(ctx, dut):
        word = regmap.encode("CTRL", START=1, MODE=1, COSET=1)
        seen = []
        await axil_write(ctx, dut.bus, regmap.offset("CTRL"), word)
        for _ in range(4):
            seen.append(regmap.decode("CTRL", ctx.get(dut.ctrl))["START"])
            await ctx.tick()
        assert sum(seen) <= 1
        fields = regmap.decode("CTRL", (await axil_read(ctx, dut.bus, regmap.offset("CTRL")))[0])
        assert fields["START"] == 0 and fields["MODE"] == 1 and fields["COSET"] == 1

    run(tb)


def test_pulse_is_seen_by_the_design():
    """The START pulse is high for exactly one clock after the write."""
    dut = RegisterFile()
    highs = []

    async def host(ctx):
        await axil_write(ctx, dut.bus, regmap.offset("CTRL"), regmap.encode("CTRL", START=1))
        for _ in range(5):
            await ctx.tick()

    async def watcher(ctx):
        async for _clk, _rst, ctrl in ctx.tick().sample(dut.ctrl):
            highs.append(ctrl & 1)

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(host)
    sim.add_process(watcher)
    sim.run_until(40e-8)
    assert sum(highs) == 1


def test_unmapped_address_is_an_error():
    async def tb(ctx, dut):
        past = len(regmap.REGISTERS) * 4
        if past < 1 << dut.bus.signature.addr_bits:
            assert (await axil_read(ctx, dut.bus, past))[1] == SLVERR
            assert await axil_write(ctx, dut.bus, past, 1) == SLVERR

    run(tb)


def test_signature_rejects_bad_width():
    with pytest.raises(ValueError, match="Address width must be an integer of at least 2, not 1"):
        AXI4LiteSignature(1)
