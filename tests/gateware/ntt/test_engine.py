"""NTT engine against zkel.circuits.ntt (control path, behavioural multiplier)."""

from __future__ import annotations

import random

import pytest

from tests.gateware.behavioural_montmul import BehaviouralMontMul
from tests.gateware.ntt.harness import run_job
from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import coset_intt, coset_ntt, intt, ntt
from zkel.gateware.config import NTTConfig
from zkel.gateware.ntt.engine import NTTEngine


def engine(max_log: int = 4, units: int = 1) -> NTTEngine:
    return NTTEngine(NTTConfig(max_log, units), lambda: BehaviouralMontMul(R, latency=3))


def rand_values(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(R) for _ in range(n)]


@pytest.mark.parametrize("units", [1, 2, 4])
@pytest.mark.parametrize("n", [8, 16])
def test_forward(units, n):
    values = rand_values(n, seed=n + units)
    res = run_job(engine(4, units), values)
    assert res.values == ntt(values)
    assert res.lasts == [0] * (n - 1) + [1]
    assert not res.err_tlast and not res.err_length


def test_smallest_size_and_edges():
    values = [0, 1, R - 1, R - 2]
    assert run_job(engine(4, 2), values).values == ntt(values)
    assert run_job(engine(4, 1), [R - 1, 1]).values == ntt([R - 1, 1])


@pytest.mark.parametrize("units", [1, 2])
def test_inverse(units):
    values = rand_values(16, seed=3)
    assert run_job(engine(4, units), values, inverse=True).values == intt(values)


@pytest.mark.parametrize("units", [1, 2])
def test_coset_forward_and_inverse(units):
    values = rand_values(8, seed=4)
    g = 7
    assert run_job(engine(3, units), values, coset=True, shift=g).values == coset_ntt(values, g)
    got = run_job(engine(3, units), values, inverse=True, coset=True, shift=pow(g, -1, R))
    assert got.values == coset_intt(values, g)


def test_backpressure_and_idle_streams():
    values = rand_values(16, seed=5)
    res = run_job(engine(4, 2), values, idle=0.4, stall=0.5, seed=9)
    assert res.values == ntt(values)


@pytest.mark.parametrize("units", [1, 2])
def test_heavy_output_backpressure_loses_nothing(units):
    """32 outputs against random tready at 15 to 30 %: the unload FIFO fills and
    drains many times; no write may meet a full FIFO and every element comes out."""
    values = rand_values(32, seed=11 + units)
    for seed, stall in ((1, 0.85), (2, 0.7), (3, 0.95)):
        res = run_job(engine(5, units), values, stall=stall, seed=seed)
        assert res.refused_writes == 0, (seed, stall)
        assert res.values == ntt(values), (seed, stall)
        assert res.lasts == [0] * 31 + [1]


def test_unload_keeps_one_element_per_clock():
    """At full tready the 32 outputs leave in 32 clocks plus the FIFO's fill latency."""
    dut = engine(5, 1)
    res = run_job(dut, rand_values(32, seed=12))
    load_and_unload = res.cycles - res.compute_cycles
    assert load_and_unload <= 2 * 32 + 8, res


def test_bad_length_is_rejected():
    for n in (0, 3, 12, 32):
        res = run_job(engine(4, 2), [], length=n)
        assert res.err_length and res.values == []
    assert run_job(engine(4, 4), [], length=4).err_length  # below two words of 4


def test_tlast_mismatch_is_flagged():
    values = rand_values(8, seed=6)
    res = run_job(engine(3), values, bad_last_at=2)
    assert res.err_tlast
    assert res.values == ntt(values)


def test_one_butterfly_per_clock_per_unit():
    """Compute time is n/2P clocks per stage plus a fixed drain per pass."""
    for units in (1, 2):
        dut = engine(4, units)
        res = run_job(dut, rand_values(16, seed=7))
        per_stage = 16 // (2 * units)
        stages = 4
        overhead = res.compute_cycles - per_stage * stages
        assert 0 <= overhead <= stages * (dut.latency + 4), res.compute_cycles
