"""Liquidation and auto-deleveraging: only below maintenance; always a takeover by the
insurance fund, which pays the whole deficit; then deleverage steps while the fund is
below initial margin, most profitable counterparty first, with haircuts that charge a
negative fund equity pro rata to notional; collateral conserved throughout."""

import pytest

from tests.host.exchange.helpers import BTC_PRICE, LOT, key, make_exchange, markets, order
from zkel.host.exchange import Account, OraclePrice, Position, Side, sign_message
from zkel.host.exchange.deleverage import (
    NotDeleveragable,
    deleverage,
    haircut,
    rank_counterparties,
)
from zkel.host.exchange.invariants import InvariantChecker
from zkel.host.exchange.liquidation import NotLiquidatable, liquidate
from zkel.host.exchange.margin import health
from zkel.host.exchange.scales import QUOTE_SCALE

USD = QUOTE_SCALE


def _total(ex):
    return sum(a.collateral for a in ex.accounts.values())


def _leveraged(insurance, makers=((1, 3000),)):
    """``a`` buys 3 BTC at 30,000 on 10,000 USD from the makers (user, lots) listed."""
    ex, users = make_exchange(users=4, insurance=insurance)
    for u, lots in makers:
        ex.submit_order(order(ex, users[u], Side.SELL, BTC_PRICE, lots * LOT))
    ex.submit_order(order(ex, users[0], Side.BUY, BTC_PRICE, 3000 * LOT))
    return ex, users


def _price(ex, price, t):
    msg = OraclePrice(0, price, t)
    return ex.update_oracle(msg, sign_message(key(0), msg))


def _kinds(ex, receipt):
    return [ex.store.tx(s)["kind"] for s in receipt.seqs]


def test_small_move_liquidates_nobody():
    ex, (a, b, *_) = _leveraged(insurance=0)
    assert _price(ex, 29_000 * USD, 1).liquidations == ()
    assert ex.account(a).positions[0].size == 3000 * LOT


