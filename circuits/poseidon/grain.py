"""Poseidon's parameters, generated as the reference script does (Grain LFSR).

circomlib's Poseidon (BN254 Fr, x^5 S-box, 8 full rounds, partial rounds per width
below) uses the round constants and MDS matrices of the Poseidon authors'
``generate_parameters_grain.sage`` with arguments ``1 0 254 t 8 R_P r``: an 80-bit
Grain LFSR seeded with the field type (1: prime), S-box type (0: x^α), field size
(254 bits), width t, R_F and R_P, then 30 ones; 160 warm-up clocks; bits taken by
self-shrinking (a 1 selects the following bit). Round constants are 254-bit draws
rejected when ≥ r; the MDS matrix is the Cauchy matrix ``1/(x_i + y_j)`` of 2t
further draws reduced mod r. They are generated on first use
of a width (0.1 s for t = 3) and cached; the test suite compares them with
circomlibjs' tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from zkel.circuits.bn254.fields import R

N_ROUNDS_F = 8
N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68]
"""Partial rounds for widths t = 2..17 (1 to 16 inputs), as circomlib."""

FIELD_BITS = 254


def _grain_bits(t: int, r_f: int, r_p: int) -> Iterator[int]:
    seed = (
        format(1, "02b")
        + format(0, "04b")
        + format(FIELD_BITS, "012b")
        + format(t, "012b")
        + format(r_f, "010b")
        + format(r_p, "010b")
    )
    state = [int(b) for b in seed] + [1] * 30

    def clock() -> int:
        bit = state[62] ^ state[51] ^ state[38] ^ state[23] ^ state[13] ^ state[0]
        state.pop(0)
        state.append(bit)
        return bit

    for _ in range(160):
        clock()
    while True:
        select = clock()
        while select == 0:
            clock()
            select = clock()
        yield clock()


def _draw(bits: Iterator[int]) -> Callable[[], int]:
    def draw() -> int:
        value = 0
        for _ in range(FIELD_BITS):
            value = (value << 1) | next(bits)
        return value

    return draw


@cache
def generate(t: int) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """Round constants ``C`` ((R_F + R_P)·t of them) and the t×t MDS matrix ``M`` for width t."""
    if not 2 <= t <= len(N_ROUNDS_P) + 1:
        raise ValueError(f"Poseidon width must be 2..{len(N_ROUNDS_P) + 1}, not {t}")
    r_p = N_ROUNDS_P[t - 2]
    draw = _draw(_grain_bits(t, N_ROUNDS_F, r_p))
    constants = []
    for _ in range((N_ROUNDS_F + r_p) * t):
        value = draw()
        while value >= R:
            value = draw()
        constants.append(value)
    xy = [draw() % R for _ in range(2 * t)]
    xs, ys = xy[:t], xy[t:]
    mds = tuple(tuple(pow((xs[i] + ys[j]) % R, -1, R) for j in range(t)) for i in range(t))
    return tuple(constants), mds
