"""Where each element of an NTT lives in the engine's banked memory, and who reads it.

``n`` elements, ``P = 2^p`` butterfly units. Element ``i`` sits in word
``w = i >> p``, lane ``i & (P-1)``; word ``w`` is in bank ``parity(w)`` (XOR of its
bits) at address ``w >> 1``. Each lane of each of the two banks is its own
memory, one element wide.

A pass with pattern ``s`` (``h = 2^s``) pairs element ``i`` with ``i + h`` (``i``
having bit ``s`` clear): the radix-2 stage ``s`` of a decimation-in-time NTT.

* ``s >= p``: words ``wa`` (bit ``s-p`` clear) and ``wb = wa + h/P`` pair lane by
  lane, P butterflies.
* ``s < p``: words ``wa = 2m`` and ``wb = 2m+1``; each holds P/2 pairs
  ``(l, l+h)``, again P butterflies.

Either way ``wa`` and ``wb`` differ in one bit, so they are in different banks:
each clock reads one word from each bank and writes one word to each, which
simple dual-port block RAMs do. The functions here build that addressing in
Amaranth and, for tests, model it in Python.
"""

from __future__ import annotations

from amaranth.hdl import Cat, Value


def insert_zero(value: Value, bit: Value, width: int) -> Value:
    """``value`` with a 0 bit inserted at position ``bit`` (``width``-bit result)."""
    low_mask = Cat(*(bit > i for i in range(width)))
    low = value & low_mask
    high = (value >> bit) << (bit + 1)
    return (high | low)[:width]


def bit_reverse(value: Value, width: int) -> Value:
    """The ``width`` low bits of ``value`` in reverse order."""
    return Cat(*(value[width - 1 - i] for i in range(width)))


def parity(value: Value) -> Value:
    """XOR of all bits (the bank of a word)."""
    return value.xor()


def unit_lanes(units: int, s: int) -> list[tuple[int, int, int]]:
    """For a pattern ``s < log2(units)``: per unit, ``(word, lane_a, lane_b)``.

    ``word`` is 0 for ``wa`` and 1 for ``wb``; the unit's pair is lanes
    ``(lane_a, lane_b = lane_a + 2^s)`` of that word.
    """
    half, h = units // 2, 1 << s
    out = []
    for u in range(units):
        q = u % half
        lane = ((q >> s) << (s + 1)) | (q & (h - 1))
        out.append((u // half, lane, lane + h))
    return out


def model_pass_pairs(n: int, units: int, s: int) -> list[list[tuple[int, int]]]:
    """Python model: per issue slot ``m``, the element pairs ``(i, i+h)`` per unit."""
    p = units.bit_length() - 1
    h = 1 << s
    slots = []
    for m in range(n // (2 * units)):
        if s >= p:
            b = s - p
            wa = ((m >> b) << (b + 1)) | (m & ((1 << b) - 1))
            wb = wa | (1 << b)
            slots.append([(wa * units + u, wb * units + u) for u in range(units)])
        else:
            words = (2 * m, 2 * m + 1)
            slots.append(
                [
                    (words[w] * units + la, words[w] * units + lb)
                    for w, la, lb in unit_lanes(units, s)
                ]
            )
        assert all(j - i == h for i, j in slots[-1])
    return slots
