"""Kernels backends over the driver, and the CPU fallback that takes over on a device failure.

:class:`AcceleratorKernels` gives the prover's :class:`~zkel.host.accel.kernels.Kernels`
calls to an :class:`~zkel.host.driver.driver.Accelerator` (built on first use, so
naming a backend costs nothing until it works): NTTs always, G1 MSMs when the
core has an MSM engine, G2 MSMs never (the gateware has no G2 engine). What goes
to the CPU backend instead is said once, on standard error.

:class:`FallbackKernels` wraps a device backend: the first
:class:`~zkel.host.driver.errors.DriverError` (or a device that cannot be
opened) prints one warning line and every call from then on, that one included,
runs on the fallback backend, so a proof still comes out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from zkel.circuits.bn254 import G1, G2
from zkel.host.accel.cpu import CpuKernels
from zkel.host.accel.kernels import Kernels, KernelsUnavailable
from zkel.host.driver.driver import Accelerator
from zkel.host.driver.errors import DriverError

Say = Callable[[str], None]


def say_on_stderr(message: str) -> None:
    """Print ``zkel: message`` on standard error."""
    print(f"zkel: {message}", file=sys.stderr)


class AcceleratorKernels:
    """Kernels on an accelerator; ``open_accelerator()`` builds it at the first call.

    ``name`` is the backend's name (``"sim"``, ``"pynq"``); ``cpu`` runs what the
    core cannot (G2 MSMs, G1 MSMs on a core without an MSM engine), and G1 MSMs
    too when ``msm_on_cpu`` is set (a simulated MSM engine runs ~100 clocks/s).
    """

    def __init__(
        self,
        name: str,
        open_accelerator: Callable[[], Accelerator],
        *,
        cpu: Kernels | None = None,
        msm_on_cpu: bool = False,
        say: Say = say_on_stderr,
    ) -> None:
        self.name = name
        self.msm_on_cpu = msm_on_cpu
        self._open = open_accelerator
        self._accel: Accelerator | None = None
        self.cpu = cpu or CpuKernels()
        self._say = say
        self._said: set[str] = set()

    @property
    def accelerator(self) -> Accelerator:
        """The driver (opened now if it was not yet)."""
        if self._accel is None:
            self._accel = self._open()
        return self._accel

    def _note_once(self, key: str, message: str) -> None:
        if key not in self._said:
            self._said.add(key)
            self._say(f"{self.name} backend: {message}")

    def msm_g1(self, points: Sequence[G1], scalars: Sequence[int]) -> G1:
        if self.msm_on_cpu:
            self._note_once("g1", "G1 MSMs run on the CPU backend as asked")
            return self.cpu.msm_g1(points, scalars)
        if not self.accelerator.info.msm_present:
            self._note_once("g1", "the core has no MSM engine; G1 MSMs run on the CPU backend")
            return self.cpu.msm_g1(points, scalars)
        return self.accelerator.msm_g1(points, scalars)

    def msm_g2(self, points: Sequence[G2], scalars: Sequence[int]) -> G2:
        self._note_once("g2", "G2 MSMs run on the CPU backend (the gateware has no G2 engine)")
        return self.cpu.msm_g2(points, scalars)

    def ntt(self, values: Sequence[int]) -> list[int]:
        return self.accelerator.ntt(values)

    def intt(self, values: Sequence[int]) -> list[int]:
        return self.accelerator.intt(values)

    def coset_ntt(self, values: Sequence[int], shift: int) -> list[int]:
        return self.accelerator.coset_ntt(values, shift)

    def coset_intt(self, values: Sequence[int], shift: int) -> list[int]:
        return self.accelerator.coset_intt(values, shift)


class FallbackKernels:
    """``primary`` until it fails, then ``fallback`` for good (one warning line when it switches).

    ``primary`` is a Kernels or a function making one (a device that cannot be
    opened counts as a failure too).
    """

    def __init__(
        self,
        name: str,
        primary: Kernels | Callable[[], Kernels],
        fallback: Kernels,
        *,
        say: Say = say_on_stderr,
    ) -> None:
        self.primary_name = name
        self._primary = primary
        self.fallback = fallback
        self._say = say
        self.failed: str | None = None

    @property
    def name(self) -> str:
        """``primary+fallback`` while the device works, the fallback's name once it failed."""
        return self.fallback.name if self.failed else f"{self.primary_name}+{self.fallback.name}"

    def _call(self, method: str, *args: Any) -> Any:
        if self.failed is None:
            try:
                if not isinstance(self._primary, Kernels):
                    self._primary = self._primary()
                return getattr(self._primary, method)(*args)
            except (DriverError, KernelsUnavailable) as exc:
                self.failed = str(exc)
                self._say(
                    f"warning: {self.primary_name} backend failed ({exc}); continuing on "
                    f"the {self.fallback.name} backend"
                )
        return getattr(self.fallback, method)(*args)

    def msm_g1(self, points: Sequence[G1], scalars: Sequence[int]) -> G1:
        return self._call("msm_g1", points, scalars)

    def msm_g2(self, points: Sequence[G2], scalars: Sequence[int]) -> G2:
        return self._call("msm_g2", points, scalars)

    def ntt(self, values: Sequence[int]) -> list[int]:
        return self._call("ntt", values)

    def intt(self, values: Sequence[int]) -> list[int]:
        return self._call("intt", values)

    def coset_ntt(self, values: Sequence[int], shift: int) -> list[int]:
        return self._call("coset_ntt", values, shift)

    def coset_intt(self, values: Sequence[int], shift: int) -> list[int]:
        return self._call("coset_intt", values, shift)
