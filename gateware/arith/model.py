"""Python models of the modular arithmetic blocks (plain integers).

Two levels, both used by the tests of :mod:`zkel.gateware.arith`:

* the mathematical functions: :func:`mont_mul` (``a·b·R^-1 mod p`` with
  ``R = 2**r_bits``), :func:`to_mont`, :func:`from_mont`, :func:`mod_add`,
  :func:`mod_sub`;
* the multiplier's algorithm at digit level (:func:`mont_mul_digits`), the exact
  sequence of redundant digit vectors the gateware registers, so the bounds the
  hardware widths rely on (digits below ``2**(limb_bits + DIGIT_EXTRA_BITS)``,
  the unreduced result below ``2p``) are tested in Python on many inputs.

Forms: a value "in Montgomery form" is ``x·R mod p``; canonical is ``x`` itself.
:func:`mont_mul` of two Montgomery-form values is the Montgomery form of their
product; of one Montgomery-form and one canonical value it is the canonical product.
"""

from __future__ import annotations

from dataclasses import dataclass

DIGIT_EXTRA_BITS = 3
"""Bits above ``limb_bits`` in each redundant accumulator digit (see :func:`row_step`)."""


def mont_mul(a: int, b: int, p: int, r_bits: int) -> int:
    """``a·b·2^-r_bits mod p`` (canonical result < p); ``p`` odd."""
    return a * b * pow(1 << r_bits, -1, p) % p


def to_mont(x: int, p: int, r_bits: int) -> int:
    """Montgomery form ``x·2^r_bits mod p`` of a canonical ``x``."""
    return (x << r_bits) % p


def from_mont(x_mont: int, p: int, r_bits: int) -> int:
    """Canonical value of a Montgomery-form ``x_mont`` (``x_mont·2^-r_bits mod p``)."""
    return mont_mul(x_mont, 1, p, r_bits)


def mod_add(a: int, b: int, p: int) -> int:
    """``a + b mod p`` for ``a, b < p``."""
    return (a + b) % p


def mod_sub(a: int, b: int, p: int) -> int:
    """``a - b mod p`` for ``a, b < p``."""
    return (a - b) % p


