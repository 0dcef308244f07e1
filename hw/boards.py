"""Board definitions: the one place the board flow and the driver read board facts from.

A :class:`Board` names the part, the Vivado board part (for the PS presets: DDR,
MIO, clocks), the accelerator configuration built for it, the processing
system's IP and the names of its ports, the fabric clock, and the AXI DMA's
widths. :mod:`zkel.hw.tcl` turns it into a block design; the PYNQ driver finds
the accelerator and the DMA in an overlay by :data:`ACCEL_IP` and
:data:`DMA_IP`, and the interrupt lines by :data:`IRQ_INPUTS`.

The block design, on every board::

    PS master (M_AXI_GP0 | M_AXI_HPM0_FPD) -> control interconnect -> zkel_top_0/s_axil
                                                                  -> axi_dma_0/S_AXI_LITE
    axi_dma_0/M_AXIS_MM2S -> zkel_top_0/s_axis      zkel_top_0/m_axis -> axi_dma_0/S_AXIS_S2MM
    axi_dma_0/M_AXI_MM2S, M_AXI_S2MM -> memory interconnect -> PS slave (S_AXI_HP0 | S_AXI_HP0_FPD)
    zkel_top_0/irq, axi_dma_0/mm2s_introut, s2mm_introut -> irq_concat -> PS IRQ

One clock (the PS fabric clock 0) and one reset (``proc_sys_reset``) for all.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkel.gateware.config import AccelConfig, get_config

ACCEL_IP = "zkel_top_0"
"""Block-design instance name of the accelerator (module reference ``zkel_top``);
the key of its entry in a PYNQ overlay's ``ip_dict``."""

DMA_IP = "axi_dma_0"
"""Block-design instance name of the AXI DMA (``ip_dict`` key)."""

DMA_MM2S = "M_AXIS_MM2S"
"""The DMA's read channel stream (memory to the accelerator's ``s_axis``)."""

DMA_S2MM = "S_AXIS_S2MM"
"""The DMA's write channel stream (the accelerator's ``m_axis`` to memory)."""

RESET_IP = "rst_fclk0"
"""Block-design instance name of the ``proc_sys_reset``."""

IRQ_CONCAT = "irq_concat"
"""Block-design instance name of the ``xlconcat`` feeding the PS interrupt input."""

IRQ_INPUTS = (f"{ACCEL_IP}/irq", f"{DMA_IP}/mm2s_introut", f"{DMA_IP}/s2mm_introut")
"""The pins on the interrupt concat's inputs ``In0``, ``In1``, ``In2``: bit i of the PS
interrupt bus (PS7 ``IRQ_F2P[i]``, PS8 ``pl_ps_irq0[i]``) is ``IRQ_INPUTS[i]``."""

DMA_LENGTH_BITS = 26
"""Width of the DMA's transfer-length registers (``c_sg_length_width``): the IP's
default 14 bits allows 16 KiB per transfer; 26 allows 64 MiB - 1 bytes. The driver
still splits longer buffers."""

ACCEL_REG_RANGE = 64 * 1024
"""Bytes of address space given to the accelerator's registers and the DMA's (64 KiB)."""


@dataclass(frozen=True)
class ProcessingSystem:
    """The Zynq processing-system IP and the names of what the block design uses of it.

    Members
    -------
    kind : str
        ``"ps7"`` (Zynq-7000) or ``"ps8"`` (Zynq UltraScale+ MPSoC).
    ip : str
        IP name in the Vivado catalog (VLNV ``xilinx.com:ip:<ip>``).
    instance : str
        Block-design instance name.
    master, slave : str
        The AXI master port the CPU reaches the registers through, and the
        high-performance slave port the DMA reaches DDR through.
    master_clock, slave_clock : str
        The clock pins of those ports.
    fabric_clock, fabric_reset : str
        Fabric clock 0 and its active-low reset (``FCLK_CLK0``/``FCLK_RESET0_N`` on
        PS7, ``pl_clk0``/``pl_resetn0`` on PS8).
    irq : str
        The fabric-to-PS interrupt input (``IRQ_F2P`` / ``pl_ps_irq0``).
    master_base : int
        Lowest address of the master port's window; the accelerator's registers
        go there, the DMA's 64 KiB above.
    max_slave_bits : int
        Widest data bus the HP slave port takes (64 on PS7, 128 on PS8).
    interconnect : str
        AXI interconnect IP used (``"axi_interconnect"`` on PS7, ``"smartconnect"`` on PS8).
    """

    kind: str
    ip: str
    instance: str
    master: str
    slave: str
    master_clock: str
    slave_clock: str
    fabric_clock: str
    fabric_reset: str
    irq: str
    master_base: int
    max_slave_bits: int
    interconnect: str


PS7 = ProcessingSystem(
    kind="ps7",
    ip="processing_system7",
    instance="processing_system7_0",
    master="M_AXI_GP0",
    slave="S_AXI_HP0",
    master_clock="M_AXI_GP0_ACLK",
    slave_clock="S_AXI_HP0_ACLK",
    fabric_clock="FCLK_CLK0",
    fabric_reset="FCLK_RESET0_N",
    irq="IRQ_F2P",
    master_base=0x43C0_0000,
    max_slave_bits=64,
    interconnect="axi_interconnect",
)

