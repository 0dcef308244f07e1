"""cocotb bench for the accelerator top (``zkel_top``): MSM jobs, and MSM and NTT jobs in
turn, driven as the PYNQ driver drives them.

Run through :mod:`runner` (``sim/runner.py``) beside ``test_zkel_top.py``, with the
same environment (``ZKEL_CONFIG``, ``ZKEL_SEED``) and:

* ``ZKEL_MSM_JOBS``: random MSMs in :func:`random_msms` (default 2);
* ``ZKEL_MSM_POINTS``: their largest point count (default 32; each job draws 8 to
  that many, fewer when it is below 8);
* ``ZKEL_POINTS``, ``ZKEL_RESULT``: the one job of :func:`run_msm` and the JSON file
  its figures go to.

Each job's bucket stream goes through the host finish
(:func:`zkel.gateware.msm.finish.msm_from_buckets`) and is compared with
:mod:`zkel.circuits.msm`; the engine's addition count with the number of non-zero
signed digits of the points that are not at infinity.
"""

from __future__ import annotations

import json
import os
import random

import cocotb
from cocotb.triggers import ClockCycles
from cocotbext.axi import AxiStreamFrame
from zkel_tb import POLL_EVERY, TB, Job, msm_expected, no_errors, seed, to_bytes

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import R
from zkel.circuits.msm import signed_digits
from zkel.circuits.ntt import ntt
from zkel.gateware import regmap
from zkel.gateware.config import MSMConfig
from zkel.gateware.msm.finish import msm_from_buckets
from zkel.gateware.msm.words import pack_inputs

G = G1.generator()


def random_msm(rng: random.Random, n: int) -> tuple[list[G1], list[int]]:
    """``n`` points and scalars with the edge cases mixed in: the point at infinity,
    a repeated point and its negation, zero scalars and the scalar field's top."""
    points = [G * rng.randrange(1, 1 << 64) for _ in range(n)]
    scalars = [rng.randrange(R) for _ in range(n)]
    slots = rng.sample(range(n), min(n, 6))
    edge = [G1.identity(), points[slots[0]], -points[slots[0]]]
    for slot, point in zip(slots[1:4], edge, strict=False):
        points[slot] = point
    for slot, k in zip(slots[4:], (0, R - 1), strict=False):
        scalars[slot] = k
    if n >= 4:  # the repeat doubles in every bucket of P, the negation cancels it
        scalars[slots[2]] = scalars[slots[3]] = scalars[slots[0]]
    return points, scalars


def bucket_additions(points: list[G1], scalars: list[int], cfg: MSMConfig) -> int:
    """Additions the engine must issue: one per non-zero signed digit of a finite point."""
    c = cfg.window_bits
    return sum(
        1
        for p, k in zip(points, scalars, strict=True)
        if not p.is_identity()
        for d in signed_digits(k % R, c)
        if d
    )


def check_msm(tb: TB, got: Job, points: list[G1], scalars: list[int], what: str) -> None:
    """The job finished cleanly, its buckets finish to the model's MSM, and the engine
    issued one addition per non-zero digit."""
    cfg = tb.cfg.msm
    assert no_errors(got.status) and got.status["DONE"] == 1, f"{what}: {got.status}"
    assert msm_from_buckets(got.values, cfg) == msm_expected(points, scalars), f"{what}: differs"
    assert got.additions == bucket_additions(points, scalars, cfg), f"{what}: additions"
    assert 0 < got.compute < got.cycles, f"{what}: counters {got.compute}, {got.cycles}"


def point_count(tb: TB) -> int:
    most = int(os.environ.get("ZKEL_MSM_POINTS", "32"))
    return tb.rng.randint(min(8, most), most)


@cocotb.test()
async def msm_config_register(dut: object) -> None:
    """MSM_CONFIG says the engine is present, with the build's window width."""
    tb = TB(dut, "msm_config_register")
    await tb.reset()
    got = regmap.decode("MSM_CONFIG", await tb.read("MSM_CONFIG"))
    assert got == {"PRESENT": 1, "WINDOW_BITS": tb.cfg.msm.window_bits}, got


@cocotb.test()
async def random_msms(dut: object) -> None:
    """Random MSMs with edge cases, every other one (the first) under output back-pressure."""
    tb = TB(dut, "random_msms")
    await tb.reset()
    for job in range(int(os.environ.get("ZKEL_MSM_JOBS", "2"))):
        n = point_count(tb)
        points, scalars = random_msm(tb.rng, n)
        stalls = job % 2 == 0
        tb.random_traffic(stalls, output_only=True)
        got = await tb.msm_job(points, scalars)
        dut._log.info(
            "msm %d: n=%d back-pressure=%d: %d cycles (%d computing), %d additions, %d collisions",
            *(job, n, stalls, got.cycles, got.compute, got.additions, got.collisions),
        )
        check_msm(tb, got, points, scalars, f"msm {job}")
        assert dut.irq.value == 1


