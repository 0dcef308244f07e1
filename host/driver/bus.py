"""The ``Bus`` seam: what the driver needs from a board or a simulation of one.

A bus gives 32-bit register access to the accelerator's AXI4-Lite port (byte
offsets from :mod:`zkel.gateware.regmap`) and one DMA transfer each way on its
AXI4-Stream ports:

* ``send(data)`` starts host to core (an AXI DMA's MM2S): the bytes of ``data``
  (a C-contiguous ``uint8``/``uint32``/``uint64`` array, little-endian) go out in
  order, ``beat_bytes`` per TDATA beat, TLAST on the final beat;
* ``recv(n_beats)`` starts core to host (S2MM) into a fresh buffer; it ends after
  ``n_beats`` beats or at a TLAST, whichever is first;
* ``wait(timeout_s)`` completes both (either may be absent) and returns the
  received bytes as a ``uint8`` array (``None`` when no receive was started),
  shorter than asked when TLAST came early. When the time runs out it raises
  :class:`~zkel.host.driver.errors.DMATimeout` and abandons both transfers, so
  the bus is usable again after the core is reset (``CTRL.SOFT_RESET``).

Start the receive before the send (an engine may fill its output before its
input has all gone in). One transfer carries at most ``max_transfer_bytes``
(the AXI DMA's length register: 2^width - 1 bytes); the driver sizes its jobs to
fit, since splitting one job's stream over two MM2S transfers would put a TLAST
in the middle of it.

Implementations: :class:`~zkel.host.driver.simbus.SimBus` (the RTL in Amaranth's
simulator) and :class:`~zkel.host.driver.pynqbus.PynqBus` (a Zynq board).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Bus(Protocol):
    """Register access and DMA streams of one accelerator instance.

    Members
    -------
    beat_bytes : int
        Bytes per AXI4-Stream beat (``cfg.stream_bits // 8``).
    max_transfer_bytes : int
        Largest single DMA transfer, in bytes.
    """

    beat_bytes: int
    max_transfer_bytes: int

    def read(self, offset: int) -> int:
        """The 32-bit register at byte ``offset``."""
        ...

    def write(self, offset: int, value: int) -> None:
        """Write the 32-bit ``value`` to the register at byte ``offset``."""
        ...

    def send(self, data: np.ndarray) -> None:
        """Start streaming the bytes of ``data`` into the core (TLAST on the last beat)."""
        ...

    def recv(self, n_beats: int) -> None:
        """Start receiving up to ``n_beats`` beats from the core (ends early at TLAST)."""
        ...

    def wait(self, timeout_s: float) -> np.ndarray | None:
        """Complete the started transfers; the received bytes (``uint8``) or ``None``."""
        ...

    def close(self) -> None:
        """Release the bus (simulator, overlay, buffers)."""
        ...


def as_bytes(data: np.ndarray, beat_bytes: int) -> np.ndarray:
    """``data`` viewed as ``uint8``, checked to be whole beats; ``ValueError`` otherwise."""
    if not isinstance(data, np.ndarray) or data.dtype not in (np.uint8, np.uint32, np.uint64):
        raise ValueError("DMA data must be a numpy array of uint8, uint32 or uint64")
    raw = np.ascontiguousarray(data).reshape(-1).view(np.uint8)
    if raw.size == 0 or raw.size % beat_bytes:
        raise ValueError(
            f"DMA data of {raw.size} bytes is not a whole number of {beat_bytes}-byte beats"
        )
    return raw
