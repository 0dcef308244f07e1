"""Poseidon over BN254's Fr with circomlib's parameters: ``poseidon([1, 2]) -> int``.

Modules: :mod:`.grain` (the parameter generator), :mod:`.generate` (writes
:mod:`.tables`, the generated constants), :mod:`.parameters` (plain round
structure per width), :mod:`.optimized` (folded constants and sparse matrices),
:mod:`.permutation` (the native permutation and hashes). All values are canonical
ints in [0, r).
"""

from zkel.circuits.poseidon.grain import N_ROUNDS_F, N_ROUNDS_P
from zkel.circuits.poseidon.optimized import OptimizedParameters, optimized_parameters
from zkel.circuits.poseidon.parameters import PoseidonParameters, parameters
from zkel.circuits.poseidon.permutation import (
    MAX_INPUTS,
    permute,
    permute_reference,
    poseidon,
    poseidon_ex,
)

__all__ = [
    "MAX_INPUTS",
    "N_ROUNDS_F",
    "N_ROUNDS_P",
    "OptimizedParameters",
    "PoseidonParameters",
    "optimized_parameters",
    "parameters",
    "permute",
    "permute_reference",
    "poseidon",
    "poseidon_ex",
]
