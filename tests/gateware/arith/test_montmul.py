"""Pipelined Montgomery multiplier against the integer model, in Amaranth simulation."""

from __future__ import annotations

import random
import re

import pytest
from amaranth.hdl import Fragment

from tests.gateware.arith.harness import run_pairs
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.arith.model import from_mont, mont_mul, to_mont
from zkel.gateware.arith.montmul import MontgomeryParameters, MontMul


def edge_pairs(p: int, r_bits: int) -> list[tuple[int, int]]:
    """0, 1, 2, p-1, p-2 and R mod p against each other."""
    edges = [0, 1, 2, p - 1, p - 2, (1 << r_bits) % p]
    return [(a, b) for a in edges for b in edges]


def random_pairs(p: int, count: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(rng.randrange(p), rng.randrange(p)) for _ in range(count)]


def check_montmul(dut: MontMul, pairs: list[tuple[int, int]], **run_args: object) -> None:
    """Every result equals the model, in order, exactly ``latency`` clocks after its input."""
    run = run_pairs(dut, pairs, **run_args)
    expected = [mont_mul(a, b, dut.modulus, dut.r_bits) for a, b in pairs]
    assert run.outputs == expected
    assert [o - i for i, o in zip(run.in_cycles, run.out_cycles, strict=True)] == [
        dut.latency
    ] * len(pairs)


@pytest.mark.parametrize("p", [Q, R], ids=["Fq", "Fr"])
@pytest.mark.parametrize("limb_bits", [17, 16])
def test_edges_back_to_back(p, limb_bits):
    dut = MontMul(p, limb_bits=limb_bits)
    check_montmul(dut, edge_pairs(p, dut.r_bits))


@pytest.mark.parametrize("p", [Q, R], ids=["Fq", "Fr"])
def test_random_back_to_back(p):
    check_montmul(MontMul(p, limb_bits=17), random_pairs(p, 150, seed=p % 1000))


def test_random_with_bubbles():
    check_montmul(MontMul(R, limb_bits=17), random_pairs(R, 80, seed=3), idle=0.4, seed=4)


@pytest.mark.parametrize("limb_bits", [24, 26, 34])
def test_wide_limbs(limb_bits):
    dut = MontMul(Q, limb_bits=limb_bits)
    check_montmul(dut, edge_pairs(Q, dut.r_bits)[:12] + random_pairs(Q, 30, seed=limb_bits))


def test_small_modulus_exhaustive():
    """Every pair below p = 97 with 8-bit limbs (R = 2^8), one per clock."""
    dut = MontMul(97, limb_bits=8, width=8)
    check_montmul(dut, [(a, b) for a in range(97) for b in range(97)])


def test_modulus_spanning_many_limbs():
    p = (1 << 127) - 1  # a Mersenne prime: limbs of p all ones
    dut = MontMul(p, limb_bits=16, width=128)
    check_montmul(dut, edge_pairs(p, dut.r_bits) + random_pairs(p, 30, seed=5))


def test_power_of_two_limbs_are_shifts():
    """p = 2^50 + 2^22 + 12345: limbs 12345, 2^5, 2^16 (shifts, not multipliers)."""
    p = (1 << 50) + (1 << 22) + 12345
    dut = MontMul(p, limb_bits=17, width=51)
    assert dut.params.p_limbs == [12345, 1 << 5, 1 << 16] and dut.params.z == 1
    check_montmul(dut, edge_pairs(p, dut.r_bits) + random_pairs(p, 40, seed=8))


def test_montgomery_round_trip():
    """to_mont(x)·to_mont(y) comes out as to_mont(x·y); x_mont·1 as x."""
    dut = MontMul(Q, limb_bits=17)
    xs = random_pairs(Q, 10, seed=6)
    pairs = [(to_mont(x, Q, dut.r_bits), to_mont(y, Q, dut.r_bits)) for x, y in xs]
    pairs += [(x_mont, 1) for x_mont, _ in pairs]
    run = run_pairs(dut, pairs)
    assert [from_mont(o, Q, dut.r_bits) for o in run.outputs[:10]] == [x * y % Q for x, y in xs]
    assert run.outputs[10:] == [x % Q for x, _ in xs]


def test_attributes():
    dut = MontMul(R, limb_bits=17)
    assert (dut.n_limbs, dut.r_bits, dut.latency, dut.initiation_interval) == (15, 255, 49, 1)
    assert dut.dsp_count == 15 * 15 + 14 * 15  # Fr: p_0 = 1, -p^-1 = -1 mod 2^17
    assert MontgomeryParameters(Q, 17, 256).dsp_count() == 2 * 15 * 15 + 15
    Fragment.get(dut, None)  # elaborating checks the stage count against the latency
    dut16 = MontMul(R, limb_bits=16)
    assert (dut16.r_bits, dut16.latency) == (256, 52)
    Fragment.get(dut16, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10,), "Modulus must be an odd integer greater than 2, not 10"),
        ((1,), "Modulus must be an odd integer greater than 2, not 1"),
        (("97",), "Modulus must be an odd integer greater than 2, not '97'"),
        (((1 << 256) + 1,), f"Modulus must be below 2**256, not {(1 << 256) + 1}"),
    ],
)
def test_bad_modulus(args, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        MontMul(*args)


def test_bad_limb_and_width():
    with pytest.raises(ValueError, match=r"^Limb width must be an integer in 4\.\.64, not 3$"):
        MontMul(R, limb_bits=3)
    with pytest.raises(ValueError, match=r"^Width must be an integer of at least 2 bits, not 1$"):
        MontMul(3, width=1)
    with pytest.raises(ValueError, match=r"^Modulus must be below 2\*\*8, not 257$"):
        MontMul(257, width=8)
