"""AXI4-Lite register file generated from :mod:`zkel.gateware.regmap`.

The subordinate answers one read and one write at a time (no outstanding
transactions beyond one), which is what a Zynq GP port or PYNQ's ``MMIO`` issues.
Every register of :data:`~zkel.gateware.regmap.REGISTERS` becomes a 32-bit port
of the component, lower-case named: read-only registers are inputs the design
drives; the others are outputs holding what the host wrote (byte strobes
honoured), with their write-1 ``pulse`` fields high for exactly one clock after
the write and reading back as 0.
"""

from __future__ import annotations

from amaranth.hdl import Const, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from zkel.gateware import regmap

OKAY = 0b00
SLVERR = 0b10


class AXI4LiteSignature(wiring.Signature):
    """AXI4-Lite, seen from the manager: ``addr_bits``-bit byte addresses, 32-bit data.

    Members (manager's direction)
    -----------------------------
    awaddr, awvalid, awready, awprot : write address channel.
    wdata, wstrb, wvalid, wready : write data channel (``wstrb`` one bit per byte).
    bresp, bvalid, bready : write response (``bresp`` 0 OKAY, 2 SLVERR).
    araddr, arvalid, arready, arprot : read address channel.
    rdata, rresp, rvalid, rready : read data channel.
    """

    def __init__(self, addr_bits: int) -> None:
        if not isinstance(addr_bits, int) or addr_bits < 2:
            raise ValueError(f"Address width must be an integer of at least 2, not {addr_bits!r}")
        self.addr_bits = addr_bits
        super().__init__(
            {
                "awaddr": Out(addr_bits),
                "awprot": Out(3),
                "awvalid": Out(1),
                "awready": In(1),
                "wdata": Out(32),
                "wstrb": Out(4),
                "wvalid": Out(1),
                "wready": In(1),
                "bresp": In(2),
                "bvalid": In(1),
                "bready": Out(1),
                "araddr": Out(addr_bits),
                "arprot": Out(3),
                "arvalid": Out(1),
                "arready": In(1),
                "rdata": In(32),
                "rresp": In(2),
                "rvalid": In(1),
                "rready": Out(1),
            }
        )


def _port_name(reg: regmap.Register) -> str:
    return reg.name.lower()


class RegisterFile(wiring.Component):
    """AXI4-Lite subordinate holding the registers of :mod:`zkel.gateware.regmap`.

    Latency: ``rvalid`` rises one clock after a read address is accepted; a write is acknowledged
    (``bvalid``) one clock after both its address and data have been accepted.

    Members
    -------
    bus : In(AXI4LiteSignature(regmap.ADDR_BITS))
        The AXI4-Lite port (byte addresses; the low two bits are ignored).
    <register> : In(32) or Out(32)
        One port per register, named in lower case: ``In`` for read-only registers
        (``status``, ``cycles_lo``, ...), ``Out`` for writable ones (``ctrl``,
        ``length``, ``shift0``..``shift7``).
    """

    def __init__(self, registers: tuple[regmap.Register, ...] = regmap.REGISTERS) -> None:
        self._registers = registers
        addr_bits = (len(registers) * regmap.REG_BYTES - 1).bit_length()
        members = {"bus": In(AXI4LiteSignature(max(addr_bits, 2)))}
        for reg in registers:
            members[_port_name(reg)] = In(32) if reg.access == regmap.RO else Out(32)
        super().__init__(members)

    @staticmethod
    def _pulse_mask(reg: regmap.Register) -> int:
        return sum(f.mask for f in reg.fields if f.access == regmap.PULSE)

    def elaborate(self, platform: object) -> Module:
        m = Module()
        bus = self.bus
        n_regs = len(self._registers)

        aw_addr = Signal.like(bus.awaddr)
        aw_full = Signal()
        w_data = Signal(32)
        w_strb = Signal(4)
        w_full = Signal()

        # write address and data are accepted independently, then applied together
        m.d.comb += [bus.awready.eq(~aw_full), bus.wready.eq(~w_full)]
        with m.If(bus.awvalid & bus.awready):
            m.d.sync += [aw_addr.eq(bus.awaddr), aw_full.eq(1)]
        with m.If(bus.wvalid & bus.wready):
            m.d.sync += [w_data.eq(bus.wdata), w_strb.eq(bus.wstrb), w_full.eq(1)]

        do_write = aw_full & w_full & ~bus.bvalid
        w_index = aw_addr[2:]
        byte_mask = Signal(32)
        m.d.comb += byte_mask.eq(
            Const(0, 32) | sum(((w_strb[i].replicate(8)) << (8 * i)) for i in range(4))
        )
        with m.If(do_write):
            m.d.sync += [aw_full.eq(0), w_full.eq(0), bus.bvalid.eq(1)]
            m.d.sync += bus.bresp.eq(Mux(w_index < n_regs, OKAY, SLVERR))
        with m.If(bus.bvalid & bus.bready):
            m.d.sync += bus.bvalid.eq(0)

        for index, reg in enumerate(self._registers):
            port = getattr(self, _port_name(reg))
            if reg.access == regmap.RO:
                continue
            pulse = self._pulse_mask(reg)
            hit = do_write & (w_index == index)
            merged = (port & ~byte_mask) | (w_data & byte_mask)
            if pulse:
                m.d.sync += port.eq(port & ~pulse)  # pulses last one clock
            with m.If(hit):
                m.d.sync += port.eq(merged)

        self._elaborate_read(m, n_regs)
        return m

    def _elaborate_read(self, m: Module, n_regs: int) -> None:
        bus = self.bus
        m.d.comb += bus.arready.eq(~bus.rvalid)
        with m.If(bus.arvalid & bus.arready):
            index = bus.araddr[2:]
            m.d.sync += [bus.rvalid.eq(1), bus.rdata.eq(0), bus.rresp.eq(SLVERR)]
            with m.Switch(index):
                for i, reg in enumerate(self._registers):
                    with m.Case(i):
                        value = getattr(self, _port_name(reg))
                        if reg.access != regmap.RO:
                            value = value & ~self._pulse_mask(reg)
                        m.d.sync += [bus.rdata.eq(value), bus.rresp.eq(OKAY)]
        with m.If(bus.rvalid & bus.rready):
            m.d.sync += bus.rvalid.eq(0)
