"""BLAKE-512 (the SHA-3 finalist, not BLAKE2), as circomlibjs' ``blake-hash`` computes it.

Used only for EdDSA key derivation and nonces (circomlibjs hashes the private key
and the message with ``blake512``). 16 rounds of the G function on a 4×4 state of
64-bit words; big-endian words; padding ``1 0* 1`` then the 128-bit message length
in bits; the counter holds the message bits hashed so far (0 for a block of
padding only); no salt.
"""

from __future__ import annotations

import struct

MASK = (1 << 64) - 1
IV = (
    0x6A09E667F3BCC908,
    0xBB67AE8584CAA73B,
    0x3C6EF372FE94F82B,
    0xA54FF53A5F1D36F1,
    0x510E527FADE682D1,
    0x9B05688C2B3E6C1F,
    0x1F83D9ABFB41BD6B,
    0x5BE0CD19137E2179,
)
PI = (
    0x243F6A8885A308D3,
    0x13198A2E03707344,
    0xA4093822299F31D0,
    0x082EFA98EC4E6C89,
    0x452821E638D01377,
    0xBE5466CF34E90C6C,
    0xC0AC29B7C97C50DD,
    0x3F84D5B5B5470917,
    0x9216D5D98979FB1B,
    0xD1310BA698DFB5AC,
    0x2FFD72DBD01ADFB7,
    0xB8E1AFED6A267E96,
    0xBA7C9045F12C7F99,
    0x24A19947B3916CF7,
    0x0801F2E2858EFC16,
    0x636920D871574E69,
)
SIGMA = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)
ROUNDS = 16
STEPS = (
    (0, 4, 8, 12),
    (1, 5, 9, 13),
    (2, 6, 10, 14),
    (3, 7, 11, 15),
    (0, 5, 10, 15),
    (1, 6, 11, 12),
    (2, 7, 8, 13),
    (3, 4, 9, 14),
)


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (64 - n))) & MASK


def _compress(h: list[int], block: bytes, counter: int) -> list[int]:
    m = struct.unpack(">16Q", block)
    t0, t1 = counter & MASK, counter >> 64
    v = list(h) + [PI[0], PI[1], PI[2], PI[3], t0 ^ PI[4], t0 ^ PI[5], t1 ^ PI[6], t1 ^ PI[7]]
    for r in range(ROUNDS):
        s = SIGMA[r % 10]
        for i, (a, b, c, d) in enumerate(STEPS):
            x, y = s[2 * i], s[2 * i + 1]
            v[a] = (v[a] + v[b] + (m[x] ^ PI[y])) & MASK
            v[d] = _rotr(v[d] ^ v[a], 32)
            v[c] = (v[c] + v[d]) & MASK
            v[b] = _rotr(v[b] ^ v[c], 25)
            v[a] = (v[a] + v[b] + (m[y] ^ PI[x])) & MASK
            v[d] = _rotr(v[d] ^ v[a], 16)
            v[c] = (v[c] + v[d]) & MASK
            v[b] = _rotr(v[b] ^ v[c], 11)
    return [h[i] ^ v[i] ^ v[i + 8] for i in range(8)]


def blake512(data: bytes) -> bytes:
    """The 64-byte BLAKE-512 digest of ``data``."""
    data = bytes(data)
    bits = 8 * len(data)
    padded = bytearray(data)
    padded.append(0x80)
    while len(padded) % 128 != 112:
        padded.append(0)
    padded[-1] |= 0x01
    padded += bits.to_bytes(16, "big")
    h = list(IV)
    n_blocks = len(padded) // 128
    for i in range(n_blocks):
        # message bits hashed up to this block; 0 for a block of padding only
        counter = 0 if 1024 * i >= bits else min(bits, 1024 * (i + 1))
        h = _compress(h, bytes(padded[128 * i : 128 * i + 128]), counter)
    return struct.pack(">8Q", *h)
