"""The accelerator top: ports, Verilog/RTLIL emission, multiplier choices, status logic.

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
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware import regmap
from zkel.gateware.arith.montmul_wide import MontMulWide
from zkel.gateware.config import CONFIGS, get_config
from zkel.gateware.top import (
    TOP_NAME,
    Top,
    ZkelTop,
    choose_msm_multiplier,
    choose_multiplier,
    emit_rtlil,
    emit_verilog,
)


def behavioural():
    return BehaviouralMontMul(R, latency=3)


def behavioural_fq():
    return BehaviouralMontMul(Q, latency=3)


AXIL = ["awaddr", "awprot", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready"]
AXIL += ["bresp", "bvalid", "bready", "araddr", "arprot", "arvalid", "arready"]
AXIL += ["rdata", "rresp", "rvalid", "rready"]
AXIS = ["tdata", "tvalid", "tready", "tlast"]


def test_shell_ports_have_ip_names():
    cfg = get_config("tiny")
    with warnings.catch_warnings():  # built only to read its signature
        warnings.simplefilter("ignore", UnusedElaboratable)
        shell = ZkelTop(cfg, behavioural, behavioural_fq)
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
    text = emit_verilog(cfg, behavioural, behavioural_fq)
    header = re.search(rf"module {TOP_NAME}\(([^)]*)\);", text)
    assert header is not None
    ports = {p.strip() for p in header.group(1).split(",")}
    assert {"aclk", "aresetn", "irq", "s_axil_awaddr", "s_axis_tdata", "m_axis_tlast"} <= ports
    assert not any("__" in p for p in ports)
    assert "module \\zkel_top.top.msm(" in text.replace(" (", "(")  # both engines are in
    assert "module \\zkel_top.top.ntt(" in text.replace(" (", "(")
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
    assert choice.kind == "pipelined" and choice.dsp == 15 * 11 + 15 * 10  # xc7: 24-bit limbs
    with warnings.catch_warnings():  # the multipliers are built only to be looked at
        warnings.simplefilter("ignore", UnusedElaboratable)
        pipelined, iterative = choice.factory(), choose_multiplier(z7020).factory()
        assert isinstance(pipelined, MontMulWide) and pipelined.modulus == R
        assert (pipelined.limb_bits, pipelined.digit_bits, pipelined.r_bits) == (24, 17, 255)
        assert pipelined.initiation_interval == 1
        assert iterative.initiation_interval == 16  # n + 1, n = 15 limbs of 17 bits
        del pipelined, iterative
        gc.collect()


def test_ntt_multiplier_choice_per_config():
    fr_dsp = 15 * 10 + 15 * 9  # xcup: 26-bit limbs, r's low limb 1, -r^-1 = -1 mod 2^17
    for name in ("zu7ev", "k26", "zu48dr"):  # one pipelined unit within half the DSPs
        choice = choose_multiplier(get_config(name))
        assert (choice.kind, choice.dsp) == ("pipelined", fr_dsp)
    k26 = get_config("k26")
    kept = dataclasses.replace(k26, ntt=dataclasses.replace(k26.ntt, pipelined=False))
    assert choose_multiplier(kept).kind == "iterative"
    # four units (1,140 DSPs) exceed half of the k26's 1,248
    four = dataclasses.replace(k26, ntt=dataclasses.replace(k26.ntt, units=4))
    assert choose_multiplier(four).kind == "iterative"
    two = dataclasses.replace(k26, ntt=dataclasses.replace(k26.ntt, units=2))
    assert choose_multiplier(two).kind == "pipelined"  # 570 of 624
    over = dataclasses.replace(two, device=dataclasses.replace(k26.device, dsp=2 * 2 * fr_dsp - 1))
    assert choose_multiplier(over).kind == "iterative"


def test_msm_multiplier_choice_follows_what_the_ntt_leaves():
    fq_dsp = 15 * 10 + 15 * 10 + 15  # xcup: 26-bit limbs of b and p, 17-bit digits
    # zu7ev: 4 x 315 = 1,260 in the 1,728 - 285 the NTT's pipelined unit leaves
    zu7ev = get_config("zu7ev")
    assert choose_msm_multiplier(zu7ev).kind == "pipelined" and zu7ev.msm.multipliers == 4
    # k26: 2 x 315 in 1,248 - 285; zu48dr: 12 x 315 = 3,780 in 4,272 - 285
    assert choose_msm_multiplier(get_config("k26")).kind == "pipelined"
    zu48dr = get_config("zu48dr")
    assert choose_msm_multiplier(zu48dr).kind == "pipelined" and zu48dr.msm.multipliers == 12
    assert choose_msm_multiplier(get_config("z7020")).kind == "iterative"  # 220 DSPs
    assert choose_msm_multiplier(get_config("tiny")).kind == "iterative"
    k26 = get_config("k26")
    assert choose_multiplier(k26).dsp == 285 and choose_msm_multiplier(k26).dsp == fq_dsp
    # a device that holds two pipelined Fq multipliers only without the NTT's share
    tight = dataclasses.replace(k26.device, dsp=2 * fq_dsp + 285 - 1)
    assert choose_msm_multiplier(dataclasses.replace(k26, device=tight)).kind == "iterative"
    tight = dataclasses.replace(k26.device, dsp=2 * fq_dsp + 285)
    assert choose_msm_multiplier(dataclasses.replace(k26, device=tight)).kind == "pipelined"
    # four Fq multipliers (1,260) exceed the k26's 1,248 DSPs whatever the NTT takes
    four = dataclasses.replace(k26, msm=dataclasses.replace(k26.msm, multipliers=4))
    assert choose_msm_multiplier(four).kind == "iterative"
    with warnings.catch_warnings():  # built only to be looked at
        warnings.simplefilter("ignore", UnusedElaboratable)
        mul = choose_msm_multiplier(get_config("z7020")).factory()
        assert mul.modulus == Q and mul.initiation_interval == 16
        wide = choose_msm_multiplier(zu48dr).factory()
        assert isinstance(wide, MontMulWide) and wide.modulus == Q and wide.limb_bits == 26
        assert (wide.latency, wide.dsp_count) == (49, fq_dsp)
        del mul, wide
        gc.collect()


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_msm_config_register_describes_the_engine(name):
    cfg = get_config(name)
    word = regmap.config_words(cfg)["MSM_CONFIG"]
    assert regmap.decode("MSM_CONFIG", word) == {"PRESENT": 1, "WINDOW_BITS": cfg.msm.window_bits}


# --- status logic in Amaranth simulation --------------------------------------------


def run_top(bench) -> None:
    dut = Top(get_config("tiny"), behavioural, behavioural_fq)
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


IDLE = {"BUSY": 0, "DONE": 0, "ERR_LENGTH": 0, "ERR_TLAST": 0, "ERR_MODE": 0}


def test_unknown_modes_are_refused():
    async def bench(ctx, dut):
        assert ctx.get(dut.irq) == 0
        for mode in (2, 3):
            await write(ctx, dut, "LENGTH", 8)
            await write(ctx, dut, "CTRL", regmap.encode("CTRL", MODE=mode, START=1))
            st = await status(ctx, dut)
            assert st["DONE"] == 1 and st["ERR_MODE"] == 1 and st["BUSY"] == 0
            assert ctx.get(dut.irq) == 1
            await write(ctx, dut, "CTRL", regmap.encode("CTRL", SOFT_RESET=1))
            assert await status(ctx, dut) == IDLE
            assert ctx.get(dut.irq) == 0

    run_top(bench)


def test_msm_mode_starts_the_msm_engine():
    async def bench(ctx, dut):
        await write(ctx, dut, "LENGTH", 0)  # no points: the MSM engine refuses the length
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", MODE=regmap.Mode.MSM, START=1))
        st = await status(ctx, dut)
        assert st["DONE"] == 1 and st["ERR_LENGTH"] == 1 and st["ERR_MODE"] == 0
        await write(ctx, dut, "LENGTH", 3)  # 3 points (an NTT would refuse 3)
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", MODE=regmap.Mode.MSM, START=1))
        st = await status(ctx, dut)
        assert st == IDLE | {"BUSY": 1}  # clearing the buckets, then waiting for points
        await ctx.tick().repeat(get_config("tiny").msm.bucket_entries + 4)  # the clear
        assert await read(ctx, dut, "COMPUTE_LO") > 0  # waiting for points counts as computing
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", MODE=regmap.Mode.NTT, START=1))
        assert (await status(ctx, dut))["BUSY"] == 1  # a START while busy is ignored
        await write(ctx, dut, "CTRL", regmap.encode("CTRL", SOFT_RESET=1))
        assert await status(ctx, dut) == IDLE

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
