"""CPU kernels: MSM time per point against py_ecc's naive multiply-and-add, and NTT time.

The naive reference is measured in the same run, per point, on a sample of points
(py_ecc.optimized_bn128 ``multiply`` then ``add``), and every MSM size is reported
as a speed-up per point over it.
"""

from __future__ import annotations

import random
import time

from bench.common import best_of, plot_lines, write_json
from zkel.circuits import msm, ntt
from zkel.circuits.bn254 import G1, G2, R


def _points(group, n: int, rng: random.Random) -> list:
    """``n`` points from 256 distinct random ones, in affine form (as a key file gives them)."""
    distinct = [group.generator() * rng.randrange(1, R) for _ in range(min(n, 256))]
    distinct = [group.from_affine_unchecked(*p.affine()) for p in distinct]
    return [distinct[i % len(distinct)] for i in range(n)]


def naive_per_point_s(sample: int = 32) -> float:
    """Seconds per point of py_ecc's multiply-and-add on random full-width scalars."""
    from py_ecc.optimized_bn128 import G1 as PG1
    from py_ecc.optimized_bn128 import add, multiply

    rng = random.Random(99)
    ks = [rng.randrange(R) for _ in range(sample)]
    pts = [multiply(PG1, rng.randrange(1, R)) for _ in range(4)]
    t0 = time.perf_counter()
    acc = None
    for i, k in enumerate(ks):
        term = multiply(pts[i % 4], k)
        acc = term if acc is None else add(acc, term)
    return (time.perf_counter() - t0) / sample


def run(quick: bool = False) -> dict:
    rng = random.Random(1)
    msm_rows = []
    naive_all = []
    for k in range(8, 13 if quick else 17, 2):
        n = 1 << k
        pts = _points(G1, n, rng)
        ks = [rng.randrange(R) for _ in range(n)]
        # the reference is measured right beside each size: this machine's speed drifts
        naive = min(naive_per_point_s(16 if quick else 32) for _ in range(2))
        naive_all.append(naive)
        t = best_of(lambda pts=pts, ks=ks: msm.msm_g1(pts, ks), repeat=1 if k >= 14 else 3)
        row = {
            "log2_points": k,
            "points": n,
            "seconds": round(t, 4),
            "us_per_point": round(t / n * 1e6, 2),
            "py_ecc_naive_us_per_point": round(naive * 1e6, 1),
            "speedup_per_point_vs_py_ecc": round(naive / (t / n), 1),
        }
        print(f"  msm_g1 2^{k}: {row}", flush=True)
        msm_rows.append(row)
    g2_rows = []
    for k in (8, 10) if quick else (8, 10, 12):
        n = 1 << k
        pts = _points(G2, n, rng)
        ks = [rng.randrange(R) for _ in range(n)]
        t = best_of(lambda pts=pts, ks=ks: msm.msm_g2(pts, ks), repeat=1)
        g2_rows.append(
            {"log2_points": k, "seconds": round(t, 4), "us_per_point": round(t / n * 1e6, 2)}
        )
        print(f"  msm_g2 2^{k}: {g2_rows[-1]}", flush=True)
    ntt_rows = []
    for k in range(10, 15 if quick else 19, 2):
        vals = [rng.randrange(R) for _ in range(1 << k)]
        t = best_of(lambda vals=vals: ntt.ntt(vals), repeat=2)
        ntt_rows.append({"log2_size": k, "seconds": round(t, 4)})
        print(f"  ntt 2^{k}: {t:.3f} s", flush=True)

    plot_lines(
        "msm_g1_per_point",
        "MSM G1 time per point (CPU backend)",
        "points",
        "microseconds per point",
        {
            "zkel msm_g1 (Pippenger, batched affine)": (
                [r["points"] for r in msm_rows],
                [r["us_per_point"] for r in msm_rows],
            ),
            "py_ecc multiply-and-add (naive)": (
                [r["points"] for r in msm_rows],
                [r["py_ecc_naive_us_per_point"] for r in msm_rows],
            ),
        },
    )
    plot_lines(
        "ntt",
        "NTT over Fr (CPU backend)",
        "size",
        "seconds",
        {
            "zkel ntt (radix-2, numpy object arrays)": (
                [1 << r["log2_size"] for r in ntt_rows],
                [r["seconds"] for r in ntt_rows],
            )
        },
    )
    at12 = next((r for r in msm_rows if r["log2_points"] == 12), None)
    at16 = next((r for r in ntt_rows if r["log2_size"] == 16), None)
    summary = {
        "gmpy2": msm.HAVE_GMPY2,
        "py_ecc_naive_us_per_point": round(min(naive_all) * 1e6, 1),
        "msm_g1_speedup_at_2^12": at12["speedup_per_point_vs_py_ecc"] if at12 else None,
        "ntt_2^16_seconds": at16["seconds"] if at16 else None,
    }
    write_json(
        "kernels", {"summary": summary, "msm_g1": msm_rows, "msm_g2": g2_rows, "ntt": ntt_rows}
    )
    return summary
