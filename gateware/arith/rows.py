"""Datapath pieces shared by the pipelined and the iterative Montgomery multipliers.

Both multipliers run word-serial Montgomery multiplication on a redundant
accumulator: ``n + 1`` digits of ``limb_bits + 3`` bits, digit ``j`` weighing
``2^(limb_bits·j)`` (:func:`zkel.gateware.arith.model.row_step` is the integer
model). Carries move one digit per row, so no adder is wider than
``limb_bits + 3`` bits until the final conversion to binary.

Every limb product (``x·y`` with ``x, y < 2^limb_bits``) is a separate ``*`` of
two ``limb_bits``-bit values, so Yosys' ``synth_xilinx`` maps it onto one
DSP48E1/E2 for ``limb_bits <= 17`` (25x18 / 27x18 signed multipliers, used
unsigned); wider limbs take several DSPs each (``mul2dsp`` splits them).
"""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Signal, Value

from zkel.gateware.arith.model import DIGIT_EXTRA_BITS


def digit_bits(limb_bits: int) -> int:
    """Width of one redundant accumulator digit (``limb_bits + 3``)."""
    return limb_bits + DIGIT_EXTRA_BITS


def limb_products(
    m: Module, x: Value, ys: list[Value | int], w: int, name: str
) -> list[Signal | None]:
    """Registered products ``x·y_j`` (``2w`` bits each; None where ``y_j`` is 0).

    ``ys`` holds signals (operand limbs) or integer constants (modulus limbs). A
    constant 0 limb needs no multiplier and a power of two is a shift; every
    other product is a ``*`` (one DSP) in its own register, so Yosys can pack
    the register into the DSP's M or P register.
    """
    out: list[Signal | None] = []
    for j, y in enumerate(ys):
        if isinstance(y, int) and y == 0:
            out.append(None)
            continue
        prod = Signal(2 * w, name=f"{name}_{j}", reset_less=True)
        if isinstance(y, int) and not needs_dsp(y):
            m.d.sync += prod.eq(x << (y.bit_length() - 1))
        else:
            m.d.sync += prod.eq(x * (Const(y, w) if isinstance(y, int) else y))
        out.append(prod)
    return out


def needs_dsp(constant: int) -> bool:
    """Whether a product by this constant limb takes a multiplier (not 0, not 2^k)."""
    return constant & (constant - 1) != 0


def quotient_needs_dsp(p_inv: int, w: int) -> bool:
    """Whether ``digit0 · p_inv mod 2^w`` takes a multiplier (not 2^k, not -1)."""
    return needs_dsp(p_inv) and p_inv != (1 << w) - 1


def accumulate(
    digits: list[Value] | None,
    qp: list[Signal | None] | None,
    ab: list[Signal | None] | None,
    n: int,
    w: int,
) -> list[Value]:
    """``(T + q·p) / 2^w + a_r·b`` on redundant digits (combinational).

    ``digits``: the accumulator ``T`` (``n + 1`` digits, None for 0); ``qp``:
    the products ``q·p_j``; ``ab``: the products ``a_r·b_j`` (None entries and
    None lists are zero). Returns ``n + 1`` sums, each below ``2^(w + 3)``.
    """

    def lo(vals: list | None, j: int) -> Value | None:
        return vals[j][:w] if vals is not None and 0 <= j < n and vals[j] is not None else None

    def hi(vals: list | None, j: int) -> Value | None:
        return vals[j][w:] if vals is not None and 0 <= j < n and vals[j] is not None else None

    out = []
    for j in range(n + 1):
        terms = [lo(qp, j + 1), hi(qp, j), lo(ab, j), hi(ab, j - 1)]
        if digits is not None:
            terms.append(digits[j][w:])  # carry of digit j, up one column, shifted down
            if j < n:
                terms.append(digits[j + 1][:w])
            if j == 0:
                terms.append(digits[0][:w].any())  # digit0 + lo(q·p_0) is 0 or 2^w
        total = Const(0, 1)
        for t in terms:
            if t is not None:
                total = total + t
        out.append(total[: digit_bits(w)])
    return out


def quotient(digit0: Value, p_inv: int, w: int) -> Value:
    """``q = digit0 · (-p^-1) mod 2^w``: one ``w x w`` product (low half), or a
    negation when ``p ≡ 1 mod 2^w`` (BN254 Fr with 17-bit limbs), or a shift."""
    if p_inv == (1 << w) - 1:
        return (-digit0[:w])[:w]
    if not needs_dsp(p_inv):
        return (digit0[:w] << (p_inv.bit_length() - 1))[:w]
    return (digit0[:w] * Const(p_inv, w))[:w]


def digits_value(digits: list[Value], w: int, width: int) -> Value:
    """The binary value ``sum(digit_j · 2^(w·j))``, ``width`` bits (one carry chain)."""
    low = Cat(*(d[:w] for d in digits))
    pad = Const(0, w - DIGIT_EXTRA_BITS)
    high = Cat(Const(0, w), *(Cat(d[w:], pad) for d in digits))
    return (low + high)[:width]


class Stages:
    """The pipeline registers of a multiplier, one clock stage at a time.

    ``stages.stage(*groups)`` delays every value of each group (lists of
    :class:`Value`) and the valid bit by one clock (``reset_less`` registers named
    ``s{k}_{g}_{i}``, valid bits ``valid_{k}``) and returns the registered groups.
    ``valid[-1]`` is the valid bit after the last stage; :attr:`depth` counts the
    stages, i.e. the clocks of latency so far.
    """

    def __init__(self, m: Module, valid_in: Value) -> None:
        self.m = m
        self.valid: list[Value] = [valid_in]

    @property
    def depth(self) -> int:
        """Clock stages registered so far."""
        return len(self.valid) - 1

    def stage(self, *groups: list[Value]) -> list[list[Signal]]:
        """One clock of delay for each group of values (and the valid bit)."""
        k = len(self.valid)
        v = Signal(name=f"valid_{k}")
        self.m.d.sync += v.eq(self.valid[-1])
        self.valid.append(v)
        out = []
        for g, values in enumerate(groups):
            regs = [
                Signal(len(x), name=f"s{k}_{g}_{i}", reset_less=True) for i, x in enumerate(values)
            ]
            self.m.d.sync += [reg.eq(x) for reg, x in zip(regs, values, strict=True)]
            out.append(regs)
        return out