@cocotb.test()
async def soft_reset_mid_msm(dut: object) -> None:
    """SOFT_RESET while the engine adds into its buckets abandons the MSM; the next one
    (which must clear the half-filled buckets first) is correct."""
    tb = TB(dut, "soft_reset_mid_msm")
    await tb.reset()
    points, scalars = random_msm(tb.rng, 8)
    await tb.start_msm(len(points))
    await tb.source.send(AxiStreamFrame(to_bytes(pack_inputs(points, scalars))))
    await tb.source.wait()
    await ClockCycles(dut.aclk, POLL_EVERY)
    status = await tb.status()
    assert status["BUSY"] == 1 and status["DONE"] == 0, status
    assert await tb.read("COMPUTE_LO") > 0
    await tb.soft_reset()
    status = await tb.status()
    assert status["BUSY"] == 0 and status["DONE"] == 0 and no_errors(status), status
    assert tb.sink.empty()  # nothing came out of the abandoned job
    points, scalars = random_msm(tb.rng, 8)
    got = await tb.msm_job(points, scalars)
    check_msm(tb, got, points, scalars, "after the reset")


@cocotb.test()
async def msm_and_ntt_in_turn(dut: object) -> None:
    """An NTT, an MSM, an NTT: each engine's stream is routed by the mode of its job."""
    tb = TB(dut, "msm_and_ntt_in_turn")
    await tb.reset()
    for step, kind in enumerate(("ntt", "msm", "ntt")):
        if kind == "ntt":
            values = [tb.element() for _ in range(tb.rng.choice(tb.sizes()))]
            got = await tb.job(values)
            assert no_errors(got.status), f"step {step}: {got.status}"
            assert got.values == ntt(values), f"step {step}: NTT output differs"
        else:
            points, scalars = random_msm(tb.rng, 8)
            check_msm(tb, await tb.msm_job(points, scalars), points, scalars, f"step {step}")


@cocotb.test()
async def few_digit_msm(dut: object) -> None:
    """A short MSM for slow multipliers: a few non-zero digits per scalar, spread from
    window 0 to the top window, a repeated point, a zero scalar and infinity."""
    tb = TB(dut, "few_digit_msm")
    await tb.reset()
    c, top = tb.cfg.msm.window_bits, tb.cfg.msm.n_windows - 1
    p = G * tb.rng.randrange(1, 1 << 64)
    points = [p, p, G1.identity(), G * 3]
    scalars = [
        1 + (((1 << (c - 1)) + 1) << (c * (top - 1))),  # windows 0, top - 1 and top (carry)
        1 + (1 << (c * (top // 2))),  # the same point again: a doubling in bucket 1
        tb.rng.randrange(R),  # infinity: no additions
        0,
    ]
    got = await tb.msm_job(points, scalars)
    dut._log.info("%d additions, %d cycles (%d computing)", got.additions, got.cycles, got.compute)
    check_msm(tb, got, points, scalars, "few-digit MSM")
    assert 0 < got.additions <= 6


@cocotb.test(skip=os.environ.get("ZKEL_POINTS") is None)
async def run_msm(dut: object) -> None:
    """One MSM of ``ZKEL_POINTS`` random points and scalars (``zkel sim msm``); figures
    to ``ZKEL_RESULT``."""
    tb = TB(dut, "run_msm")
    await tb.reset()
    n = int(os.environ["ZKEL_POINTS"])
    points = [G * tb.rng.randrange(1, R) for _ in range(n)]
    scalars = [tb.rng.randrange(R) for _ in range(n)]
    got = await tb.msm_job(points, scalars)
    cfg = tb.cfg.msm
    try:
        result_ok = msm_from_buckets(got.values, cfg) == msm_expected(points, scalars)
    except ValueError as exc:  # a bucket stream of the wrong length or out of range
        dut._log.error("bucket stream: %s", exc)
        result_ok = False
    ok = no_errors(got.status) and result_ok
    result = {
        "config": tb.cfg.name,
        "points": n,
        "seed": seed(),
        "ok": ok,
        "cycles": got.cycles,
        "compute_cycles": got.compute,
        "additions": got.additions,
        "expected_additions": bucket_additions(points, scalars, cfg),
        "collisions": got.collisions,
        "status": got.status,
        "bucket_elements": len(got.values),
    }
    if "ZKEL_RESULT" in os.environ:
        with open(os.environ["ZKEL_RESULT"], "w") as fh:
            json.dump(result, fh)
    assert ok, "MSM result differs from zkel.circuits.msm"
