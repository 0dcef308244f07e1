"""Poseidon's round structure for each width, as a circuit gadget needs it.

circomlib's Poseidon over BN254's Fr: width ``t = n + 1`` for ``n`` = 1..16 inputs,
S-box ``x^5``, ``R_F = 8`` full rounds (4 before and 4 after the partial rounds),
``R_P = N_ROUNDS_P[t - 2]`` partial rounds (S-box on ``state[0]`` only). Each round
is: add the round constants, apply the S-boxes, multiply by the MDS matrix.

:func:`parameters` returns the plain form from the generated
:mod:`zkel.circuits.poseidon.tables`; :func:`zkel.circuits.poseidon.optimized_parameters`
derives the optimized form (folded constants, sparse partial-round matrices)
from it. Both hold canonical ints in [0, r); neither is in Montgomery form.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from zkel.circuits.poseidon.grain import N_ROUNDS_F, N_ROUNDS_P

MIN_WIDTH = 2
MAX_WIDTH = len(N_ROUNDS_P) + 1
"""Widths 2..17, i.e. 1..16 inputs."""


@dataclass(frozen=True)
class PoseidonParameters:
    """The plain round structure of width ``t`` (canonical ints in [0, r)).

    Attributes
    ----------
    t : int
        State width, 2..17 (inputs + 1; ``state[0]`` is the capacity element).
    n_rounds_f : int
        Full rounds, 8: rounds ``0..3`` and ``R_F/2 + R_P ..`` apply t S-boxes.
    n_rounds_p : int
        Partial rounds, rounds ``4 .. 4 + R_P - 1``: one S-box, on ``state[0]``.
    round_constants : tuple of tuple of int
        ``round_constants[r][i]`` is added to ``state[i]`` at the start of round r.
    mds : tuple of tuple of int
        The t×t MDS matrix, row-major: ``state'[i] = Σ_j mds[i][j]·state[j]``.
    """

    t: int
    n_rounds_f: int
    n_rounds_p: int
    round_constants: tuple[tuple[int, ...], ...]
    mds: tuple[tuple[int, ...], ...]

    @property
    def n_rounds(self) -> int:
        """``R_F + R_P``."""
        return self.n_rounds_f + self.n_rounds_p

    def is_full_round(self, r: int) -> bool:
        """Whether round ``r`` (0-based) applies the S-box to every element."""
        half = self.n_rounds_f // 2
        return r < half or r >= half + self.n_rounds_p


def check_width(t: int) -> None:
    """Raise ValueError unless ``t`` is a supported width (2..17)."""
    if isinstance(t, bool) or not isinstance(t, int) or not MIN_WIDTH <= t <= MAX_WIDTH:
        raise ValueError(f"Poseidon width must be {MIN_WIDTH}..{MAX_WIDTH}, not {t!r}")


@cache
def parameters(t: int) -> PoseidonParameters:
    """The plain parameters of width ``t`` (2..17), from the generated tables.

    Raises
    ------
    ValueError
        When ``t`` is outside 2..17.
    """
    check_width(t)
    from zkel.circuits.poseidon import tables  # large data module: loaded on first use

    flat = tables.ROUND_CONSTANTS[t]
    r_p = N_ROUNDS_P[t - 2]
    rounds = tuple(flat[r * t : (r + 1) * t] for r in range(N_ROUNDS_F + r_p))
    return PoseidonParameters(t, N_ROUNDS_F, r_p, rounds, tables.MDS[t])
