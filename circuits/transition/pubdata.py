"""Public data of a batch: the bytes the settlement contract reads and the circuit commits to.

Layout (all integers big-endian)::

    header   batch_number  u64                      8 bytes
    slot[i]  type u8 | index u32 | value u64 | extra (20 bytes)   33 bytes, i < n_slots

``n_slots`` is the circuit's batch size (fixed per circuit shape), so a batch's
public data is always ``8 + 33 * n_slots`` bytes. Slot types:

====  ==========================  ========  ==========================  ==========================
type  meaning                     index     value                       extra
====  ==========================  ========  ==========================  ==========================
0     private transaction/no-op   0         0                           0 (all 33 bytes zero)
1     deposit                     account   amount (quote atoms, > 0)   0
2     withdrawal                  account   amount (quote atoms, > 0)   L1 recipient (20 bytes)
3     oracle price                market    price (quote atoms, > 0)    timestamp (u160, seconds)
====  ==========================  ========  ==========================  ==========================

The batch's third public input is :func:`commitment`: SHA-256 of the bytes, read as
a big-endian integer, with its top 3 bits cleared so that it is below r (253 bits).
The settlement contract computes it with the SHA-256 precompile, the circuit with
a SHA-256 gadget.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

HEADER_BYTES = 8
SLOT_BYTES = 33
EXTRA_BYTES = 20
U32 = 1 << 32
U64 = 1 << 64
U160 = 1 << 160
#: mask keeping the low 253 bits of the SHA-256 digest (the commitment is < 2^253 < r)
COMMITMENT_MASK = (1 << 253) - 1


class PubdataError(ValueError):
    """Public data that breaks the format: names the slot or field and the problem."""


def _check_uint(what: str, value: object, bound: int, *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PubdataError(f"{what} must be an int, not {type(value).__name__}")
    low = 1 if positive else 0
    if not low <= value < bound:
        raise PubdataError(f"{what} must be in [{low}, 2^{bound.bit_length() - 1}), not {value}")


@dataclass(frozen=True)
class EmptySlot:
    """Type 0: a private transaction or padding; all 33 bytes are zero."""

    TYPE = 0

    def fields(self) -> tuple[int, int, int]:
        """``(index, value, extra)`` as unsigned ints."""
        return (0, 0, 0)


@dataclass(frozen=True)
class DepositSlot:
    """Type 1: ``amount`` quote atoms (u64, > 0) credited to ``account`` (u32) from L1."""

    account: int
    amount: int
    TYPE = 1

    def __post_init__(self) -> None:
        _check_uint("deposit account", self.account, U32)
        _check_uint("deposit amount", self.amount, U64, positive=True)

    def fields(self) -> tuple[int, int, int]:
        return (self.account, self.amount, 0)


@dataclass(frozen=True)
class WithdrawalSlot:
    """Type 2: ``amount`` quote atoms (u64, > 0) from ``account`` (u32), paid on L1 to
    ``recipient`` (a 20-byte address)."""

    account: int
    amount: int
    recipient: bytes
    TYPE = 2

    def __post_init__(self) -> None:
        _check_uint("withdrawal account", self.account, U32)
        _check_uint("withdrawal amount", self.amount, U64, positive=True)
        if not isinstance(self.recipient, bytes) or len(self.recipient) != EXTRA_BYTES:
            raise PubdataError(
                f"withdrawal recipient must be {EXTRA_BYTES} bytes, not {self.recipient!r}"
            )

    def fields(self) -> tuple[int, int, int]:
        return (self.account, self.amount, int.from_bytes(self.recipient, "big"))


@dataclass(frozen=True)
class OracleSlot:
    """Type 3: ``price`` (quote atoms per base unit, u64, > 0) of ``market`` (u32) at
    ``timestamp`` (seconds, u160)."""

    market: int
    price: int
    timestamp: int
    TYPE = 3

    def __post_init__(self) -> None:
        _check_uint("oracle market", self.market, U32)
        _check_uint("oracle price", self.price, U64, positive=True)
        _check_uint("oracle timestamp", self.timestamp, U160)

    def fields(self) -> tuple[int, int, int]:
        return (self.market, self.price, self.timestamp)


Slot = EmptySlot | DepositSlot | WithdrawalSlot | OracleSlot
SLOT_TYPES: tuple[type, ...] = (EmptySlot, DepositSlot, WithdrawalSlot, OracleSlot)


@dataclass(frozen=True)
class PublicData:
    """A decoded batch: its number (u64) and exactly ``n_slots`` slots."""

    batch_number: int
    slots: tuple[Slot, ...]

    @property
    def n_slots(self) -> int:
        return len(self.slots)

    def encode(self) -> bytes:
        return encode(self.batch_number, self.slots, len(self.slots))


def size(n_slots: int) -> int:
    """Length in bytes of a batch's public data with ``n_slots`` slots."""
    _check_uint("n_slots", n_slots, U32, positive=True)
    return HEADER_BYTES + SLOT_BYTES * n_slots


