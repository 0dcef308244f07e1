"""MSM engine against zkel.circuits.msm (behavioural multiplier, Amaranth simulation)."""

from __future__ import annotations

import random

import pytest

from tests.gateware.msm.harness import engine, run_job
from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import R
from zkel.circuits.msm import accumulate_window_g1, msm_naive_g1, signed_digits
from zkel.gateware.msm.engine import MSMEngine
from zkel.gateware.msm.finish import fold_top_window, msm_from_buckets, normalise
from zkel.gateware.msm.words import pack_inputs, unpack_buckets

G = G1.generator()


def golden_buckets(points, scalars, c: int, windows: int) -> list[list[G1]]:
    """Per window, buckets 1..2^(c-1) from the golden model (affine -> G1)."""
    live = [(p.affine(), k) for p, k in zip(points, scalars, strict=True) if not p.is_identity()]
    xs = [a[0] for a, _ in live]
    ys = [a[1] for a, _ in live]
    digits = [signed_digits(k, c) for _, k in live]
    out = []
    for w in range(windows):
        buckets = accumulate_window_g1(xs, ys, [d[w] for d in digits], 1 << (c - 1))
        out.append([G1.identity() if b is None else G1(b[0], b[1], 1) for b in buckets[1:]])
    return out


def check(dut: MSMEngine, points, scalars, **kw):
    """Run one job; buckets equal the golden model's, and the host finish equals the MSM."""
    res = run_job(dut, pack_inputs(points, scalars), **kw)[0]
    cfg = dut.cfg
    got = [normalise(w) for w in unpack_buckets(res.values, cfg)]
    got[-1] = fold_top_window(got[-1], cfg)
    assert got == golden_buckets(points, scalars, cfg.window_bits, cfg.n_windows)
    assert msm_from_buckets(res.values, cfg) == msm_naive_g1(points, scalars)
    assert res.lasts == [0] * (len(res.values) - 1) + [1]
    assert not res.err_length
    return res


def rand_points(n: int, rng: random.Random) -> list[G1]:
    return [G * rng.randrange(1, 1 << 64) for _ in range(n)]


def test_random_scalars_one_addition_per_clock():
    rng = random.Random(1)
    pts = rand_points(16, rng)
    ks = [rng.randrange(R) for _ in range(16)]
    dut = engine(3)
    res = check(dut, pts, ks)
    ops = sum(1 for k in ks for d in signed_digits(k, 3) if d)
    assert res.additions == ops and res.collisions == 0
    assert res.additions / res.compute_cycles >= 0.9, (res.additions, res.compute_cycles)


def test_zero_scalars_and_the_point_at_infinity():
    rng = random.Random(2)
    pts = rand_points(6, rng) + [G1.identity(), G1.identity()]
    ks = [0, rng.randrange(R), R, 5, 0, rng.randrange(R), rng.randrange(R), 0]
    res = check(engine(2), pts, ks)
    assert res.additions == sum(
        1
        for p, k in zip(pts, ks, strict=True)
        if not p.is_identity()
        for d in signed_digits(k, 2)
        if d
    )


def test_only_zero_contributions_give_empty_buckets():
    res = check(engine(2), [G, G1.identity()], [0, 7])
    assert res.additions == 0
    assert all(
        b.is_identity()
        for b in normalise([tuple(res.values[i : i + 3]) for i in range(0, len(res.values), 3)])
    )


@pytest.mark.parametrize("c", [2, 4])
def test_window_digits_at_their_extremes(c):
    h = 1 << (c - 1)
    windows = 254 // c + 1
    top = windows - 3  # stay below r
    k_max = sum(h << (c * w) for w in range(top))  # every digit +2^(c-1)
    k_min = (1 << (c * top)) - sum((h - 1) << (c * w) for w in range(top))  # -(2^(c-1)-1)
    assert signed_digits(k_max, c)[:top] == [h] * top
    assert signed_digits(k_min, c)[:top] == [-(h - 1)] * top
    rng = random.Random(c)
    pts = rand_points(4, rng)
    check(engine(c), pts, [k_max, k_min, k_max, k_min])


def test_repeated_points_and_doubling_in_buckets():
    rng = random.Random(4)
    p = G * rng.randrange(1, R)
    q = -p
    ks = [rng.randrange(R) for _ in range(4)]
    # same point with the same scalar: every bucket doubles; with -P: cancels to O
    check(engine(3), [p, p, p, q, q], [ks[0], ks[0], ks[1], ks[1], ks[2]])


def test_all_points_in_one_bucket_go_through_the_collision_queue():
    """Adder latency (85) above the windows per point (64): same-bucket hazards."""
    rng = random.Random(5)
    pts = rand_points(8, rng)
    k = sum(3 << (4 * w) for w in range(60))  # digit 3 in windows 0..59
    dut = engine(4, mul_latency=40, queue_depth=4)
    assert dut.latency > dut.cfg.n_windows
    res = check(dut, pts, [k] * 8)
    assert res.collisions > 0
    assert res.additions == 8 * 60


def test_time_multiplexed_adder():
    rng = random.Random(6)
    pts = rand_points(3, rng)
    dut = engine(2, multipliers=2)
    assert dut.initiation_interval == 6
    res = check(dut, pts, [rng.randrange(R) for _ in pts])
    assert res.compute_cycles >= 6 * res.additions


def test_stream_idles_and_backpressure():
    rng = random.Random(7)
    pts = rand_points(5, rng)
    check(engine(3), pts, [rng.randrange(R) for _ in pts], idle=0.4, stall=0.5, seed=3)


def test_back_to_back_jobs_start_clean():
    rng = random.Random(8)
    pts = rand_points(4, rng)
    ks = [rng.randrange(R) for _ in pts]
    dut = engine(3)
    first, second = run_job(dut, pack_inputs(pts, ks), jobs=2)
    assert first.values == second.values
    assert msm_from_buckets(second.values, dut.cfg) == msm_naive_g1(pts, ks)
    # the first job clears the bucket RAM (one clock per bucket); the second finds it clean
    assert first.cycles - second.cycles >= dut.cfg.bucket_entries


def test_bad_length_and_tlast():
    assert run_job(engine(2), [], length=0)[0].err_length
    rng = random.Random(9)
    pts = rand_points(2, rng)
    ks = [rng.randrange(R) for _ in pts]
    dut = engine(2)
    res = run_job(dut, pack_inputs(pts, ks), bad_last_at=2)[0]
    assert res.err_tlast
    assert msm_from_buckets(res.values, dut.cfg) == msm_naive_g1(pts, ks)


@pytest.mark.slow
def test_real_multiplier():
    """The engine around the project's pipelined MontMul (R = 2^255), two multipliers."""
    from zkel.gateware.config import MSMConfig
    from zkel.gateware.ec.mulstage import fq_multiplier

    rng = random.Random(10)
    pts = rand_points(2, rng)
    dut = MSMEngine(MSMConfig(2, multipliers=2), fq_multiplier(17))
    check(dut, pts, [rng.randrange(R) for _ in pts])
