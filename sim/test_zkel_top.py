"""cocotb bench for the accelerator top (``zkel_top``), driven as the PYNQ driver drives it.

Run through :mod:`runner` (``sim/runner.py``), which emits the Verilog of a
configuration and passes the parameters in the environment:

* ``ZKEL_CONFIG``: configuration name (:data:`zkel.gateware.config.CONFIGS`);
* ``ZKEL_SEED``: seed of every random choice (logged by each test);
* ``ZKEL_JOBS``: random jobs per variant in :func:`random_ntts`;
* ``ZKEL_SIZE``, ``ZKEL_INVERSE``, ``ZKEL_COSET``, ``ZKEL_RESULT``: the one job of
  :func:`run_ntt` and the JSON file its figures go to.

Parts: :class:`TB` wires the AXI4-Lite manager and the two stream endpoints
(cocotbext-axi) with optional idle and back-pressure generators and runs jobs as
the driver does (registers, stream in, stream out, poll ``STATUS``); the golden
model is :mod:`zkel.circuits.ntt` (:func:`expected`); every test ends by
comparing with it or with the register map.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
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

from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import coset_intt, coset_ntt, intt, ntt
from zkel.gateware import regmap
from zkel.gateware.config import CONFIGS

POLL_LIMIT = 200_000
"""Clocks of polling ``STATUS`` (or waiting for a stream) before a small job counts as
hung; a size-n job gets ``64·n·log2 n`` more (:func:`clock_limit`)."""
CLOCK_NS = 10
POLL_EVERY = 32
"""Clocks between two ``STATUS`` reads while waiting."""
ELEMENT_BYTES = 32


def _seed() -> int:
    return int(os.environ.get("ZKEL_SEED", "1"))


def to_bytes(values: list[int]) -> bytes:
    """Elements as the stream carries them: 32 bytes each, little-endian."""
    return b"".join(v.to_bytes(ELEMENT_BYTES, "little") for v in values)


def from_bytes(raw: bytes) -> list[int]:
    """The inverse of :func:`to_bytes`."""
    return [
        int.from_bytes(raw[i : i + ELEMENT_BYTES], "little")
        for i in range(0, len(raw), ELEMENT_BYTES)
    ]


def clock_limit(n: int) -> int:
    """Clocks a size-``n`` job may take before it counts as hung (16 clocks per
    butterfly of an iterative multiplier, coset passes and drains, with margin)."""
    return POLL_LIMIT + 64 * n * max(n.bit_length() - 1, 1)


def expected(values: list[int], inverse: bool, coset: bool, g: int) -> list[int]:
    """Golden model of one job (``g`` the coset generator; the register gets g or 1/g)."""
    if coset:
        return coset_intt(values, g) if inverse else coset_ntt(values, g)
    return intt(values) if inverse else ntt(values)


@dataclass
class Job:
    """What one job returned: outputs, ``STATUS`` fields and the cycle counters."""

    values: list[int]
    status: dict[str, int]
    cycles: int
    compute: int


class TB:
    """Clock, reset, register access and the two streams around ``zkel_top``."""

    def __init__(self, dut: object, name: str) -> None:
        self.dut = dut
        self.cfg = CONFIGS[os.environ.get("ZKEL_CONFIG", "tiny")]
        self.rng = random.Random(f"{_seed()}:{name}")
        dut._log.info("%s: config %s, seed %d (ZKEL_SEED)", name, self.cfg.name, _seed())
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

    def random_traffic(self, on: bool) -> None:
        """Random TVALID gaps on the input and TREADY back-pressure on the output."""
        if not on:
            for port in (self.source, self.sink):
                port.clear_pause_generator()
                port.pause = False  # clearing the generator leaves its last value
            return
        rng = random.Random(self.rng.random())
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
        """Program ``LENGTH``, ``SHIFT``, ``CTRL`` and pulse ``CTRL.START``."""
        await self.write("LENGTH", n)
        for i in range(8):
            await self.write(f"SHIFT{i}", (shift >> (32 * i)) & 0xFFFFFFFF)
        ctrl = regmap.encode("CTRL", MODE=regmap.Mode.NTT, INVERSE=int(inverse), COSET=int(coset))
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
        """One job, input in one frame: returns what came out and the counters."""
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

    def sizes(self) -> list[int]:
        """Every transform size the build supports."""
        ntt_cfg = self.cfg.ntt
        return [1 << k for k in range(ntt_cfg.min_log_size, ntt_cfg.max_log_size + 1)]

    def element(self) -> int:
        """A random element of Fr, the field's edges more often than chance."""
        return self.rng.choice([0, 1, R - 1, self.rng.randrange(R), self.rng.randrange(R)])


