"""The CPU backend: pure Python (gmpy2 when installed), bit-identical to the others."""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits import msm, ntt
from zkel.circuits.bn254 import G1, G2


class CpuKernels:
    """MSM by Pippenger with batched affine additions; NTT by vectorised radix-2.

    ``use_gmpy2``: None picks gmpy2 when importable; False forces plain ints.
    """

    name = "cpu"

    def __init__(self, use_gmpy2: bool | None = None) -> None:
        self.use_gmpy2 = use_gmpy2

    def msm_g1(self, points: Sequence[G1], scalars: Sequence[int]) -> G1:
        return msm.msm_g1(points, scalars, use_gmpy2=self.use_gmpy2)

    def msm_g2(self, points: Sequence[G2], scalars: Sequence[int]) -> G2:
        return msm.msm_g2(points, scalars, use_gmpy2=self.use_gmpy2)

    def ntt(self, values: Sequence[int]) -> list[int]:
        return ntt.ntt(values)

    def intt(self, values: Sequence[int]) -> list[int]:
        return ntt.intt(values)

    def coset_ntt(self, values: Sequence[int], shift: int) -> list[int]:
        return ntt.coset_ntt(values, shift)

    def coset_intt(self, values: Sequence[int], shift: int) -> list[int]:
        return ntt.coset_intt(values, shift)
