"""``kernels("pynq")`` and ``PynqBus``: the accelerator on a Zynq board through PYNQ.

:class:`PynqBus` is the :class:`~zkel.host.driver.bus.Bus` of a board: it loads
the bitstream as a ``pynq.Overlay`` (the ``.hwh`` of the same name beside the
``.bit``), reaches the registers through the accelerator IP's ``mmio``
(instance :data:`zkel.hw.boards.ACCEL_IP`) and streams through the AXI DMA
(:data:`zkel.hw.boards.DMA_IP`) in simple mode: ``pynq.allocate`` buffers,
``flush()`` before a send, ``sendchannel``/``recvchannel.transfer``, a wait that
polls ``idle`` against a deadline (PYNQ's own ``wait()`` has no timeout), and
``invalidate()`` after a receive. One transfer moves at most the DMA's
``buffer_max_size`` (2^26 - 1 bytes with the 26-bit length register our block
design sets, :data:`zkel.hw.boards.DMA_LENGTH_BITS`); the driver sizes its jobs
to that, since an MM2S transfer ends with TLAST.

pynq is imported here only, when a bus is made; it lives in the ``[pynq]``
extra (it pins numpy<2), so without it, or without a board, the backend raises
:class:`~zkel.host.accel.kernels.KernelsUnavailable` with one line saying which.

``kernels("pynq", bitstream=PATH)`` first checks the manifest beside the
bitstream (:mod:`zkel.hw.manifest`: file digests, register-map version,
configuration), then loads it and compares the core's ID and configuration
registers with the manifest's. Options: ``bitstream`` (or ``$ZKEL_BITSTREAM``),
``fallback`` (a backend name to continue on after a device failure, or
``$ZKEL_FALLBACK``), ``timeout_s`` (per job), ``check_manifest``, ``progress``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from zkel.host.accel.kernels import Kernels, KernelsUnavailable, kernels

BITSTREAM_ENV = "ZKEL_BITSTREAM"
FALLBACK_ENV = "ZKEL_FALLBACK"
INSTALL_HINT = "pip install 'zkel[pynq]' on the board (a Zynq running the PYNQ image)"

DMACR = 0x00
"""Offset of a DMA channel's control register from the channel's base."""
DMACR_RESET = 1 << 2
"""``DMACR.Reset``: soft-resets the channel (clears a hung transfer)."""
LENGTH_REG = 0x28
"""Offset of a channel's LENGTH register; on S2MM it reads back the bytes received."""
POLL_S = 1e-4
"""Seconds between two ``idle`` polls of a DMA channel."""


def _import_pynq() -> Any:
    try:
        import pynq
    except ImportError as exc:
        raise KernelsUnavailable(
            f"the pynq backend needs the PYNQ library ({exc}): {INSTALL_HINT}"
        ) from None
    return pynq


