"""Open-order tables and the records of an order: placement, then fills and drops in
matching order, one circuit slot each; the table mirrors the book; TooManyOrders;
market fee pools and their collection; conservation with the pools."""

import random
from dataclasses import replace

import pytest

from tests.host.exchange.helpers import (
    BTC_PRICE,
    LOT,
    TICK,
    key,
    make_exchange,
    order,
    pub,
    state,
    user_key,
)
from zkel.host.exchange import (
    ORDER_SLOTS,
    Cancel,
    Exchange,
    OraclePrice,
    OrderSlot,
    Side,
    sign_message,
)
from zkel.host.exchange.errors import (
    ExchangeError,
    InvalidRequest,
    TooManyOrders,
    UnknownMarket,
)
from zkel.host.exchange.invariants import InvariantChecker, InvariantViolation
from zkel.host.exchange.orders import sign
from zkel.host.exchange.scales import QUOTE_SCALE
from zkel.host.state import verify_store


def _records(ex, receipt):
    return [ex.store.tx(s) for s in receipt.seqs]


def _entry(order_dict):
    return [order_dict["hash"], order_dict["slot"]]


def _table_mirrors_book(ex):
    """Every resting order sits in its owner's table at its slot with the same remaining,
    and every non-empty entry is a resting order."""
    for index, account in ex.accounts.items():
        resting = {r.order_hash: r for r in ex.open_orders(index)}
        for slot, entry in enumerate(account.orders):
            if entry == OrderSlot():
                continue
            r = resting.pop(entry.order_hash)  # KeyError: an entry with no resting order
            assert (r.slot, r.remaining) == (slot, entry.remaining)
        assert not resting, f"account {index}: resting orders missing from its table"


def test_records_of_one_order_in_matching_order():
    ex, (a, b, c) = make_exchange(users=3)
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT, expiry=5))  # will expire
    own = ex.submit_order(order(ex, a, Side.SELL, BTC_PRICE, LOT)).order_hash  # self-trade
    ex.submit_order(order(ex, c, Side.SELL, BTC_PRICE + TICK, 2 * LOT))
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE + 2 * TICK, LOT))  # beyond the limit
    ex.advance_time(5)
    taker = order(ex, a, Side.BUY, BTC_PRICE + TICK, 3 * LOT)
    r = ex.submit_order(taker)
    recs = _records(ex, r)
    assert [x["kind"] for x in recs] == ["order", "drop", "drop", "fill"]
    placed, expired, self_trade, fill = recs
    # placement: signed, nonce + 1, the lowest empty entry (0 holds the order to self-trade)
    assert placed["tx"] == {**taker.order.to_dict(), "hash": str(r.order_hash), "slot": 1}
    assert placed["message"] == str(r.order_hash) and placed["signature"] == (
        taker.signature.to_list()
    )
    (u,) = placed["updates"]
    assert u["before"]["nonce"] + 1 == u["after"]["nonce"]
    assert u["after"]["orders"][1] == [str(r.order_hash), 3 * LOT]
    assert u["before"]["positions"] == u["after"]["positions"]
    assert u["before"]["collateral"] == u["after"]["collateral"]
    # drops: no signature, one update emptying the owner's entry
    assert expired["tx"]["account"] == b and expired["tx"]["reason"] == "expired"
    assert self_trade["tx"] == {"account": a, "order": str(own), "slot": 0, "reason": "self-trade"}
    for rec in (expired, self_trade):
        (u,) = rec["updates"]
        slot = rec["tx"]["slot"]
        assert u["before"]["orders"][slot][0] == rec["tx"]["order"]
        assert u["after"]["orders"][slot] == ["0", 0] and rec["signature"] is None
        assert {k: v for k, v in u["after"].items() if k != "orders"} == {
            k: v for k, v in u["before"].items() if k != "orders"
        }
    # the fill: maker c's whole order (its entry emptied), taker a's entry loses 2 lots
    tx = fill["tx"]
    assert (tx["maker"], tx["taker"], tx["price"], tx["size"]) == (c, a, BTC_PRICE + TICK, 2 * LOT)
    assert tx["maker_side"] == int(Side.SELL) and tx["market"] == 0
    assert _entry(tx["taker_order"]) == [str(r.order_hash), 1]
    assert tx["maker_order"]["account"] == c and tx["maker_order"]["size"] == 2 * LOT
    after = {u["index"]: u["after"] for u in fill["updates"]}
    assert [u["index"] for u in fill["updates"]] == sorted([a, c])  # index order
    assert after[c]["orders"][tx["maker_order"]["slot"]] == ["0", 0]
    assert after[a]["orders"][1] == [str(r.order_hash), LOT]
    assert fill["markets"][0]["fees"] == tx["maker_fee"] + tx["taker_fee"]
    assert fill["markets"][0]["mark_price"] == BTC_PRICE + TICK and fill["public"] is None
    # chained roots, and the receipt keeps its meaning
    for prev, rec in zip(recs, recs[1:], strict=False):
        assert prev["root_after"] == rec["root_before"]
    assert int(recs[-1]["root_after"]) == r.root == ex.root
    assert [f.size for f in r.fills] == [2 * LOT] and r.resting == LOT and r.dropped == 0
    assert sorted(why for _, why in r.cancelled_makers) == ["expired", "self-trade"]
    (rest,) = ex.open_orders(a)
    assert (rest.slot, rest.remaining) == (1, LOT)
    assert ex.account(a).orders == (OrderSlot(), OrderSlot(r.order_hash, LOT), *[OrderSlot()] * 2)
    _table_mirrors_book(ex)


