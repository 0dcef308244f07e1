"""The NTT engine with the real Montgomery multipliers in its butterflies (small sizes)."""

from __future__ import annotations

import random

from tests.gateware.ntt.harness import run_job
from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import coset_ntt, intt, ntt
from zkel.gateware.arith.montmul_iterative import MontMulIterative
from zkel.gateware.config import NTTConfig
from zkel.gateware.ntt.butterfly import real_multiplier, wide_multiplier
from zkel.gateware.ntt.engine import NTTEngine


def values(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [0, 1, R - 1] + [rng.randrange(R) for _ in range(n - 3)]


def test_forward_and_inverse_with_pipelined_montmul():
    """Size 8 and 16, two butterfly units, each around MontMul (limb_bits 17)."""
    dut = NTTEngine(NTTConfig(max_log_size=4, units=2), real_multiplier(17))
    x = values(16, seed=1)
    assert run_job(dut, x).values == ntt(x)
    dut = NTTEngine(NTTConfig(max_log_size=3, units=1), real_multiplier(17))
    x = values(8, seed=2)
    assert run_job(dut, x, inverse=True).values == intt(x)


def test_forward_with_wide_montmul():
    """Size 8, one unit around MontMulWide (26-bit limbs, R = 2^255 as MontMul's)."""
    dut = NTTEngine(NTTConfig(max_log_size=3, units=1), wide_multiplier(26))
    x = values(8, seed=5)
    assert run_job(dut, x).values == ntt(x)


def test_coset_with_iterative_montmul():
    """One unit around MontMulIterative: the engine issues one butterfly per 16 clocks."""
    dut = NTTEngine(NTTConfig(max_log_size=3, units=1), lambda: MontMulIterative(R))
    x = values(8, seed=3)
    res = run_job(dut, x, coset=True, shift=7, idle=0.3, seed=4)
    assert res.values == coset_ntt(x, 7)
