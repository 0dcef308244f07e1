"""Writes the steps of one exchange transaction: tree, rows, indexes, witness records.

The engine opens one SQLite transaction per exchange transaction and calls
:meth:`Recorder.step` once per logged step (an oracle update and each liquidation
it triggers are separate steps of the same SQLite transaction). A step updates,
for every changed account in index order (the order applied), the accounts-tree
leaf (recording the Merkle update: the account before and after with all fields,
leaves, siblings before the update, old and new accounts root), the account row,
the in-memory indexes and open interest, and appends the witness record to the
``txs`` table. Markets are not in the accounts tree (see
:mod:`zkel.host.state.leaf`): a record carries every market before and after
the step instead, and the markets root of each.

Witness record (JSON; field elements as decimal strings)::

    {"seq", "kind", "time", "tx": {...request fields...},
     "message": hash signed | null, "signature": [r8x, r8y, s] | null,
     "signer": [x, y] | null,
     "public": [type, index, value, extra] | null,     (its public-data slot, or null
                                                         for an empty one)
     "updates": [{"index", "before": account | null (created by this step),
                  "after": account, "old_leaf", "new_leaf",
                  "siblings": [level 0 first], "old_root", "new_root"}, ...],
     "markets_before": [market dict, ...], "markets": [market dict, ...],
     "events": {...},
     "accounts_root_before", "accounts_root_after",
     "markets_root_before", "markets_root_after",
     "root_before", "root_after"}

``updates`` are in the order applied; their ``old_root``/``new_root`` and
``siblings`` are of the accounts tree, so ``updates[0].old_root`` is
``accounts_root_before`` and ``updates[-1].new_root`` is ``accounts_root_after``.
``markets_before``/``markets`` list the existing markets in id order (all fields,
:meth:`Market.to_dict`). ``root_before``/``root_after`` are state roots
``poseidon([accounts_root, markets_root])``. A withdrawal's ``tx`` holds
``recipient`` (int, a 160-bit L1 address).

Record kinds and their ``tx`` (one circuit slot each; an order is the placement,
then its fills and drops; ``order`` below stands for a signed order's fields
``{"account", "market", "side", "price", "size", "expiry", "nonce"}``)::

    list_market     {"market": market dict}                                no update
    create_account  {"account", "pubkey": [x, y]}                          1 update
    deposit         {"account", "amount"}                                  1 update
    withdraw        {"account", "amount", "nonce", "recipient"}  signed    1 update
    transfer        {"sender", "recipient", "amount", "nonce"}   signed    2 updates
    order           {**order, "hash", "slot"}  signed (message = hash)     1 update:
                    nonce + 1, orders[slot] := (hash, size)
    fill            {"market", "maker", "taker", "maker_side", "price", "size",
                     "notional", "maker_fee", "taker_fee",
                     "maker_order": {**order, "hash", "slot"},
                     "taker_order": {**order, "hash", "slot"}}             2 updates
                    (maker and taker, index order): funding settled, positions
                    and cash moved, each entry's remaining -= size ((0, 0) at 0);
                    market: mark_price := price, fees += maker_fee + taker_fee
    drop            {"account", "order", "slot", "reason"}                 1 update:
                    orders[slot] := (0, 0); reason "expired", "self-trade",
                    "maker margin", "taker margin" or "liquidated"
    cancel          {"account", "order", "nonce", "slot"}        signed    1 update:
                    nonce + 1, orders[slot] := (0, 0)
    oracle          {"market", "price", "timestamp"}  signed by the oracle, no update
    funding         {"rates": {market: [rate_ppm, delta]}}                 no update
    liquidation     {"account", "mode": "takeover"}     2 updates (target, fund):
                    both settle funding, the fund takes the target's positions at
                    the oracle prices, gets the fee, pays the deficit
    deleverage      {"account": the fund, "counterparty", "market", "size",
                     "price", "haircut"}                 2 updates (fund,
                    counterparty): both settle funding, ``size`` (signed base
                    atoms) moves from the fund to the counterparty at the oracle
                    ``price``, the counterparty pays the fund ``haircut``
    collect_fees    {"market"}      1 update: fee account collateral += the
                                    market's fees; market fees := 0

Only fills, liquidations and deleverage steps settle funding (as the circuit does);
every other kind leaves the accounts' funding indexes as they were.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from zkel.host.exchange.account import EMPTY_SLOT, Account
from zkel.host.exchange.book import OrderBook, RestingOrder
from zkel.host.exchange.margin import OpenOrder
from zkel.host.exchange.market import Market
from zkel.host.exchange.orders import Order, Signature, SignedOrder
from zkel.host.exchange.public_data import record_slot, slot_fields
from zkel.host.exchange.scales import check_signed
from zkel.host.exchange.txs import Receipt
from zkel.host.state.leaf import leaf_hash, markets_root, state_root

if TYPE_CHECKING:
    from zkel.host.exchange.engine import Exchange
    from zkel.host.exchange.matching import Drop


class Recorder:
    """The write side of one :class:`Exchange`; ``seqs`` lists this transaction's records."""

    def __init__(self, exchange: Exchange) -> None:
        self.ex = exchange
        self.seqs: list[int] = []
        self.tree_updates = 0
        #: ``(seq, kind, before, after)`` of every account change of this transaction.
        self.changes: list[tuple[int, str, Account | None, Account]] = []
        #: the witness records of this transaction (the dicts also written to ``txs``).
        self.records: list[dict] = []
        #: the markets as of the end of the last step (``markets_before`` of the next)
        self._markets_before: dict[int, Market] = dict(exchange.markets)

    def begin(self) -> None:
        self._markets_before = dict(self.ex.markets)
        self.seqs = []
        self.changes = []
        self.records = []

    # -- orders -------------------------------------------------------------------------
    @staticmethod
    def resting_to_dict(r: RestingOrder) -> dict:
        return {
            "order": r.signed.order.to_dict(),
            "signature": r.signed.signature.to_list(),
            "hash": str(r.order_hash),
            "remaining": r.remaining,
            "seq": r.seq,
            "slot": r.slot,
        }

    @staticmethod
    def resting_from_dict(d: dict) -> RestingOrder:
        signed = SignedOrder(
            Order(**d["order"]), Signature.from_seq(d["signature"]), int(d["hash"])
        )
        return RestingOrder(signed, d["remaining"], d["seq"], d["slot"])

    def add_order(self, resting: RestingOrder) -> None:
        self.ex.books[resting.signed.order.market].add(resting)
        self.ex.orders_of.setdefault(resting.account, set()).add(resting.order_hash)
        self._put_order(resting)

    def update_order(self, resting: RestingOrder) -> None:
        self.ex.books[resting.signed.order.market].replace(resting)
        self._put_order(resting)

    def remove_order(self, order_hash: int) -> RestingOrder:
        for book in self.ex.books.values():
            if order_hash in book:
                resting = book.remove(order_hash)
                self.ex.orders_of[resting.account].discard(order_hash)
                self.ex.store.delete_order(order_hash)
                return resting
        raise KeyError(order_hash)

    def drop(self, drop: Drop) -> int:
        """Record a ``drop``: the order leaves the book (when there) and its owner's
        table entry ``drop.slot`` becomes ``(0, 0)``; returns the record's seq."""
        account = self.ex.accounts[drop.account]
        if account.orders[drop.slot].order_hash != drop.order_hash:
            raise AssertionError(
                f"entry {drop.slot} of account {drop.account} does not hold {drop.order_hash}"
            )
        if drop.order_hash in self.ex.orders_of.get(drop.account, ()):
            self.remove_order(drop.order_hash)
        after = account.with_order(drop.slot, EMPTY_SLOT)
        return self.step("drop", drop.tx(), {drop.account: after})

    def _put_order(self, r: RestingOrder) -> None:
        self.ex.store.put_order(r.order_hash, r.signed.order.market, r.seq, self.resting_to_dict(r))

    def open_order_view(self, account: int) -> list[OpenOrder]:
        """The margin view of ``account``'s resting orders."""
        out = []
        for h in self.ex.orders_of.get(account, ()):
            for book in self.ex.books.values():
                r = book.orders.get(h)
                if r is not None:
                    o = r.signed.order
                    out.append(OpenOrder(o.market, o.side, o.price, r.remaining))
        return out

    # -- markets and accounts -----------------------------------------------------------
    def set_market(self, market: Market) -> None:
        """Replace (or list) a market; the next :meth:`step` records it."""
        ex = self.ex
        ex.markets[market.market_id] = market
        ex.books.setdefault(market.market_id, OrderBook(market.market_id))
        ex.holders.setdefault(market.market_id, set())
        ex.store.put_market(market.market_id, market.to_dict())

    def _write_account(self, after: Account) -> dict:
        ex = self.ex
        before = ex.accounts.get(after.index)
        check_signed("collateral", after.collateral)
        for pos in after.positions:
            check_signed("position size", pos.size)
            check_signed("funding index", pos.funding_index)
        upd = ex.tree.update(after.index, leaf_hash(after))
        self.tree_updates += 1
        ex.store.put_account(after.index, after.to_dict())
        for m, market in list(ex.markets.items()):
            old = before.positions[m].size if before else 0
            new = after.positions[m].size
            if max(old, 0) != max(new, 0):
                grown = market.open_interest + max(new, 0) - max(old, 0)
                self.set_market(replace(market, open_interest=grown))
        ex._index(after)
        self.changes.append((ex.seq, self._kind, before, after))
        return _update_dict(
            upd, {"before": before.to_dict() if before else None, "after": after.to_dict()}
        )

    def step(
        self,
        kind: str,
        tx: dict,
        accounts: dict[int, Account],
        *,
        message: int | None = None,
        sig: Signature | None = None,
        signer: tuple[int, int] | None = None,
        events: dict | None = None,
    ) -> int:
        """Apply and log one step; returns its sequence number."""
        ex = self.ex
        self._kind = kind
        accounts_root_before = ex.tree.root
        markets_before = self._markets_before
        updates = [
            self._write_account(acct)
            for _, acct in sorted(accounts.items())
            if ex.accounts.get(acct.index) != acct
        ]
        markets_after = dict(ex.markets)
        m_root_before, m_root_after = markets_root(markets_before), markets_root(markets_after)
        seq = ex.seq
        record = {
            "seq": seq,
            "kind": kind,
            "time": ex.now,
            "tx": tx,
            "message": str(message) if message is not None else None,
            "signature": sig.to_list() if sig else None,
            "signer": [str(v) for v in signer] if signer else None,
            "public": None,
            "updates": updates,
            "markets_before": _market_dicts(markets_before),
            "markets": _market_dicts(markets_after),
            "events": events or {},
            "accounts_root_before": str(accounts_root_before),
            "accounts_root_after": str(ex.tree.root),
            "markets_root_before": str(m_root_before),
            "markets_root_after": str(m_root_after),
            "root_before": str(state_root(accounts_root_before, m_root_before)),
            "root_after": str(state_root(ex.tree.root, m_root_after)),
        }
        public = slot_fields(record_slot(record))
        record["public"] = [str(v) for v in public] if public else None
        ex.store.append_tx(seq, kind, record)
        self.records.append(record)
        self._markets_before = markets_after
        ex.seq += 1
        self.seqs.append(seq)
        return seq

    def receipt(self, kind: str) -> Receipt:
        return Receipt(kind, tuple(self.seqs), self.ex.root)


def _market_dicts(markets: dict[int, Market]) -> list[dict]:
    return [m.to_dict() for _, m in sorted(markets.items())]


def _update_dict(upd: Any, fields: dict) -> dict:
    """A Merkle update as JSON: index, the given fields, leaves, siblings, roots."""
    return {
        "index": upd.index,
        **fields,
        "old_leaf": str(upd.old_leaf),
        "new_leaf": str(upd.new_leaf),
        "siblings": [str(s) for s in upd.siblings],
        "old_root": str(upd.old_root),
        "new_root": str(upd.new_root),
    }
