"""Order placement: validation, the resting-order margin check, matching, commit.

Matching walks the opposite side in price-time priority while it crosses the
taker's limit, filling at each maker's price (:func:`~zkel.host.exchange.trade.apply_fill`).
On the way it removes resting orders that expired, that belong to the taker
itself (self-trade prevention: the resting order is cancelled), or whose maker
would fall below initial margin with the fill. If the taker itself would fall
below initial margin, matching stops: with no fill yet the order is rejected
(:class:`InsufficientMargin`, nothing changes); after some fills the unfilled
rest is dropped (reported as ``dropped``). Otherwise the rest goes into the book.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from zkel.host.exchange.account import FEE_ACCOUNT, Account
from zkel.host.exchange.book import RestingOrder
from zkel.host.exchange.errors import Expired, InsufficientMargin
from zkel.host.exchange.margin import OpenOrder, equity, order_requirement
from zkel.host.exchange.orders import Side, SignedOrder
from zkel.host.exchange.trade import Fill, apply_fill
from zkel.host.exchange.txs import OrderReceipt

if TYPE_CHECKING:
    from zkel.host.exchange.engine import Exchange


def _validate(ex: Exchange, signed: SignedOrder) -> tuple[Account, int]:
    o = signed.order
    market = ex.market(o.market)
    ex.account(o.account)
    market.check_price(o.price)
    market.check_size(o.size)
    if o.expiry <= ex.now:
        raise Expired(f"order expired at {o.expiry} (exchange time {ex.now})")
    order_hash = o.hash()  # never trust a hash carried with the order
    taker = ex._signed_by(o.account, o.nonce, order_hash, signed.signature, "order")
    view = ex.recorder.open_order_view(o.account) + [OpenOrder(o.market, o.side, o.price, o.size)]
    initial, costs = order_requirement(taker, ex.markets, view)
    eq = equity(taker, ex.markets)
    if eq - costs < initial:
        raise InsufficientMargin(
            f"order needs initial margin {initial} plus open-order costs {costs}, "
            f"account {o.account} has equity {eq}"
        )
    return taker.bump_nonce(), order_hash


def match_order(ex: Exchange, signed: SignedOrder) -> OrderReceipt:
    """Validate, match and commit ``signed`` (see the module rule)."""
    taker, order_hash = _validate(ex, signed)
    o = signed.order
    maker_side = Side.SELL if o.side is Side.BUY else Side.BUY
    accounts: dict[int, Account] = {taker.index: taker}
    fee = ex.accounts[FEE_ACCOUNT]
    remaining, fills = o.size, []
    removed: list[tuple[int, str]] = []
    partial: list[RestingOrder] = []
    stopped = False
    for maker_order in ex.books[o.market].iter_opposite(o.side, o.price):
        if not remaining:
            break
        if maker_order.signed.order.expiry <= ex.now:
            removed.append((maker_order.order_hash, "expired"))
            continue
        if maker_order.account == o.account:
            removed.append((maker_order.order_hash, "self-trade"))
            continue
        maker = accounts.get(maker_order.account) or ex.accounts[maker_order.account]
        size = min(remaining, maker_order.remaining)
        res = apply_fill(
            maker,
            accounts[taker.index],
            fee,
            ex.markets,
            o.market,
            maker_side,
            maker_order.price,
            size,
            (maker_order.order_hash, order_hash),
        )
        if not res.maker_health.meets_initial:
            removed.append((maker_order.order_hash, "maker margin"))
            continue
        if not res.taker_health.meets_initial:
            stopped = True
            break
        accounts[res.maker.index], accounts[res.taker.index] = res.maker, res.taker
        fee = res.fee_account
        fills.append((res.fill, maker_order))
        remaining -= size
        if size == maker_order.remaining:
            removed.append((maker_order.order_hash, "filled"))
        else:
            partial.append(maker_order.filled(size))
    if stopped and not fills:
        raise InsufficientMargin(f"account {o.account} would fall below initial margin on a fill")
    accounts[FEE_ACCOUNT] = fee
    return _commit(ex, signed, order_hash, accounts, fills, removed, partial, remaining, stopped)


def _commit(
    ex: Exchange,
    signed: SignedOrder,
    order_hash: int,
    accounts: dict[int, Account],
    fills: list[tuple[Fill, RestingOrder]],
    removed: list[tuple[int, str]],
    partial: list[RestingOrder],
    remaining: int,
    stopped: bool,
) -> OrderReceipt:
    o = signed.order
    resting = 0 if stopped else remaining
    with ex._atomic() as rec:
        for h, _why in removed:
            rec.remove_order(h)
        for r in partial:
            rec.update_order(r)
        if resting:
            ex.order_seq += 1
            signed = SignedOrder(o, signed.signature, order_hash)
            rec.add_order(RestingOrder(signed, resting, ex.order_seq))
        if fills:
            rec.set_market(replace(ex.markets[o.market], mark_price=fills[-1][0].price))
        events = {
            "fills": [_fill_dict(f, m) for f, m in fills],
            "removed": [[str(h), why] for h, why in removed],
            "resting": resting,
        }
        rec.step(
            "order",
            {"order": o.to_dict(), "hash": str(order_hash)},
            accounts,
            message=order_hash,
            sig=signed.signature,
            signer=ex.accounts[o.account].pubkey,
            events=events,
        )
    return OrderReceipt(
        "order",
        tuple(rec.seqs),
        ex.root,
        order_hash,
        tuple(f for f, _ in fills),
        resting,
        remaining if stopped else 0,
        tuple((h, why) for h, why in removed if why != "filled"),
    )


def _fill_dict(fill: Fill, maker: RestingOrder) -> dict:
    return {
        "maker": fill.maker,
        "taker": fill.taker,
        "price": fill.price,
        "size": fill.size,
        "notional": fill.notional,
        "maker_fee": fill.maker_fee,
        "taker_fee": fill.taker_fee,
        "maker_side": int(fill.maker_side),
        "maker_order": maker.signed.order.to_dict(),
        "maker_signature": maker.signed.signature.to_list(),
        "maker_order_hash": str(maker.order_hash),
    }
