"""``SimBus``: the accelerator's RTL in Amaranth's simulator, behind the ``Bus`` calls.

The design is :class:`zkel.gateware.top.Top` for a configuration, the very
top level a bitstream is built from (with the multiplier its build would use
unless one is given). One :class:`amaranth.sim.Simulator` lives as long as the
bus; three background testbenches stand where the PS and the AXI DMA stand on a
board, each fed by the host calls:

* an AXI4-Lite manager doing one read or write at a time (``read``/``write``
  return when the transaction's response has come back);
* an MM2S source streaming ``send``'s beats, TLAST on the last;
* an S2MM sink collecting ``recv``'s beats, optionally with seeded random
  TREADY back-pressure (``backpressure`` = probability of a stalled clock).

Nothing runs between calls: the host side advances the simulation (one
``Simulator.advance()`` per half clock) only until the call's work is done, so
``wait(timeout_s)`` measures its limit in wall seconds of simulation. A clock is
10 ns of simulated time; :attr:`SimBus.clocks` counts them and
:attr:`SimBus.sim_seconds` the wall time spent advancing the simulation.

Speed (``tiny``, the build's iterative multipliers, measured on the shared 2-core
machine): about 250 clocks per second with the NTT engine alone in the top and
about 90 with the MSM engine beside it (the simulator evaluates the whole design
every clock, busy or idle); elaborating the top takes 6 to 13 s. So a 32-point
NTT job (~2,200 clocks with its register accesses) takes 10 to 25 s, and every
MSM job at least ~4,500 clocks (clearing and unloading 340 buckets).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import numpy as np
from amaranth.sim import Simulator

from zkel.gateware.config import AccelConfig
from zkel.gateware.ntt.butterfly import MultiplierFactory
from zkel.gateware.top import Top
from zkel.host.driver.bus import as_bytes
from zkel.host.driver.errors import DMATimeout, DriverError

CLOCK_S = 1e-8
"""Simulated clock period: 10 ns (100 MHz)."""
REGISTER_TIMEOUT_S = 10.0
"""Wall seconds a register access may take before the bus counts as hung."""
PROGRESS_EVERY_S = 0.5
"""Wall seconds between two progress reports while a DMA wait is simulated."""


class _Transfer:
    """One DMA transfer's beats (ints) and how far it has come."""

    def __init__(self, beats: list[int] | None, total: int) -> None:
        self.beats = beats if beats is not None else []
        self.total = total
        self.done = 0
        self.tlast = False

    @property
    def finished(self) -> bool:
        return self.done >= self.total or self.tlast


