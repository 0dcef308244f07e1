"""Registered modular addition and subtraction, one result per clock.

``ModAdd``: ``o = a + b mod p``; ``ModSub``: ``o = a - b mod p``; for ``a, b < p``
(any odd or even ``p`` below ``2^width``), results ``< p``. Montgomery form
passes through unchanged (``xR + yR = (x + y)R``), so the blocks work on either
form. Latency 1 clock, initiation interval 1.

Both candidates (``a + b`` and ``a + b - p``; ``a - b`` and ``a - b + p``) are
computed in parallel: the three-operand one through a carry-save layer (one LUT
level) into a single carry chain, so the path is one ``width + 2``-bit carry
chain and a 2:1 mux, not two chains in series. :func:`mod_add_value` and
:func:`mod_sub_value` give the same logic as combinational values for other
blocks to inline.

Yosys ``synth_xilinx`` estimate for 256-bit ports and BN254 Fr (``python -m
zkel.gateware.arith.synth modadd --family xc7``): ModAdd on xc7 1,273 LUT,
257 FF, 129 CARRY4; ModSub on xcup 1,021 LUT, 257 FF, 129 CARRY8; no DSPs.
"""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Mux, Signal, Value
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out


def check_modulus(modulus: object, width: object) -> None:
    """Reject a modulus the blocks cannot use (one-line ``ValueError``)."""
    if not isinstance(width, int) or isinstance(width, bool) or width < 1:
        raise ValueError(f"Width must be a positive integer, not {width!r}")
    if not isinstance(modulus, int) or isinstance(modulus, bool) or modulus < 2:
        raise ValueError(f"Modulus must be an integer of at least 2, not {modulus!r}")
    if modulus >= 1 << width:
        raise ValueError(f"Modulus must be below 2**{width}, not {modulus!r}")


def _extend(v: Value, bits: int) -> Value:
    """``v`` zero-extended (or truncated) to exactly ``bits`` bits."""
    v = v.as_unsigned()
    return v[:bits] if len(v) >= bits else Cat(v, Const(0, bits - len(v)))


def _carry_save_sum(x: Value, y: Value, z: Value, bits: int, carry_in: int = 0) -> Value:
    """``x + y + z + carry_in`` mod ``2^bits``: one full-adder layer, then one adder."""
    x, y, z = (_extend(v, bits) for v in (x, y, z))
    partial = x ^ y ^ z
    carries = Cat(Const(carry_in, 1), ((x & y) | (x & z) | (y & z))[: bits - 1])
    return (partial + carries)[:bits]


def mod_add_value(a: Value, b: Value, modulus: int, width: int) -> Value:
    """``a + b mod modulus`` for ``a, b < modulus`` (combinational, ``width`` bits)."""
    bits = width + 2
    total = (a + b)[:bits]
    minus_p = Const(((1 << bits) - modulus) % (1 << bits), bits)
    reduced = _carry_save_sum(a, b, minus_p, bits)  # a + b - p, top bit set when negative
    return Mux(reduced[-1], total, reduced)[:width]


def mod_sub_value(a: Value, b: Value, modulus: int, width: int) -> Value:
    """``a - b mod modulus`` for ``a, b < modulus`` (combinational, ``width`` bits)."""
    bits = width + 2
    b_inv = ~_extend(b, bits)  # -b - 1 in ``bits`` bits
    diff = (a + b_inv + 1)[:bits]  # a - b, top bit set when negative
    wrapped = _carry_save_sum(a, b_inv, Const(modulus, bits), bits, carry_in=1)  # a - b + p
    return Mux(diff[-1], wrapped, diff)[:width]


class _ModOp(wiring.Component):
    """Shared shape of :class:`ModAdd` and :class:`ModSub` (one registered stage).

    Members
    -------
    i_valid : In(1)
        ``a`` and ``b`` are presented this clock.
    a, b : In(width)
        Operands, each ``< modulus`` (canonical or Montgomery form alike).
    o_valid : Out(1)
        ``o`` holds a result, one clock after ``i_valid``.
    o : Out(width)
        The result, ``< modulus``.
    """

    latency = 1
    initiation_interval = 1

    def __init__(self, modulus: int, *, width: int = 256) -> None:
        try:
            check_modulus(modulus, width)
        except ValueError:
            self._MustUse__silence = True  # rejected, so not "created but never used"
            raise
        self.modulus = modulus
        self.width = width
        super().__init__(
            {"i_valid": In(1), "a": In(width), "b": In(width), "o_valid": Out(1), "o": Out(width)}
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        result = Signal(self.width, reset_less=True)
        value = self.operation(self.a, self.b, self.modulus, self.width)
        m.d.sync += [result.eq(value), self.o_valid.eq(self.i_valid)]
        m.d.comb += self.o.eq(result)
        return m


class ModAdd(_ModOp):
    """Registered ``o = a + b mod modulus`` (latency 1, one result per clock).

    Members: see :class:`_ModOp`.
    """

    operation = staticmethod(mod_add_value)


class ModSub(_ModOp):
    """Registered ``o = a - b mod modulus`` (latency 1, one result per clock).

    Members: see :class:`_ModOp`.
    """

    operation = staticmethod(mod_sub_value)
