"""The Exchange API: trades, cancels, transfers, withdrawals, and every rejection
leaving the state (root, accounts, book, log) exactly as it was."""

import pytest

from tests.host.exchange.helpers import (
    BTC_PRICE,
    LOT,
    TICK,
    key,
    make_exchange,
    order,
    state,
    user_key,
)
from zkel.circuits.poseidon import poseidon
from zkel.host.exchange import Cancel, OraclePrice, Side, Transfer, Withdrawal, sign_message
from zkel.host.exchange.account import pending_funding
from zkel.host.exchange.errors import (
    BadNonce,
    BadSignature,
    Expired,
    InsufficientMargin,
    InvalidRequest,
    OffLot,
    OffTick,
    OutOfRange,
    UnknownAccount,
    UnknownMarket,
    UnknownOrder,
)
from zkel.host.exchange.orders import Order, sign, sign_order
from zkel.host.exchange.scales import QUOTE_SCALE

RECIPIENT = 0x5B38DA6A701C568545DCFCB03FCB875F56BEDDC4  # an L1 address (160 bits)


@pytest.fixture
def ex3():
    ex, idx = make_exchange(users=3)
    yield ex, idx
    ex.close()


def test_fill_at_maker_price_with_fees(ex3):
    ex, (a, b, _) = ex3
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, 10 * LOT))
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE + 50 * TICK, 4 * LOT))
    (fill,) = r.fills
    assert (fill.price, fill.size, fill.maker, fill.taker) == (BTC_PRICE, 4 * LOT, b, a)
    value = 4 * LOT * BTC_PRICE // 10**8  # 120 USD
    assert fill.notional == value
    assert fill.maker_fee == -(-value * 200 // 10**6) and fill.taker_fee == -(-value * 500 // 10**6)
    assert ex.account(a).collateral == 10_000 * QUOTE_SCALE - value - fill.taker_fee
    assert ex.account(b).collateral == 10_000 * QUOTE_SCALE + value - fill.maker_fee
    assert ex.account(0).collateral == 0  # fees wait in the market's pool
    assert ex.market(0).fees == fill.maker_fee + fill.taker_fee
    ex.collect_fees(0)
    assert ex.account(0).collateral == fill.maker_fee + fill.taker_fee and ex.market(0).fees == 0
    assert ex.account(a).positions[0].size == 4 * LOT == -ex.account(b).positions[0].size
    assert ex.book(0).depth(Side.SELL) == [(BTC_PRICE, 6 * LOT)]  # partial fill rests
    assert ex.market(0).mark_price == BTC_PRICE
    assert ex.market(0).open_interest == 4 * LOT


def test_price_time_priority_across_levels(ex3):
    ex, (a, b, c) = ex3
    first = ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE + TICK, LOT)).order_hash
    ex.submit_order(order(ex, c, Side.SELL, BTC_PRICE + TICK, LOT))
    ex.submit_order(order(ex, c, Side.SELL, BTC_PRICE, LOT))
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE + 2 * TICK, 2 * LOT))
    assert [(f.maker, f.price) for f in r.fills] == [(c, BTC_PRICE), (b, BTC_PRICE + TICK)]
    assert r.fills[1].maker_order == first
    assert r.resting == 0 and ex.book(0).depth(Side.SELL) == [(BTC_PRICE + TICK, LOT)]


def test_cancel_removes_order_and_uses_nonce(ex3):
    ex, (a, _, _) = ex3
    h = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE - TICK, LOT)).order_hash
    c = Cancel(a, h, ex.account(a).nonce)
    ex.cancel_order(c, sign(user_key(ex, a), c.hash()))
    assert len(ex.book(0)) == 0 and ex.account(a).nonce == 2
    with pytest.raises(UnknownOrder):
        c2 = Cancel(a, h, 2)
        ex.cancel_order(c2, sign(user_key(ex, a), c2.hash()))


def test_self_trade_cancels_resting_order(ex3):
    ex, (a, _, _) = ex3
    ex.submit_order(order(ex, a, Side.SELL, BTC_PRICE, LOT))
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT))
    assert r.fills == () and r.cancelled_makers[0][1] == "self-trade"
    assert ex.book(0).depth(Side.BUY) == [(BTC_PRICE, LOT)]


def test_expired_resting_order_is_skipped(ex3):
    ex, (a, b, _) = ex3
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT, expiry=5))
    ex.advance_time(5)
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT))
    assert r.fills == () and r.cancelled_makers[0][1] == "expired"


def test_the_oracle_time_expires_orders_too(ex3):
    """The circuit's clock is the market's oracle time, so the engine's is at least that:
    an order is refused, and a resting one dropped, once the oracle's signed time
    reaches its expiry, while the exchange clock is still earlier."""
    ex, (a, b, _) = ex3
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT, expiry=50))
    msg = OraclePrice(0, BTC_PRICE, 50)
    ex.update_oracle(msg, sign_message(key(0), msg))
    assert ex.now < 50
    late = order(ex, a, Side.BUY, BTC_PRICE, LOT, expiry=50)
    _rejects(ex, Expired, lambda: ex.submit_order(late))
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT, expiry=51))
    assert r.fills == () and r.cancelled_makers[0][1] == "expired"


