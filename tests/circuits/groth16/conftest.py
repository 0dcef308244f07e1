"""Shared Groth16 fixtures: keys are made once per session (setup is the slow part)."""

from __future__ import annotations

import random

import pytest

from zkel.circuits import groth16
from zkel.circuits.r1cs.examples import cubic, random_circuit
from zkel.host.accel import kernels


class SeededRandom(random.Random):
    """A deterministic stand-in for SystemRandom in tests (same randrange API)."""


@pytest.fixture(scope="session")
def cpu():
    return kernels("cpu")


@pytest.fixture(scope="session")
def cubic_keys():
    cs = cubic(3)
    zkey = groth16.setup(cs.to_r1cs(), rng=SeededRandom(1))
    return cs, zkey, groth16.ProvingKey.from_zkey(zkey)


@pytest.fixture(scope="session")
def random_keys():
    cs = random_circuit(50, 3, seed=11)
    zkey = groth16.setup(cs.to_r1cs(), rng=SeededRandom(2))
    return cs, zkey, groth16.ProvingKey.from_zkey(zkey)