def encode_slot(slot: Slot) -> bytes:
    """The 33 bytes of one slot."""
    if not isinstance(slot, SLOT_TYPES):
        raise PubdataError(f"not a public-data slot: {slot!r}")
    index, value, extra = slot.fields()
    return (
        slot.TYPE.to_bytes(1, "big")
        + index.to_bytes(4, "big")
        + value.to_bytes(8, "big")
        + extra.to_bytes(EXTRA_BYTES, "big")
    )


def encode(batch_number: int, slots: Sequence[Slot], n_slots: int) -> bytes:
    """Public data of batch ``batch_number`` (u64): ``slots`` then empty slots up to ``n_slots``."""
    _check_uint("batch number", batch_number, U64)
    total = size(n_slots)
    if len(slots) > n_slots:
        raise PubdataError(f"{len(slots)} slots do not fit a batch of {n_slots}")
    body = b"".join(encode_slot(s) for s in slots)
    data = batch_number.to_bytes(HEADER_BYTES, "big") + body
    return data + bytes(total - len(data))


def decode_slot(raw: bytes, position: int = 0) -> Slot:
    """One slot from its 33 bytes (``position`` only names it in errors)."""
    if len(raw) != SLOT_BYTES:
        raise PubdataError(f"slot {position}: {len(raw)} bytes, expected {SLOT_BYTES}")
    kind = raw[0]
    index = int.from_bytes(raw[1:5], "big")
    value = int.from_bytes(raw[5:13], "big")
    extra = raw[13:]
    try:
        if kind == EmptySlot.TYPE:
            if any(raw):
                raise PubdataError("type 0 (empty) with non-zero bytes")
            return EmptySlot()
        if kind == DepositSlot.TYPE:
            if any(extra):
                raise PubdataError("deposit with non-zero extra bytes")
            return DepositSlot(index, value)
        if kind == WithdrawalSlot.TYPE:
            return WithdrawalSlot(index, value, bytes(extra))
        if kind == OracleSlot.TYPE:
            return OracleSlot(index, value, int.from_bytes(extra, "big"))
        raise PubdataError(f"unknown slot type {kind}")
    except PubdataError as exc:
        raise PubdataError(f"slot {position}: {exc}") from None


def decode(data: bytes, n_slots: int | None = None) -> PublicData:
    """Parse public data; ``n_slots`` (when given) must match its length.

    Raises :class:`PubdataError` for a length that is not ``8 + 33·k`` (k ≥ 1), a
    length for another ``n_slots``, an unknown slot type, a type-0 slot with
    non-zero bytes, a deposit with non-zero extra bytes, or a zero amount or price.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PubdataError(f"public data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    body = len(data) - HEADER_BYTES
    if body < SLOT_BYTES or body % SLOT_BYTES:
        raise PubdataError(
            f"public data of {len(data)} bytes is not 8 + 33·n_slots bytes with n_slots ≥ 1"
        )
    count = body // SLOT_BYTES
    if n_slots is not None and count != n_slots:
        raise PubdataError(f"public data holds {count} slots, expected {n_slots}")
    slots = tuple(
        decode_slot(data[HEADER_BYTES + i * SLOT_BYTES : HEADER_BYTES + (i + 1) * SLOT_BYTES], i)
        for i in range(count)
    )
    return PublicData(int.from_bytes(data[:HEADER_BYTES], "big"), slots)


def commitment(data: bytes) -> int:
    """The batch's public-data commitment: ``sha256(data)`` big-endian, top 3 bits
    cleared (a canonical Fr element, < 2^253 < r)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PubdataError(f"public data must be bytes, not {type(data).__name__}")
    return int.from_bytes(hashlib.sha256(data).digest(), "big") & COMMITMENT_MASK
