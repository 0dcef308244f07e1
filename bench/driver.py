"""Driver overhead: host conversion and packing rates, and the driver's share of simulated jobs.

1. Conversion and packing of MSM inputs (G1 points in affine form, as a key file
   gives them, with full-width scalars: three 256-bit elements per point) and of
   Fr vectors, into the DMA buffer and back, in elements per second, by
   :mod:`zkel.host.driver.packing`, against a plain-Python reference measured in
   the same run (``p.affine()`` per point, the register map's per-beat
   :func:`zkel.gateware.regmap.pack_elements`, one ``to_bytes`` per beat).
2. One NTT and one MSM through ``Accelerator(SimBus("tiny"))``: wall time split
   into the simulator (``SimBus.sim_seconds``: advancing the RTL) and the driver
   (everything else: conversion, packing, register and DMA call overhead, the
   MSM's host finish).
"""

from __future__ import annotations

import random
import time

import numpy as np

from bench.common import plot_lines, write_json
from zkel.circuits.bn254 import G1, R
from zkel.gateware import regmap
from zkel.gateware.config import get_config
from zkel.host.driver.packing import pack_elements, pack_msm_input, unpack_elements

BEAT_BITS = 64


def _points(n: int, rng: random.Random) -> list[G1]:
    distinct = [G1.generator() * rng.randrange(1, R) for _ in range(min(n, 256))]
    distinct = [G1.from_affine_unchecked(*p.affine()) for p in distinct]
    return [distinct[i % len(distinct)] for i in range(n)]


def _reference_msm_pack(points: list[G1], scalars: list[int]) -> np.ndarray:
    flat: list[int] = []
    for p, k in zip(points, scalars, strict=True):
        aff = p.affine()
        x, y = (0, 0) if aff is None else aff
        flat += [x, y, k % R]
    beats = regmap.pack_elements(flat, BEAT_BITS)
    raw = b"".join(b.to_bytes(BEAT_BITS // 8, "little") for b in beats)
    return np.frombuffer(raw, dtype=np.uint8)


def _reference_fr_pack(values: list[int]) -> np.ndarray:
    beats = regmap.pack_elements(values, BEAT_BITS)
    return np.frombuffer(b"".join(b.to_bytes(8, "little") for b in beats), dtype=np.uint8)


def _reference_unpack(buffer: np.ndarray) -> list[int]:
    words = buffer.view(np.uint64).tolist()
    return regmap.unpack_elements(words, BEAT_BITS)


def _timed(fn, *args):  # noqa: ANN202
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def packing(log_sizes: list[int]) -> dict:
    rng = random.Random(1)
    rows = []
    for log_n in log_sizes:
        n = 1 << log_n
        points = _points(n, rng)
        scalars = [rng.randrange(R) for _ in range(n)]
        values = [rng.randrange(R) for _ in range(n)]
        fast_msm, t_msm = _timed(pack_msm_input, points, scalars)
        ref_msm, t_msm_ref = _timed(_reference_msm_pack, points, scalars)
        fast_fr, t_fr = _timed(pack_elements, values)
        ref_fr, t_fr_ref = _timed(_reference_fr_pack, values)
        back, t_un = _timed(unpack_elements, fast_fr)
        back_ref, t_un_ref = _timed(_reference_unpack, ref_fr)
        assert np.array_equal(fast_msm, ref_msm) and np.array_equal(fast_fr, ref_fr)
        assert back == values == back_ref
        rows.append(
            {
                "points": n,
                "msm_pack_elements_per_s": round(3 * n / t_msm),
                "msm_pack_reference_elements_per_s": round(3 * n / t_msm_ref),
                "fr_pack_elements_per_s": round(n / t_fr),
                "fr_pack_reference_elements_per_s": round(n / t_fr_ref),
                "fr_unpack_elements_per_s": round(n / t_un),
                "fr_unpack_reference_elements_per_s": round(n / t_un_ref),
            }
        )
    return {"rows": rows}


def simulated(ntt_size: int, msm_points: int) -> dict:
    from zkel.host.driver.driver import Accelerator
    from zkel.host.driver.simbus import SimBus

    t0 = time.perf_counter()
    bus = SimBus(get_config("tiny"))
    build_s = time.perf_counter() - t0
    accel = Accelerator(bus, timeout_s=3600)
    rng = random.Random(2)
    out = {"config": "tiny", "elaboration_s": round(build_s, 2)}
    values = [rng.randrange(R) for _ in range(ntt_size)]
    jobs = [("ntt", lambda: accel.coset_ntt(values, 5), f"coset NTT of {ntt_size}")]
    if accel.info.msm_present:
        points = _points(msm_points, rng)
        scalars = [rng.randrange(R) for _ in points]
        jobs.append(("msm", lambda: accel.msm_g1(points, scalars), f"MSM of {msm_points} points"))
    for key, job, what in jobs:
        sim0, clk0, t0 = bus.sim_seconds, bus.clocks, time.perf_counter()
        job()
        wall = time.perf_counter() - t0
        sim = bus.sim_seconds - sim0
        out[key] = {
            "job": what,
            "wall_s": round(wall, 3),
            "simulator_s": round(sim, 3),
            "driver_s": round(wall - sim, 4),
            "driver_share": round((wall - sim) / wall, 5),
            "clocks": bus.clocks - clk0,
            "clocks_per_s": round((bus.clocks - clk0) / sim, 1),
        }
    if not accel.info.msm_present:
        out["msm"] = "the top has no MSM engine in this checkout"
    return out


def run(quick: bool = False) -> dict:
    log_sizes = [10, 12] if quick else [10, 12, 14, 16]
    pack = packing(log_sizes)
    sim = simulated(8 if quick else 32, 2)
    rows = pack["rows"]
    xs = [r["points"] for r in rows]

    def col(key: str) -> tuple[list[int], list[int]]:
        return xs, [r[key] for r in rows]

    plot_lines(
        "driver",
        "Driver: conversion + packing into the DMA buffer",
        "points (MSM) / elements (Fr)",
        "field elements per second",
        {
            "MSM input (numpy path)": col("msm_pack_elements_per_s"),
            "MSM input (plain Python)": col("msm_pack_reference_elements_per_s"),
            "Fr pack (numpy path)": col("fr_pack_elements_per_s"),
            "Fr pack (plain Python)": col("fr_pack_reference_elements_per_s"),
        },
    )
    last = rows[-1]
    summary = {
        "msm_pack_points": last["points"],
        "msm_pack_elements_per_s": last["msm_pack_elements_per_s"],
        "msm_pack_speedup": round(
            last["msm_pack_elements_per_s"] / last["msm_pack_reference_elements_per_s"], 2
        ),
        "fr_pack_elements_per_s": last["fr_pack_elements_per_s"],
        "fr_pack_speedup": round(
            last["fr_pack_elements_per_s"] / last["fr_pack_reference_elements_per_s"], 2
        ),
        "fr_unpack_elements_per_s": last["fr_unpack_elements_per_s"],
        "ntt_driver_share": sim["ntt"]["driver_share"],
        "msm_driver_share": sim["msm"]["driver_share"] if isinstance(sim["msm"], dict) else None,
    }
    write_json("driver", {"packing": pack, "simulated": sim, "summary": summary})
    return summary
