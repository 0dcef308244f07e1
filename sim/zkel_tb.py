"""The parts of the ``zkel_top`` cocotb benches: the testbench wiring, jobs as the driver
runs them, and the golden models.

:class:`TB` wires the AXI4-Lite manager and the two stream endpoints
(cocotbext-axi) with optional idle and back-pressure generators, and runs jobs as
the driver does (registers, stream in, stream out, poll ``STATUS``):
:meth:`TB.job` an NTT, :meth:`TB.msm_job` an MSM. Golden models:
:mod:`zkel.circuits.ntt` (:func:`expected`) and :mod:`zkel.circuits.msm`
(:func:`msm_expected`) after the host finish of
:func:`zkel.gateware.msm.finish.msm_from_buckets`. The test modules
(``test_zkel_top.py``, ``test_zkel_top_msm.py``) hold only tests.

Environment (set by ``sim/runner.py``): ``ZKEL_CONFIG`` (configuration name) and
``ZKEL_SEED`` (seed of every random choice, logged by each test).
"""

from __future__ import annotations

import itertools
import logging
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi import (
    AxiLiteBus,
    AxiLiteMaster,
    AxiStreamBus,
    AxiStreamFrame,
    AxiStreamSink,
    AxiStreamSource,
)

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import R
from zkel.circuits.msm import msm_g1
from zkel.circuits.ntt import coset_intt, coset_ntt, intt, ntt
from zkel.gateware import regmap
from zkel.gateware.config import CONFIGS, AccelConfig
from zkel.gateware.msm.words import pack_inputs

POLL_LIMIT = 200_000
"""Clocks of polling ``STATUS`` (or waiting for a stream) before a small job counts as
hung; a size-n job gets more (:func:`clock_limit`, :func:`msm_clock_limit`)."""
CLOCK_NS = 10
POLL_EVERY = 32
"""Clocks between two ``STATUS`` reads while waiting."""
ELEMENT_BYTES = 32
ITERATIVE_II = 16
"""Clocks per product of the iterative multiplier (17-bit limbs): the slowest case."""


def seed() -> int:
    """The bench's seed (``ZKEL_SEED``, default 1)."""
    return int(os.environ.get("ZKEL_SEED", "1"))


def to_bytes(values: Sequence[int]) -> bytes:
    """Elements as the stream carries them: 32 bytes each, little-endian."""
    return b"".join(v.to_bytes(ELEMENT_BYTES, "little") for v in values)


def from_bytes(raw: bytes) -> list[int]:
    """The inverse of :func:`to_bytes`."""
    return [
        int.from_bytes(raw[i : i + ELEMENT_BYTES], "little")
        for i in range(0, len(raw), ELEMENT_BYTES)
    ]


def clock_limit(n: int) -> int:
    """Clocks a size-``n`` NTT may take before it counts as hung (16 clocks per
    butterfly of an iterative multiplier, coset passes and drains, with margin)."""
    return POLL_LIMIT + 64 * n * max(n.bit_length() - 1, 1)


