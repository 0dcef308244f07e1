"""SHA-256 (FIPS 180-4) in R1CS over bits, for the batch's public-data commitment.

Bits are linear combinations constrained to 0/1 (or constants, which cost
nothing: the padding, the initial hash value and the round constants fold into
the linear combinations). A 32-bit word is a list of 32 bits, **least significant
first**; the message is a list of bits in SHA-256's order (each byte most
significant bit first). Costs per 64-byte block, all inputs variable: about
26,000 constraints (XOR of two variable bits 1, of three 2; Ch 1 per bit, Maj
2; each modular addition one decomposition of the sum into 32 + carry bits).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from zkel.circuits.gadgets.bits import to_bits
from zkel.circuits.r1cs import LC, ConstraintSystem

Word = list[LC]

_K = [
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
    0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
    0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
    0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
    0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
    0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
]  # fmt: skip
_H0 = [
    0x6A09E667,
    0xBB67AE85,
    0x3C6EF372,
    0xA54FF53A,
    0x510E527F,
    0x9B05688C,
    0x1F83D9AB,
    0x5BE0CD19,
]


def _const_word(cs: ConstraintSystem, value: int) -> Word:
    return [cs.constant((value >> i) & 1) for i in range(32)]


def _xor(cs: ConstraintSystem, a: LC, b: LC, name: str) -> LC:
    if a.is_constant():
        return b if a.constant_value() == 0 else 1 - b
    if b.is_constant():
        return a if b.constant_value() == 0 else 1 - a
    return a + b - cs.mul(a, b, name) * 2


def _rotr(w: Word, n: int) -> Word:
    return [w[(i + n) % 32] for i in range(32)]


def _shr(cs: ConstraintSystem, w: Word, n: int) -> Word:
    return [w[i + n] if i + n < 32 else cs.constant(0) for i in range(32)]


def _xor3(cs: ConstraintSystem, a: Word, b: Word, c: Word, name: str) -> Word:
    return [
        _xor(cs, _xor(cs, x, y, f"{name}.{i}a"), z, f"{name}.{i}b")
        for i, (x, y, z) in enumerate(zip(a, b, c, strict=True))
    ]


def _add(cs: ConstraintSystem, words: Sequence[Word], name: str) -> Word:
    """Sum of words mod 2^32: one decomposition of the exact sum (32 + carry bits)."""
    total = cs.constant(0)
    bound = 0  # the largest value the exact sum can take
    for w in words:
        for i, b in enumerate(w):
            total = total + b * (1 << i)
        if all(b.is_constant() for b in w):
            bound += sum(b.constant_value() << i for i, b in enumerate(w))
        else:
            bound += (1 << 32) - 1
    if total.is_constant():
        v = total.constant_value() % (1 << 32)
        return _const_word(cs, v)
    return to_bits(cs, total, max(bound.bit_length(), 32), name)[:32]


def _ch(cs: ConstraintSystem, e: Word, f: Word, g: Word, name: str) -> Word:
    out = []
    for i, (x, y, z) in enumerate(zip(e, f, g, strict=True)):
        out.append(z + cs.mul(x, y - z, f"{name}.{i}"))  # (x ∧ y) ⊕ (¬x ∧ z)
    return out


def _maj(cs: ConstraintSystem, a: Word, b: Word, c: Word, name: str) -> Word:
    out = []
    for i, (x, y, z) in enumerate(zip(a, b, c, strict=True)):
        yz = cs.mul(y, z, f"{name}.{i}yz")
        out.append(yz + cs.mul(x, y + z - yz * 2, f"{name}.{i}x"))
    return out


def compress(
    cs: ConstraintSystem, state: Sequence[Word], block: Sequence[LC], name: str
) -> list[Word]:
    """One SHA-256 compression of ``block`` (512 bits, message order) into ``state``."""
    w: list[Word] = []
    for t in range(16):
        bits = block[32 * t : 32 * t + 32]
        w.append(list(reversed(bits)))  # message bits are MSB first; words LSB first
    with cs.scope(name):
        for t in range(16, 64):
            s0 = _xor3(
                cs, _rotr(w[t - 15], 7), _rotr(w[t - 15], 18), _shr(cs, w[t - 15], 3), f"s0.{t}"
            )
            s1 = _xor3(
                cs, _rotr(w[t - 2], 17), _rotr(w[t - 2], 19), _shr(cs, w[t - 2], 10), f"s1.{t}"
            )
            w.append(_add(cs, [s1, w[t - 7], s0, w[t - 16]], f"w{t}"))
        a, b, c, d, e, f, g, h = (list(x) for x in state)
        for t in range(64):
            big_s1 = _xor3(cs, _rotr(e, 6), _rotr(e, 11), _rotr(e, 25), f"S1.{t}")
            ch = _ch(cs, e, f, g, f"ch.{t}")
            big_s0 = _xor3(cs, _rotr(a, 2), _rotr(a, 13), _rotr(a, 22), f"S0.{t}")
            maj = _maj(cs, a, b, c, f"maj.{t}")
            k = _const_word(cs, _K[t])
            new_e = _add(cs, [d, h, big_s1, ch, k, w[t]], f"e.{t}")
            new_a = _add(cs, [h, big_s1, ch, k, w[t], big_s0, maj], f"a.{t}")
            a, b, c, d, e, f, g, h = new_a, a, b, c, new_e, e, f, g
        return [
            _add(cs, [old, new], f"h{i}")
            for i, (old, new) in enumerate(zip(state, (a, b, c, d, e, f, g, h), strict=True))
        ]


def pad(cs: ConstraintSystem, message: Sequence[LC]) -> list[LC]:
    """The message bits followed by SHA-256's padding (constants) to a multiple of 512."""
    n = len(message)
    if n % 8:
        raise ValueError("SHA-256 gadget takes whole bytes")
    k = (447 - n) % 512
    tail = [1] + [0] * k + [(n >> (63 - i)) & 1 for i in range(64)]
    return [*message, *(cs.constant(b) for b in tail)]


def sha256(cs: ConstraintSystem, message: Sequence[LC], name: str = "sha256") -> list[LC]:
    """The 256 digest bits of ``message`` (message order: byte 0 first, MSB first)."""
    bits = pad(cs, message)
    state = [_const_word(cs, v) for v in _H0]
    with cs.scope(name):
        for i in range(0, len(bits), 512):
            state = compress(cs, state, bits[i : i + 512], f"block{i // 512}")
    return [b for word in state for b in reversed(word)]


def bytes_to_bits(data: bytes) -> list[int]:
    """Bits of ``data`` in SHA-256's message order (for tests and witnesses)."""
    return [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]


def reference(data: bytes) -> list[int]:
    """``hashlib``'s digest of ``data`` as bits in the gadget's output order."""
    return bytes_to_bits(hashlib.sha256(data).digest())
