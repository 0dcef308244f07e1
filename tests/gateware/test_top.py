"""The accelerator top: ports, Verilog/RTLIL emission, multiplier choice, status logic.

The full jobs run in the cocotb bench (``tests/sim``); here the status logic runs
in Amaranth simulation through the AXI4-Lite helpers of ``tests/gateware/axi``.
"""

from __future__ import annotations

import dataclasses
import gc
import re
import warnings

import pytest
from amaranth.hdl import UnusedElaboratable
from amaranth.sim import Simulator

from tests.gateware.axi.test_lite import axil_read, axil_write
from tests.gateware.behavioural_montmul import BehaviouralMontMul
from zkel.circuits.bn254.fields import R
from zkel.gateware import regmap
from zkel.gateware.config import CONFIGS, get_config
from zkel.gateware.top import (
    TOP_NAME,
    Top,
    ZkelTop,
    choose_multiplier,
    emit_rtlil,
    emit_verilog,
)


def behavioural():
    return BehaviouralMontMul(R, latency=3)


AXIL = ["awaddr", "awprot", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready"]
AXIL += ["bresp", "bvalid", "bready", "araddr", "arprot", "arvalid", "arready"]
AXIL += ["rdata", "rresp", "rvalid", "rready"]
AXIS = ["tdata", "tvalid", "tready", "tlast"]


def test_shell_ports_have_ip_names():
    cfg = get_config("tiny")
    with warnings.catch_warnings():  # built only to read its signature
        warnings.simplefilter("ignore", UnusedElaboratable)
        shell = ZkelTop(cfg, behavioural)
        members = shell.signature.members
        ports = {name: (member.flow.name, member.shape) for name, member in members.items()}
        del shell, members
        gc.collect()
    expected = {"aclk", "aresetn", "irq"}
    expected |= {f"s_axil_{n}" for n in AXIL}
    expected |= {f"s_axis_{n}" for n in AXIS} | {f"m_axis_{n}" for n in AXIS}
    assert set(ports) == expected
    assert ports["s_axil_awaddr"] == ("In", regmap.ADDR_BITS)
    assert ports["s_axil_rdata"] == ("Out", 32)
    assert ports["s_axis_tdata"] == ("In", cfg.stream_bits)
    assert ports["s_axis_tready"] == ("Out", 1)
    assert ports["m_axis_tdata"] == ("Out", cfg.stream_bits)
    assert ports["m_axis_tready"] == ("In", 1)


@pytest.mark.parametrize("name", ["tiny", "tiny2"])
def test_emit_verilog_small_configs(name):
    cfg = get_config(name)
    text = emit_verilog(cfg, behavioural)
    header = re.search(rf"module {TOP_NAME}\(([^)]*)\);", text)
    assert header is not None
    ports = {p.strip() for p in header.group(1).split(",")}
    assert {"aclk", "aresetn", "irq", "s_axil_awaddr", "s_axis_tdata", "m_axis_tlast"} <= ports
    assert not any("__" in p for p in ports)
    assert f"input [{cfg.stream_bits - 1}:0] s_axis_tdata;" in text
    assert f"output [{cfg.stream_bits - 1}:0] m_axis_tdata;" in text


def test_emit_rtlil_z7020_with_its_multiplier():
    text = emit_rtlil(get_config("z7020"))
    assert f"module \\{TOP_NAME}\n" in text
    assert re.search(r"wire width 64 input \d+\s+\\s_axis_tdata\n", text)
    assert re.search(r"wire width 64 output \d+\s+\\m_axis_tdata\n", text)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_emit_verilog_every_config(name):
    cfg = get_config(name)
    text = emit_verilog(cfg)
    assert f"module {TOP_NAME}(" in text
    assert f"input [{cfg.stream_bits - 1}:0] s_axis_tdata;" in text


def test_multiplier_choice_follows_the_dsp_budget():
    z7020 = get_config("z7020")
    assert choose_multiplier(z7020).kind == "iterative"
    big = dataclasses.replace(z7020.device, dsp=100_000)
    roomy = dataclasses.replace(z7020, name="roomy", device=big)
    choice = choose_multiplier(roomy)
    assert choice.kind == "pipelined"
    with warnings.catch_warnings():  # the multipliers are built only to be looked at
        warnings.simplefilter("ignore", UnusedElaboratable)
        pipelined, iterative = choice.factory(), choose_multiplier(z7020).factory()
        assert getattr(pipelined, "initiation_interval", 1) == 1
        assert iterative.initiation_interval == 16  # n + 1, n = 15 limbs of 17 bits
        del pipelined, iterative
        gc.collect()


# --- status logic in Amaranth simulation --------------------------------------------


def run_top(bench) -> None:
    dut = Top(get_config("tiny"), behavioural)
    sim = Simulator(dut)
    sim.add_clock(1e-8)

    async def testbench(ctx):
        await bench(ctx, dut)

    sim.add_testbench(testbench)
    sim.run()


async def read(ctx, dut, name: str) -> int:
    data, resp = await axil_read(ctx, dut.s_axil, regmap.offset(name))
    assert resp == 0
    return data


async def write(ctx, dut, name: str, value: int) -> None:
    assert await axil_write(ctx, dut.s_axil, regmap.offset(name), value) == 0


async def status(ctx, dut) -> dict[str, int]:
    await ctx.tick().repeat(4)  # let a command written just before take effect
    return regmap.decode("STATUS", await read(ctx, dut, "STATUS"))


def test_msm_mode_is_refused_until_the_engine_lands():
    async def bench(ctx, dut):
        assert ctx.get(dut.irq) == 0
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", MODE=regmap.Mode.MSM, START=1))
        st = await status(ctx, dut)
        assert st["DONE"] == 1 and st["ERR_MODE"] == 1 and st["BUSY"] == 0
        assert ctx.get(dut.irq) == 1
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", SOFT_RESET=1))
        st = await status(ctx, dut)
        assert st == {"BUSY": 0, "DONE": 0, "ERR_LENGTH": 0, "ERR_TLAST": 0, "ERR_MODE": 0}
        assert ctx.get(dut.irq) == 0

    run_top(bench)


def test_bad_length_then_start_clears_errors_and_counts():
    async def bench(ctx, dut):
        await write(ctx, dut, "LENGTH", 3)
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", START=1))
        st = await status(ctx, dut)
        assert st["DONE"] == 1 and st["ERR_LENGTH"] == 1
        await write(ctx, dut, "LENGTH", 4)
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", START=1))
        st = await status(ctx, dut)
        assert st["BUSY"] == 1 and st["DONE"] == 0 and st["ERR_LENGTH"] == 0
        first = await read(ctx, dut, "CYCLES_LO")
        await ctx.tick().repeat(20)
        later = await read(ctx, dut, "CYCLES_LO")
        assert later > first + 20  # counting while the job waits for its input
        assert await read(ctx, dut, "COMPUTE_LO") == 0  # nothing loaded: not computing
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", START=1))  # ignored while busy
        assert (await status(ctx, dut))["BUSY"] == 1
        assert await read(ctx, dut, "CYCLES_LO") > later

    run_top(bench)
