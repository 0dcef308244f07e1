"""Liquidation: only below maintenance; takeover by the insurance fund; ADL with the
deficit charged to the most profitable opposite positions; collateral conserved."""

import pytest

from tests.host.exchange.helpers import BTC_PRICE, LOT, key, make_exchange, markets, order
from zkel.host.exchange import Account, OraclePrice, Position, Side, sign_message
from zkel.host.exchange.liquidation import NotLiquidatable, adl_rank_key, liquidate
from zkel.host.exchange.margin import health
from zkel.host.exchange.scales import QUOTE_SCALE


def _total(ex):
    return sum(a.collateral for a in ex.accounts.values())


def _leveraged_pair(insurance):
    ex, (a, b, c) = make_exchange(users=3, insurance=insurance)
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, 3000 * LOT))  # 3 BTC
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, 3000 * LOT))
    return ex, a, b, c


def _price(ex, price, t):
    msg = OraclePrice(0, price, t)
    return ex.update_oracle(msg, sign_message(key(0), msg))


def test_small_move_liquidates_nobody():
    ex, a, b, c = _leveraged_pair(insurance=0)
    assert _price(ex, 29_000 * QUOTE_SCALE, 1).liquidations == ()
    assert ex.account(a).positions[0].size == 3000 * LOT


def test_takeover_by_insurance_fund():
    ex, a, b, c = _leveraged_pair(insurance=50_000)
    total = _total(ex)
    before = health(ex.account(a), ex.markets)
    (liq,) = _price(ex, 27_500 * QUOTE_SCALE, 1).liquidations
    assert liq.mode == "takeover" and liq.target == a
    equity_then = health(liq.accounts[a], ex.markets).equity
    assert liq.health_before.below_maintenance and not before.below_maintenance
    fund = ex.account(1)
    assert fund.positions[0].size == 3000 * LOT and ex.account(a).positions[0].size == 0
    assert liq.fee == -(-82_500 * QUOTE_SCALE * 5_000 // 10**6)  # 0.5 % of 82,500 USD
    assert ex.account(a).collateral == equity_then == liq.health_before.equity - liq.fee
    assert _total(ex) == total
    assert ex.account(b).positions[0].size == -3000 * LOT  # counterparty untouched


def test_bankrupt_with_empty_fund_deleverages_counterparty():
    ex, a, b, c = _leveraged_pair(insurance=0)
    total = _total(ex)
    b_equity = health(ex.account(b), ex.markets).equity
    (liq,) = _price(ex, 26_000 * QUOTE_SCALE, 1).liquidations
    deficit = -liq.health_before.equity
    assert liq.mode == "adl" and deficit > 0 and liq.deficit == deficit
    assert [(f.counterparty, f.size, f.haircut) for f in liq.adl] == [(b, 3000 * LOT, deficit)]
    assert ex.account(a).collateral == 0 and ex.account(a).positions[0].size == 0
    assert ex.account(b).positions[0].size == 0
    # b gained 12,000 USD on the move, and pays the deficit out of it
    assert health(ex.account(b), ex.markets).equity == b_equity + 12_000 * QUOTE_SCALE - deficit
    assert _total(ex) == total
    assert ex.market(0).open_interest == 0


def test_liquidated_account_orders_dropped_first():
    ex, a, b, c = _leveraged_pair(insurance=50_000)
    first = ex.submit_order(order(ex, a, Side.SELL, BTC_PRICE * 2, LOT)).order_hash
    second = ex.submit_order(order(ex, a, Side.SELL, BTC_PRICE * 3, LOT)).order_hash
    kept = ex.submit_order(order(ex, c, Side.BUY, BTC_PRICE // 2, LOT)).order_hash
    assert len(ex.book(0)) == 3
    r = _price(ex, 27_500 * QUOTE_SCALE, 1)
    recs = [ex.store.tx(s) for s in r.seqs]
    assert [x["kind"] for x in recs] == ["oracle", "drop", "drop", "liquidation"]
    assert [x["tx"] for x in recs[1:3]] == [
        {"account": a, "order": str(first), "slot": 0, "reason": "liquidated"},
        {"account": a, "order": str(second), "slot": 1, "reason": "liquidated"},
    ]
    liq = recs[3]
    assert liq["tx"] == {"account": a, "mode": "takeover"}
    assert [u["index"] for u in liq["updates"]] == [1, a]  # exactly the fund and the target
    target = next(u for u in liq["updates"] if u["index"] == a)
    assert target["before"]["orders"] == [["0", 0]] * 4  # an empty table when liquidated
    assert not ex.open_orders(a) and [o.order_hash for o in ex.open_orders(c)] == [kept]
    for prev, rec in zip(recs, recs[1:], strict=False):
        assert prev["root_after"] == rec["root_before"]


def _acct(index, collateral, size):
    return Account(
        index, (1, 2), collateral, 0, (Position(size), Position(), Position(), Position())
    )


def test_pure_liquidate_refuses_healthy_account():
    ms = {m.market_id: m for m in markets()}
    healthy = _acct(5, 10_000 * QUOTE_SCALE, 1000 * LOT)
    with pytest.raises(NotLiquidatable, match="meets maintenance margin"):
        liquidate(healthy, _acct(1, 0, 0), ms)


def test_adl_ranks_most_profitable_first():
    ms = {m.market_id: m for m in markets()}
    rich = _acct(7, 50_000 * QUOTE_SCALE, -1000 * LOT)
    poor = _acct(6, 4_000 * QUOTE_SCALE, -1000 * LOT)
    assert sorted([poor, rich], key=lambda a: adl_rank_key(a, ms))[0] is rich
    # a bankrupt long of 1 BTC against the two shorts, empty fund: rich takes it all
    bankrupt = _acct(5, -30_500 * QUOTE_SCALE, 1000 * LOT)
    res = liquidate(bankrupt, _acct(1, 0, 0), ms, [poor, rich])
    assert [(f.counterparty, f.size) for f in res.adl] == [(7, 1000 * LOT)]
    assert res.accounts[7].collateral == rich.collateral - 30_000 * QUOTE_SCALE - 500 * QUOTE_SCALE
    assert 6 not in res.accounts
