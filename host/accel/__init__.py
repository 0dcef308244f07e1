"""Kernels backends for the prover: ``from zkel.host.accel import kernels``.

``kernels("cpu")`` is the pure-Python backend, ``kernels("sim", config="tiny")`` the
gateware's RTL in simulation (:mod:`zkel.host.accel.sim`) and
``kernels("pynq", bitstream=PATH)`` a board (:mod:`zkel.host.accel.pynq`); the last two
share one driver (:mod:`zkel.host.driver`) and are imported only when asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

from zkel.host.accel.cpu import CpuKernels
from zkel.host.accel.kernels import (
    Kernels,
    KernelsUnavailable,
    backend_names,
    kernels,
    register_backend,
)


def _backend(module: str) -> Any:
    """``zkel.host.accel.<module>``, imported on first use (it pulls in Amaranth or PYNQ)."""
    return importlib.import_module(f"zkel.host.accel.{module}")


register_backend("cpu", CpuKernels)
register_backend("sim", lambda **options: _backend("sim").sim_kernels(**options))
register_backend("pynq", lambda **options: _backend("pynq").pynq_kernels(**options))

__all__ = [
    "CpuKernels",
    "Kernels",
    "KernelsUnavailable",
    "backend_names",
    "kernels",
    "register_backend",
]
