"""A stage of ``k`` independent modular products over ``m`` Montgomery multipliers.

The point adder has two such stages of six products. With ``m = k`` multipliers
the stage takes a new set of operands every clock; with fewer, the products are
issued in ``S = ceil(k / m)`` phases (phase ``s`` gives multiplier ``j`` product
``s·m + j``), ``initiation_interval`` clocks of the multiplier apart, and the
results are collected until the last phase's arrive.

Latency: ``(S - 1)·ii_mul + mul.latency`` clocks from ``i_valid`` to ``o_valid``.
Throughput: one set of ``k`` products per ``S·ii_mul`` clocks
(:attr:`initiation_interval`); the caller paces itself (operands presented
sooner replace the set being issued; the point adder counts the same interval).
"""

from __future__ import annotations

from collections.abc import Callable

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from zkel.gateware.config import ELEMENT_BITS

MultiplierFactory = Callable[[], wiring.Component]
"""Builds one Montgomery multiplier over Fq: ports ``i_valid``, ``a``, ``b`` (256 bits),
``o_valid``, ``o``; attributes ``latency`` and optionally ``initiation_interval``."""


class ProductStage(wiring.Component):
    """``o[i] = mul(a[i], b[i])`` for ``i < k``, over ``m`` multipliers.

    Members
    -------
    i_valid : In(1)
        Operands present; at most one set per :attr:`initiation_interval` clocks.
    a, b : In(ArrayLayout(256, k))
        Operands, each below the multiplier's modulus, in the form it expects.
    tag : In(tag_bits)
        Carried to ``o_tag``.
    o_valid : Out(1)
        All ``k`` products valid, ``latency`` clocks after ``i_valid``.
    o : Out(ArrayLayout(256, k))
        Products ``a[i]·b[i]·R^-1 mod modulus`` (the multiplier's result).
    o_tag : Out(tag_bits)
    """

    def __init__(
        self, make_multiplier: MultiplierFactory, k: int, m: int, tag_bits: int = 1
    ) -> None:
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"Product count must be a positive integer, not {k!r}")
        if not isinstance(m, int) or not 1 <= m <= k:
            raise ValueError(f"Multiplier count must be in 1..{k}, not {m!r}")
        self.k, self.m = k, m
        self.muls = [make_multiplier() for _ in range(m)]
        self.mul_latency = int(self.muls[0].latency)
        self.ii_mul = int(getattr(self.muls[0], "initiation_interval", 1))
        self.phases = -(-k // m)
        self.initiation_interval = self.phases * self.ii_mul
        self.latency = (self.phases - 1) * self.ii_mul + self.mul_latency
        layout = data.ArrayLayout(ELEMENT_BITS, k)
        tag_bits = max(tag_bits, 1)
        super().__init__(
            {
                "i_valid": In(1),
                "a": In(layout),
                "b": In(layout),
                "tag": In(tag_bits),
                "o_valid": Out(1),
                "o": Out(layout),
                "o_tag": Out(tag_bits),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        k, n_mul, S = self.k, self.m, self.phases
        for j, mul in enumerate(self.muls):
            m.submodules[f"mul{j}"] = mul

        # issue side: phase 0 from the inputs, later phases from the held operands
        hold_a = Signal.like(self.a, reset_less=True)
        hold_b = Signal.like(self.b, reset_less=True)
        hold_tag = Signal.like(self.tag, reset_less=True)
        left = Signal(range(self.initiation_interval + 1))  # clocks since i_valid, counted down
        phase = Signal(range(S))
        issue = Signal()
        with m.If(self.i_valid):
            m.d.sync += [hold_a.eq(self.a), hold_b.eq(self.b), hold_tag.eq(self.tag)]
            m.d.sync += left.eq(self.initiation_interval - 1)
        with m.Elif(left != 0):
            m.d.sync += left.eq(left - 1)
        m.d.comb += issue.eq(self.i_valid)
        for s in range(1, S):
            with m.If(~self.i_valid & (left == (S - s) * self.ii_mul)):
                m.d.comb += [issue.eq(1), phase.eq(s)]
        src_a = Mux(self.i_valid, self.a.as_value(), hold_a.as_value())
        src_b = Mux(self.i_valid, self.b.as_value(), hold_b.as_value())
        for j, mul in enumerate(self.muls):
            m.d.comb += mul.i_valid.eq(issue)
            with m.Switch(phase):
                for s in range(S):
                    idx = s * n_mul + j
                    if idx < k:
                        with m.Case(s):
                            m.d.comb += [
                                mul.a.eq(src_a.word_select(idx, ELEMENT_BITS)),
                                mul.b.eq(src_b.word_select(idx, ELEMENT_BITS)),
                            ]
        self._collect(m, issue, phase, Mux(self.i_valid, self.tag, hold_tag))
        return m

    def _collect(self, m: Module, issue: Signal, phase: Signal, tag: object) -> None:
        """Phase and tag travel beside the multipliers; results gather until the last phase."""
        k, n_mul, S = self.k, self.m, self.phases
        line = [issue, phase, tag]
        for stage in range(self.mul_latency):
            nxt = [
                Signal(1, name=f"v_d{stage}"),
                Signal.like(phase, name=f"phase_d{stage}", reset_less=True),
                Signal.like(self.tag, name=f"tag_d{stage}", reset_less=True),
            ]
            m.d.sync += [n.eq(s) for n, s in zip(nxt, line, strict=True)]
            line = nxt
        valid_d, phase_d, tag_d = line
        early = (S - 1) * n_mul  # results of phases before the last
        held = Signal(ELEMENT_BITS * max(early, 1), reset_less=True)
        for s in range(S - 1):
            with m.If(valid_d & (phase_d == s)):
                for j, mul in enumerate(self.muls):
                    m.d.sync += held.word_select(s * n_mul + j, ELEMENT_BITS).eq(mul.o)
        for idx in range(k):
            s, j = divmod(idx, n_mul)
            value = self.muls[j].o if s == S - 1 else held.word_select(idx, ELEMENT_BITS)
            m.d.comb += self.o[idx].eq(value)
        m.d.comb += [self.o_valid.eq(valid_d & (phase_d == S - 1)), self.o_tag.eq(tag_d)]


def fq_multiplier(
    limb_bits: int = 17, *, iterative: bool = False, wide_limb_bits: int | None = None
) -> MultiplierFactory:
    """Factory for the project's Montgomery multiplier over Fq (BN254's base field).

    ``iterative=False``: :class:`zkel.gateware.arith.montmul.MontMul`, one product
    per clock (``2n² + n`` DSPs), or with ``wide_limb_bits`` (26 for DSP48E2, 24
    for DSP48E1) :class:`zkel.gateware.arith.montmul_wide.MontMulWide`, one product
    per clock with ``limb_bits``-bit digits against wide limbs (315 / 345 DSPs at
    17-bit digits); ``True``:
    :class:`zkel.gateware.arith.montmul_iterative.MontMulIterative`, one product per
    ``n + 1`` clocks (``2n + 1`` DSPs), for small FPGAs. All have ``R = 2^255`` at
    17-bit limbs or digits.
    """
    from zkel.circuits.bn254.fields import Q

    if iterative:
        from zkel.gateware.arith.montmul_iterative import MontMulIterative

        return lambda: MontMulIterative(Q, limb_bits=limb_bits)
    if wide_limb_bits is not None:
        from zkel.gateware.arith.montmul_wide import MontMulWide

        return lambda: MontMulWide(Q, limb_bits=wide_limb_bits, digit_bits=limb_bits)
    from zkel.gateware.arith.montmul import MontMul

    return lambda: MontMul(Q, limb_bits=limb_bits)
