"""Twiddle factors for the NTT engine: ROM contents and the ROM component.

One ROM serves every size and stage up to ``N = 2^max_log_size``: it holds
``ω_N^e`` for ``e < N/2`` in Montgomery form (``ω_N^e · R mod r``, R the
multiplier's Montgomery radix), ``ω_N = 5^((r-1)/N)`` as in
:func:`zkel.circuits.ntt.root_of_unity`. A stage combining blocks of ``h``
elements of a size-``n`` transform needs ``ω_{2h}^j = ω_N^(j·N/(2h))``.

Inverse transforms need ``ω_N^-e``. Since ``ω_N^(N/2) = -1``,
``ω_N^-e = -ω_N^(N/2-e)`` for ``0 < e < N/2``: the ROM returns ``ω_N^(N/2-e)`` and a
``negate`` flag, and the butterfly swaps its two outputs instead of negating
(``(a + (-w)b, a - (-w)b) = (a - wb, a + wb)``). So no second ROM is needed.
"""

from __future__ import annotations

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import data, memory, wiring
from amaranth.lib.wiring import In, Out

from zkel.circuits.bn254.fields import R as FR_MODULUS
from zkel.circuits.ntt import root_of_unity
from zkel.gateware.config import ELEMENT_BITS


def rom_values(max_log_size: int, mont_r: int) -> list[int]:
    """``[ω_N^e · mont_r mod r for e < N/2]``, N = 2^max_log_size (Montgomery form)."""
    n = 1 << max_log_size
    w = root_of_unity(n)
    out, acc = [], mont_r % FR_MODULUS
    for _ in range(max(n // 2, 1)):
        out.append(acc)
        acc = acc * w % FR_MODULUS
    return out


def inverse_size_values(max_log_size: int, mont_r: int) -> list[int]:
    """``[2^-k · mont_r mod r for k in 0..max_log_size]``: 1/n in Montgomery form."""
    half = pow(2, -1, FR_MODULUS)
    return [pow(half, k, FR_MODULUS) * mont_r % FR_MODULUS for k in range(max_log_size + 1)]


def twiddle(max_log_size: int, e: int, inverse: bool) -> tuple[int, bool]:
    """Model of the ROM read: (canonical value, negate) with ``(-1)^negate·value = ω_N^±e``."""
    n = 1 << max_log_size
    w = root_of_unity(n)
    if not inverse or e == 0:
        return pow(w, e, FR_MODULUS), False
    return pow(w, n // 2 - e, FR_MODULUS), True


class TwiddleROM(wiring.Component):
    """Twiddle ROM with one read port per butterfly unit; latency one clock.

    Members
    -------
    exponent : In(ArrayLayout(max_log_size - 1 or 1, ports))
        Per port, ``e < N/2``: the twiddle wanted is ``ω_N^e`` (``ω_N^-e`` when
        ``inverse``).
    inverse : In(1)
        Select ``ω_N^-e``.
    value : Out(ArrayLayout(256, ports))
        One clock later, per port, ``ω_N^e`` (or ``ω_N^(N/2-e)`` when negating), in
        Montgomery form.
    negate : Out(ArrayLayout(1, ports))
        One clock later, per port: the true twiddle is ``-value``.

    Attributes
    ----------
    depth : int
        ROM words (256 bits each, Montgomery form).
    """

    def __init__(self, max_log_size: int, ports: int, mont_r: int) -> None:
        self.max_log_size = max_log_size
        self.ports = ports
        self.exp_bits = max(max_log_size - 1, 1)
        self._init = rom_values(max_log_size, mont_r)
        self.depth = len(self._init)
        super().__init__(
            {
                "exponent": In(data.ArrayLayout(self.exp_bits, ports)),
                "inverse": In(1),
                "value": Out(data.ArrayLayout(ELEMENT_BITS, ports)),
                "negate": Out(data.ArrayLayout(1, ports)),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        half = 1 << (self.max_log_size - 1)
        m.submodules.rom = rom = memory.Memory(
            shape=ELEMENT_BITS, depth=len(self._init), init=self._init
        )
        for u in range(self.ports):
            port = rom.read_port()
            e = self.exponent[u]
            flip = self.inverse & (e != 0)
            index = Mux(flip, half - e, e)
            m.d.comb += [port.addr.eq(index), self.value[u].eq(port.data)]
            negate = Signal(name=f"negate{u}")
            m.d.sync += negate.eq(flip)
            m.d.comb += self.negate[u].eq(negate)
        return m
