"""Public-data format: layout, round trips, validation, commitment vectors."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits.bn254 import R
from zkel.circuits.transition import pubdata
from zkel.circuits.transition.pubdata import (
    DepositSlot,
    EmptySlot,
    OracleSlot,
    PubdataError,
    WithdrawalSlot,
)

RECIPIENT = bytes.fromhex("00112233445566778899aabbccddeeff01234567")


def test_layout_by_hand():
    data = pubdata.encode(
        7,
        [DepositSlot(5, 1000), WithdrawalSlot(6, 2, RECIPIENT), OracleSlot(1, 3, 1_700_000_000)],
        4,
    )
    assert len(data) == 8 + 4 * 33 == pubdata.size(4)
    assert data[:8] == bytes.fromhex("0000000000000007")
    slot0, slot1, slot2, slot3 = (data[8 + 33 * i : 8 + 33 * (i + 1)] for i in range(4))
    assert slot0 == bytes([1]) + (5).to_bytes(4, "big") + (1000).to_bytes(8, "big") + bytes(20)
    assert slot1 == bytes([2]) + (6).to_bytes(4, "big") + (2).to_bytes(8, "big") + RECIPIENT
    assert slot2[0] == 3 and int.from_bytes(slot2[13:], "big") == 1_700_000_000
    assert slot3 == bytes(33)


def test_known_sha256_vectors():
    # an all-empty batch 0 with one slot is 41 zero bytes
    digest = hashlib.sha256(bytes(41)).digest()
    assert pubdata.commitment(pubdata.encode(0, [], 1)) == int.from_bytes(digest, "big") & (
        (1 << 253) - 1
    )
    # FIPS 180-2 vector: sha256("abc") = ba7816bf...; top 3 bits of 0xba cleared -> 0x1a
    expected = 0x1A7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD
    assert pubdata.commitment(b"abc") == expected
    # the empty string: e3b0c442... -> 0x03b0c442...
    assert pubdata.commitment(b"") == int(
        "03b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 16
    )


def test_commitment_is_below_r():
    worst = b"\xff" * 100
    for i in range(64):
        assert pubdata.commitment(worst + bytes([i])) < R


slots_strategy = st.one_of(
    st.just(EmptySlot()),
    st.builds(DepositSlot, st.integers(0, 2**32 - 1), st.integers(1, 2**64 - 1)),
    st.builds(
        WithdrawalSlot,
        st.integers(0, 2**32 - 1),
        st.integers(1, 2**64 - 1),
        st.binary(min_size=20, max_size=20),
    ),
    st.builds(
        OracleSlot, st.integers(0, 2**32 - 1), st.integers(1, 2**64 - 1), st.integers(0, 2**160 - 1)
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 2**64 - 1),
    st.lists(slots_strategy, min_size=0, max_size=6),
    st.integers(0, 3),
)
def test_round_trip(batch_number, slots, padding):
    n_slots = max(len(slots) + padding, 1)
    data = pubdata.encode(batch_number, slots, n_slots)
    assert len(data) == pubdata.size(n_slots)
    decoded = pubdata.decode(data, n_slots)
    assert decoded.batch_number == batch_number
    assert list(decoded.slots) == list(slots) + [EmptySlot()] * (n_slots - len(slots))
    assert decoded.encode() == data


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=41, max_size=41 + 33 * 3))
def test_decode_never_crashes(raw):
    try:
        decoded = pubdata.decode(raw)
    except PubdataError:
        return
    assert decoded.encode() == raw


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: DepositSlot(2**32, 1), "deposit account must be in [0, 2^32)"),
        (lambda: DepositSlot(1, 0), "deposit amount must be in [1, 2^64)"),
        (lambda: DepositSlot(1, 2**64), "deposit amount must be in [1, 2^64)"),
        (lambda: WithdrawalSlot(1, 1, b"\x00" * 19), "withdrawal recipient must be 20 bytes"),
        (lambda: OracleSlot(1, 1, 2**160), "oracle timestamp must be in [0, 2^160)"),
        (lambda: OracleSlot(1, True, 0), "oracle price must be an int, not bool"),
        (lambda: pubdata.encode(-1, [], 1), "batch number must be in [0, 2^64)"),
        (lambda: pubdata.encode(0, [EmptySlot()] * 3, 2), "3 slots do not fit a batch of 2"),
        (lambda: pubdata.encode(0, [], 0), "n_slots must be in [1, 2^32)"),
        (lambda: pubdata.encode(0, [(1, 2)], 1), "not a public-data slot"),
    ],
)
def test_bad_values(make, message):
    with pytest.raises(PubdataError, match=re.escape(message)):
        make()


def _with_slot(raw_slot: bytes) -> bytes:
    return bytes(8) + raw_slot


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bytes(8), "not 8 \\+ 33·n_slots"),
        (bytes(8 + 33 + 1), "not 8 \\+ 33·n_slots"),
        (_with_slot(bytes([4]) + bytes(32)), "slot 0: unknown slot type 4"),
        (_with_slot(bytes(32) + b"\x01"), "slot 0: type 0 \\(empty\\) with non-zero bytes"),
        (_with_slot(b"\x01" + bytes(4) + bytes(7) + b"\x01" + b"\x01" * 20), "non-zero extra"),
        (_with_slot(b"\x02" + bytes(32)), "slot 0: withdrawal amount must be in"),
    ],
)
def test_bad_bytes(data, message):
    with pytest.raises(PubdataError, match=message):
        pubdata.decode(data)


def test_decode_checks_slot_count():
    data = pubdata.encode(1, [], 2)
    with pytest.raises(PubdataError, match="holds 2 slots, expected 4"):
        pubdata.decode(data, 4)
