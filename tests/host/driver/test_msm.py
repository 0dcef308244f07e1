"""MSM through SimBus equals the CPU backend: zeros, infinity, repeats, P + (-P).

The simulated MSM engine (iterative multiplier on ``tiny``) runs about 100
clocks per second and every job clears and unloads 340 buckets, so the default
test has two non-trivial points; the 256-point case is marked slow.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from zkel.circuits import msm
from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import R
from zkel.gateware.config import MSMConfig, get_config
from zkel.host.accel import kernels
from zkel.host.driver.driver import Accelerator
from zkel.host.driver.errors import DriverError
from zkel.host.driver.simbus import SimBus


@pytest.fixture(scope="module")
def accel(tiny_bus):
    return Accelerator(tiny_bus, timeout_s=900)


def test_small_msm_with_edge_cases(accel):
    g = G1.generator()
    p = g * 0x1234567
    points = [p, p, G1.identity(), g * 99]
    scalars = [R - 5, 2**200 + 3, 17, 0]  # repeated point, infinity, a zero scalar
    expected = kernels("cpu").msm_g1(points, scalars)
    if not accel.info.msm_present:
        with pytest.raises(DriverError, match="no MSM engine"):
            accel.msm_g1(points, scalars)
        return
    assert accel.msm_g1(points, scalars) == expected


@pytest.mark.slow
def test_msm_chunks_combine_and_cancel(tiny_bus):
    """Two chunks of two points (as a DMA holding two points per transfer would give);
    the second chunk is P + (-P), which the buckets cancel."""
    accel = Accelerator(tiny_bus, timeout_s=900)
    if not accel.info.msm_present:
        pytest.skip("the top has no MSM engine")
    accel.msm_chunk_points = lambda: 2
    g = G1.generator()
    points, scalars = [g * 3, g * 8, g * 5, g * 5], [5, 1, 3, R - 3]
    assert accel.msm_g1(points, scalars) == g * 23
    assert accel.stats.by_mode["MSM"] == 2


@pytest.mark.slow
def test_msm_256_points_equals_cpu():
    """The issue's must-reach: 256 random points, zeros, infinity and repeats (353 s here).

    Window width 8 (one ``tiny`` variant) keeps it to ~32 bucket additions per point.
    """
    cfg = dataclasses.replace(get_config("tiny"), msm=MSMConfig(window_bits=8))
    accel = Accelerator(SimBus(cfg), timeout_s=7200)
    rng = random.Random(256)
    base = [G1.generator() * rng.randrange(1, R) for _ in range(200)]
    points = base + base[:40] + [G1.identity()] * 16
    scalars = [rng.choice([0, 1, R - 1, rng.randrange(R), rng.randrange(R)]) for _ in points]
    assert accel.msm_g1(points, scalars) == msm.msm_naive_g1(points, scalars)