PS8 = ProcessingSystem(
    kind="ps8",
    ip="zynq_ultra_ps_e",
    instance="zynq_ultra_ps_e_0",
    master="M_AXI_HPM0_FPD",
    slave="S_AXI_HP0_FPD",
    master_clock="maxihpm0_fpd_aclk",
    slave_clock="saxihp0_fpd_aclk",
    fabric_clock="pl_clk0",
    fabric_reset="pl_resetn0",
    irq="pl_ps_irq0",
    master_base=0xA000_0000,
    max_slave_bits=128,
    interconnect="smartconnect",
)


@dataclass(frozen=True)
class Board:
    """A board the accelerator is built for.

    Members
    -------
    name : str
        Key in :data:`BOARDS` and ``zkel hw build --board`` value.
    title : str
        The board's name as its vendor writes it.
    part : str
        Xilinx part (must be the configuration's device part).
    board_part : str
        Vivado board part pattern (``vendor:board:part0:*``): the latest installed
        version is used, for the PS preset (DDR, MIO, PS clocks).
    board_connections : str
        Vivado ``board_connections`` (the KV260 carrier on the K26 SOM's connector;
        carrier board files 1.3, shipped since Vivado 2021.1), or ``""``.
    config_name : str
        Accelerator configuration in :data:`zkel.gateware.config.CONFIGS`.
    ps : ProcessingSystem
        The processing system.
    fclk_mhz : float
        Fabric clock 0 frequency in MHz (the design's one clock); must equal the
        configuration's ``clock_mhz``, which the ``CLOCK`` register reports.
    dma_addr_bits : int
        Width of the DMA's memory addresses (32 on PS7; 64 on PS8, whose DDR
        extends above 4 GiB).
    """

    name: str
    title: str
    part: str
    board_part: str
    board_connections: str
    config_name: str
    ps: ProcessingSystem
    fclk_mhz: float
    dma_addr_bits: int

    def __post_init__(self) -> None:
        cfg = self.config
        if cfg.device.part != self.part:
            raise ValueError(
                f"board {self.name}: configuration {cfg.name} targets {cfg.device.part}, "
                f"not {self.part}"
            )
        if cfg.clock_mhz != self.fclk_mhz:
            raise ValueError(
                f"board {self.name}: fabric clock {self.fclk_mhz} MHz differs from "
                f"configuration {cfg.name}'s {cfg.clock_mhz} MHz"
            )
        if cfg.stream_bits > self.ps.max_slave_bits:
            raise ValueError(
                f"board {self.name}: {cfg.stream_bits}-bit stream is wider than "
                f"{self.ps.slave} ({self.ps.max_slave_bits} bits)"
            )

    @property
    def config(self) -> AccelConfig:
        """The accelerator configuration built for this board."""
        return get_config(self.config_name)

    @property
    def dma_data_bits(self) -> int:
        """AXI DMA memory-map and stream data width in bits: the configuration's stream width."""
        return self.config.stream_bits

    @property
    def bitstream_name(self) -> str:
        """Basename of the ``.bit``/``.hwh`` pair (``zkel_pynq_z2``)."""
        return "zkel_" + self.name.replace("-", "_")

    @property
    def accel_base(self) -> int:
        """Address of the accelerator's registers as the PS sees them."""
        return self.ps.master_base

    @property
    def dma_base(self) -> int:
        """Address of the DMA's registers as the PS sees them."""
        return self.ps.master_base + ACCEL_REG_RANGE


BOARDS: dict[str, Board] = {
    b.name: b
    for b in (
        Board(
            name="pynq-z2",
            title="TUL PYNQ-Z2",
            part="xc7z020clg400-1",
            board_part="tul.com.tw:pynq-z2:part0:*",
            board_connections="",
            config_name="z7020",
            ps=PS7,
            fclk_mhz=100.0,
            dma_addr_bits=32,
        ),
        Board(
            name="zcu104",
            title="Xilinx ZCU104",
            part="xczu7ev-ffvc1156-2-e",
            board_part="xilinx.com:zcu104:part0:*",
            board_connections="",
            config_name="zu7ev",
            ps=PS8,
            fclk_mhz=250.0,
            dma_addr_bits=64,
        ),
        Board(
            name="kv260",
            title="Kria KV260 (K26 SOM, KV carrier)",
            part="xck26-sfvc784-2LV-c",
            board_part="xilinx.com:kv260_som:part0:*",
            board_connections="som240_1_connector xilinx.com:kv260_carrier:som240_1_connector:1.3",
            config_name="k26",
            ps=PS8,
            fclk_mhz=250.0,
            dma_addr_bits=64,
        ),
        Board(
            name="rfsoc4x2",
            title="Real Digital RFSoC 4x2",
            part="xczu48dr-ffvg1517-2-e",
            board_part="realdigital.org:rfsoc4x2:part0:*",
            board_connections="",
            config_name="zu48dr",
            ps=PS8,
            fclk_mhz=250.0,
            dma_addr_bits=64,
        ),
    )
}


def get_board(name: str) -> Board:
    """The board called ``name``; ``KeyError`` lists the known ones."""
    try:
        return BOARDS[name]
    except KeyError:
        raise KeyError(f"unknown board {name!r}; known: {', '.join(sorted(BOARDS))}") from None