class PynqBus:
    """The Bus of a board: ``pynq.Overlay(bitstream)``, the accelerator's MMIO, the AXI DMA.

    Parameters
    ----------
    bitstream : path
        The ``.bit``; the ``.hwh`` of the same name must be beside it.
    accel_ip, dma_ip : str, optional
        Block-design instance names (default: those of :mod:`zkel.hw.boards`).
    beat_bytes : int, optional
        The stream width in bytes; default: what the core's ``NTT_CONFIG.STREAM_BYTES``
        register says.
    """

    def __init__(
        self,
        bitstream: str | Path,
        *,
        beat_bytes: int | None = None,
        accel_ip: str | None = None,
        dma_ip: str | None = None,
    ) -> None:
        from zkel.gateware import regmap
        from zkel.hw.boards import ACCEL_IP, DMA_IP, DMA_LENGTH_BITS

        pynq = _import_pynq()
        bit = Path(bitstream)
        if not bit.is_file():
            raise KernelsUnavailable(f"{bit}: no such bitstream")
        if not bit.with_suffix(".hwh").is_file():
            raise KernelsUnavailable(f"{bit}: no {bit.with_suffix('.hwh').name} beside it")
        try:
            self.overlay = pynq.Overlay(str(bit))
        except Exception as exc:  # pynq raises RuntimeError("No Devices Found") off a board
            raise KernelsUnavailable(f"cannot load {bit} with PYNQ: {exc}") from None
        self._pynq = pynq
        accel_ip, dma_ip = accel_ip or ACCEL_IP, dma_ip or DMA_IP
        missing = [n for n in (accel_ip, dma_ip) if n not in self.overlay.ip_dict]
        if missing:
            raise KernelsUnavailable(f"{bit}: overlay has no IP named {', '.join(missing)}")
        self.mmio = getattr(self.overlay, accel_ip).mmio
        self.dma = getattr(self.overlay, dma_ip)
        if beat_bytes is None:
            ntt_config = regmap.decode("NTT_CONFIG", self.read(regmap.offset("NTT_CONFIG")))
            beat_bytes = ntt_config["STREAM_BYTES"] or 8
        self.beat_bytes = beat_bytes
        self.max_transfer_bytes = min(
            int(getattr(self.dma, "buffer_max_size", (1 << 14) - 1)), (1 << DMA_LENGTH_BITS) - 1
        )
        self._tx: Any = None
        self._rx: Any = None

    def read(self, offset: int) -> int:
        return int(self.mmio.read(offset))

    def write(self, offset: int, value: int) -> None:
        self.mmio.write(offset, int(value))

    def send(self, data: np.ndarray) -> None:
        from zkel.host.driver.bus import as_bytes

        raw = as_bytes(data, self.beat_bytes)
        self._check_size(raw.size)
        buf = self._pynq.allocate(shape=(raw.size,), dtype=np.uint8)
        buf[:] = raw
        buf.flush()
        self._tx = buf
        self.dma.sendchannel.transfer(buf)

    def recv(self, n_beats: int) -> None:
        nbytes = n_beats * self.beat_bytes
        self._check_size(nbytes)
        buf = self._pynq.allocate(shape=(nbytes,), dtype=np.uint8)
        self._rx = buf
        self.dma.recvchannel.transfer(buf)

    def wait(self, timeout_s: float) -> np.ndarray | None:
        from zkel.host.driver.errors import DMATimeout

        deadline = time.monotonic() + timeout_s
        channels = [
            ("send", self.dma.sendchannel, self._tx),
            ("receive", self.dma.recvchannel, self._rx),
        ]
        for direction, channel, buf in channels:
            if buf is None:
                continue
            while not channel.idle:
                if time.monotonic() > deadline:
                    self._abandon()
                    total = buf.size // self.beat_bytes
                    raise DMATimeout(direction, timeout_s, None, total)
                time.sleep(POLL_S)
        out = None
        if self._rx is not None:
            self._rx.invalidate()
            received = self._received_bytes(self._rx.size)
            out = np.array(self._rx[:received], dtype=np.uint8)
        self._free()
        return out

    def close(self) -> None:
        self._free()

    # --- helpers ------------------------------------------------------------------

    def _check_size(self, nbytes: int) -> None:
        if nbytes > self.max_transfer_bytes:
            raise ValueError(
                f"a DMA transfer of {nbytes} bytes exceeds the DMA's {self.max_transfer_bytes}"
            )

    def _received_bytes(self, asked: int) -> int:
        channel = self.dma.recvchannel
        done = getattr(channel, "transferred", None)
        if done is None:
            done = channel._mmio.read(channel._offset + LENGTH_REG)
        return min(int(done), asked)

    def _abandon(self) -> None:
        """Reset both DMA channels (a hung S2MM never goes idle by itself) and free the buffers."""
        for channel in (self.dma.sendchannel, self.dma.recvchannel):
            channel._mmio.write(channel._offset + DMACR, DMACR_RESET)
            channel.start()
        self._free()

    def _free(self) -> None:
        for buf in (self._tx, self._rx):
            if buf is not None:
                buf.freebuffer()
        self._tx = self._rx = None


def open_bitstream(bitstream: str | Path, *, check_manifest: bool = True) -> Any:
    """The manifest beside ``bitstream``, verified against the files and this code
    (``None`` when ``check_manifest`` is false); :class:`KernelsUnavailable` otherwise."""
    from zkel.hw import manifest as hw_manifest

    bit = Path(bitstream)
    if not bit.is_file():
        raise KernelsUnavailable(f"{bit}: no such bitstream")
    if not check_manifest:
        return None
    try:
        found = hw_manifest.load(bit.parent / hw_manifest.MANIFEST_NAME)
        found.verify(bit)
    except hw_manifest.ManifestError as exc:
        raise KernelsUnavailable(str(exc)) from None
    return found


def pynq_kernels(
    *,
    bitstream: str | Path | None = None,
    fallback: str | None = None,
    timeout_s: float = 10.0,
    check_manifest: bool = True,
    progress: object = None,
) -> Kernels:
    """The ``pynq`` backend (see the module docs)."""
    path = bitstream or os.environ.get(BITSTREAM_ENV)
    fallback = fallback or os.environ.get(FALLBACK_ENV)

    def open_kernels() -> Kernels:
        from zkel.gateware.config import get_config
        from zkel.host.driver.driver import Accelerator
        from zkel.host.driver.kernels import AcceleratorKernels

        if not path:
            raise KernelsUnavailable(
                "the pynq backend needs a bitstream: kernels('pynq', bitstream=PATH) "
                f"or ${BITSTREAM_ENV}"
            )
        found = open_bitstream(path, check_manifest=check_manifest)
        beat_bytes = get_config(found.config).stream_bits // 8 if found else None
        bus = PynqBus(path, beat_bytes=beat_bytes)
        accel = Accelerator(bus, timeout_s=timeout_s, progress=progress)
        if found is not None:
            accel.check_registers(found.registers)
        return AcceleratorKernels("pynq", lambda: accel)

    if fallback:
        from zkel.host.driver.kernels import FallbackKernels

        return FallbackKernels("pynq", open_kernels, kernels(fallback))
    return open_kernels()
