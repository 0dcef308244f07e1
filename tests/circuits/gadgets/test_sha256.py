"""The SHA-256 gadget against hashlib: padding boundaries, multi-block, public-data sizes."""

from __future__ import annotations

import random

import pytest

from zkel.circuits.gadgets import sha256 as sg
from zkel.circuits.gadgets.bits import assert_bool
from zkel.circuits.r1cs import ConstraintSystem


def _digest_cs(data: bytes) -> tuple[ConstraintSystem, list]:
    cs = ConstraintSystem()
    bits = [cs.private_input(f"m{i}", b) for i, b in enumerate(sg.bytes_to_bits(data))]
    for b in bits:
        assert_bool(cs, b)
    return cs, sg.sha256(cs, bits)


@pytest.mark.parametrize("n", [1, 55, 56, 64, 8 + 33 * 4])
def test_sha256_gadget_matches_hashlib(n: int) -> None:
    data = random.Random(n).randbytes(n)
    cs, out = _digest_cs(data)
    assert [o.value for o in out] == sg.reference(data)
    cs.check()
    blocks = (n + 9 + 63) // 64
    assert cs.n_constraints < 27_000 * blocks


def test_sha256_gadget_catches_a_wrong_digest_bit() -> None:
    cs, out = _digest_cs(b"zkel")
    var = next(v for v in out[0].terms if v)  # the first output bit's variable
    cs.values[var] ^= 1
    assert not cs.is_satisfied()


def test_constant_message_costs_nothing() -> None:
    cs = ConstraintSystem()
    out = sg.sha256(cs, [cs.constant(b) for b in sg.bytes_to_bits(b"abc")])
    assert cs.n_constraints == 0
    assert [o.constant_value() for o in out] == sg.reference(b"abc")
