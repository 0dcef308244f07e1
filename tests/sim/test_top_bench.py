"""The cocotb bench of ``zkel_top`` (``sim/test_zkel_top*.py``), run on Icarus Verilog.

Each build is emitted and compiled once per pytest process (``sim/runner.py``
keeps it) and runs bench tests: registers, random forward/inverse/coset NTTs
with and without stream stalls, SOFT_RESET mid-job, TLAST in the wrong place, bad
lengths and modes; random MSMs of 8 to 32 points with edge cases under output
back-pressure, SOFT_RESET mid-MSM, MSM and NTT jobs in turn, a few-digit MSM.
``ZKEL_SEED`` sets the seed (default 1; the bench logs it); ``make sim-tools``
installs the simulator.

The bench builds give the MSM adder a behavioural Fq multiplier (one product per
clock, 8 clocks of latency): the real iterative multiplier simulates at a few
dozen clocks per second in Icarus (12 of them in ``tiny``), so a random MSM of 8
points takes minutes. The real Fq datapath runs in the ``zkel sim msm`` test
(``test_sim_cli.py``, one point) and in the slow test here; the NTT always
uses the real multiplier.
"""

from __future__ import annotations

import os

import pytest

from sim.runner import (
    MSM_TESTS,
    NTT_TESTS,
    QUICK_MSM_TESTS,
    run_ntt_job,
    run_top_bench,
    simulator_available,
)
from tests.gateware.behavioural_montmul import BehaviouralMontMul
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.arith.montmul import MontMul
from zkel.gateware.config import get_config
from zkel.gateware.top import choose_msm_multiplier, choose_multiplier

SEED = int(os.environ.get("ZKEL_SEED", "1"))
QUICK_BENCH = NTT_TESTS + QUICK_MSM_TESTS
FULL_BENCH = NTT_TESTS + MSM_TESTS + ["few_digit_msm", "run_msm"]
FAST_FQ_LATENCY = 8

pytestmark = pytest.mark.skipif(
    not simulator_available(), reason="iverilog not installed (make sim-tools installs it)"
)


def pipelined():
    return MontMul(R, limb_bits=17)


def fast_fq():
    return BehaviouralMontMul(Q, latency=FAST_FQ_LATENCY)


@pytest.mark.timeout(900)
def test_bench_passes_tiny():
    """Every bench test on ``tiny``, and the single-MSM figures of ``run_msm`` (3 points)."""
    env = {"ZKEL_JOBS": "2", "ZKEL_MSM_JOBS": "1", "ZKEL_MSM_POINTS": "12", "ZKEL_POINTS": "3"}
    res = run_top_bench(
        "tiny",
        testcase=FULL_BENCH,
        seed=SEED,
        env=env,
        make_fq_multiplier=fast_fq,
        cache_as="fast-fq",
    )
    assert res.tests == len(FULL_BENCH) + 3, res.log_tail  # random_ntts runs four variants
    assert res.failed == 0, f"seed {SEED}:\n{res.log_tail}"
    msm = get_config("tiny").msm
    fig = res.result
    assert fig["ok"] is True and fig["points"] == 3 and fig["status"]["DONE"] == 1
    assert fig["additions"] == fig["expected_additions"] > 0
    assert fig["bucket_elements"] == 3 * msm.bucket_entries
    # one addition per clock at best (12 multipliers, one product per clock each)
    assert fig["additions"] <= fig["compute_cycles"] < fig["cycles"]
    assert fig["cycles"] > fig["compute_cycles"] + 3 * msm.bucket_entries  # the unload


@pytest.mark.slow  # about 2.5 minutes: the two-unit pipelined NTT path
@pytest.mark.timeout(900)
def test_bench_passes_tiny2_pipelined():
    """The NTT tests on two units of the pipelined multiplier; the few-digit MSM at c = 2
    on a time-multiplexed adder (2 multipliers)."""
    res = run_top_bench(
        "tiny2",
        testcase=QUICK_BENCH,
        seed=SEED,
        env={"ZKEL_JOBS": "2"},
        make_multiplier=pipelined,
        make_fq_multiplier=fast_fq,
        cache_as="pipelined-fast-fq",
    )
    assert res.tests == len(QUICK_BENCH) + 3, res.log_tail
    assert res.failed == 0, f"seed {SEED}:\n{res.log_tail}"


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_msm_bench_on_the_real_multiplier():
    """Every MSM test on the real iterative Fq multipliers (8 points): tens of minutes."""
    tests = MSM_TESTS + ["few_digit_msm"]
    env = {"ZKEL_MSM_JOBS": "1", "ZKEL_MSM_POINTS": "8"}
    res = run_top_bench("tiny", testcase=tests, seed=SEED, env=env)
    assert res.tests == len(tests), res.log_tail
    assert res.failed == 0, f"seed {SEED}:\n{res.log_tail}"


def test_tiny_uses_the_iterative_multipliers():
    assert choose_multiplier(get_config("tiny")).kind == "iterative"
    assert choose_msm_multiplier(get_config("tiny")).kind == "iterative"


@pytest.mark.timeout(900)
def test_single_job_figures():
    n, log_n = 16, 4
    res = run_ntt_job("tiny", n, inverse=True, coset=True, seed=SEED)
    assert res["ok"] is True and res["wrong_outputs"] == 0
    assert (res["size"], res["inverse"], res["coset"], res["outputs"]) == (n, True, True, n)
    assert res["status"]["DONE"] == 1
    # the iterative multiplier takes one butterfly per 16 clocks: log n stages of n/2
    assert res["compute_cycles"] >= 16 * (n // 2) * log_n
    assert res["cycles"] > res["compute_cycles"] + 2 * n  # load and unload are outside


@pytest.mark.timeout(900)
def test_a_wrong_datapath_fails_the_bench():
    """Multipliers reducing modulo r + 2 (NTT) and q + 2 (MSM) give wrong outputs, and the
    bench says so."""
    wrong = {
        "make_multiplier": lambda: BehaviouralMontMul(R + 2, latency=3),
        "make_fq_multiplier": lambda: BehaviouralMontMul(Q + 2, latency=3),
        "cache_as": "wrong",
    }
    res = run_top_bench("tiny", testcase="run_ntt", seed=SEED, env={"ZKEL_SIZE": "8"}, **wrong)
    assert res.failed == 1
    assert res.result["ok"] is False and res.result["wrong_outputs"] > 0
    assert res.result["status"]["DONE"] == 1
    res = run_top_bench("tiny", testcase="run_msm", seed=SEED, env={"ZKEL_POINTS": "2"}, **wrong)
    assert res.failed == 1
    assert res.result["ok"] is False and res.result["status"]["DONE"] == 1