def no_errors(status: dict[str, int]) -> bool:
    return not (status["ERR_LENGTH"] or status["ERR_TLAST"] or status["ERR_MODE"])


@cocotb.test()
async def registers_describe_the_build(dut: object) -> None:
    """ID, VERSION and the configuration registers read back from the build's config."""
    tb = TB(dut, "registers_describe_the_build")
    await tb.reset()
    for name, value in regmap.config_words(tb.cfg).items():
        got = await tb.read(name)
        assert got == value, f"{name}: read 0x{got:08X}, expected 0x{value:08X}"
    assert await tb.read("ID") == regmap.MAGIC
    version = regmap.decode("VERSION", await tb.read("VERSION"))
    assert version == {"MINOR": regmap.VERSION_MINOR, "MAJOR": regmap.VERSION_MAJOR}
    await tb.write("LENGTH", 0x1234)
    await tb.write("SHIFT7", 0xDEADBEEF)
    assert await tb.read("LENGTH") == 0x1234
    assert await tb.read("SHIFT7") == 0xDEADBEEF
    status = await tb.status()
    assert status["BUSY"] == 0 and status["DONE"] == 0 and no_errors(status)
    assert dut.irq.value == 0


@cocotb.test()
@cocotb.parametrize(inverse=[False, True], coset=[False, True])
async def random_ntts(dut: object, inverse: bool, coset: bool) -> None:
    """Random sizes and inputs, with and without stream stalls, against the model."""
    name = f"random_ntts inverse={inverse} coset={coset}"
    tb = TB(dut, name)
    await tb.reset()
    jobs = int(os.environ.get("ZKEL_JOBS", "2"))
    for job in range(jobs):
        n = tb.rng.choice(tb.sizes())
        g = tb.rng.randrange(2, R)
        values = [tb.element() for _ in range(n)]
        stalls = job % 2 == 1
        tb.random_traffic(stalls)
        shift = pow(g, -1, R) if inverse else g
        got = await tb.job(values, inverse=inverse, coset=coset, shift=shift)
        dut._log.info(
            "job %d: n=%d stalls=%d: %d cycles (%d computing)",
            job,
            n,
            stalls,
            got.cycles,
            got.compute,
        )
        assert no_errors(got.status), f"job {job}: {got.status}"
        assert got.values == expected(values, inverse, coset, g), f"job {job}: output differs"
        assert 0 < got.compute < got.cycles
        assert dut.irq.value == 1


