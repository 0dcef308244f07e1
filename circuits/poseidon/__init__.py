"""Poseidon over BN254's Fr with circomlib's parameters: ``poseidon([1, 2]) -> int``."""

from zkel.circuits.poseidon.permutation import MAX_INPUTS, permute, poseidon, poseidon_ex

__all__ = ["MAX_INPUTS", "permute", "poseidon", "poseidon_ex"]
