"""Cycle counts of the MSM engine in simulation (behavioural multiplier).

``python -m tests.gateware.msm.measure`` prints, per configuration, the bucket
additions issued, the compute clocks (accumulation and drain), additions per
clock, collisions, and the whole job's clocks against points x windows.
"""

from __future__ import annotations

import random
import time

from tests.gateware.msm.harness import engine, run_job
from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import R
from zkel.circuits.msm import msm_naive_g1
from zkel.gateware.msm.finish import msm_from_buckets
from zkel.gateware.msm.words import pack_inputs

CASES = [
    # (window bits, multipliers, multiplier latency, points, collision queue depth);
    # latency 49 is the pipelined MontMul's (adder latency 103)
    (3, 12, 2, 32, 16),
    (7, 12, 49, 32, 16),
    (7, 12, 49, 64, 16),
    (4, 12, 49, 32, 16),
    (3, 2, 2, 8, 16),
    (3, 4, 2, 8, 16),
]


def main() -> None:
    rng = random.Random(2024)
    g = G1.generator()
    print(
        "c  mults mul_lat adder_lat points windows ops   compute  ops/clk  collisions  "
        "job_clk  job_clk/(n*W)  sim_s"
    )
    for c, mults, lat, n, depth in CASES:
        pts = [g * rng.randrange(1, R) for _ in range(n)]
        ks = [rng.randrange(R) for _ in range(n)]
        dut = engine(c, mults, mul_latency=lat, queue_depth=depth)
        t = time.time()
        res = run_job(dut, pack_inputs(pts, ks))[0]
        sim_s = time.time() - t
        assert msm_from_buckets(res.values, dut.cfg) == msm_naive_g1(pts, ks)
        w = dut.cfg.n_windows
        print(
            f"{c:<2} {mults:<5} {lat:<7} {dut.latency:<9} {n:<6} {w:<7} {res.additions:<5} "
            f"{res.compute_cycles:<8} {res.additions / res.compute_cycles:<8.3f} "
            f"{res.collisions:<11} {res.cycles:<8} {res.cycles / (n * w):<14.2f} {sim_s:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