class SimBus:
    """A :class:`~zkel.host.driver.bus.Bus` over :class:`~zkel.gateware.top.Top` in simulation.

    Parameters
    ----------
    cfg : AccelConfig
        The build to simulate (``get_config("tiny")`` for tests).
    make_multiplier : MultiplierFactory, optional
        Override the NTT butterflies' multiplier (default: the build's choice).
    backpressure : float
        Probability (0..1) that the sink holds TREADY low on a clock; 0 (the
        default) receives every beat at once, with no randomness at all.
    seed : int
        Seed of the back-pressure pattern.
    max_transfer_bytes : int
        Largest transfer, as the AXI DMA's 26-bit length register allows by default.
    progress : callable, optional
        ``progress(stage, done, total)``, called about every
        :data:`PROGRESS_EVERY_S` wall seconds while :meth:`wait` simulates a job:
        ``done`` of ``total`` stream beats moved, both directions together.
    """

    def __init__(
        self,
        cfg: AccelConfig,
        *,
        make_multiplier: MultiplierFactory | None = None,
        backpressure: float = 0.0,
        seed: int = 0,
        max_transfer_bytes: int = (1 << 26) - 1,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        if not 0.0 <= backpressure < 1.0:
            raise ValueError(f"back-pressure must be a probability in [0, 1), not {backpressure!r}")
        self.cfg = cfg
        self.beat_bytes = cfg.stream_bits // 8
        self.max_transfer_bytes = max_transfer_bytes
        self.progress = progress
        self.clocks = 0
        self.sim_seconds = 0.0
        self.top = Top(cfg, make_multiplier)
        self.backpressure = backpressure
        self._rng = random.Random(seed)
        self._reg: tuple[str, int, int] | None = None
        self._reg_result: int | None = None
        self._tx: _Transfer | None = None
        self._rx: _Transfer | None = None
        self._closed = False
        sim = Simulator(self.top)
        sim.add_clock(CLOCK_S)
        for bench in (self._count_clocks, self._lite_manager, self._mm2s, self._s2mm):
            sim.add_testbench(bench, background=True)
        self._sim = sim

    # --- the Bus calls -------------------------------------------------------------

    def read(self, offset: int) -> int:
        return self._register("r", offset, 0)

    def write(self, offset: int, value: int) -> None:
        if not 0 <= value < 1 << 32:
            raise ValueError(f"register value {value!r} does not fit in 32 bits")
        self._register("w", offset, value)

    def send(self, data: np.ndarray) -> None:
        self._check_open()
        if self._tx is not None:
            raise DriverError("a DMA send is already in progress; wait() for it first")
        raw = as_bytes(data, self.beat_bytes).tobytes()
        b = self.beat_bytes
        beats = [int.from_bytes(raw[i : i + b], "little") for i in range(0, len(raw), b)]
        self._tx = _Transfer(beats, len(beats))

    def recv(self, n_beats: int) -> None:
        self._check_open()
        if self._rx is not None:
            raise DriverError("a DMA receive is already in progress; wait() for it first")
        if n_beats < 1 or n_beats * self.beat_bytes > self.max_transfer_bytes:
            raise ValueError(f"cannot receive {n_beats} beats in one transfer")
        self._rx = _Transfer(None, n_beats)

    def wait(self, timeout_s: float) -> np.ndarray | None:
        self._check_open()
        tx, rx = self._tx, self._rx

        def finished() -> bool:
            return (tx is None or tx.finished) and (rx is None or rx.finished)

        def report() -> None:
            if self.progress is not None:
                moved = [t for t in (tx, rx) if t is not None]
                done = sum(min(t.done, t.total) for t in moved)
                self.progress("simulated DMA beats", done, sum(t.total for t in moved))

        if not self._advance_until(finished, timeout_s, report):
            self._tx = self._rx = None
            if tx is not None and not tx.finished:
                raise DMATimeout("send", timeout_s, tx.done, tx.total)
            assert rx is not None
            raise DMATimeout("receive", timeout_s, rx.done, rx.total)
        self._tx = self._rx = None
        if rx is None:
            return None
        b = self.beat_bytes
        raw = b"".join(beat.to_bytes(b, "little") for beat in rx.beats)
        return np.frombuffer(raw, dtype=np.uint8).copy()

    def close(self) -> None:
        self._closed = True
        self._tx = self._rx = None

    def idle(self, clocks: int) -> None:
        """Let ``clocks`` clocks pass with nothing asked of the bus."""
        target = self.clocks + clocks
        self._advance_until(lambda: self.clocks >= target, REGISTER_TIMEOUT_S)

    # --- host side: advance the simulation until something is done -----------------

    def _check_open(self) -> None:
        if self._closed:
            raise DriverError("the simulated bus is closed")

    def _register(self, kind: str, offset: int, value: int) -> int:
        self._check_open()
        self._reg, self._reg_result = (kind, offset, value), None
        if not self._advance_until(lambda: self._reg_result is not None, REGISTER_TIMEOUT_S):
            raise DriverError(f"AXI4-Lite {kind} at 0x{offset:02X} got no response")
        result, self._reg_result = self._reg_result, None
        return result

    def _advance_until(
        self, done: Callable[[], bool], timeout_s: float, report: Callable[[], None] | None = None
    ) -> bool:
        t0 = time.perf_counter()
        try:
            return self._advance(done, timeout_s, report)
        finally:
            self.sim_seconds += time.perf_counter() - t0

    def _advance(
        self, done: Callable[[], bool], timeout_s: float, report: Callable[[], None] | None
    ) -> bool:
        now = time.monotonic()
        deadline, next_report = now + timeout_s, now + PROGRESS_EVERY_S
        advance = self._sim.advance
        while not done():
            for _ in range(64):
                advance()
                if done():
                    if report is not None:
                        report()
                    return True
            now = time.monotonic()
            if now > deadline:
                return False
            if report is not None and now >= next_report:
                report()
                next_report = now + PROGRESS_EVERY_S
        return True

    # --- the testbenches (simulation side) ------------------------------------------

    async def _count_clocks(self, ctx) -> None:  # noqa: ANN001 - amaranth's context
        async for _ in ctx.tick():
            self.clocks += 1

    async def _lite_manager(self, ctx) -> None:  # noqa: ANN001
        bus = self.top.s_axil
        while True:
            if self._reg is None:
                await ctx.tick()
                continue
            kind, offset, value = self._reg
            self._reg = None
            if kind == "w":
                result = await self._lite_write(ctx, bus, offset, value)
            else:
                result = await self._lite_read(ctx, bus, offset)
            self._reg_result = result

    @staticmethod
    async def _lite_write(ctx, bus, offset: int, value: int) -> int:  # noqa: ANN001
        """One AXI4-Lite write (address and data together); returns 0 (BRESP checked)."""
        ctx.set(bus.awaddr, offset)
        ctx.set(bus.wdata, value)
        ctx.set(bus.wstrb, 0xF)
        ctx.set(bus.awvalid, 1)
        ctx.set(bus.wvalid, 1)
        ctx.set(bus.bready, 1)
        aw_pending = w_pending = True
        while aw_pending or w_pending:
            _, _, aw_ok, w_ok = await ctx.tick().sample(bus.awready, bus.wready)
            if aw_pending and aw_ok:
                aw_pending = False
                ctx.set(bus.awvalid, 0)
            if w_pending and w_ok:
                w_pending = False
                ctx.set(bus.wvalid, 0)
        (bresp,) = await ctx.tick().sample(bus.bresp).until(bus.bvalid)
        ctx.set(bus.bready, 0)
        if bresp:
            raise DriverError(f"AXI4-Lite write to 0x{offset:02X} answered SLVERR")
        return 0

    @staticmethod
    async def _lite_read(ctx, bus, offset: int) -> int:  # noqa: ANN001
        """One AXI4-Lite read; returns RDATA."""
        ctx.set(bus.araddr, offset)
        ctx.set(bus.arvalid, 1)
        ctx.set(bus.rready, 1)
        await ctx.tick().until(bus.arready)
        ctx.set(bus.arvalid, 0)
        rdata, rresp = await ctx.tick().sample(bus.rdata, bus.rresp).until(bus.rvalid)
        ctx.set(bus.rready, 0)
        if rresp:
            raise DriverError(f"AXI4-Lite read at 0x{offset:02X} answered SLVERR")
        return rdata

    async def _mm2s(self, ctx) -> None:  # noqa: ANN001
        s = self.top.s_axis
        while True:
            tx = self._tx
            if tx is None or tx.finished:
                await ctx.tick()
                continue
            last = tx.done == tx.total - 1
            ctx.set(s.tdata, tx.beats[tx.done])
            ctx.set(s.tlast, last)
            ctx.set(s.tvalid, 1)
            await ctx.tick().until(s.tready)
            ctx.set(s.tvalid, 0)
            ctx.set(s.tlast, 0)
            if self._tx is tx:  # not abandoned meanwhile
                tx.done += 1

    async def _s2mm(self, ctx) -> None:  # noqa: ANN001
        m = self.top.m_axis
        while True:
            rx = self._rx
            if rx is None or rx.finished:
                ctx.set(m.tready, 0)
                await ctx.tick()
                continue
            ready = not self.backpressure or self._rng.random() >= self.backpressure
            ctx.set(m.tready, ready)
            _, _, valid, data, last = await ctx.tick().sample(m.tvalid, m.tdata, m.tlast)
            if ready and valid and self._rx is rx:
                rx.beats.append(data)
                rx.done += 1
                rx.tlast = bool(last)
