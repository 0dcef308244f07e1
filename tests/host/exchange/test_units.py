"""Scales, markets, the order book and funding: the small pure parts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.host.exchange.helpers import BTC_PRICE, LOT, TICK, markets
from zkel.host.exchange import Account, Market, Position, Side
from zkel.host.exchange.account import pending_funding, settle_funding
from zkel.host.exchange.book import OrderBook, RestingOrder
from zkel.host.exchange.errors import InvalidRequest, OffLot, OffTick, OutOfRange
from zkel.host.exchange.funding import funding_rate_ppm, tick
from zkel.host.exchange.orders import Order, Signature, SignedOrder
from zkel.host.exchange.scales import (
    FIELD_ORDER,
    check_amount,
    decode_signed,
    encode_signed,
    notional,
    ppm_of,
)


@settings(derandomize=True, max_examples=200)
@given(st.integers(-(2**63), 2**63 - 1))
def test_signed_encoding_round_trips(x):
    e = encode_signed(x)
    assert 0 <= e < FIELD_ORDER and decode_signed(e) == x
    assert (e == x) == (x >= 0)


def test_ranges():
    assert check_amount("x", 2**64 - 1) == 2**64 - 1
    for bad in (2**64, -1, True, 1.5):
        with pytest.raises(OutOfRange):
            check_amount("x", bad)
    with pytest.raises(OutOfRange, match=r"size 0 out of range \[1, 2\*\*64\)"):
        check_amount("size", 0, positive=True)
    with pytest.raises(OutOfRange):
        encode_signed(2**63)


def test_notional_and_ppm():
    assert notional(LOT, BTC_PRICE) == 30 * 10**6  # 0.001 BTC at 30,000 USD = 30 USD
    assert notional(-LOT, BTC_PRICE) == -30 * 10**6
    with pytest.raises(ValueError):
        notional(1, 1)
    assert ppm_of(-999, 1000) == 1 and ppm_of(1_000_000, 1000) == 1000


def test_market_parameters_checked():
    with pytest.raises(InvalidRequest, match="lot_size \\* tick_size"):
        Market(0, "X", tick_size=3, lot_size=7, initial_margin_ppm=2, maintenance_margin_ppm=1)
    with pytest.raises(InvalidRequest, match="maintenance_margin_ppm < initial"):
        Market(0, "X", tick_size=TICK, lot_size=LOT, initial_margin_ppm=1, maintenance_margin_ppm=1)
    m = markets()[0]
    with pytest.raises(OffTick, match="not a multiple of tick"):
        m.check_price(BTC_PRICE + 1)
    with pytest.raises(OffLot, match="not a multiple of lot"):
        m.check_size(LOT - 1)
    assert Market.from_dict(m.to_dict()) == m


def _resting(h, side, price, size, seq):
    o = Order(2, 0, side, price, size, 99, h)
    return RestingOrder(SignedOrder(o, Signature(0, 0, 0), h + 1), size, seq, 0)


def test_book_priority_and_removal():
    book = OrderBook(0)
    for h, (side, price) in enumerate(
        [(Side.SELL, 105), (Side.SELL, 101), (Side.SELL, 101), (Side.BUY, 99), (Side.BUY, 100)]
    ):
        book.add(_resting(h, side, price, 10, h))
    assert book.best(Side.SELL) == 101 and book.best(Side.BUY) == 100
    assert [r.order_hash for r in book.iter_opposite(Side.BUY, 104)] == [2, 3]
    assert [r.order_hash for r in book.iter_opposite(Side.SELL, 0)] == [5, 4]
    book.remove(2)
    assert [r.order_hash for r in book.iter_opposite(Side.BUY, 200)] == [3, 1]
    book.remove(3)
    assert book.depth(Side.SELL) == [(105, 10)] and len(book) == 3


def test_funding_rate_clamped_and_signed():
    m = markets()[0]
    assert funding_rate_ppm(m) == 0  # mark == oracle
    up = Market(**{**m.to_dict(), "mark_price": BTC_PRICE * 101 // 100})
    assert funding_rate_ppm(up) == 1000  # premium 1 % / 8 = 1250 ppm, clamped to the cap
    down = Market(**{**m.to_dict(), "mark_price": BTC_PRICE - 3 * TICK})
    assert funding_rate_ppm(down) == (-3 * TICK * 10**6 // BTC_PRICE) // 8
    r = tick(up)
    per_lot = BTC_PRICE * LOT // 10**8
    assert r.delta == per_lot * 1000 // 10**6 and r.market.funding_index == r.delta
    assert r.market.mark_price == BTC_PRICE


def test_funding_zero_sum_with_lazy_settlement():
    ms = {m.market_id: m for m in markets()}
    m0 = ms[0]
    ms[0] = Market(**{**m0.to_dict(), "funding_index": 37})
    long = Account(2, (1, 1), 0, 0, (Position(5 * LOT, 0),) + (Position(),) * 3)
    short = Account(3, (1, 1), 0, 0, (Position(-5 * LOT, 12),) + (Position(),) * 3)
    assert pending_funding(long, ms) == 5 * 37
    assert pending_funding(short, ms) == -5 * 25
    s = settle_funding(long, ms)
    assert s.collateral == -185 and s.positions[0].funding_index == 37
    assert settle_funding(s, ms) is s


@settings(derandomize=True, max_examples=100)
@given(
    st.integers(-(10**6), 10**6),
    st.integers(-(10**12), 10**12),
    st.integers(-500, 500),
    st.integers(-(10**4), 10**4),
)
def test_fast_health_agrees_with_the_formulas(lots_btc, collateral, lots_eth, findex):
    from zkel.host.exchange.margin import equity, health

    ms = {m.market_id: m for m in markets()}
    acct = Account(
        3,
        (1, 1),
        collateral,
        0,
        (Position(lots_btc * LOT, findex), Position(lots_eth * 10**6, 0), Position(), Position()),
    )
    h = health(acct, ms)
    assert h.equity == equity(acct, ms)
    assert h.initial == sum(
        ppm_of(notional(p.size, ms[m].oracle_price), ms[m].initial_margin_ppm)
        for m, p in enumerate(acct.positions[:2])
    )
    assert h.maintenance == sum(
        ppm_of(notional(p.size, ms[m].oracle_price), ms[m].maintenance_margin_ppm)
        for m, p in enumerate(acct.positions[:2])
    )