def test_takeover_by_insurance_fund():
    ex, (a, b, *_) = _leveraged(insurance=50_000)
    total = _total(ex)
    before = health(ex.account(a), ex.markets)
    r = _price(ex, 27_500 * USD, 1)
    (liq,) = r.liquidations
    assert liq.mode == "takeover" and liq.target == a and r.deleverages == ()
    equity_then = health(liq.accounts[a], ex.markets).equity
    assert liq.health_before.below_maintenance and not before.below_maintenance
    fund = ex.account(1)
    assert fund.positions[0].size == 3000 * LOT and ex.account(a).positions[0].size == 0
    assert liq.fee == -(-82_500 * USD * 5_000 // 10**6)  # 0.5 % of 82,500 USD
    assert ex.account(a).collateral == equity_then == liq.health_before.equity - liq.fee
    assert health(fund, ex.markets).meets_initial  # deep enough: no deleverage step
    assert _total(ex) == total
    assert ex.account(b).positions[0].size == -3000 * LOT  # counterparty untouched


def test_takeover_below_initial_then_the_fewest_lots_deleveraged():
    ex, (a, b, *_) = _leveraged(insurance=5_000)
    checker = InvariantChecker(ex)
    total = _total(ex)
    r = _price(ex, 27_500 * USD, 1)
    checker.check()
    assert _kinds(ex, r) == ["oracle", "liquidation", "deleverage"]
    (step,) = r.deleverages
    fund = ex.account(1)
    # the takeover left the fund 5,412.50 USD of equity against 8,250 USD of initial margin
    assert step.fund_before.equity == 5_412_500_000 and step.fund_before.initial == 8_250 * USD
    assert (step.counterparty, step.price, step.haircut) == (b, 27_500 * USD, 0)
    assert health(fund, ex.markets).meets_initial
    lot_value = LOT * 27_500 * USD // 10**8
    kept = (Position(fund.positions[0].size + LOT),) + fund.positions[1:]
    one_lot_less = Account(1, fund.pubkey, fund.collateral - lot_value, 0, kept)
    assert health(one_lot_less, ex.markets).equity == step.fund_before.equity
    assert not health(one_lot_less, ex.markets).meets_initial  # the fewest lots closed
    assert fund.positions[0].size == 3000 * LOT - step.size
    assert ex.account(b).positions[0].size == -3000 * LOT + step.size
    assert ex.market(0).open_interest == fund.positions[0].size
    assert _total(ex) == total and checker.deleverages_checked == 2


def test_bankrupt_with_empty_fund_deleverages_counterparty():
    ex, (a, b, *_) = _leveraged(insurance=0)
    total = _total(ex)
    b_equity = health(ex.account(b), ex.markets).equity
    r = _price(ex, 26_000 * USD, 1)
    (liq,) = r.liquidations
    deficit = -liq.health_before.equity
    assert liq.mode == "takeover" and deficit > 0 and liq.deficit == deficit
    assert _kinds(ex, r) == ["oracle", "liquidation", "deleverage"]
    (step,) = r.deleverages  # the fund's whole position, and the whole deficit
    assert (step.counterparty, step.size, step.haircut) == (b, 3000 * LOT, deficit)
    assert step.fund_before.equity == -deficit
    assert ex.account(a).collateral == 0 and ex.account(a).positions[0].size == 0
    assert ex.account(b).positions[0].size == 0 and ex.account(1).positions[0].size == 0
    assert ex.account(1).collateral == 0
    # b gained 12,000 USD on the move, and pays the deficit out of it
    assert health(ex.account(b), ex.markets).equity == b_equity + 12_000 * USD - deficit
    assert _total(ex) == total
    assert ex.market(0).open_interest == 0


def test_negative_fund_equity_haircuts_sum_to_the_deficit():
    ex, (a, b, c, _) = _leveraged(insurance=0, makers=((1, 1000), (2, 2000)))
    checker = InvariantChecker(ex)
    total = _total(ex)
    r = _price(ex, 26_000 * USD, 1)
    checker.check()
    (liq,) = r.liquidations
    assert _kinds(ex, r) == ["oracle", "liquidation", "deleverage", "deleverage"]
    first, second = r.deleverages
    # b: 14,000 USD on 26,000 of notional ranks before c: 18,000 USD on 52,000
    assert (first.counterparty, first.size) == (b, 1000 * LOT)
    assert (second.counterparty, second.size) == (c, 2000 * LOT)
    assert first.haircut == -(-liq.deficit * 26_000 * USD // (78_000 * USD))  # pro rata, up
    assert first.haircut + second.haircut == liq.deficit  # 2,000 USD lost, 45 USD of fee
    assert health(ex.account(1), ex.markets).equity == 0
    assert not ex.account(1).has_positions() and ex.market(0).open_interest == 0
    assert _total(ex) == total and checker.deleverages_checked == 4


def test_the_fund_itself_below_maintenance_is_deleveraged_directly():
    ex, (a, b, *_) = _leveraged(insurance=10_000)
    checker = InvariantChecker(ex)
    (liq,) = _price(ex, 27_500 * USD, 1).liquidations  # the fund takes 3 BTC, meets initial
    checker.check()
    total = _total(ex)
    fund = health(ex.account(1), ex.markets)
    assert fund.meets_initial and fund.equity == 10_412_500_000
    r = _price(ex, 24_000 * USD, 2)  # 10,500 USD lost: the fund's equity is -87.50 USD
    checker.check()
    assert r.liquidations == () and _kinds(ex, r) == ["oracle", "deleverage"]
    (step,) = r.deleverages
    assert step.fund_before.equity == -87_500_000 and step.fund_before.below_maintenance
    assert (step.counterparty, step.size, step.haircut) == (b, 3000 * LOT, 87_500_000)
    assert health(ex.account(1), ex.markets).equity == 0
    assert _total(ex) == total


def test_liquidated_account_orders_dropped_first():
    ex, (a, b, c, _) = make_exchange(users=4, insurance=50_000)
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, 3000 * LOT))
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, 3000 * LOT))
    first = ex.submit_order(order(ex, a, Side.SELL, BTC_PRICE * 2, LOT)).order_hash
    second = ex.submit_order(order(ex, a, Side.SELL, BTC_PRICE * 3, LOT)).order_hash
    kept = ex.submit_order(order(ex, c, Side.BUY, BTC_PRICE // 2, LOT)).order_hash
    assert len(ex.book(0)) == 3
    r = _price(ex, 27_500 * USD, 1)
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


def test_pure_liquidate_refuses_healthy_account_and_the_fund():
    ms = {m.market_id: m for m in markets()}
    healthy = _acct(5, 10_000 * USD, 1000 * LOT)
    with pytest.raises(NotLiquidatable, match="meets maintenance margin"):
        liquidate(healthy, _acct(1, 0, 0), ms)
    with pytest.raises(NotLiquidatable, match="is deleveraged"):
        liquidate(_acct(1, -(10**9), 1000 * LOT), _acct(1, -(10**9), 1000 * LOT), ms)


def test_pure_takeover_leaves_the_fund_below_initial():
    ms = {m.market_id: m for m in markets()}
    bankrupt = _acct(5, -30_500 * USD, 1000 * LOT)  # equity -500 USD at 30,000
    res = liquidate(bankrupt, _acct(1, 100 * USD, 0), ms)
    fund = res.accounts[1]
    assert res.deficit == 500 * USD and res.fee == 0
    assert health(fund, ms).equity == -400 * USD  # the fund pays the whole deficit
    assert res.accounts[5].collateral == 0 and not res.accounts[5].has_positions()


def test_pure_deleverage_rule():
    ms = {m.market_id: m for m in markets()}
    fund = _acct(1, -30_400 * USD, 1000 * LOT)  # 1 BTC long, equity -400 USD
    short = _acct(7, 50_000 * USD, -3000 * LOT)
    step = deleverage(fund, short, ms, 0, 600 * LOT)
    assert step.haircut == haircut(fund, ms, 18_000 * USD) == 240 * USD  # 60 % of the deficit
    after_fund, after_short = step.accounts[1], step.accounts[7]
    assert (
        after_fund.positions[0].size == 400 * LOT and after_short.positions[0].size == -2400 * LOT
    )
    assert health(after_fund, ms).equity == -160 * USD
    assert after_fund.collateral + after_short.collateral == fund.collateral + short.collateral
    rest = deleverage(after_fund, after_short, ms, 0, 400 * LOT)
    assert rest.haircut == 160 * USD and health(rest.accounts[1], ms).equity == 0


@pytest.mark.parametrize(
    "fund, other, size, message",
    [
        # equity 4,000 USD against 3,000 USD of initial margin
        (_acct(1, -26_000 * USD, 1000 * LOT), _acct(7, 0, -1000 * LOT), 100 * LOT, "meets initial"),
        (_acct(1, -30_400 * USD, 1000 * LOT), _acct(7, 0, 1000 * LOT), 100 * LOT, "not opposite"),
        (_acct(1, -30_400 * USD, 1000 * LOT), _acct(7, 0, -500 * LOT), 600 * LOT, "flip"),
        (_acct(1, -30_400 * USD, 1000 * LOT), _acct(7, 0, -2000 * LOT), 1100 * LOT, "flip"),
        (_acct(1, -30_400 * USD, 1000 * LOT), _acct(7, 0, -1000 * LOT), -100 * LOT, "shrink"),
        (_acct(1, -30_400 * USD, 1000 * LOT), _acct(7, 0, -1000 * LOT), 0, "zero"),
        (_acct(4, -30_400 * USD, 1000 * LOT), _acct(7, 0, -1000 * LOT), 100 * LOT, "not the"),
    ],
)
def test_pure_deleverage_refuses(fund, other, size, message):
    ms = {m.market_id: m for m in markets()}
    with pytest.raises(NotDeleveragable, match=message):
        deleverage(fund, other, ms, 0, size)


def test_adl_ranks_most_profitable_first():
    ms = {m.market_id: m for m in markets()}
    rich = _acct(7, 50_000 * USD, -1000 * LOT)
    poor = _acct(6, 4_000 * USD, -1000 * LOT)
    same_side = _acct(8, 90_000 * USD, 1000 * LOT)
    fund = _acct(1, -30_500 * USD, 1000 * LOT)
    assert rank_counterparties(fund, 0, [poor, same_side, rich], ms) == [7, 6]
