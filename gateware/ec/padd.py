"""BN254 G1 point adder: complete projective addition, pipelined or time-multiplexed.

``(X3 : Y3 : Z3) = (X1 : Y1 : Z1) + (X2 : Y2 : Z2)`` on ``y² = x³ + 3`` over Fq by
Renes-Costello-Batina 2016, algorithm 7 (``b3 = 9``), homogeneous projective
coordinates, the point at infinity ``(0 : 1 : 0)``. The formula is complete:
``P + P``, ``P + (-P)``, ``P + O`` and ``O + O`` go through the same datapath. The
Python model with the same operation order is :mod:`zkel.gateware.ec.model`.

Coordinates are 256-bit values below q. In Montgomery form (``v·R mod q``, ``R``
the multiplier's radix) the output is the Montgomery form of the model's result
(:func:`zkel.gateware.ec.model.padd_mont`). Any other consistent scaling of each
input point gives the same projective point (the formula is bihomogeneous of
degree (2, 2)): canonical inputs give the sum scaled by ``R^-3``.

Pipeline (one register after each step):

====================  ==============================================================
step                  work
====================  ==============================================================
pre-add               ``X1+Y1``, ``Y1+Z1``, ``X1+Z1`` and the same for point 2
products A            ``t0..t2 = X1X2, Y1Y2, Z1Z2``; ``s3..s5`` of the pre-sums
linear 1              ``s3-t0``, ``s4-t1``, ``s5-t0``, ``3·t0``, ``9·t2``
linear 2              ``t3``, ``t4``, ``Y3a``, ``Z3a = t1 + 9t2``, ``t1a = t1 - 9t2``
linear 3              ``Y3b = 9·Y3a``
products B            ``t4·Y3b, t3·t1a, Y3b·3t0, t1a·Z3a, 3t0·t3, Z3a·t4``
combine               ``X3 = t3·t1a - t4·Y3b``, ``Y3 = t1a·Z3a + Y3b·3t0``,
                      ``Z3 = Z3a·t4 + 3t0·t3``
====================  ==============================================================

Multipliers: ``multipliers`` (2, 4, 6 or 12), half per product stage. With 12
the adder takes one addition per clock (``initiation_interval = 1``); with ``m``
each stage issues its six products over ``6 / (m/2)`` phases, so one addition per
``ceil(12/m)·ii_mul`` clocks. Latency: ``2·stage_latency + 5`` clocks, where
``stage_latency = (phases - 1)·ii_mul + mul.latency`` (103 clocks with the
49-clock pipelined multiplier and 12 multipliers). Beside the multipliers:
18 modular adders/subtractors and three ``k·x mod q`` units (``k = 3, 9, 9``).
"""

from __future__ import annotations

from amaranth.hdl import Module, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from zkel.gateware.config import ELEMENT_BITS, MSM_ADDER_MULTIPLIERS
from zkel.gateware.ec.fq import add_mod, mul_small_mod, sub_mod
from zkel.gateware.ec.model import B3
from zkel.gateware.ec.mulstage import MultiplierFactory, ProductStage

POINT_LAYOUT = data.StructLayout({"x": ELEMENT_BITS, "y": ELEMENT_BITS, "z": ELEMENT_BITS})
"""Homogeneous projective point: ``x``, ``y``, ``z`` (256 bits each, below q)."""


