"""cocotb bench for the accelerator top (``zkel_top``): registers and NTT jobs, driven as
the PYNQ driver drives them (the MSM jobs are in ``test_zkel_top_msm.py``).

Run through :mod:`runner` (``sim/runner.py``), which emits the Verilog of a
configuration and passes the parameters in the environment:

* ``ZKEL_CONFIG``: configuration name (:data:`zkel.gateware.config.CONFIGS`);
* ``ZKEL_SEED``: seed of every random choice (logged by each test);
* ``ZKEL_JOBS``: random jobs per variant in :func:`random_ntts`;
* ``ZKEL_SIZE``, ``ZKEL_INVERSE``, ``ZKEL_COSET``, ``ZKEL_RESULT``: the one job of
  :func:`run_ntt` and the JSON file its figures go to.

The testbench, job runner and golden models are in :mod:`zkel_tb`; every test ends
by comparing with the model or with the register map.
"""

from __future__ import annotations

import json
import os

import cocotb
from cocotb.triggers import ClockCycles
from cocotbext.axi import AxiStreamFrame
from zkel_tb import POLL_EVERY, TB, expected, from_bytes, no_errors, seed, to_bytes

from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import ntt
from zkel.gateware import regmap


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
    """Lengths the build lacks set ERR_LENGTH; a MODE naming no engine sets ERR_MODE."""
    tb = TB(dut, "bad_length_and_mode")
    await tb.reset()
    biggest = tb.sizes()[-1]
    for length in (0, 3, tb.sizes()[0] // 2, biggest + biggest // 2, 2 * biggest):
        await tb.start(length)
        status = await tb.wait_done()
        assert status["ERR_LENGTH"] == 1 and status["BUSY"] == 0, (length, status)
    known = {int(m) for m in regmap.Mode}
    width = regmap.BY_NAME["CTRL"].field("MODE").width
    for mode in sorted(set(range(1 << width)) - known):
        await tb.start_msm(4, mode=mode)
        status = await tb.wait_done()
        assert status["ERR_MODE"] == 1 and status["ERR_LENGTH"] == 0, (mode, status)
        assert status["BUSY"] == 0 and dut.irq.value == 1
    await tb.start_msm(0)  # an MSM of no points
    status = await tb.wait_done()
    assert status["ERR_LENGTH"] == 1 and status["ERR_MODE"] == 0, status
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
        "seed": seed(),
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
