"""In-flight bucket tracking: which buckets have an addition in the adder pipeline.

A bucket read at clock ``t`` for an addition is written back at ``t + 1 + L``
(``L`` the point adder's latency: one clock for the RAM read, then the adder);
the bucket RAM's read port is transparent for its write port, so a new addition
to the same bucket may be issued from ``t + 1 + L`` on. This block remembers the
addresses issued in the last ``L`` clocks (a shift register, one entry per
clock, valid bit included) and compares candidate addresses against all of them
(``L`` comparators per probe, ``L·(addr_bits + 1)`` flip-flops).
"""

from __future__ import annotations

from amaranth.hdl import Module, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out


class InFlight(wiring.Component):
    """Addresses issued in the last ``window`` clocks, with ``probes`` lookups.

    Members
    -------
    issue : In(1)
        An address is issued this clock.
    address : In(addr_bits)
        The issued address.
    probe : In(ArrayLayout(addr_bits, probes))
        Addresses to look up (combinational).
    hit : Out(probes)
        Bit ``i``: ``probe[i]`` was issued in the last ``window`` clocks (this
        clock's issue not included).
    """

    def __init__(self, addr_bits: int, window: int, probes: int = 2) -> None:
        if not isinstance(window, int) or window < 1:
            raise ValueError(f"Window must be a positive integer, not {window!r}")
        self.addr_bits, self.window, self.probes = addr_bits, window, probes
        super().__init__(
            {
                "issue": In(1),
                "address": In(addr_bits),
                "probe": In(data.ArrayLayout(addr_bits, probes)),
                "hit": Out(probes),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        valid = Signal(self.window)
        addrs = [
            Signal(self.addr_bits, name=f"addr{i}", reset_less=True) for i in range(self.window)
        ]
        m.d.sync += valid.eq((valid << 1) | self.issue)
        m.d.sync += addrs[0].eq(self.address)
        m.d.sync += [addrs[i].eq(addrs[i - 1]) for i in range(1, self.window)]
        for p in range(self.probes):
            matches = [valid[i] & (addrs[i] == self.probe[p]) for i in range(self.window)]
            hit = matches[0]
            for x in matches[1:]:
                hit = hit | x
            m.d.comb += self.hit[p].eq(hit)
        return m