def test_taker_out_of_margin_drops_its_entry_last():
    # an oracle price whose fees round up: two fills of one lot cost one atom more in
    # fees than the placement check charged for two lots, so the second fill fails
    ex, (_, b, c) = make_exchange(users=3)
    price = BTC_PRICE + TICK
    msg = OraclePrice(0, price, 1)
    ex.update_oracle(msg, sign_message(key(0), msg))
    d = ex.create_account(pub(5))
    notional = 2 * LOT * price // 10**8
    need = -(-notional * 100_000 // 10**6) - (-notional * 500 // 10**6)  # margin + taker fee
    ex.deposit(d, need)
    ex.submit_order(order(ex, b, Side.SELL, price, LOT))
    ex.submit_order(order(ex, c, Side.SELL, price, LOT))
    r = ex.submit_order(order(ex, d, Side.BUY, price, 2 * LOT))
    recs = _records(ex, r)
    assert [x["kind"] for x in recs] == ["order", "fill", "drop"]
    assert recs[2]["tx"] == {"account": d, "order": str(r.order_hash), "slot": 0,
                             "reason": "taker margin"}  # fmt: skip
    assert (r.resting, r.dropped, [f.maker for f in r.fills]) == (0, LOT, [b])
    assert ex.account(d).orders == (OrderSlot(),) * ORDER_SLOTS
    assert [o.account for o in ex.open_orders(c)] == [c]  # c's order still rests
    _table_mirrors_book(ex)


def test_fully_filled_taker_entry_is_empty_after_its_last_fill():
    ex, (a, b) = make_exchange(users=2)
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT))
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT))
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, 2 * LOT))
    recs = _records(ex, r)
    assert [x["kind"] for x in recs] == ["order", "fill", "fill"]
    taker_after = [next(u for u in x["updates"] if u["index"] == a)["after"] for x in recs]
    assert [e["orders"][0] for e in taker_after] == [
        [str(r.order_hash), 2 * LOT],
        [str(r.order_hash), LOT],
        ["0", 0],
    ]
    assert ex.account(a).orders == ex.account(b).orders == (OrderSlot(),) * ORDER_SLOTS
    assert not ex.open_orders(a) and not ex.open_orders(b)


def test_too_many_orders_is_refused_until_an_entry_frees():
    ex, (a, _) = make_exchange(users=2)
    hashes = [
        ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE - (i + 1) * TICK, LOT)).order_hash
        for i in range(ORDER_SLOTS)
    ]
    assert [e.order_hash for e in ex.account(a).orders] == hashes
    before = state(ex)
    with pytest.raises(TooManyOrders, match=f"already has {ORDER_SLOTS} open orders"):
        ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE - 9 * TICK, LOT))
    assert state(ex) == before
    c = Cancel(a, hashes[1], ex.account(a).nonce)
    seq = ex.cancel_order(c, sign(user_key(ex, a), c.hash())).seqs[0]
    rec = ex.store.tx(seq)
    assert rec["tx"] == {"account": a, "order": str(hashes[1]), "nonce": c.nonce, "slot": 1}
    (u,) = rec["updates"]
    assert u["after"]["orders"][1] == ["0", 0] and u["after"]["nonce"] == c.nonce + 1
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE - 9 * TICK, LOT))
    assert ex.store.tx(r.seqs[0])["tx"]["slot"] == 1  # the freed entry
    _table_mirrors_book(ex)


