"""``Accelerator``: the one driver of the zkel core, over any :class:`~zkel.host.driver.bus.Bus`.

It knows the register map and stream formats only through
:mod:`zkel.gateware.regmap` (offsets, fields, version) and
:mod:`zkel.gateware.msm.words` / :mod:`zkel.gateware.msm.finish` (MSM words and
the host's bucket reduction), so a board and a simulation run the same code.

On construction it reads ``ID`` and ``VERSION`` and refuses a core that is not
zkel or speaks another register-map major version, then reads the build's
parameters (:class:`CoreInfo`). A job: ``LENGTH``, ``SHIFT0..7`` (coset jobs
only), ``CTRL`` then ``CTRL | START``, one ``STATUS`` read (a refused job is
``DONE`` at once), the receive and send DMA transfers, ``STATUS`` polled to
``DONE``, the error bits decoded by name. Any failure resets the core
(``CTRL.SOFT_RESET``) before the :class:`DriverError` leaves, so the next job
starts clean.

Work larger than the engine: NTTs above ``2^MAX_LOG_SIZE`` split four-step
(:mod:`zkel.host.driver.fourstep`); MSMs split into chunks that fit one DMA
transfer and the ``LENGTH`` register, each finished on the host
(:func:`~zkel.gateware.msm.finish.msm_from_buckets`) and the chunk results summed.
NTTs below the engine's smallest size (``2·units``) are done on the host.

Number forms: the host gives and gets canonical ints; the streams carry
canonical values (the NTT engine's Montgomery form stays inside the engine, its
output is in the form of its input), and MSM buckets come back projective with
an arbitrary scale, which the finish normalises. Nothing is converted to or
from Montgomery form here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from zkel.circuits import ntt as ntt_model
from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import R
from zkel.gateware import regmap
from zkel.gateware.config import ELEMENT_BITS, MSMConfig
from zkel.gateware.msm.finish import msm_from_buckets
from zkel.host.driver.bus import Bus
from zkel.host.driver.errors import DMATimeout, DriverError
from zkel.host.driver.fourstep import four_step, split_sizes
from zkel.host.driver.packing import pack_elements, pack_msm_input, unpack_elements

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, as :meth:`zkel.host.cli.progress.StepReporter.count`."""

DONE_POLL_S = 5.0
"""Wall seconds ``STATUS.DONE`` may lag the end of the output stream."""
ELEMENT_BYTES = ELEMENT_BITS // 8
MAX_LENGTH = (1 << 32) - 1
"""The ``LENGTH`` register's largest value (32 bits)."""


@dataclass(frozen=True)
class CoreInfo:
    """What the core's read-only registers say about its build.

    Members
    -------
    version : tuple[int, int]
        Register-map (major, minor).
    ntt_max_log, ntt_min_log : int
        log2 of the largest and smallest NTT sizes the engine takes.
    ntt_units : int
        Butterfly units.
    stream_bytes : int
        AXI4-Stream beat width in bytes.
    limb_bits : int
        Montgomery multiplier limb width in bits.
    msm_present : bool
        The build has an MSM engine.
    msm_window_bits : int
        Its window width c in bits (0 when absent).
    clock_khz : int
        The fabric clock the build aims at, in kHz.
    """

    version: tuple[int, int]
    ntt_max_log: int
    ntt_min_log: int
    ntt_units: int
    stream_bytes: int
    limb_bits: int
    msm_present: bool
    msm_window_bits: int
    clock_khz: int


@dataclass
class DriverStats:
    """Totals since the driver was made: jobs, engine clocks, host seconds by part.

    ``pack_s`` counts conversion and packing both ways, ``bus_s`` the bus calls
    (register accesses and DMA waits), ``finish_s`` the host's MSM finish and
    four-step twiddles are inside the transforms' callers' time.
    """

    jobs: int = 0
    cycles: int = 0
    compute: int = 0
    pack_s: float = 0.0
    bus_s: float = 0.0
    finish_s: float = 0.0
    by_mode: dict[str, int] = field(default_factory=dict)