@cocotb.test()
async def soft_reset_mid_job(dut: object) -> None:
    """SOFT_RESET during a job's input abandons it; the next job is correct."""
    tb = TB(dut, "soft_reset_mid_job")
    await tb.reset()
    n = tb.sizes()[-1]
    values = [tb.element() for _ in range(n)]
    await tb.start(n)
    half = values[: n // 2]
    await tb.source.send(AxiStreamFrame(to_bytes(half)))
    status = await tb.wait_for("ERR_TLAST")  # the half frame's TLAST is early
    await ClockCycles(dut.aclk, 4 * POLL_EVERY)
    assert (await tb.status())["BUSY"] == 1 and status["DONE"] == 0  # waiting for more
    await tb.soft_reset()
    status = await tb.status()
    assert status["BUSY"] == 0 and status["DONE"] == 0 and no_errors(status)
    got = await tb.job(values)
    assert no_errors(got.status)
    assert got.values == ntt(values)


@cocotb.test()
async def tlast_in_the_wrong_place(dut: object) -> None:
    """An early TLAST (input split in two frames) sets ERR_TLAST; the job still completes."""
    tb = TB(dut, "tlast_in_the_wrong_place")
    await tb.reset()
    n = tb.sizes()[-1]
    values = [tb.element() for _ in range(n)]
    await tb.start(n)
    cut = tb.rng.randrange(1, n)
    await tb.source.send(AxiStreamFrame(to_bytes(values[:cut])))
    await tb.source.send(AxiStreamFrame(to_bytes(values[cut:])))
    frame = await tb.recv()
    status = await tb.wait_done()
    assert status["ERR_TLAST"] == 1 and status["ERR_LENGTH"] == 0
    assert from_bytes(bytes(frame.tdata)) == ntt(values)
    got = await tb.job(values[: n // 2])  # START clears the error
    assert no_errors(got.status)
    assert got.values == ntt(values[: n // 2])


@cocotb.test()
async def bad_length_and_mode(dut: object) -> None:
    """Lengths the build lacks set ERR_LENGTH; MODE = MSM sets ERR_MODE (no MSM engine)."""
    tb = TB(dut, "bad_length_and_mode")
    await tb.reset()
    biggest = tb.sizes()[-1]
    for length in (0, 3, tb.sizes()[0] // 2, biggest + biggest // 2, 2 * biggest):
        await tb.start(length)
        status = await tb.wait_done()
        assert status["ERR_LENGTH"] == 1 and status["BUSY"] == 0, (length, status)
    await tb.write("CTRL", regmap.encode("CTRL", MODE=regmap.Mode.MSM, START=1))
    status = await tb.wait_done()
    assert status["ERR_MODE"] == 1 and status["ERR_LENGTH"] == 0, status
    values = [tb.element() for _ in range(tb.sizes()[0])]
    got = await tb.job(values)  # the core still works
    assert no_errors(got.status)
    assert got.values == ntt(values)


@cocotb.test(skip=os.environ.get("ZKEL_SIZE") is None)
async def run_ntt(dut: object) -> None:
    """One job of ``ZKEL_SIZE`` random elements (``zkel sim ntt``); figures to ``ZKEL_RESULT``."""
    tb = TB(dut, "run_ntt")
    await tb.reset()
    n = int(os.environ["ZKEL_SIZE"])
    inverse = os.environ.get("ZKEL_INVERSE") == "1"
    coset = os.environ.get("ZKEL_COSET") == "1"
    g = tb.rng.randrange(2, R)
    values = [tb.rng.randrange(R) for _ in range(n)]
    shift = pow(g, -1, R) if inverse else g
    got = await tb.job(values, inverse=inverse, coset=coset, shift=shift)
    want = expected(values, inverse, coset, g)
    wrong = [k for k, (a, b) in enumerate(zip(got.values, want, strict=False)) if a != b]
    ok = no_errors(got.status) and got.values == want
    result = {
        "config": tb.cfg.name,
        "size": n,
        "inverse": inverse,
        "coset": coset,
        "seed": _seed(),
        "ok": ok,
        "cycles": got.cycles,
        "compute_cycles": got.compute,
        "status": got.status,
        "outputs": len(got.values),
        "wrong_outputs": len(wrong),
    }
    if wrong:
        k = wrong[0]
        dut._log.error("output %d: got 0x%064x, expected 0x%064x", k, got.values[k], want[k])
    if "ZKEL_RESULT" in os.environ:
        with open(os.environ["ZKEL_RESULT"], "w") as fh:
            json.dump(result, fh)
    assert ok, "NTT output differs from zkel.circuits.ntt"
