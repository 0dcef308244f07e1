"""Four-step split on the host model: equals the direct transform for every split."""

from __future__ import annotations

import random

import pytest

from zkel.circuits import ntt
from zkel.circuits.bn254.fields import R
from zkel.host.driver.fourstep import four_step, split_sizes


def model_batch(rows, inverse):
    return [ntt.intt(r) if inverse else ntt.ntt(r) for r in rows]


@pytest.mark.parametrize("log_n, log_n1", [(2, 1), (4, 2), (5, 3), (6, 1), (6, 5)])
@pytest.mark.parametrize("inverse", [False, True])
def test_four_step_equals_direct(log_n, log_n1, inverse):
    rng = random.Random(log_n * 10 + log_n1)
    values = [rng.choice([0, 1, R - 1, rng.randrange(R)]) for _ in range(1 << log_n)]
    direct = ntt.intt(values) if inverse else ntt.ntt(values)
    assert four_step(values, log_n1, model_batch, inverse=inverse) == direct


def test_split_sizes_balance_and_limit():
    assert split_sizes(6, 5) == (3, 3)
    assert split_sizes(7, 5) == (4, 3)
    assert split_sizes(12, 3) == (3, 9)  # rows split again by the driver
    with pytest.raises(ValueError, match="needs no split"):
        split_sizes(5, 5)


def test_four_step_refuses_bad_shapes():
    with pytest.raises(ValueError, match="cannot split a size-6 transform"):
        four_step([1] * 6, 1, model_batch, inverse=False)