class Accelerator:
    """The zkel core behind ``bus`` (see the module docs).

    Parameters
    ----------
    bus : Bus
        Register and DMA access (a :class:`~zkel.host.driver.simbus.SimBus` or a
        :class:`~zkel.host.driver.pynqbus.PynqBus`).
    timeout_s : float
        Wall seconds one job's DMA transfers may take.
    progress : Progress, optional
        Called with ``(stage, done, total)`` while split work runs.
    max_ntt_log : int, optional
        Send the engine no NTT above ``2^max_ntt_log`` even if it takes more
        (larger ones split four-step); default: the engine's ``MAX_LOG_SIZE``.
    """

    def __init__(
        self,
        bus: Bus,
        *,
        timeout_s: float = 30.0,
        progress: Progress | None = None,
        max_ntt_log: int | None = None,
    ) -> None:
        self.bus = bus
        self.timeout_s = timeout_s
        self.progress = progress
        self.max_ntt_log = max_ntt_log
        self.stats = DriverStats()
        self.info = self._identify()

    # --- identity -------------------------------------------------------------------

    def _read(self, name: str) -> int:
        t0 = time.perf_counter()
        value = self.bus.read(regmap.offset(name))
        self.stats.bus_s += time.perf_counter() - t0
        return value

    def _write(self, name: str, value: int) -> None:
        t0 = time.perf_counter()
        self.bus.write(regmap.offset(name), value)
        self.stats.bus_s += time.perf_counter() - t0

    def _identify(self) -> CoreInfo:
        magic = self._read("ID")
        if magic != regmap.MAGIC:
            raise DriverError(
                f"no zkel core at this address: ID register reads 0x{magic:08X}, "
                f'expected 0x{regmap.MAGIC:08X} ("ZKEL"); wrong bitstream?'
            )
        version = regmap.decode("VERSION", self._read("VERSION"))
        if version["MAJOR"] != regmap.VERSION_MAJOR:
            raise DriverError(
                f"bitstream reports register-map version {version['MAJOR']}.{version['MINOR']}, "
                f"this driver speaks {regmap.VERSION_MAJOR}.{regmap.VERSION_MINOR}; "
                "rebuild the bitstream or install the matching zkel"
            )
        ntt = regmap.decode("NTT_CONFIG", self._read("NTT_CONFIG"))
        msm = regmap.decode("MSM_CONFIG", self._read("MSM_CONFIG"))
        info = CoreInfo(
            version=(version["MAJOR"], version["MINOR"]),
            ntt_max_log=ntt["MAX_LOG_SIZE"],
            ntt_min_log=ntt["MIN_LOG_SIZE"],
            ntt_units=ntt["UNITS"],
            stream_bytes=ntt["STREAM_BYTES"],
            limb_bits=ntt["LIMB_BITS"],
            msm_present=bool(msm["PRESENT"]),
            msm_window_bits=msm["WINDOW_BITS"],
            clock_khz=self._read("CLOCK"),
        )
        if info.stream_bytes != self.bus.beat_bytes:
            raise DriverError(
                f"the core streams {info.stream_bytes}-byte beats but the bus moves "
                f"{self.bus.beat_bytes}-byte beats: bitstream and DMA width disagree"
            )
        return info

    def check_registers(self, expected: dict[str, int]) -> None:
        """Compare read-only registers with ``expected`` (a manifest's ``registers``);
        :class:`DriverError` naming every register that differs."""
        wrong = []
        for name, value in sorted(expected.items()):
            got = self._read(name)
            if got != value:
                wrong.append(f"{name} reads 0x{got:08X}, manifest says 0x{value:08X}")
        if wrong:
            raise DriverError(
                "the loaded core is not the build its manifest describes: " + "; ".join(wrong)
            )

    # --- one job --------------------------------------------------------------------

    def soft_reset(self) -> None:
        """Abandon any job and flush the engines (``CTRL.SOFT_RESET``)."""
        self._write("CTRL", regmap.encode("CTRL", SOFT_RESET=1))

    def run_job(
        self,
        mode: int,
        length: int,
        payload: np.ndarray,
        out_elements: int,
        *,
        inverse: bool = False,
        coset_shift: int | None = None,
    ) -> list[int]:
        """Run one job as the register map describes it; the output elements (canonical ints).

        ``payload`` is the input DMA buffer (a ``uint8`` array from
        :mod:`zkel.host.driver.packing`), ``length`` the ``LENGTH`` register's value
        and ``out_elements`` the 256-bit elements expected back. ``coset_shift``
        is the ``SHIFT`` register's value (``g`` forward, ``g^-1`` inverse), or
        ``None`` for a plain transform. Raises :class:`DriverError` naming the
        engine's error bits or the DMA timeout; the core is reset first.
        """
        if coset_shift is not None:
            for i in range(8):
                self._write(f"SHIFT{i}", (coset_shift >> (32 * i)) & 0xFFFFFFFF)
        ctrl = regmap.encode(
            "CTRL", MODE=int(mode), INVERSE=int(inverse), COSET=int(coset_shift is not None)
        )
        self._write("LENGTH", length)
        self._write("CTRL", ctrl)
        self._write("CTRL", ctrl | regmap.encode("CTRL", START=1))
        what = _job_name(mode, length)
        status = regmap.decode("STATUS", self._read("STATUS"))
        if status["DONE"]:
            self._fail(what, status, "refused at START")
        beats = out_elements * ELEMENT_BYTES // self.bus.beat_bytes
        t0 = time.perf_counter()
        try:
            self.bus.recv(beats)
            self.bus.send(payload)
            raw = self.bus.wait(self.timeout_s)
        except DMATimeout as exc:
            self.stats.bus_s += time.perf_counter() - t0
            status = regmap.decode("STATUS", self._read("STATUS"))
            self._fail(what, status, str(exc))
        self.stats.bus_s += time.perf_counter() - t0
        status = self._wait_done()
        if not status["DONE"] or any(v for k, v in status.items() if k.startswith("ERR_")):
            self._fail(what, status, "finished with errors" if status["DONE"] else "never done")
        t0 = time.perf_counter()
        out = unpack_elements(raw)
        self.stats.pack_s += time.perf_counter() - t0
        if len(out) != out_elements:
            self.soft_reset()
            raise DriverError(
                f"{what}: output TLAST after {len(out)} of {out_elements} elements; core reset"
            )
        self.stats.jobs += 1
        kind = _job_name(mode, 0).split()[0]
        self.stats.by_mode[kind] = self.stats.by_mode.get(kind, 0) + 1
        self.stats.cycles += self._read("CYCLES_LO") | self._read("CYCLES_HI") << 32
        return out

    def _wait_done(self) -> dict[str, int]:
        deadline = time.monotonic() + DONE_POLL_S
        while True:
            status = regmap.decode("STATUS", self._read("STATUS"))
            if status["DONE"] or time.monotonic() > deadline:
                return status

    def _fail(self, what: str, status: dict[str, int], reason: str) -> None:
        self.soft_reset()
        raise DriverError(f"{what}: {reason}; STATUS {describe_status(status)}; core reset")

    # --- NTT ------------------------------------------------------------------------

    def ntt(self, values: Sequence[int]) -> list[int]:
        """Evaluations on ``⟨ω_n⟩`` of ``values`` (canonical Fr, n a power of two)."""
        return self._transform(list(values), inverse=False)

    def intt(self, values: Sequence[int]) -> list[int]:
        """Coefficients from evaluations on ``⟨ω_n⟩``."""
        return self._transform(list(values), inverse=True)

    def coset_ntt(self, values: Sequence[int], shift: int) -> list[int]:
        """Evaluations on ``shift·⟨ω_n⟩``."""
        values = list(values)
        if self._engine_takes(len(values)):
            return self._ntt_job(values, inverse=False, coset_shift=shift % R)
        return self._transform(_scale_by_powers(values, shift), inverse=False)

    def coset_intt(self, values: Sequence[int], shift: int) -> list[int]:
        """Coefficients from evaluations on ``shift·⟨ω_n⟩``."""
        values = list(values)
        shift_inv = pow(shift, -1, R)
        if self._engine_takes(len(values)):
            return self._ntt_job(values, inverse=True, coset_shift=shift_inv)
        return _scale_by_powers(self._transform(values, inverse=True), shift_inv)

    def _engine_takes(self, n: int) -> bool:
        log_n = _log2(n)
        return self.info.ntt_min_log <= log_n <= self._max_log()

    def _fits(self, n_elements: int) -> bool:
        return n_elements * ELEMENT_BYTES <= self.bus.max_transfer_bytes

    def _max_log(self) -> int:
        max_log = self.info.ntt_max_log
        if self.max_ntt_log is not None:
            max_log = min(max_log, self.max_ntt_log)
        while max_log > 1 and not self._fits(1 << max_log):
            max_log -= 1
        return max_log

    def _transform(self, values: list[int], *, inverse: bool) -> list[int]:
        n = len(values)
        log_n = _log2(n)
        if log_n < self.info.ntt_min_log:
            return ntt_model.intt(values) if inverse else ntt_model.ntt(values)
        if self._engine_takes(n):
            return self._ntt_job(values, inverse=inverse, coset_shift=None)
        log_n1, _ = split_sizes(log_n, self._max_log())
        done = [0]
        total = n // (1 << log_n1) + (1 << log_n1)

        def batch(rows: list[list[int]], inv: bool) -> list[list[int]]:
            out = []
            for row in rows:
                out.append(self._transform(row, inverse=inv))
                done[0] += 1
                if self.progress:
                    self.progress(f"NTT 2^{log_n} (four-step)", done[0], total)
            return out

        return four_step(values, log_n1, batch, inverse=inverse)

    def _ntt_job(self, values: list[int], *, inverse: bool, coset_shift: int | None) -> list[int]:
        t0 = time.perf_counter()
        payload = pack_elements(values)
        self.stats.pack_s += time.perf_counter() - t0
        n = len(values)
        return self.run_job(
            regmap.Mode.NTT, n, payload, n, inverse=inverse, coset_shift=coset_shift
        )

    # --- MSM ------------------------------------------------------------------------

    def msm_chunk_points(self) -> int:
        """Points per MSM job: what one DMA transfer and the ``LENGTH`` register hold."""
        per_point = 3 * ELEMENT_BYTES
        return max(1, min(MAX_LENGTH, self.bus.max_transfer_bytes // per_point))

    def msm_g1(self, points: Sequence[G1], scalars: Sequence[int]) -> G1:
        """``Σ scalars[i]·points[i]`` on the MSM engine (chunked), finished on the host."""
        if not self.info.msm_present:
            raise DriverError("this bitstream has no MSM engine (MSM_CONFIG.PRESENT = 0)")
        if len(points) != len(scalars):
            raise ValueError(
                f"MSM needs as many scalars as points ({len(scalars)} != {len(points)})"
            )
        cfg = MSMConfig(window_bits=self.info.msm_window_bits)
        out_elements = cfg.bucket_entries * 3
        if not self._fits(out_elements):
            raise DriverError(
                f"the MSM engine's {out_elements} bucket elements exceed one DMA transfer "
                f"({self.bus.max_transfer_bytes} bytes): widen the DMA length register"
            )
        chunk = self.msm_chunk_points()
        total = G1.identity()
        starts = range(0, len(points), chunk)
        for done, start in enumerate(starts, 1):
            t0 = time.perf_counter()
            payload = pack_msm_input(points[start : start + chunk], scalars[start : start + chunk])
            self.stats.pack_s += time.perf_counter() - t0
            n = len(payload) // (3 * ELEMENT_BYTES)
            buckets = self.run_job(regmap.Mode.MSM, n, payload, out_elements)
            t0 = time.perf_counter()
            total = total + msm_from_buckets(buckets, cfg)
            self.stats.finish_s += time.perf_counter() - t0
            if self.progress and len(starts) > 1:
                self.progress("MSM chunks", done, len(starts))
        return total


def describe_status(status: dict[str, int]) -> str:
    """``STATUS`` fields that are set, by name, errors with their meaning."""
    reg = regmap.BY_NAME["STATUS"]
    parts = []
    for f in reg.fields:
        if status.get(f.name):
            parts.append(f"{f.name} ({f.doc})" if f.name.startswith("ERR_") else f.name)
    return ", ".join(parts) or "idle (no bits set)"


def _job_name(mode: int, length: int) -> str:
    if mode == regmap.Mode.NTT:
        return f"NTT job of {length} elements"
    if mode == regmap.Mode.MSM:
        return f"MSM job of {length} points"
    return f"MODE {mode} job of length {length}"


def _log2(n: int) -> int:
    if n < 1 or n & (n - 1):
        raise ValueError(f"NTT size must be a power of two, not {n}")
    return n.bit_length() - 1


def _scale_by_powers(values: list[int], g: int) -> list[int]:
    """``values[j]·g^j`` (canonical)."""
    out, power = [], 1
    for v in values:
        out.append(v * power % R)
        power = power * g % R
    return out
