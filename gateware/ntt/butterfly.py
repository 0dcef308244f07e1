"""Radix-2 butterfly over Fr, pipelined around a Montgomery multiplier.

``(a, b, w) -> (x, y) = (a + w·b, a - w·b) mod r``, the decimation-in-time
butterfly of :func:`zkel.circuits.ntt.butterfly`. ``w`` is in Montgomery form
(``w·R mod r``), so the multiplier's ``w_mont·b·R^-1 = w·b``: ``a``, ``b``, ``x`` and
``y`` are in whatever form the data is (canonical on the streams), each < r.

Two more operations share the pipeline (``op``): :data:`SCALE` gives
``(x, y) = (a, w·b)`` (the coset and 1/n scalings), and ``swap`` exchanges ``x``
and ``y`` (a negated twiddle, see :mod:`zkel.gateware.ntt.twiddles`).

The multiplier is any component with ``i_valid: In(1)``, ``a``, ``b`` (256 bits
wide or less), ``o_valid: Out(1)``, ``o`` and a fixed ``latency`` attribute
(:class:`zkel.gateware.arith.montmul.MontMul`); an optional
``initiation_interval`` attribute (clocks between inputs, default 1) lets an
iterative multiplier stand in on small FPGAs. Latency of the butterfly:
``multiplier.latency + 1`` clocks; throughput one butterfly per
``initiation_interval`` clocks. The ``tag`` input rides along unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from amaranth.hdl import Module, Mux, Signal, Value
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from zkel.circuits.bn254.fields import R as FR_MODULUS
from zkel.gateware.arith.modadd import mod_add_value, mod_sub_value
from zkel.gateware.config import ELEMENT_BITS

BUTTERFLY = 0
SCALE = 1

MultiplierFactory = Callable[[], wiring.Component]
"""Builds one Montgomery multiplier over Fr (see the module docs for its ports)."""


def real_multiplier(limb_bits: int) -> MultiplierFactory:
    """Factory for the project's pipelined Montgomery multiplier over Fr."""
    from zkel.gateware.arith.montmul import MontMul

    return lambda: MontMul(FR_MODULUS, limb_bits=limb_bits)


def wide_multiplier(limb_bits: int, digit_bits: int = 17) -> MultiplierFactory:
    """Factory for the pipelined asymmetric-limb Montgomery multiplier over Fr
    (:class:`zkel.gateware.arith.montmul_wide.MontMulWide`: ``digit_bits``-bit digits
    against ``limb_bits``-bit limbs, 26 for DSP48E2 and 24 for DSP48E1)."""
    from zkel.gateware.arith.montmul_wide import MontMulWide

    return lambda: MontMulWide(FR_MODULUS, limb_bits=limb_bits, digit_bits=digit_bits)


def montgomery_radix(mul: wiring.Component) -> int:
    """The multiplier's Montgomery radix R (``o = a·b·R^-1 mod r``)."""
    for name in ("mont_r", "R", "radix"):
        value = getattr(mul, name, None)
        if isinstance(value, int) and value > 1:
            return value
    r_bits = getattr(mul, "r_bits", None)
    if isinstance(r_bits, int):
        return 1 << r_bits
    limbs, limb_bits = getattr(mul, "n_limbs", None), getattr(mul, "limb_bits", None)
    if isinstance(limbs, int) and isinstance(limb_bits, int):
        return 1 << (limbs * limb_bits)
    raise ValueError(f"cannot tell the Montgomery radix of {type(mul).__name__}")


def modular_add_sub(a: Value, t: Value) -> tuple[Value, Value]:
    """``(a + t mod r, a - t mod r)`` for ``a, t < r`` (combinational, 256-bit results).

    Either form (canonical or Montgomery) passes through. The sum and the
    difference are computed side by side, each from two candidates formed in
    parallel (one 258-bit carry chain deep) and a 2:1 mux
    (:func:`zkel.gateware.arith.modadd.mod_add_value` and
    :func:`~zkel.gateware.arith.modadd.mod_sub_value`), not an add followed in
    series by a conditional subtract.
    """
    sum_mod = mod_add_value(a, t, FR_MODULUS, ELEMENT_BITS)
    diff_mod = mod_sub_value(a, t, FR_MODULUS, ELEMENT_BITS)
    return sum_mod, diff_mod


class Butterfly(wiring.Component):
    """One pipelined radix-2 butterfly unit over Fr.

    Members
    -------
    i_valid : In(1)
        Present an operation this clock (at most one per ``initiation_interval``).
    a, b : In(256)
        Operands, each < r, in the data's form.
    w : In(256)
        Twiddle or scale factor, Montgomery form, < r.
    op : In(1)
        :data:`BUTTERFLY` or :data:`SCALE`.
    swap : In(1)
        Exchange the outputs (the twiddle is ``-w``).
    tag : In(tag_bits)
        Carried to ``o_tag`` unchanged.
    o_valid : Out(1)
        Results valid, ``latency`` clocks after ``i_valid``.
    x, y : Out(256)
        Results, each < r.
    o_tag : Out(tag_bits)
    """

    def __init__(self, make_multiplier: MultiplierFactory, tag_bits: int = 1) -> None:
        self._mul = make_multiplier()
        self.mul_latency = int(self._mul.latency)
        self.latency = self.mul_latency + 1
        self.initiation_interval = int(getattr(self._mul, "initiation_interval", 1))
        self.mont_r = montgomery_radix(self._mul)
        super().__init__(
            {
                "i_valid": In(1),
                "a": In(ELEMENT_BITS),
                "b": In(ELEMENT_BITS),
                "w": In(ELEMENT_BITS),
                "op": In(1),
                "swap": In(1),
                "tag": In(max(tag_bits, 1)),
                "o_valid": Out(1),
                "x": Out(ELEMENT_BITS),
                "y": Out(ELEMENT_BITS),
                "o_tag": Out(max(tag_bits, 1)),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        m.submodules.mul = mul = self._mul
        m.d.comb += [mul.i_valid.eq(self.i_valid), mul.a.eq(self.w), mul.b.eq(self.b)]

        # a, op, swap and tag wait beside the multiplier (shift registers, no reset)
        side = [self.a, self.op, self.swap, self.tag]
        for stage in range(self.mul_latency):
            nxt = [Signal.like(s, name=f"{s.name}_d{stage}", reset_less=True) for s in side]
            m.d.sync += [n.eq(s) for n, s in zip(nxt, side, strict=True)]
            side = nxt
        a_d, op_d, swap_d, tag_d = side

        product = mul.o[:ELEMENT_BITS]
        sum_mod, diff_mod = modular_add_sub(a_d, product)
        is_scale = op_d == SCALE
        x = Mux(is_scale, a_d, sum_mod)
        y = Mux(is_scale, product, diff_mod)
        m.d.sync += [
            self.o_valid.eq(mul.o_valid),
            self.x.eq(Mux(swap_d, y, x)),
            self.y.eq(Mux(swap_d, x, y)),
            self.o_tag.eq(tag_d),
        ]
        return m
