"""The cocotb bench of ``zkel_top`` (``sim/test_zkel_top.py``), run on Icarus Verilog.

Each run emits the Verilog, compiles it and runs every bench test: registers,
random forward/inverse/coset NTTs with and without stream stalls, SOFT_RESET
mid-job, TLAST in the wrong place, bad lengths and modes. ``ZKEL_SEED`` sets the
seed (default 1; the bench logs it); ``make sim-tools`` installs the simulator.
"""

from __future__ import annotations

import os

import pytest

from sim.runner import run_ntt_job, run_top_bench, simulator_available
from tests.gateware.behavioural_montmul import BehaviouralMontMul
from zkel.circuits.bn254.fields import R
from zkel.gateware.arith.montmul import MontMul
from zkel.gateware.config import get_config
from zkel.gateware.top import choose_multiplier

BENCH_TESTS = 9  # eight tests and run_ntt, which skips without ZKEL_SIZE
SEED = int(os.environ.get("ZKEL_SEED", "1"))

pytestmark = pytest.mark.skipif(
    not simulator_available(), reason="iverilog not installed (make sim-tools installs it)"
)


def pipelined():
    return MontMul(R, limb_bits=17)


@pytest.mark.timeout(600)
@pytest.mark.parametrize(
    ("config", "make_multiplier"),
    [("tiny", None), ("tiny2", pipelined)],
    ids=["tiny-iterative", "tiny2-pipelined"],
)
def test_bench_passes(config, make_multiplier):
    res = run_top_bench(config, seed=SEED, env={"ZKEL_JOBS": "2"}, make_multiplier=make_multiplier)
    assert res.tests == BENCH_TESTS, res.log_tail
    assert res.failed == 0, f"seed {SEED}:\n{res.log_tail}"


def test_tiny_uses_the_iterative_multiplier():
    assert choose_multiplier(get_config("tiny")).kind == "iterative"


@pytest.mark.timeout(600)
def test_single_job_figures():
    n, log_n = 16, 4
    res = run_ntt_job("tiny", n, inverse=True, coset=True, seed=SEED)
    assert res["ok"] is True and res["wrong_outputs"] == 0
    assert (res["size"], res["inverse"], res["coset"], res["outputs"]) == (n, True, True, n)
    assert res["status"]["DONE"] == 1
    # the iterative multiplier takes one butterfly per 16 clocks: log n stages of n/2
    assert res["compute_cycles"] >= 16 * (n // 2) * log_n
    assert res["cycles"] > res["compute_cycles"] + 2 * n  # load and unload are outside


@pytest.mark.timeout(600)
def test_a_wrong_datapath_fails_the_bench():
    """A multiplier reducing modulo r + 2 gives wrong outputs, and the bench says so."""
    res = run_top_bench(
        "tiny",
        testcase="run_ntt",
        seed=SEED,
        env={"ZKEL_SIZE": "8"},
        make_multiplier=lambda: BehaviouralMontMul(R + 2, latency=3),
    )
    assert res.failed == 1
    assert res.result["ok"] is False and res.result["wrong_outputs"] > 0
    assert res.result["status"]["DONE"] == 1