def test_transfer_and_withdraw(ex3):
    ex, (a, b, _) = ex3
    t = Transfer(a, b, 100 * QUOTE_SCALE, 0)
    ex.transfer(t, sign_message(user_key(ex, a), t))
    w = Withdrawal(b, 10_100 * QUOTE_SCALE, 0, RECIPIENT)
    ex.withdraw(w, sign_message(user_key(ex, b), w))
    assert ex.account(a).collateral == 9_900 * QUOTE_SCALE and ex.account(b).collateral == 0


def test_maker_failing_margin_at_fill_is_removed(ex3):
    ex, (a, b, c) = ex3
    # b rests a sell it can afford, then withdraws down to what its open order needs
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, 3000 * LOT))  # 90k notional, 9k margin
    ex.submit_order(order(ex, c, Side.SELL, BTC_PRICE + TICK, 10 * LOT))
    # the oracle jumps so b's resting sell would now be under-margined when filled
    msg = OraclePrice(0, BTC_PRICE * 12 // 10, 1)
    ex.update_oracle(msg, sign_message(key(0), msg))
    r = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE + TICK, 2000 * LOT))
    assert [why for _, why in r.cancelled_makers] == ["maker margin"]
    assert [(f.maker, f.size) for f in r.fills] == [(c, 10 * LOT)]
    assert r.resting == 1990 * LOT and ex.account(b).positions[0].size == 0


# -- rejections: each raises its own error and changes nothing -------------------------------


def _rejects(ex, exc, fn, match=None):
    before = state(ex)
    with pytest.raises(exc, match=match):
        fn()
    assert state(ex) == before


def test_rejections_change_nothing(ex3):
    ex, (a, b, _) = ex3
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT))
    ka = user_key(ex, a)
    good = Order(a, 0, Side.BUY, BTC_PRICE, LOT, 10**6, 0)
    _rejects(
        ex,
        BadSignature,
        lambda: ex.submit_order(sign_order(user_key(ex, b), good)),
        "bad signature on order of account 2",
    )
    _rejects(ex, OffTick, lambda: ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE + 1, LOT)))
    _rejects(ex, OffLot, lambda: ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT + 1)))
    _rejects(ex, Expired, lambda: ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT, expiry=0)))
    _rejects(
        ex, UnknownMarket, lambda: ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT, market=3))
    )
    _rejects(
        ex,
        UnknownAccount,
        lambda: ex.submit_order(sign_order(ka, Order(99, 0, Side.BUY, BTC_PRICE, LOT, 9, 0))),
    )
    _rejects(
        ex,
        InsufficientMargin,
        lambda: ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, 4000 * LOT)),
    )
    _rejects(
        ex,
        BadNonce,
        lambda: ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT, nonce=1)),
        "skips ahead",
    )
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT))  # nonce 0 used
    _rejects(ex, BadNonce, lambda: ex.submit_order(sign_order(ka, good)), "already used")
    w = Withdrawal(a, 10_000 * QUOTE_SCALE, 1, RECIPIENT)  # has a position now: not all is free
    _rejects(
        ex,
        InsufficientMargin,
        lambda: ex.withdraw(w, sign_message(ka, w)),
        "exceeds free collateral",
    )
    t = Transfer(a, 77, QUOTE_SCALE, 1)
    _rejects(ex, UnknownAccount, lambda: ex.transfer(t, sign_message(ka, t)))
    _rejects(ex, OutOfRange, lambda: ex.deposit(a, 2**64))
    _rejects(ex, OutOfRange, lambda: ex.deposit(a, 0))
    _rejects(ex, OutOfRange, lambda: ex.deposit(a, -5))
    with pytest.raises(OutOfRange, match="withdrawal amount"):
        Withdrawal(a, 0, 1, RECIPIENT)
    with pytest.raises(InvalidRequest, match="to itself"):
        Transfer(a, a, 1, 1)
    msg = OraclePrice(0, BTC_PRICE, 1)
    _rejects(ex, BadSignature, lambda: ex.update_oracle(msg, sign_message(ka, msg)))
    ex.update_oracle(msg, sign_message(key(0), msg))
    _rejects(
        ex, InvalidRequest, lambda: ex.update_oracle(msg, sign_message(key(0), msg)), "not after"
    )
    off = OraclePrice(0, BTC_PRICE + 1, 2)
    _rejects(ex, OffTick, lambda: ex.update_oracle(off, sign_message(key(0), off)))
    ex.advance_time(10)
    _rejects(ex, InvalidRequest, lambda: ex.advance_time(5), "before the exchange clock")


def test_system_accounts_cannot_trade(ex3):
    ex, _ = ex3
    o = sign_order(key(1), Order(0, 0, Side.BUY, BTC_PRICE, LOT, 10**6, 0))
    _rejects(ex, InvalidRequest, lambda: ex.submit_order(o), "system account")


