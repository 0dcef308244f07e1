"""The Vivado Tcl and XDC: every IP and port the driver expects, run through a mock Vivado.

``fake_vivado.py`` runs the generated Tcl in a real Tcl interpreter with the
Vivado commands replaced by ``vivado_mock.tcl``, which rejects a pin that the
named IP (or the Verilog module) does not have; the trace of calls is checked here.
"""

from __future__ import annotations

import subprocess
import sys
import tkinter
from pathlib import Path

import pytest

from tests.hw.conftest import HERE, port_shell_verilog
from zkel.hw import boards
from zkel.hw.boards import ACCEL_IP, BOARDS, DMA_IP, DMA_LENGTH_BITS, IRQ_CONCAT
from zkel.hw.build import generate
from zkel.hw.tcl import build_tcl
from zkel.hw.xdc import build_xdc

TCL = tkinter.Tcl()


def run_mock(out: Path) -> tuple[subprocess.CompletedProcess, list[tuple[str, ...]]]:
    trace = out / "trace.txt"
    done = subprocess.run(
        [sys.executable, str(HERE / "fake_vivado.py"), "-mode", "batch", "-source", "build.tcl"],
        cwd=out,
        capture_output=True,
        text=True,
        env={"MOCK_TRACE": str(trace), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    lines = trace.read_text().splitlines() if trace.exists() else []
    calls = [TCL.splitlist(line) for line in lines]
    return done, calls


def props(call: tuple[str, ...]) -> dict[str, str]:
    """``set_property -dict {CONFIG.K V ...} target`` as a dict."""
    assert call[:2] == ("set_property", "-dict")
    items = TCL.splitlist(call[2])
    return dict(zip(items[::2], items[1::2], strict=True))


@pytest.fixture(scope="module", params=sorted(BOARDS))
def built(request, tmp_path_factory):
    board = BOARDS[request.param]
    out = tmp_path_factory.mktemp(board.name)
    generate(board, board.config, out, verilog=port_shell_verilog)
    done, calls = run_mock(out)
    assert done.returncode == 0, done.stdout + done.stderr
    return board, out, done.stdout, calls


def test_project_for_the_part_and_board(built):
    board, out, stdout, calls = built
    create = next(c for c in calls if c[0] == "create_project")
    assert create[-2:] == ("-part", board.part)
    assert ("get_board_parts", "-quiet", "-latest_file_version", board.board_part) in calls
    added = {Path(c[-1]).name for c in calls if c[0] == "add_files"}
    assert added == {"zkel_top.v", "zkel.xdc", "zkel_wrapper.v"}
    if board.board_connections:
        assert ("set_property", "board_connections", board.board_connections, "project") in calls


def test_cells_the_driver_expects(built):
    board, out, stdout, calls = built
    cells = {c[-1]: c for c in calls if c[0] == "create_bd_cell"}
    assert cells[ACCEL_IP][1:5] == ("-type", "module", "-reference", "zkel_top")
    assert cells[DMA_IP][4].startswith("xilinx.com:ip:axi_dma:")
    assert cells[board.ps.instance][4].startswith(f"xilinx.com:ip:{board.ps.ip}:")
    assert cells[boards.RESET_IP][4].startswith("xilinx.com:ip:proc_sys_reset:")
    assert cells[IRQ_CONCAT][4].startswith("xilinx.com:ip:xlconcat:")


def test_dma_configuration(built):
    board, out, stdout, calls = built
    (dma,) = [props(c) for c in calls if c[0] == "set_property" and c[-1] == DMA_IP]
    width = str(board.config.stream_bits)
    assert dma["CONFIG.c_include_sg"] == "0"
    assert dma["CONFIG.c_sg_length_width"] == str(DMA_LENGTH_BITS) == "26"
    for key in ("mm2s_data", "s2mm_data"):
        assert dma[f"CONFIG.c_m_axi_{key}_width"] == width
    assert dma["CONFIG.c_m_axis_mm2s_tdata_width"] == dma["CONFIG.c_s_axis_s2mm_tdata_width"]
    assert dma["CONFIG.c_m_axis_mm2s_tdata_width"] == width
    (ps,) = [props(c) for c in calls if c[0] == "set_property" and c[-1] == board.ps.instance]
    if board.ps.kind == "ps7":
        slave_width, clock = "PCW_S_AXI_HP0_DATA_WIDTH", "PCW_FPGA0_PERIPHERAL_FREQMHZ"
    else:
        slave_width, clock = "PSU__SAXIGP2__DATA_WIDTH", "PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ"
    assert ps[f"CONFIG.{slave_width}"] == width
    assert float(ps[f"CONFIG.{clock}"]) == board.fclk_mhz


def test_streams_registers_and_memory_path(built):
    board, out, stdout, calls = built
    pairs = {c[1:] for c in calls if c[0] == "connect_bd_intf_net"}
    ps = board.ps.instance
    assert (f"{DMA_IP}/M_AXIS_MM2S", f"{ACCEL_IP}/s_axis") in pairs
    assert (f"{ACCEL_IP}/m_axis", f"{DMA_IP}/S_AXIS_S2MM") in pairs
    assert (f"{ps}/{board.ps.master}", "ctrl_interconnect/S00_AXI") in pairs
    assert {("ctrl_interconnect/M00_AXI", f"{ACCEL_IP}/s_axil")} <= pairs
    assert ("ctrl_interconnect/M01_AXI", f"{DMA_IP}/S_AXI_LITE") in pairs
    assert ("mem_interconnect/M00_AXI", f"{ps}/{board.ps.slave}") in pairs
    masters = {a for a, b in pairs if b.startswith("mem_interconnect/S")}
    assert masters == {f"{DMA_IP}/M_AXI_MM2S", f"{DMA_IP}/M_AXI_S2MM"}


def test_one_clock_one_reset_and_the_interrupts(built):
    board, out, stdout, calls = built
    nets = {c[1]: set(c[2:]) for c in calls if c[0] == "connect_bd_net"}
    ps = board.ps.instance
    clocked = nets[f"{ps}/{board.ps.fabric_clock}"]
    assert {f"{ACCEL_IP}/aclk", f"{DMA_IP}/s_axi_lite_aclk", f"{ps}/{board.ps.slave_clock}"} <= (
        clocked
    )
    assert f"{ACCEL_IP}/aresetn" in nets[f"{boards.RESET_IP}/peripheral_aresetn"]
    for i, pin in enumerate(boards.IRQ_INPUTS):
        assert nets[pin] == {f"{IRQ_CONCAT}/In{i}"}
    assert nets[f"{IRQ_CONCAT}/dout"] == {f"{ps}/{board.ps.irq}"}
    assert boards.IRQ_INPUTS[0] == f"{ACCEL_IP}/irq"


def test_register_addresses(built):
    board, out, stdout, calls = built
    assigned = [c for c in calls if c[0] == "assign_bd_address"]
    by_segment = {c[-1]: c for c in assigned if "-offset" in c}
    accel = by_segment[f"{ACCEL_IP}/s_axil/reg0"]
    dma = by_segment[f"{DMA_IP}/S_AXI_LITE/Reg"]
    assert accel[accel.index("-offset") + 1] == f"0x{board.accel_base:08X}"
    assert dma[dma.index("-offset") + 1] == f"0x{board.dma_base:08X}"
    assert accel[accel.index("-target_address_space") + 1] == f"{board.ps.instance}/Data"
    assert ("assign_bd_address",) in assigned  # the DMA's masters: the rest, automatically


def test_outputs_side_by_side_with_one_basename(built):
    board, out, stdout, calls = built
    name = board.bitstream_name
    assert (out / f"{name}.bit").read_text().startswith("mock bitstream")
    assert ACCEL_IP in (out / f"{name}.hwh").read_text()
    for report in ("utilization.rpt", "utilization_hier.rpt", "timing.rpt"):
        assert (out / report).exists()
    steps = [line.removeprefix("zkel: step ") for line in stdout.splitlines() if "step" in line]
    assert steps[0] == "create project" and steps[-1] == "copy bitstream and hardware handoff"
    assert calls.index(("validate_bd_design",)) < calls.index(("save_bd_design",))


def test_mock_rejects_a_wrong_pin(tmp_path):
    board = BOARDS["pynq-z2"]
    generate(board, board.config, tmp_path, verilog=port_shell_verilog)
    tcl = tmp_path / "build.tcl"
    tcl.write_text(tcl.read_text().replace("axi_dma_0/s2mm_introut", "axi_dma_0/s2mm_irq"))
    done, _ = run_mock(tmp_path)
    assert done.returncode == 1 and "has no pin s2mm_irq" in done.stdout


def test_tcl_text_is_complete_and_names_the_part():
    for board in BOARDS.values():
        text = build_tcl(board)
        assert TCL.call("info", "complete", text) == 1
        assert f"set part {board.part}\n" in text
        assert f"CONFIG.c_sg_length_width {{{DMA_LENGTH_BITS}}}" in text
        assert "2022.2" in text.splitlines()[4]


def test_xdc_holds_settings_only():
    for board in BOARDS.values():
        text = build_xdc(board)
        commands = [line for line in text.splitlines() if line and not line.startswith("#")]
        assert commands and all(line.startswith("set_property ") for line in commands)
        assert "create_clock" not in text.replace("no create_clock", "")
        assert board.ps.fabric_clock in text
        interp = tkinter.Tcl()
        interp.eval("proc set_property {args} { lappend ::seen $args }; proc current_design {} {}")
        interp.eval(text)
        assert len(TCL.splitlist(interp.eval("set ::seen"))) == len(commands)
