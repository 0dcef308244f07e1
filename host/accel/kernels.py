"""The ``Kernels`` seam: every MSM and NTT of the prover goes through one of these.

Backends register a factory by name; ``kernels(name, **options)`` builds one.
All backends return bit-identical results (canonical ints, points as
:class:`~zkel.circuits.bn254.G1`/``G2``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from zkel.circuits.bn254 import G1, G2


class KernelsUnavailable(RuntimeError):
    """A known backend that cannot run here (no gateware simulation, no board)."""


@runtime_checkable
class Kernels(Protocol):
    """MSM over G1/G2 and NTT over Fr. Scalars and values are canonical ints (< r)."""

    name: str

    def msm_g1(self, points: Sequence[G1], scalars: Sequence[int]) -> G1:
        """``Σ scalars[i]·points[i]`` in G1."""
        ...

    def msm_g2(self, points: Sequence[G2], scalars: Sequence[int]) -> G2:
        """``Σ scalars[i]·points[i]`` in G2 (subgroup points)."""
        ...

    def ntt(self, values: Sequence[int]) -> list[int]:
        """Evaluations on ``⟨ω_n⟩`` of the coefficients ``values`` (n a power of two)."""
        ...

    def intt(self, values: Sequence[int]) -> list[int]:
        """Coefficients from evaluations on ``⟨ω_n⟩``."""
        ...

    def coset_ntt(self, values: Sequence[int], shift: int) -> list[int]:
        """Evaluations on ``shift·⟨ω_n⟩``."""
        ...

    def coset_intt(self, values: Sequence[int], shift: int) -> list[int]:
        """Coefficients from evaluations on ``shift·⟨ω_n⟩``."""
        ...


_BACKENDS: dict[str, Callable[..., Kernels]] = {}


def register_backend(name: str, factory: Callable[..., Kernels]) -> None:
    """Make ``kernels(name, **options)`` call ``factory(**options)``."""
    _BACKENDS[name] = factory


def backend_names() -> list[str]:
    return sorted(_BACKENDS)


def kernels(name: str = "cpu", **options: Any) -> Kernels:
    """The Kernels backend ``name`` (``cpu``, ``sim``, ``pynq``)."""
    try:
        factory = _BACKENDS[name]
    except KeyError:
        raise ValueError(
            f"unknown kernels backend {name!r}; known: {', '.join(backend_names())}"
        ) from None
    return factory(**options)
