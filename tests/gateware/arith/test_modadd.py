"""Registered modular add and sub against the integer model, in Amaranth simulation."""

from __future__ import annotations

import random
import re

import pytest

from tests.gateware.arith.harness import run_pairs
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.arith.modadd import ModAdd, ModSub
from zkel.gateware.arith.model import mod_add, mod_sub

MODELS = {ModAdd: mod_add, ModSub: mod_sub}


def check(dut: ModAdd | ModSub, pairs: list[tuple[int, int]], **run_args: object) -> None:
    """Every result equals the model, in order, one clock after its operands."""
    run = run_pairs(dut, pairs, **run_args)
    assert run.outputs == [MODELS[type(dut)](a, b, dut.modulus) for a, b in pairs]
    assert all(o - i == 1 for i, o in zip(run.in_cycles, run.out_cycles, strict=True))


def field_pairs(p: int, count: int, seed: int) -> list[tuple[int, int]]:
    edges = [0, 1, 2, p // 2, p // 2 + 1, p - 2, p - 1]
    rng = random.Random(seed)
    return [(a, b) for a in edges for b in edges] + [
        (rng.randrange(p), rng.randrange(p)) for _ in range(count)
    ]


@pytest.mark.parametrize("block", [ModAdd, ModSub])
@pytest.mark.parametrize("p", [Q, R], ids=["Fq", "Fr"])
def test_fields_edges_and_random(block, p):
    check(block(p), field_pairs(p, 100, seed=p % 101), idle=0.2, seed=1)


@pytest.mark.parametrize("block", [ModAdd, ModSub])
@pytest.mark.parametrize(("p", "width"), [(13, 4), (16, 5), (31, 5), (2, 2)])
def test_small_moduli_exhaustive(block, p, width):
    """Every pair below p, including an even modulus and ones filling their width."""
    check(block(p, width=width), [(a, b) for a in range(p) for b in range(p)])


def test_attributes_and_errors():
    assert (ModAdd.latency, ModSub.initiation_interval) == (1, 1)
    for bad, message in [
        ((1,), "Modulus must be an integer of at least 2, not 1"),
        ((R, 0), "Width must be a positive integer, not 0"),
        ((256, 8), "Modulus must be below 2**8, not 256"),
    ]:
        p, *width = bad
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            ModAdd(p, **({"width": width[0]} if width else {}))