def n_limbs(p: int, limb_bits: int) -> int:
    """Limbs of ``limb_bits`` bits the multiplier splits an operand < p into."""
    return -(-p.bit_length() // limb_bits)


def limbs_le(x: int, limb_bits: int, count: int) -> list[int]:
    """``x`` as ``count`` limbs of ``limb_bits`` bits, least significant first."""
    mask = (1 << limb_bits) - 1
    return [(x >> (limb_bits * i)) & mask for i in range(count)]


def neg_inverse(p: int, limb_bits: int) -> int:
    """``-p^-1 mod 2^limb_bits``: the per-row quotient factor of word-serial Montgomery."""
    return -pow(p, -1, 1 << limb_bits) % (1 << limb_bits)


def row_step(
    digits: list[int], q: int, a_limb: int, b_limbs: list[int], p_limbs: list[int], w: int
) -> list[int]:
    """One row of the multiplier: ``(T + q·p) / 2^w + a_limb·b`` on redundant digits.

    ``digits`` are ``n + 1`` values of ``w + 3`` bits, weight ``2^(w·j)``; each
    limb product ``x·y`` (``2w`` bits) splits into ``lo`` (weight of its column)
    and ``hi`` (next column). The division by ``2^w`` is exact because ``q`` makes
    ``T + q·p`` divisible by it: digit 0 plus ``lo(q·p_0)`` is either 0 or exactly
    ``2^w``, so its carry into the shifted digit 0 is ``digit0[:w] != 0``. Each new
    digit is at most five ``w``-bit terms plus a 3-bit carry, below ``2^(w + 3)``.
    This is the integer mirror of :func:`zkel.gateware.arith.rows.accumulate`.
    """
    n = len(b_limbs)
    mask = (1 << w) - 1
    qp = [q * pj for pj in p_limbs]
    ab = [a_limb * bj for bj in b_limbs]
    out = []
    for j in range(n + 1):
        terms = [digits[j] >> w]  # carry of digit j, one column up, shifted down
        if j < n:
            terms += [digits[j + 1] & mask]
        if j + 1 < n:
            terms += [qp[j + 1] & mask]
        if j < n:
            terms += [qp[j] >> w, ab[j] & mask]
        if j > 0:
            terms += [ab[j - 1] >> w]
        if j == 0:
            terms += [int(digits[0] & mask != 0)]
        out.append(sum(terms))
    return out


@dataclass(frozen=True)
class DigitTrace:
    """What :func:`mont_mul_digits` saw: the unreduced result and the widest digit."""

    unreduced: int
    """``(a·b + Q·p) / R``, below ``2p`` for ``a, b < p``."""
    max_digit_bits: int
    """Bit length of the largest redundant digit of any row."""
    result: int
    """The fully reduced product, ``unreduced - p`` if ``unreduced >= p``."""


def mont_mul_digits(a: int, b: int, p: int, limb_bits: int) -> DigitTrace:
    """Word-serial Montgomery multiplication exactly as the gateware does it.

    ``n = n_limbs(p, limb_bits)`` rows plus a final reduction row; ``R = 2^(n·w)``.
    Row ``r`` adds ``a_r·b`` to the shifted, reduced accumulator; then
    ``q_r = digit0 · (-p^-1) mod 2^w``. The final row adds ``q_{n-1}·p`` only.
    """
    w = limb_bits
    n = n_limbs(p, w)
    a_l, b_l, p_l = limbs_le(a, w, n), limbs_le(b, w, n), limbs_le(p, w, n)
    p_inv = neg_inverse(p, w)
    digits, q, widest = [0] * (n + 1), 0, 0
    for r in range(n + 1):
        a_r = a_l[r] if r < n else 0
        digits = row_step(digits, q, a_r, b_l, p_l, w)
        widest = max(widest, *(d.bit_length() for d in digits))
        q = (digits[0] & ((1 << w) - 1)) * p_inv & ((1 << w) - 1)
    x = sum(d << (w * j) for j, d in enumerate(digits))
    return DigitTrace(x, widest, x - p if x >= p else x)


def wide_partial(digits: list[int], a_digit: int, b_limbs: list[int], d: int, w: int) -> list[int]:
    """``P = T / 2^d + a_digit·b`` with the exact division's carry: the part of a
    :func:`wide_row_step` that needs no quotient (what the gateware registers beside
    the quotient; :func:`zkel.gateware.arith.montmul_wide.partial_sum`).

    The low ``d`` bits of digit ``k + 1`` go to the top of digit ``k`` (offset
    ``w - d``), the rest of digit ``k`` stays at offset 0; ``a_digit·b_k`` splits at
    bit ``w`` between digits ``k`` and ``k + 1``; digit 0 gains ``digit0 mod 2^d != 0``
    (its low bits plus those of ``q·p_0`` are 0 or ``2^d``).
    """
    nb = len(b_limbs)
    dmask, wmask = (1 << d) - 1, (1 << w) - 1
    ab = [a_digit * bj for bj in b_limbs]
    out = []
    for k in range(nb + 1):
        low = [digits[k] >> d] + ([ab[k] & wmask] if k < nb else [])
        low += [ab[k - 1] >> w] if k > 0 else [int(digits[0] & dmask != 0)]
        high = (digits[k + 1] & dmask) if k < nb else 0
        out.append(sum(low) + (high << (w - d)))
    return out


def wide_quotient_sum(partial: list[int], q: int, p_limbs: list[int], d: int, w: int) -> list[int]:
    """``P + q·p / 2^d`` less the low ``d`` bits already in P's carry
    (:func:`zkel.gateware.arith.montmul_wide.quotient_sum`): the high ``w`` bits of
    ``q·p_k`` at offset 0 of digit ``k``, the low ``d`` bits of ``q·p_{k+1}`` at offset
    ``w - d``."""
    nb = len(p_limbs)
    dmask = (1 << d) - 1
    qp = [q * pj for pj in p_limbs] + [0, 0]
    return [partial[k] + (qp[k] >> d) + ((qp[k + 1] & dmask) << (w - d)) for k in range(nb + 1)]


def wide_row_step(
    digits: list[int], q: int, a_digit: int, b_limbs: list[int], p_limbs: list[int], d: int, w: int
) -> list[int]:
    """One row with asymmetric limbs: ``(T + q·p) / 2^d + a_digit·b`` on ``w``-bit digits,
    :func:`wide_quotient_sum` of :func:`wide_partial`.

    ``T`` is ``nb + 1`` redundant digits of ``w + 3`` bits, digit ``k`` weighing
    ``2^(w·k)``; ``b`` and ``p`` are ``nb`` limbs of ``w`` bits; ``q`` and ``a_digit``
    have ``d <= w`` bits, so each product is ``d + w`` bits. Each new digit is at most
    four ``w``-bit terms, a ``d``-bit one, ``digit >> d`` and the carry: below
    ``2^(w + 3)`` (and the partial sum, a subset of the terms, too).
    """
    return wide_quotient_sum(wide_partial(digits, a_digit, b_limbs, d, w), q, p_limbs, d, w)


def mont_mul_wide_digits(a: int, b: int, p: int, digit_bits: int, limb_bits: int) -> DigitTrace:
    """Montgomery multiplication with asymmetric limbs, exactly as
    :class:`zkel.gateware.arith.montmul_wide.MontMulWide` does it.

    ``a`` is scanned in ``na = n_limbs(p, digit_bits)`` digits of ``d = digit_bits``
    bits, least significant first; ``b``, ``p`` and the accumulator are in
    ``nb = n_limbs(p, limb_bits)`` limbs of ``w = limb_bits`` bits. ``R = 2^(d·na)``.
    Row ``r < na`` adds ``a_r·b`` to the shifted, reduced accumulator
    (:func:`wide_row_step`); then ``q_r = digit0 · (-p^-1) mod 2^d``. The final row
    adds ``q_{na-1}·p`` only.
    """
    d, w = digit_bits, limb_bits
    na, nb = n_limbs(p, d), n_limbs(p, w)
    a_d, b_l, p_l = limbs_le(a, d, na), limbs_le(b, w, nb), limbs_le(p, w, nb)
    p_inv = neg_inverse(p, d)
    digits, q, widest = [0] * (nb + 1), 0, 0
    for r in range(na + 1):
        a_r = a_d[r] if r < na else 0
        digits = wide_row_step(digits, q, a_r, b_l, p_l, d, w)
        widest = max(widest, *(x.bit_length() for x in digits))
        q = (digits[0] & ((1 << d) - 1)) * p_inv & ((1 << d) - 1)
    x = sum(v << (w * k) for k, v in enumerate(digits))
    return DigitTrace(x, widest, x - p if x >= p else x)
