"""The public-data slot each witness record makes, in the format of
:mod:`zkel.circuits.transition.pubdata` (the bytes the settlement contract reads).

One record, one slot, in log order:

==============  ===============================================================
record kind     slot
==============  ===============================================================
``deposit``     ``DepositSlot(account, amount)``
``withdraw``    ``WithdrawalSlot(account, amount, recipient as 20 bytes, big-endian)``
``oracle``      ``OracleSlot(market, price, timestamp)``
anything else   ``EmptySlot()`` (account creation, market listing, transfer, order
                placement, fill, drop, cancel, liquidation, deleverage, funding
                tick, fee
                collection: private)
==============  ===============================================================

Amounts in quote atoms (u64), account index and market id u32, timestamp in
seconds, recipient a 160-bit L1 address.
"""

from __future__ import annotations

from zkel.circuits.transition.pubdata import (
    DepositSlot,
    EmptySlot,
    OracleSlot,
    Slot,
    WithdrawalSlot,
)

#: record kinds that publish nothing (an :class:`EmptySlot`)
PRIVATE_KINDS = frozenset(
    {
        "create_account",
        "list_market",
        "transfer",
        "order",
        "fill",
        "drop",
        "cancel",
        "liquidation",
        "deleverage",
        "funding",
        "collect_fees",
    }
)
ADDRESS_BYTES = 20


def record_slot(record: dict) -> Slot:
    """The public-data slot of one witness record (``ValueError`` for an unknown kind)."""
    kind, tx = record["kind"], record["tx"]
    if kind == "deposit":
        return DepositSlot(int(tx["account"]), int(tx["amount"]))
    if kind == "withdraw":
        recipient = int(tx["recipient"]).to_bytes(ADDRESS_BYTES, "big")
        return WithdrawalSlot(int(tx["account"]), int(tx["amount"]), recipient)
    if kind == "oracle":
        return OracleSlot(int(tx["market"]), int(tx["price"]), int(tx["timestamp"]))
    if kind in PRIVATE_KINDS:
        return EmptySlot()
    raise ValueError(f"record {record.get('seq')}: unknown kind {kind!r}")


def slot_fields(slot: Slot) -> list[int] | None:
    """``[type, index, value, extra]`` (unsigned ints) of a public slot; None for an empty one."""
    if isinstance(slot, EmptySlot):
        return None
    return [slot.TYPE, *slot.fields()]