class PointAdder(wiring.Component):
    """Complete BN254 G1 point adder (see the module docs for the pipeline and timing).

    Members
    -------
    i_valid : In(1)
        Add ``p1 + p2`` this clock; only when ``i_ready``.
    i_ready : Out(1)
        The adder takes an addition this clock (always high when fully pipelined).
    p1, p2 : In(POINT_LAYOUT)
        Projective inputs, coordinates below q (Montgomery form, or any scaling).
    tag : In(tag_bits)
        Carried to ``o_tag`` unchanged.
    o_valid : Out(1)
        ``o`` valid, ``latency`` clocks after ``i_valid``.
    o : Out(POINT_LAYOUT)
        ``p1 + p2``, coordinates below q.
    o_tag : Out(tag_bits)
    """

    def __init__(
        self, make_multiplier: MultiplierFactory, *, multipliers: int = 12, tag_bits: int = 1
    ) -> None:
        if multipliers not in MSM_ADDER_MULTIPLIERS:
            raise ValueError(
                f"Multiplier count must be one of {MSM_ADDER_MULTIPLIERS}, not {multipliers!r}"
            )
        tag_bits = max(tag_bits, 1)
        self.multipliers = multipliers
        self.stage_a = ProductStage(make_multiplier, 6, multipliers // 2, tag_bits)
        self.stage_b = ProductStage(make_multiplier, 6, multipliers // 2, tag_bits)
        self.latency = 2 * self.stage_a.latency + 5
        self.initiation_interval = self.stage_a.initiation_interval
        super().__init__(
            {
                "i_valid": In(1),
                "i_ready": Out(1),
                "p1": In(POINT_LAYOUT),
                "p2": In(POINT_LAYOUT),
                "tag": In(tag_bits),
                "o_valid": Out(1),
                "o": Out(POINT_LAYOUT),
                "o_tag": Out(tag_bits),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        m.submodules.stage_a = a_stage = self.stage_a
        m.submodules.stage_b = b_stage = self.stage_b
        self._pace(m)

        # pre-add: operands of the first products
        p1, p2 = self.p1, self.p2
        a_ops = [
            (p1.x, p2.x),
            (p1.y, p2.y),
            (p1.z, p2.z),
            (add_mod(p1.x, p1.y), add_mod(p2.x, p2.y)),
            (add_mod(p1.y, p1.z), add_mod(p2.y, p2.z)),
            (add_mod(p1.x, p1.z), add_mod(p2.x, p2.z)),
        ]
        m.d.sync += [a_stage.i_valid.eq(self.i_valid & self.i_ready), a_stage.tag.eq(self.tag)]
        for i, (x, y) in enumerate(a_ops):
            m.d.sync += [a_stage.a[i].eq(x), a_stage.b[i].eq(y)]

        # three linear stages between the product stages
        t0, t1, t2, s3, s4, s5 = (a_stage.o[i] for i in range(6))
        v1, lin1 = self._register(
            m,
            "lin1",
            a_stage.o_valid,
            [sub_mod(s3, t0), sub_mod(s4, t1), sub_mod(s5, t0), mul_small_mod(t0, 3)]
            + [mul_small_mod(t2, B3), t1, t2],
        )
        p, q4, r, t0_3, t2_9, t1_1, t2_1 = lin1
        v2, lin2 = self._register(
            m,
            "lin2",
            v1,
            [sub_mod(p, t1_1), sub_mod(q4, t2_1), sub_mod(r, t2_1)]
            + [add_mod(t1_1, t2_9), sub_mod(t1_1, t2_9), t0_3],
        )
        t3, t4, y3a, z3a, t1a, t0_3b = lin2
        v3, lin3 = self._register(m, "lin3", v2, [mul_small_mod(y3a, B3), t3, t4, z3a, t1a, t0_3b])
        y3b, t3c, t4c, z3c, t1c, t0c = lin3
        b_ops = [(t4c, y3b), (t3c, t1c), (y3b, t0c), (t1c, z3c), (t0c, t3c), (z3c, t4c)]
        m.d.comb += b_stage.i_valid.eq(v3)
        for i, (x, y) in enumerate(b_ops):
            m.d.comb += [b_stage.a[i].eq(x), b_stage.b[i].eq(y)]
        self._carry_tag(m, a_stage, b_stage)

        # combine
        x3m, t2m, y3m, t1m, t0m, z3m = (b_stage.o[i] for i in range(6))
        m.d.sync += [
            self.o_valid.eq(b_stage.o_valid),
            self.o.x.eq(sub_mod(t2m, x3m)),
            self.o.y.eq(add_mod(t1m, y3m)),
            self.o.z.eq(add_mod(z3m, t0m)),
            self.o_tag.eq(b_stage.o_tag),
        ]
        return m

    def _pace(self, m: Module) -> None:
        """``i_ready``: one addition per ``initiation_interval`` clocks."""
        ii = self.initiation_interval
        if ii == 1:
            m.d.comb += self.i_ready.eq(1)
            return
        left = Signal(range(ii))
        m.d.comb += self.i_ready.eq(left == 0)
        with m.If(self.i_valid & self.i_ready):
            m.d.sync += left.eq(ii - 1)
        with m.Elif(left != 0):
            m.d.sync += left.eq(left - 1)

    @staticmethod
    def _register(
        m: Module, name: str, valid: object, values: list[object]
    ) -> tuple[Signal, list[Signal]]:
        """One pipeline register for a linear stage: ``(valid, values)`` a clock later."""
        v = Signal(name=f"{name}_valid")
        regs = [
            Signal(ELEMENT_BITS, name=f"{name}_{i}", reset_less=True) for i in range(len(values))
        ]
        m.d.sync += v.eq(valid)
        m.d.sync += [r.eq(x) for r, x in zip(regs, values, strict=True)]
        return v, regs

    @staticmethod
    def _carry_tag(m: Module, a_stage: ProductStage, b_stage: ProductStage) -> None:
        """The tag crosses the three linear stages beside the values."""
        tag = a_stage.o_tag
        for i in range(3):
            nxt = Signal.like(a_stage.o_tag, name=f"lin_tag{i}", reset_less=True)
            m.d.sync += nxt.eq(tag)
            tag = nxt
        m.d.comb += b_stage.tag.eq(tag)