def test_collateral_over_signed_range_rejected(ex3):
    ex, (a, _, _) = ex3
    ex.deposit(a, 2**63 - 1 - ex.account(a).collateral)
    _rejects(ex, OutOfRange, lambda: ex.deposit(a, 1))


def test_package_docstring_example_runs():
    import doctest

    import zkel.host.exchange as package

    result = doctest.testmod(package)
    assert result.attempted > 10 and result.failed == 0


def test_genesis_checks_its_arguments(tmp_path):
    from tests.host.exchange.helpers import markets, pub
    from zkel.host.exchange import Exchange

    with pytest.raises(InvalidRequest, match="needs markets"):
        Exchange.open(tmp_path / "a.db")
    btc, eth = markets()
    with pytest.raises(InvalidRequest, match="market ids must be 0..n-1"):
        Exchange.open(":memory:", markets=[eth], oracle_pubkey=pub(0), operator_pubkey=pub(1))
    with pytest.raises(InvalidRequest, match="tree depth"):
        Exchange.open(
            ":memory:", markets=[btc], oracle_pubkey=pub(0), operator_pubkey=pub(1), depth=1
        )
    with pytest.raises(InvalidRequest, match=r"tree depth must be even \(a 4-ary tree\), not 7"):
        Exchange.open(
            ":memory:", markets=[btc], oracle_pubkey=pub(0), operator_pubkey=pub(1), depth=7
        )
    ex = Exchange.open(
        tmp_path / "b.db", markets=[btc], oracle_pubkey=pub(0), operator_pubkey=pub(1), depth=8
    )
    assert sorted(ex.accounts) == [0, 1] and ex.account(1).pubkey == pub(1)
    with pytest.raises(InvalidRequest, match="two field elements"):
        ex.create_account((1, 2, 3))


def test_funding_through_engine_is_zero_sum(ex3):
    ex, (a, b, c) = ex3
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE + 30 * TICK, 20 * LOT))
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE + 30 * TICK, 20 * LOT))  # mark > oracle
    ca, cb = ex.account(a).collateral, ex.account(b).collateral
    assert ex.tick_funding().liquidations == ()
    delta = ex.market(0).funding_index
    # premium 30 ticks / 30,000 USD = 100 ppm, / damping 8 = 12 ppm of 30 USD per lot
    assert delta == 30 * 10**6 * 12 // 10**6 > 0  # longs pay
    assert ex.market(0).mark_price == BTC_PRICE  # reset to the oracle after the tick
    # only a fill (or a liquidation) settles funding: a deposit leaves it pending
    ex.deposit(a, 1)
    assert ex.account(a).collateral == ca + 1
    assert pending_funding(ex.account(a), ex.markets) == 20 * delta
    assert pending_funding(ex.account(b), ex.markets) == -20 * delta
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT))  # a and b trade: both settle
    (fill,) = ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT)).fills
    paid = ca + 1 - fill.notional - fill.taker_fee - ex.account(a).collateral
    received = ex.account(b).collateral - cb - fill.notional + fill.maker_fee
    assert paid == received == 20 * delta
    assert ex.account(a).positions[0].funding_index == delta
    assert ex.tick_funding().liquidations == ()  # no trade since: rate 0
    assert ex.market(0).funding_index == delta


def test_withdrawal_names_an_l1_recipient(ex3):
    ex, (a, _, _) = ex3
    raw = bytes(range(1, 21))
    w = Withdrawal(a, QUOTE_SCALE, 0, raw)  # 20 bytes accepted, kept as the int
    assert w.recipient == int.from_bytes(raw, "big") and w.recipient_bytes == raw
    assert w == Withdrawal(a, QUOTE_SCALE, 0, int.from_bytes(raw, "big"))
    assert w.hash() == poseidon([3, a, QUOTE_SCALE, 0, w.recipient])
    # the signature binds the recipient: signed for one address, refused for another
    elsewhere = Withdrawal(a, QUOTE_SCALE, 0, RECIPIENT)
    ka = user_key(ex, a)
    _rejects(ex, BadSignature, lambda: ex.withdraw(elsewhere, sign_message(ka, w)), "withdrawal")
    seq = ex.withdraw(w, sign_message(ka, w)).seqs[0]
    rec = ex.store.tx(seq)
    assert rec["tx"] == {"account": a, "amount": QUOTE_SCALE, "nonce": 0, "recipient": w.recipient}
    assert rec["public"] == ["2", str(a), str(QUOTE_SCALE), str(w.recipient)]


@pytest.mark.parametrize(
    "recipient, exc, message",
    [
        (2**160, OutOfRange, r"recipient \d+ out of range \[0, 2\*\*160\)"),
        (-1, OutOfRange, r"recipient -1 out of range \[0, 2\*\*160\)"),
        (b"\x01" * 19, InvalidRequest, "recipient must be 20 bytes, not 19"),
        ("0xab", InvalidRequest, "recipient must be an int or 20 bytes, not str"),
        (True, InvalidRequest, "recipient must be an int or 20 bytes, not bool"),
    ],
)
def test_withdrawal_recipient_is_checked(recipient, exc, message):
    with pytest.raises(exc, match=message):
        Withdrawal(2, 1, 0, recipient)