def msm_clock_limit(cfg: AccelConfig, n: int) -> int:
    """Clocks an ``n``-point MSM may take before it counts as hung: twice one bucket
    addition per window and point at the slowest adder (iterative multipliers,
    ``ceil(12 / m)`` phases), plus clearing and unloading every bucket."""
    msm = cfg.msm
    per_addition = -(-12 // msm.multipliers) * ITERATIVE_II
    unload = msm.bucket_entries * (1 + 3 * cfg.beats_per_element)
    return POLL_LIMIT + 2 * n * msm.n_windows * per_addition + 2 * unload


def expected(values: list[int], inverse: bool, coset: bool, g: int) -> list[int]:
    """Golden model of one NTT (``g`` the coset generator; the register gets g or 1/g)."""
    if coset:
        return coset_intt(values, g) if inverse else coset_ntt(values, g)
    return intt(values) if inverse else ntt(values)


def msm_expected(points: Sequence[G1], scalars: Sequence[int]) -> G1:
    """Golden model of one MSM: ``Σ k_i·P_i`` by :func:`zkel.circuits.msm.msm_g1`."""
    return msm_g1(list(points), [k % R for k in scalars])


def no_errors(status: dict[str, int]) -> bool:
    return not (status["ERR_LENGTH"] or status["ERR_TLAST"] or status["ERR_MODE"])


@dataclass
class Job:
    """What one job returned: outputs, ``STATUS`` fields and the cycle counters.

    For an MSM, ``values`` are the bucket elements (:mod:`zkel.gateware.msm.words`)
    and ``additions``/``collisions`` the engine's counters, read from the RTL's
    hierarchy (the register map has no registers for them).
    """

    values: list[int]
    status: dict[str, int]
    cycles: int
    compute: int
    additions: int = 0
    collisions: int = 0


class TB:
    """Clock, reset, register access and the two streams around ``zkel_top``."""

    def __init__(self, dut: object, name: str) -> None:
        self.dut = dut
        self.cfg = CONFIGS[os.environ.get("ZKEL_CONFIG", "tiny")]
        self.rng = random.Random(f"{seed()}:{name}")
        dut._log.info("%s: config %s, seed %d (ZKEL_SEED)", name, self.cfg.name, seed())
        cocotb.start_soon(Clock(dut.aclk, CLOCK_NS, unit="ns").start())
        clk, rst = dut.aclk, dut.aresetn
        self.axil = AxiLiteMaster(
            AxiLiteBus.from_prefix(dut, "s_axil"), clk, rst, reset_active_level=False
        )
        self.source = AxiStreamSource(
            AxiStreamBus.from_prefix(dut, "s_axis"), clk, rst, reset_active_level=False
        )
        self.sink = AxiStreamSink(
            AxiStreamBus.from_prefix(dut, "m_axis"), clk, rst, reset_active_level=False
        )
        for port in ("s_axil", "s_axis", "m_axis"):  # one line per transfer is too much
            logging.getLogger(f"cocotb.{dut._name}.{port}").setLevel(logging.WARNING)

    def random_traffic(self, on: bool, *, output_only: bool = False) -> None:
        """Random TVALID gaps on the input (unless ``output_only``) and TREADY
        back-pressure on the output."""
        for port in (self.source, self.sink):
            port.clear_pause_generator()
            port.pause = False  # clearing the generator leaves its last value
        if not on:
            return
        rng = random.Random(self.rng.random())
        if not output_only:
            self.source.set_pause_generator(rng.random() < 0.3 for _ in itertools.count())
        self.sink.set_pause_generator(rng.random() < 0.4 for _ in itertools.count())

    async def reset(self) -> None:
        self.dut.aresetn.value = 0
        await ClockCycles(self.dut.aclk, 4)
        self.dut.aresetn.value = 1
        await RisingEdge(self.dut.aclk)

    async def read(self, name: str) -> int:
        return await self.axil.read_dword(regmap.offset(name))

    async def write(self, name: str, value: int) -> None:
        await self.axil.write_dword(regmap.offset(name), value)

    async def read64(self, name: str) -> int:
        return await self.read(f"{name}_LO") | (await self.read(f"{name}_HI")) << 32

    async def status(self) -> dict[str, int]:
        return regmap.decode("STATUS", await self.read("STATUS"))

    async def start(
        self, n: int, *, inverse: bool = False, coset: bool = False, shift: int = 0
    ) -> None:
        """Program ``LENGTH``, ``SHIFT``, ``CTRL`` for an NTT and pulse ``CTRL.START``."""
        await self.write("LENGTH", n)
        for i in range(8):
            await self.write(f"SHIFT{i}", (shift >> (32 * i)) & 0xFFFFFFFF)
        ctrl = regmap.encode("CTRL", MODE=regmap.Mode.NTT, INVERSE=int(inverse), COSET=int(coset))
        await self.write("CTRL", ctrl)
        await self.write("CTRL", ctrl | regmap.encode("CTRL", START=1))

    async def start_msm(self, n: int, *, mode: int = regmap.Mode.MSM) -> None:
        """Program ``LENGTH`` (points) and ``CTRL.MODE`` and pulse ``CTRL.START``."""
        await self.write("LENGTH", n)
        ctrl = regmap.encode("CTRL", MODE=mode)
        await self.write("CTRL", ctrl)
        await self.write("CTRL", ctrl | regmap.encode("CTRL", START=1))

    async def soft_reset(self) -> None:
        await self.write("CTRL", regmap.encode("CTRL", SOFT_RESET=1))

    async def recv(self, limit: int = POLL_LIMIT) -> AxiStreamFrame:
        """The next output frame; ``TimeoutError`` after ``limit`` clocks."""
        return await with_timeout(self.sink.recv(), limit * CLOCK_NS, "ns")

    async def wait_for(self, bit: str, limit: int = POLL_LIMIT) -> dict[str, int]:
        """Poll ``STATUS`` until field ``bit`` is set; returns the status."""
        for _ in range(limit // POLL_EVERY):
            status = await self.status()
            if status[bit]:
                return status
            await ClockCycles(self.dut.aclk, POLL_EVERY)
        raise TimeoutError(f"STATUS.{bit} never rose in {limit} clocks")

    async def wait_done(self) -> dict[str, int]:
        return await self.wait_for("DONE")

    async def job(
        self, values: list[int], *, inverse: bool = False, coset: bool = False, shift: int = 0
    ) -> Job:
        """One NTT, input in one frame: returns what came out and the counters."""
        await self.start(len(values), inverse=inverse, coset=coset, shift=shift)
        await self.source.send(AxiStreamFrame(to_bytes(values)))
        frame = await self.recv(clock_limit(len(values)))
        status = await self.wait_done()
        return Job(
            from_bytes(bytes(frame.tdata)),
            status,
            await self.read64("CYCLES"),
            await self.read64("COMPUTE"),
        )

    async def msm_job(self, points: Sequence[G1], scalars: Sequence[int]) -> Job:
        """One MSM, input in one frame (:func:`zkel.gateware.msm.words.pack_inputs`):
        returns the bucket elements, the counters and the engine's counts."""
        await self.start_msm(len(points))
        await self.source.send(AxiStreamFrame(to_bytes(pack_inputs(points, scalars))))
        frame = await self.recv(msm_clock_limit(self.cfg, len(points)))
        status = await self.wait_done()
        msm = self.dut.top.msm
        return Job(
            from_bytes(bytes(frame.tdata)),
            status,
            await self.read64("CYCLES"),
            await self.read64("COMPUTE"),
            additions=int(msm.additions.value),
            collisions=int(msm.collisions.value),
        )

    def sizes(self) -> list[int]:
        """Every transform size the build supports."""
        ntt_cfg = self.cfg.ntt
        return [1 << k for k in range(ntt_cfg.min_log_size, ntt_cfg.max_log_size + 1)]

    def element(self) -> int:
        """A random element of Fr, the field's edges more often than chance."""
        return self.rng.choice([0, 1, R - 1, self.rng.randrange(R), self.rng.randrange(R)])