def test_fee_pools_and_their_collection():
    ex, (a, b) = make_exchange(users=2)
    checker = InvariantChecker(ex)
    fees = 0
    for i in range(2):
        ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, (i + 1) * LOT))
        checker.check()
        (fill,) = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, (i + 1) * LOT)).fills
        checker.check()
        fees += fill.maker_fee + fill.taker_fee
        assert ex.market(0).fees == fees and ex.account(0).collateral == 0
    before = state(ex)
    with pytest.raises(InvalidRequest, match="market 1 has no fees to collect"):
        ex.collect_fees(1)
    with pytest.raises(UnknownMarket, match="unknown market 3"):
        ex.collect_fees(3)
    assert state(ex) == before
    r = ex.collect_fees(0)
    checker.check()
    (rec,) = _records(ex, r)
    assert rec["kind"] == "collect_fees" and rec["tx"] == {"market": 0}
    assert rec["signature"] is None and rec["public"] is None
    (u,) = rec["updates"]
    assert u["index"] == 0 and u["after"]["collateral"] - u["before"]["collateral"] == fees
    assert rec["markets_before"][0]["fees"] == fees and rec["markets"][0]["fees"] == 0
    assert ex.account(0).collateral == fees and ex.market(0).fees == 0
    with pytest.raises(InvalidRequest, match="no fees to collect"):
        ex.collect_fees(0)
    # conservation counts the pools: one atom more in a pool is caught
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT))
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT))
    ex.markets[0] = replace(ex.markets[0], fees=ex.markets[0].fees + 1)
    with pytest.raises(InvariantViolation, match="not conserved"):
        checker.check()


def _random_flow(ex, users, rng, steps):
    checker = InvariantChecker(ex)
    t = 0
    for _ in range(steps):
        roll = rng.random()
        a = rng.choice(users)
        try:
            if roll < 0.65:
                side = rng.choice([Side.BUY, Side.SELL])
                price = BTC_PRICE + rng.randint(-4, 4) * TICK
                size = rng.randint(1, 8) * 100 * LOT  # up to 0.8 BTC: leveraged
                expiry = ex.now + rng.randint(1, 30)
                ex.submit_order(order(ex, a, side, price, size, expiry=expiry))
            elif roll < 0.8 and ex.open_orders(a):
                h = rng.choice(ex.open_orders(a)).order_hash
                c = Cancel(a, h, ex.account(a).nonce)
                ex.cancel_order(c, sign(user_key(ex, a), c.hash()))
            elif roll < 0.9:
                ex.advance_time(ex.now + rng.randint(1, 10))
            elif roll < 0.95:
                t += 1
                move = rng.choice([-15, -5, 5, 15]) * 100 * QUOTE_SCALE  # up to 5 %
                msg = OraclePrice(0, ex.market(0).oracle_price + move, t)
                ex.update_oracle(msg, sign_message(key(0), msg))
            else:
                ex.collect_fees(0)
        except ExchangeError:
            continue
        checker.check()
    return checker


@pytest.mark.parametrize("seed", [3, 11])
def test_table_mirrors_the_book_after_random_flows(tmp_path, seed):
    db = tmp_path / "flow.db"
    ex, users = make_exchange(str(db), users=4, deposit=3_000, insurance=1_000)
    rng = random.Random(seed)
    checker = _random_flow(ex, users, rng, 70)
    assert checker.steps > 40
    kinds = {r["kind"] for _, r in ex.store.unbatched_txs()}
    assert {"order", "fill", "drop", "cancel"} <= kinds
    _table_mirrors_book(ex)
    assert any(e.order_hash for a in ex.accounts.values() for e in a.orders)
    snapshot = (dict(ex.accounts), {m: dict(b.orders) for m, b in ex.books.items()}, ex.root)
    ex.close()
    again = Exchange.open(db)  # the tables and the book come back together
    assert (dict(again.accounts), {m: dict(b.orders) for m, b in again.books.items()}) == (
        snapshot[:2]
    )
    assert again.root == snapshot[2] and verify_store(again.store).ok
    _table_mirrors_book(again)
    again.close()
