"""AXI4-Stream ports and the adapters between them and 256-bit element streams.

On the AXI side the names are AXI's (``tdata``, ``tvalid``, ``tready``, ``tlast``),
so Vivado and cocotbext-axi recognise the interfaces. Inside the accelerator an
element stream is an :class:`amaranth.lib.stream.Signature` of
:data:`ELEMENT_LAYOUT`: a 256-bit field element and a ``last`` flag. An element
is carried as ``256 / beat_bits`` beats, least significant beat first (see
:mod:`zkel.gateware.regmap`); TLAST is on the final beat of an element whose
``last`` is set.
"""

from __future__ import annotations

from amaranth.hdl import Array, Cat, Module, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from zkel.gateware.config import ELEMENT_BITS, STREAM_BEAT_BITS

ELEMENT_LAYOUT = data.StructLayout({"data": ELEMENT_BITS, "last": 1})
"""Payload of an element stream: ``data`` (256 bits, the element) and ``last``."""


def element_stream() -> stream.Signature:
    """The signature of an element stream (:data:`ELEMENT_LAYOUT` payload)."""
    return stream.Signature(ELEMENT_LAYOUT)


def _check_beat_bits(beat_bits: int) -> None:
    if beat_bits not in STREAM_BEAT_BITS:
        raise ValueError(f"Beat width must be one of {STREAM_BEAT_BITS} bits, not {beat_bits!r}")


class AXIStreamSignature(wiring.Signature):
    """AXI4-Stream seen from the transmitter: ``tdata`` (``data_bits``), ``tvalid``,
    ``tready`` (from the receiver) and ``tlast``."""

    def __init__(self, data_bits: int) -> None:
        _check_beat_bits(data_bits)
        self.data_bits = data_bits
        super().__init__(
            {"tdata": Out(data_bits), "tvalid": Out(1), "tready": In(1), "tlast": Out(1)}
        )


class AXIStreamToElements(wiring.Component):
    """Collects AXI4-Stream beats into 256-bit elements.

    Throughput: one beat per clock; with 256-bit beats one element per clock.
    An element's ``last`` is the OR of the TLAST of its beats, so a TLAST in the
    middle of an element is not lost (the engine reports the mismatch).

    Members
    -------
    s_axis : In(AXIStreamSignature(beat_bits))
        Incoming beats, least significant beat of an element first.
    o : Out(element_stream())
        Outgoing elements.
    """

    def __init__(self, beat_bits: int) -> None:
        _check_beat_bits(beat_bits)
        self.beat_bits = beat_bits
        self.per = ELEMENT_BITS // beat_bits
        super().__init__({"s_axis": In(AXIStreamSignature(beat_bits)), "o": Out(element_stream())})

    def elaborate(self, platform: object) -> Module:
        m = Module()
        per, s, o = self.per, self.s_axis, self.o
        lower = [Signal(self.beat_bits, name=f"beat{i}") for i in range(per - 1)]
        count = Signal(range(per))
        last_seen = Signal()

        accept = s.tvalid & s.tready
        final_beat = count == per - 1
        m.d.comb += s.tready.eq(~o.valid | o.ready)
        with m.If(o.valid & o.ready):
            m.d.sync += o.valid.eq(0)
        with m.If(accept):
            with m.If(final_beat):
                m.d.sync += [
                    o.payload.data.eq(Cat(*lower, s.tdata)),
                    o.payload.last.eq(last_seen | s.tlast),
                    o.valid.eq(1),
                    count.eq(0),
                    last_seen.eq(0),
                ]
            with m.Else():
                m.d.sync += [count.eq(count + 1), last_seen.eq(last_seen | s.tlast)]
                if per > 1:
                    m.d.sync += Array(lower)[count].eq(s.tdata)
        return m


class ElementsToAXIStream(wiring.Component):
    """Splits 256-bit elements into AXI4-Stream beats, least significant beat first.

    TLAST is high on the final beat of an element whose ``last`` is set.
    Throughput: one beat per clock.

    Members
    -------
    i : In(element_stream())
        Incoming elements.
    m_axis : Out(AXIStreamSignature(beat_bits))
        Outgoing beats.
    """

    def __init__(self, beat_bits: int) -> None:
        _check_beat_bits(beat_bits)
        self.beat_bits = beat_bits
        self.per = ELEMENT_BITS // beat_bits
        super().__init__({"i": In(element_stream()), "m_axis": Out(AXIStreamSignature(beat_bits))})

    def elaborate(self, platform: object) -> Module:
        m = Module()
        per, i, ax = self.per, self.i, self.m_axis
        shreg = Signal(ELEMENT_BITS)
        last = Signal()
        count = Signal(range(per))

        beat_done = ax.tvalid & ax.tready
        final_beat = count == per - 1
        m.d.comb += [
            ax.tdata.eq(shreg[: self.beat_bits]),
            ax.tlast.eq(last & final_beat),
            i.ready.eq(~ax.tvalid | (beat_done & final_beat)),
        ]
        with m.If(beat_done):
            m.d.sync += [shreg.eq(shreg >> self.beat_bits), count.eq(count + 1)]
            with m.If(final_beat):
                m.d.sync += [ax.tvalid.eq(0), count.eq(0)]
        with m.If(i.valid & i.ready):
            m.d.sync += [
                shreg.eq(i.payload.data),
                last.eq(i.payload.last),
                ax.tvalid.eq(1),
                count.eq(0),
            ]
        return m
