"""A behavioural stand-in for the Montgomery multiplier, for control-path tests only.

``BehaviouralMontMul`` computes ``a·b·R^-1 mod r`` with Amaranth's ``*`` and ``%``
operators (simulation-friendly, not meant for synthesis) and delays it through
``latency`` registers, with the ports of :class:`zkel.gateware.arith.montmul.MontMul`.
It lets the NTT engine's control path be tested before (or beside) the real
multiplier; tests that claim the real datapath use the real one.
"""

from __future__ import annotations

from amaranth.hdl import Const, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

R_BITS = 256


class BehaviouralMontMul(wiring.Component):
    """``o = a·b·2^-256 mod modulus`` after ``latency`` clocks (placeholder, not RTL)."""

    def __init__(self, modulus: int, *, latency: int = 3, width: int = 256) -> None:
        self.modulus = modulus
        self.latency = latency
        self.r_bits = R_BITS
        super().__init__(
            {"i_valid": In(1), "a": In(width), "b": In(width), "o_valid": Out(1), "o": Out(width)}
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        r_inv = pow(1 << R_BITS, -1, self.modulus)
        value = (self.a * self.b * Const(r_inv)) % Const(self.modulus)
        valid = self.i_valid
        for stage in range(self.latency):
            v_next = Signal(name=f"v{stage}")
            d_next = Signal(len(self.o), name=f"d{stage}")
            m.d.sync += [v_next.eq(valid), d_next.eq(value)]
            valid, value = v_next, d_next
        m.d.comb += [self.o_valid.eq(valid), self.o.eq(value)]
        return m
