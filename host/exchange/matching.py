"""Order placement: validation, the resting-order margin check, matching, and its records.

Matching walks the opposite side in price-time priority while it crosses the
taker's limit, filling at each maker's price (:func:`~zkel.host.exchange.trade.apply_fill`).
On the way it drops resting orders that expired, that belong to the taker itself
(self-trade prevention), or whose maker would fall below initial margin with the
fill. If the taker itself would fall below initial margin, matching stops: with no
fill yet the order is rejected (:class:`InsufficientMargin`, nothing changes);
after some fills the unfilled rest is dropped (reported as ``dropped``). Otherwise
the rest goes into the book, and stays in the taker's order table.

One placed order is a run of witness records, one per circuit slot, written in
ONE SQLite transaction (formats in :mod:`zkel.host.exchange.recorder`):

1. ``order``: the placement, signed by the taker: nonce + 1 and the order enters
   the lowest empty entry ``j`` of the taker's open-order table as
   ``(order_hash, size)``. With no empty entry the order is refused
   (:class:`TooManyOrders`, nothing recorded).
2. in matching order, one record per event: a ``fill`` (maker and taker settle
   funding, positions and cash move, each order's entry loses the size and is
   emptied at 0, the market's mark price becomes the fill price and its fee pool
   takes both fees) or a ``drop`` of a resting order (its owner's entry emptied).
3. a ``drop`` of the taker's own entry (reason ``"taker margin"``) when matching
   stopped on the taker's margin with size left. A fully filled taker's entry is
   already empty after its last fill; a resting taker keeps its entry.

Nothing settles funding but fills (and liquidations), as in the circuit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from zkel.host.exchange.account import EMPTY_SLOT, ORDER_SLOTS, Account, OrderSlot
from zkel.host.exchange.book import RestingOrder
from zkel.host.exchange.errors import Expired, InsufficientMargin, TooManyOrders
from zkel.host.exchange.margin import OpenOrder, equity, order_requirement
from zkel.host.exchange.orders import Order, Side, SignedOrder
from zkel.host.exchange.trade import Fill, apply_fill
from zkel.host.exchange.txs import OrderReceipt

if TYPE_CHECKING:
    from zkel.host.exchange.engine import Exchange
    from zkel.host.exchange.recorder import Recorder


@dataclass(frozen=True)
class Drop:
    """A resting order (or the taker's own entry) to remove without its owner's signature.

    ``slot`` is the entry of account ``account``'s order table that holds it;
    ``reason`` is ``"expired"``, ``"self-trade"``, ``"maker margin"``,
    ``"taker margin"`` or ``"liquidated"``.
    """

    account: int
    order_hash: int
    slot: int
    reason: str

    def tx(self) -> dict:
        """The ``drop`` record's ``tx``."""
        return {
            "account": self.account,
            "order": str(self.order_hash),
            "slot": self.slot,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Matched:
    """One fill of the plan: the fill, the maker's resting order, both accounts after."""

    fill: Fill
    maker_order: RestingOrder
    accounts: dict[int, Account]


@dataclass(frozen=True)
class Plan:
    """What an order does, computed before anything is written.

    ``placed`` is the taker after its placement record, ``slot`` its table entry,
    ``events`` the fills and drops in matching order (the taker's own drop last),
    ``remaining`` the size (base atoms) not filled, ``stopped`` whether matching
    stopped on the taker's margin.
    """

    placed: Account
    order_hash: int
    slot: int
    events: tuple[Matched | Drop, ...]
    remaining: int
    stopped: bool


def order_entry(order: Order, order_hash: int, slot: int) -> dict:
    """An order as records carry it: its signed fields, its hash, its table entry."""
    return {**order.to_dict(), "hash": str(order_hash), "slot": slot}


def order_clock(ex: Exchange, market: int) -> int:
    """The time (seconds) an order of ``market`` is checked against: the later of the
    exchange clock and the market's last oracle time.

    An order is live while ``expiry > order_clock``. The circuit has no clock of
    its own; it checks ``expiry`` against the oracle's signed time of the market
    (at placement and at every fill, for both orders), so the engine's rule
    includes that time, and the two agree.
    """
    return max(ex.now, ex.market(market).oracle_time)


def _validate(ex: Exchange, signed: SignedOrder) -> tuple[Account, int, int]:
    """``(taker after placement, order hash, table entry)``, or raise (nothing changes)."""
    o = signed.order
    market = ex.market(o.market)
    ex.account(o.account)
    market.check_price(o.price)
    market.check_size(o.size)
    now = order_clock(ex, o.market)
    if o.expiry <= now:
        raise Expired(f"order expired at {o.expiry} (exchange time {now})")
    order_hash = o.hash()  # never trust a hash carried with the order
    taker = ex._signed_by(o.account, o.nonce, order_hash, signed.signature, "order")
    slot = taker.free_order_slot()
    if slot is None:
        raise TooManyOrders(
            f"account {o.account} already has {ORDER_SLOTS} open orders, the most its "
            "order table holds; cancel one first"
        )
    view = ex.recorder.open_order_view(o.account) + [OpenOrder(o.market, o.side, o.price, o.size)]
    initial, costs = order_requirement(taker, ex.markets, view)
    eq = equity(taker, ex.markets)
    if eq - costs < initial:
        raise InsufficientMargin(
            f"order needs initial margin {initial} plus open-order costs {costs}, "
            f"account {o.account} has equity {eq}"
        )
    placed = taker.bump_nonce().with_order(slot, OrderSlot(order_hash, o.size))
    return placed, order_hash, slot


def _drop(accounts: dict[int, Account], ex: Exchange, drop: Drop) -> Drop:
    account = accounts.get(drop.account) or ex.accounts[drop.account]
    accounts[drop.account] = account.with_order(drop.slot, EMPTY_SLOT)
    return drop


def plan_order(ex: Exchange, signed: SignedOrder) -> Plan:
    """Validate ``signed`` and plan its matching against the book (writes nothing)."""
    placed, order_hash, slot = _validate(ex, signed)
    o = signed.order
    now = order_clock(ex, o.market)
    maker_side = Side.SELL if o.side is Side.BUY else Side.BUY
    accounts: dict[int, Account] = {placed.index: placed}
    events: list[Matched | Drop] = []
    remaining, stopped = o.size, False
    for maker_order in ex.books[o.market].iter_opposite(o.side, o.price):
        if not remaining:
            break
        h = maker_order.order_hash
        if maker_order.signed.order.expiry <= now or maker_order.account == o.account:
            why = "self-trade" if maker_order.account == o.account else "expired"
            events.append(_drop(accounts, ex, Drop(maker_order.account, h, maker_order.slot, why)))
            continue
        maker = accounts.get(maker_order.account) or ex.accounts[maker_order.account]
        size = min(remaining, maker_order.remaining)
        res = apply_fill(
            maker,
            accounts[placed.index],
            ex.markets,
            o.market,
            maker_side,
            maker_order.price,
            size,
            (h, order_hash),
            (maker_order.slot, slot),
        )
        if not res.maker_health.meets_initial:
            events.append(
                _drop(accounts, ex, Drop(maker_order.account, h, maker_order.slot, "maker margin"))
            )
            continue
        if not res.taker_health.meets_initial:
            stopped = True
            break
        accounts[res.maker.index], accounts[res.taker.index] = res.maker, res.taker
        events.append(
            Matched(res.fill, maker_order, {res.maker.index: res.maker, res.taker.index: res.taker})
        )
        remaining -= size
    if stopped:
        if not any(isinstance(e, Matched) for e in events):
            raise InsufficientMargin(
                f"account {o.account} would fall below initial margin on a fill"
            )
        events.append(_drop(accounts, ex, Drop(o.account, order_hash, slot, "taker margin")))
    return Plan(placed, order_hash, slot, tuple(events), remaining, stopped)


def match_order(ex: Exchange, signed: SignedOrder) -> OrderReceipt:
    """Validate, match and commit ``signed`` (see the module rule)."""
    return commit_plan(ex, signed, plan_order(ex, signed))


def commit_plan(ex: Exchange, signed: SignedOrder, plan: Plan) -> OrderReceipt:
    """Write the records of ``plan`` in one SQLite transaction; the receipt."""
    o = signed.order
    resting = 0 if plan.stopped else plan.remaining
    with ex._atomic() as rec:
        rec.step(
            "order",
            order_entry(o, plan.order_hash, plan.slot),
            {plan.placed.index: plan.placed},
            message=plan.order_hash,
            sig=signed.signature,
            signer=plan.placed.pubkey,
        )
        for event in plan.events:
            if isinstance(event, Drop):
                rec.drop(event)
            else:
                _commit_fill(ex, rec, event, order_entry(o, plan.order_hash, plan.slot))
        if resting:
            ex.order_seq += 1
            kept = SignedOrder(o, signed.signature, plan.order_hash)
            rec.add_order(RestingOrder(kept, resting, ex.order_seq, plan.slot))
    fills = tuple(e.fill for e in plan.events if isinstance(e, Matched))
    makers_dropped = tuple(
        (e.order_hash, e.reason)
        for e in plan.events
        if isinstance(e, Drop) and e.order_hash != plan.order_hash
    )
    return OrderReceipt(
        "order",
        tuple(rec.seqs),
        ex.root,
        plan.order_hash,
        fills,
        resting,
        plan.remaining if plan.stopped else 0,
        makers_dropped,
    )


def _commit_fill(ex: Exchange, rec: Recorder, event: Matched, taker_order: dict) -> None:
    f, maker_order = event.fill, event.maker_order
    market = ex.markets[f.market]
    rec.set_market(
        replace(market, mark_price=f.price, fees=market.fees + f.maker_fee + f.taker_fee)
    )
    left = maker_order.filled(f.size)
    if left.remaining:
        rec.update_order(left)
    else:
        rec.remove_order(maker_order.order_hash)
    tx = {
        "market": f.market,
        "maker": f.maker,
        "taker": f.taker,
        "maker_side": int(f.maker_side),
        "price": f.price,
        "size": f.size,
        "notional": f.notional,
        "maker_fee": f.maker_fee,
        "taker_fee": f.taker_fee,
        "maker_order": order_entry(
            maker_order.signed.order, maker_order.order_hash, maker_order.slot
        ),
        "taker_order": taker_order,
    }
    rec.step("fill", tx, event.accounts)
