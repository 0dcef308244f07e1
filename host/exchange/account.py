"""Accounts: owner key, collateral, nonce, a fixed number of position slots and an
open-order table of a fixed number of entries.

The number of position slots, ``MARKETS_PER_ACCOUNT``, and of order-table entries,
``ORDER_SLOTS``, are fixed so the transition circuit hashes a leaf of constant
shape; position slot ``i`` holds the position in market ``i``. Order-table entry
``j`` holds one resting order of the account (its Poseidon hash and unfilled size)
or ``(0, 0)`` when empty; an order takes the lowest empty entry when it is placed
and leaves its entry when it is filled, cancelled or dropped, so an account has at
most ``ORDER_SLOTS`` orders in the book. The fee account and the insurance fund are
ordinary accounts at the fixed indexes ``FEE_ACCOUNT`` (0) and ``INSURANCE_FUND``
(1), owned by the operator key; trading fees wait in each market's fee pool
(``Market.fees``) until ``collect_fees`` moves them to the fee account.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from zkel.host.exchange.market import Market

MARKETS_PER_ACCOUNT = 4
#: entries of an account's open-order table (the circuit's ``ORDER_SLOTS``)
ORDER_SLOTS = 4
FEE_ACCOUNT = 0
INSURANCE_FUND = 1


@dataclass(frozen=True)
class Position:
    """A position in one market.

    Parameters
    ----------
    size : int
        Signed base atoms (positive long, negative short), a multiple of the lot.
    funding_index : int
        The market's cumulative funding index (quote atoms per lot) when this
        position last settled funding.
    """

    size: int = 0
    funding_index: int = 0


EMPTY_POSITIONS: tuple[Position, ...] = (Position(),) * MARKETS_PER_ACCOUNT


@dataclass(frozen=True)
class OrderSlot:
    """One entry of an account's open-order table.

    Parameters
    ----------
    order_hash : int
        Poseidon hash of the signed order (a canonical field element; the order id),
        0 for an empty entry.
    remaining : int
        Unfilled size of the order, base atoms (u64); 0 for an empty entry. Always
        equal to the remaining size of the order in the book.
    """

    order_hash: int = 0
    remaining: int = 0

    @property
    def empty(self) -> bool:
        """True for the empty entry ``(0, 0)``."""
        return not self.order_hash and not self.remaining


EMPTY_SLOT = OrderSlot()
EMPTY_ORDERS: tuple[OrderSlot, ...] = (EMPTY_SLOT,) * ORDER_SLOTS


@dataclass(frozen=True)
class Account:
    """One account leaf's contents (all fields, not just its hash).

    Parameters
    ----------
    index : int
        Leaf index in the state tree.
    pubkey : tuple[int, int]
        Baby Jubjub public key ``(x, y)``, canonical field elements.
    collateral : int
        Signed quote atoms: the cash balance (deposits, minus what was paid for
        positions, plus what was received for them, minus fees and funding paid).
        Equity is ``collateral + sum(size * oracle_price / SIZE_SCALE)``.
    nonce : int
        The next nonce this account's signed messages must carry.
    positions : tuple[Position, ...]
        ``MARKETS_PER_ACCOUNT`` slots, slot ``i`` for market ``i``.
    orders : tuple[OrderSlot, ...]
        The open-order table: ``ORDER_SLOTS`` entries, ``(0, 0)`` when empty.
    """

    index: int
    pubkey: tuple[int, int]
    collateral: int = 0
    nonce: int = 0
    positions: tuple[Position, ...] = EMPTY_POSITIONS
    orders: tuple[OrderSlot, ...] = EMPTY_ORDERS

    def position(self, market_id: int) -> Position:
        """The position slot of ``market_id``."""
        return self.positions[market_id]

    def with_position(self, market_id: int, position: Position) -> Account:
        """This account with slot ``market_id`` replaced."""
        slots = list(self.positions)
        slots[market_id] = position
        return replace(self, positions=tuple(slots))

    def credit(self, amount: int) -> Account:
        """This account with ``amount`` (signed quote atoms) added to its collateral."""
        return replace(self, collateral=self.collateral + amount)

    def bump_nonce(self) -> Account:
        """This account with its nonce advanced by one."""
        return replace(self, nonce=self.nonce + 1)

    def free_order_slot(self) -> int | None:
        """The lowest empty entry of the order table, or None when all are taken."""
        for j, entry in enumerate(self.orders):
            if entry.empty:
                return j
        return None

    def order_slot(self, order_hash: int) -> int | None:
        """The table entry holding ``order_hash``, or None."""
        for j, entry in enumerate(self.orders):
            if order_hash and entry.order_hash == order_hash:
                return j
        return None

    def with_order(self, slot: int, entry: OrderSlot) -> Account:
        """This account with order-table entry ``slot`` replaced by ``entry``."""
        table = list(self.orders)
        table[slot] = entry
        return replace(self, orders=tuple(table))

    def fill_order(self, slot: int, size: int) -> Account:
        """This account after ``size`` base atoms of the order in entry ``slot`` were filled
        (the entry becomes ``(0, 0)`` when nothing remains); ValueError on an over-fill."""
        entry = self.orders[slot]
        if not entry.order_hash or not 0 < size <= entry.remaining:
            raise ValueError(f"entry {slot} of account {self.index} cannot fill {size}")
        left = entry.remaining - size
        return self.with_order(slot, OrderSlot(entry.order_hash, left) if left else EMPTY_SLOT)

    def has_positions(self) -> bool:
        """True when any slot holds a non-zero size."""
        return any(p.size for p in self.positions)

    def to_dict(self) -> dict:
        """All fields, JSON-ready (positions as ``[size, funding_index]`` pairs, orders as
        ``[hash as a decimal string, remaining]`` pairs)."""
        return {
            "index": self.index,
            "pubkey": [str(self.pubkey[0]), str(self.pubkey[1])],
            "collateral": self.collateral,
            "nonce": self.nonce,
            "positions": [[p.size, p.funding_index] for p in self.positions],
            "orders": [[str(e.order_hash), e.remaining] for e in self.orders],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Account:
        """Inverse of :meth:`to_dict`."""
        return cls(
            index=data["index"],
            pubkey=(int(data["pubkey"][0]), int(data["pubkey"][1])),
            collateral=data["collateral"],
            nonce=data["nonce"],
            positions=tuple(Position(s, f) for s, f in data["positions"]),
            orders=tuple(OrderSlot(int(h), int(r)) for h, r in data["orders"]),
        )


def pending_funding(account: Account, markets: dict[int, Market]) -> int:
    """Quote atoms ``account`` owes in funding not yet settled (negative: it is owed)."""
    owed = 0
    for market_id, pos in enumerate(account.positions):
        if pos.size:
            market = markets[market_id]
            owed += market.lots(pos.size) * (market.funding_index - pos.funding_index)
    return owed


def settle_funding(account: Account, markets: dict[int, Market]) -> Account:
    """``account`` with all pending funding paid from (or into) its collateral.

    Every listed market's slot moves its ``funding_index`` to the market's current
    index, empty slots included, so that a later position starts from "now".
    Returns ``account`` itself when nothing changes.
    """
    collateral = account.collateral
    slots = list(account.positions)
    for market_id, market in markets.items():
        pos = slots[market_id]
        if pos.funding_index != market.funding_index:
            collateral -= market.lots(pos.size) * (market.funding_index - pos.funding_index)
            slots[market_id] = Position(pos.size, market.funding_index)
    if slots == list(account.positions):
        return account
    return replace(account, collateral=collateral, positions=tuple(slots))
