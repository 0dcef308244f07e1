"""Every registered Kernels backend gives the reference results (one suite for all)."""

import random

import pytest

from zkel.circuits import msm, ntt
from zkel.circuits.bn254 import G1, G2, R
from zkel.host.accel import Kernels, KernelsUnavailable, backend_names, kernels

# The sim backend runs the RTL at about 100 clocks per second: its equality tests,
# sized for that, are in tests/host/driver/.
SIMULATED = {"sim"}


def available_backends():
    out = []
    for name in backend_names():
        if name in SIMULATED:
            continue
        try:
            out.append(kernels(name))
        except KernelsUnavailable:
            continue
    return out


@pytest.fixture(params=available_backends(), ids=lambda k: k.name)
def backend(request):
    return request.param


def test_cpu_is_registered_and_a_kernels():
    assert isinstance(kernels("cpu"), Kernels)
    assert "cpu" in [k.name for k in available_backends()]


def test_backend_msm(backend):
    rng = random.Random(1)
    pts = [G1.generator() * rng.randrange(1, R) for _ in range(20)]
    ks = [rng.choice([0, 1, R - 1, rng.randrange(R)]) for _ in range(20)]
    assert backend.msm_g1(pts, ks) == msm.msm_naive_g1(pts, ks)
    pts2 = [G2.generator() * rng.randrange(1, R) for _ in range(5)]
    assert backend.msm_g2(pts2, ks[:5]) == msm.msm_naive_g2(pts2, ks[:5])


def test_backend_ntt(backend):
    rng = random.Random(2)
    vals = [rng.randrange(R) for _ in range(16)]
    shift = rng.randrange(2, R)
    assert backend.ntt(vals) == ntt.dft(vals)
    assert backend.intt(vals) == ntt.idft(vals)
    assert backend.coset_intt(backend.coset_ntt(vals, shift), shift) == vals


def test_cpu_plain_ints_equal_gmpy2():
    rng = random.Random(3)
    pts = [G1.generator() * rng.randrange(1, R) for _ in range(30)]
    ks = [rng.randrange(R) for _ in range(30)]
    assert kernels("cpu", use_gmpy2=False).msm_g1(pts, ks) == kernels("cpu").msm_g1(pts, ks)


def test_board_backend_says_why_it_is_unavailable():
    with pytest.raises(KernelsUnavailable, match="needs a bitstream"):
        kernels("pynq")


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown kernels backend 'gpu'; known: cpu"):
        kernels("gpu")
