"""Board definitions: parts, configurations, clocks and widths agree with the gateware's."""

from __future__ import annotations

import dataclasses

import pytest

from zkel.gateware.config import get_config
from zkel.hw.boards import ACCEL_IP, BOARDS, DMA_IP, DMA_LENGTH_BITS, PS7, PS8, get_board


@pytest.mark.parametrize(
    ("name", "part", "config", "ps", "clock"),
    [
        ("pynq-z2", "xc7z020clg400-1", "z7020", PS7, 100.0),
        ("zcu104", "xczu7ev-ffvc1156-2-e", "zu7ev", PS8, 250.0),
        ("kv260", "xck26-sfvc784-2LV-c", "k26", PS8, 250.0),
        ("rfsoc4x2", "xczu48dr-ffvg1517-2-e", "zu48dr", PS8, 250.0),
    ],
)
def test_board_facts(name, part, config, ps, clock):
    board = get_board(name)
    assert board.part == part == board.config.device.part
    assert board.config_name == config and board.ps is ps
    assert board.fclk_mhz == clock == get_config(config).clock_mhz
    assert board.dma_data_bits == get_config(config).stream_bits <= ps.max_slave_bits
    assert board.accel_base == ps.master_base and board.dma_base == ps.master_base + 0x10000
    assert board.bitstream_name == "zkel_" + name.replace("-", "_")


def test_ps_port_names():
    assert (PS7.master, PS7.slave, PS7.fabric_clock, PS7.irq) == (
        "M_AXI_GP0",
        "S_AXI_HP0",
        "FCLK_CLK0",
        "IRQ_F2P",
    )
    assert (PS8.master, PS8.slave, PS8.fabric_clock, PS8.irq) == (
        "M_AXI_HPM0_FPD",
        "S_AXI_HP0_FPD",
        "pl_clk0",
        "pl_ps_irq0",
    )


def test_names_the_driver_uses():
    assert (ACCEL_IP, DMA_IP, DMA_LENGTH_BITS) == ("zkel_top_0", "axi_dma_0", 26)
    assert get_board("kv260").board_connections.startswith("som240_1_connector ")
    assert sorted(BOARDS) == ["kv260", "pynq-z2", "rfsoc4x2", "zcu104"]
    assert get_board("rfsoc4x2").board_part == "realdigital.org:rfsoc4x2:part0:*"


def test_unknown_board_lists_the_known():
    with pytest.raises(
        KeyError, match="unknown board 'zybo'; known: kv260, pynq-z2, rfsoc4x2, zcu104"
    ):
        get_board("zybo")


def test_inconsistent_board_is_rejected():
    board = get_board("pynq-z2")
    with pytest.raises(ValueError, match="configuration zu7ev targets xczu7ev"):
        dataclasses.replace(board, config_name="zu7ev")
    with pytest.raises(ValueError, match="fabric clock 150 MHz differs"):
        dataclasses.replace(board, fclk_mhz=150)
    with pytest.raises(ValueError, match="128-bit stream is wider than S_AXI_HP0"):
        dataclasses.replace(board, config_name="tiny2")
