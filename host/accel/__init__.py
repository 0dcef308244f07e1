"""Kernels backends for the prover: ``from zkel.host.accel import kernels``.

``kernels("cpu")`` is the pure-Python backend. ``kernels("sim")`` (the gateware in
simulation) and ``kernels("pynq")`` (a board) arrive with the gateware and driver
work; until then they raise :class:`KernelsUnavailable` with a clear message.
"""

from __future__ import annotations

from typing import Any

from zkel.host.accel.cpu import CpuKernels
from zkel.host.accel.kernels import (
    Kernels,
    KernelsUnavailable,
    backend_names,
    kernels,
    register_backend,
)


def _not_yet(name: str, what: str) -> Any:
    def factory(**_options: Any) -> Kernels:
        raise KernelsUnavailable(
            f"the {name!r} backend ({what}) is not available yet: it arrives with the "
            "gateware and PYNQ driver work; use --backend cpu"
        )

    return factory


register_backend("cpu", CpuKernels)
register_backend("sim", _not_yet("sim", "gateware MSM/NTT engines in RTL simulation"))
register_backend("pynq", _not_yet("pynq", "MSM/NTT engines on a Zynq board through PYNQ"))

__all__ = [
    "CpuKernels",
    "Kernels",
    "KernelsUnavailable",
    "backend_names",
    "kernels",
    "register_backend",
]
