"""Orders, fills, drops, liquidations and fee collection in the batch circuit, on witnesses
from the native model: an honest trading batch satisfies it; each way a sequencer could
cheat on a trade (forged or replayed orders, over-fills, prices beyond a limit, fills that
break margin, liquidating a healthy account) is caught by the constraint named for it."""

from __future__ import annotations

import copy

import pytest

from zkel.circuits import eddsa
from zkel.circuits.r1cs import UnsatisfiedConstraint
from zkel.circuits.transition.check import BatchRefused, check
from zkel.circuits.transition.circuit import Shape, build

from .model import ORACLE, Model, batch_witness, health, market, snapshot

DEPTH = 4
OPERATOR = eddsa.PrivateKey(b"\x05" * 32)
K1, K2 = eddsa.PrivateKey(b"\x01" * 32), eddsa.PrivateKey(b"\x02" * 32)
PRICE = 30_000 * 10**6
FEES = {"maker_fee_ppm": 200, "taker_fee_ppm": 500, "liquidation_fee_ppm": 10_000}


def _exchange() -> Model:
    m = Model(depth=DEPTH)
    m.markets[0] = market(0, **FEES)
    for index, key in ((0, OPERATOR), (1, OPERATOR), (3, K1), (9, K2)):
        m.create(index, key)
    m.deposit(1, 50_000_000)
    m.deposit(3, 5_000_000)
    m.deposit(9, 5_000_000)
    return m


def _check(m: Model, snap: dict, n: int) -> None:
    w = batch_witness(None, snap, m, 2, n)
    build(Shape(n, DEPTH, ORACLE.public_key()), w).check()


def _broken(m: Model, snap: dict, n: int, tamper=None) -> str:
    w = batch_witness(None, snap, m, 2, n)
    if tamper:
        tamper(w)
    with pytest.raises(UnsatisfiedConstraint) as info:
        build(Shape(n, DEPTH, ORACLE.public_key()), w).check()
    return info.value.name


def test_trade_crash_liquidation_and_fees_satisfy_the_circuit() -> None:
    m = _exchange()
    snap = snapshot(m)
    maker = m.order(K1, 3, 0, 0, PRICE, 2 * 10**5)  # buy 2e5 base atoms
    taker = m.order(K2, 9, 0, 1, PRICE - 10**8, 10**5)  # sell 1e5, limit below
    m.fill(maker, taker, 10**5)  # taker's order filled whole, maker's in part
    assert m.accounts[9]["orders"][taker["slot"]] == [0, 0]
    assert m.accounts[3]["orders"][maker["slot"]][1] == 10**5
    m.oracle(0, 25_000 * 10**6, 9)  # the long loses its margin
    equity, _, maintenance = health(m.accounts[3], m.markets)
    assert equity < maintenance
    m.drop(3, maker["slot"])
    m.liquidate(3)
    m.collect(0)
    assert m.accounts[0]["collateral"] == 6_000 + 15_000  # 200 and 500 ppm of a 3e7 notional
    assert m.markets[0]["open_interest"] == 10**5  # the fund is long now
    _check(m, snap, 8)


def _traded() -> tuple[Model, dict, dict, dict]:
    m = _exchange()
    maker = m.order(K1, 3, 0, 0, PRICE, 2 * 10**5)
    taker = m.order(K2, 9, 0, 1, PRICE - 10**8, 10**5)
    return m, snapshot(m), maker, taker


def test_forged_order_signature() -> None:
    m = _exchange()
    snap = snapshot(m)
    m.order(K2, 3, 0, 0, PRICE, 10**5)  # K2 signs an order for account 3
    assert "signature" in _broken(m, snap, 1)


def test_replayed_order_is_refused() -> None:
    m = _exchange()
    snap = snapshot(m)
    m.order(K1, 3, 0, 0, PRICE, 10**5)

    def replay(w: dict) -> None:  # the same signed order placed again, in a second slot
        again = copy.deepcopy(w["slots"][0])
        again["a"]["before"] = copy.deepcopy(again["a"]["after"])
        w["slots"][1] = again

    assert "nonce" in _broken(m, snap, 2, replay)


def test_fill_beyond_the_remaining_size() -> None:
    m, snap, maker, taker = _traded()
    m.fill(maker, taker, 2 * 10**5)  # the taker signed for 1e5 only
    assert "remaining" in _broken(m, snap, 1)


def test_fill_outside_the_taker_limit() -> None:
    m = _exchange()
    maker = m.order(K1, 3, 0, 1, PRICE, 10**5)  # sells at PRICE
    taker = m.order(K2, 9, 0, 0, PRICE - 10**8, 10**5)  # buys only below
    snap = snapshot(m)
    m.fill(maker, taker, 10**5)
    assert "limit" in _broken(m, snap, 1)


def test_fill_that_breaks_initial_margin() -> None:
    m = _exchange()
    maker = m.order(K1, 3, 0, 0, PRICE, 2 * 10**6)  # $600 notional on $5 collateral
    taker = m.order(K2, 9, 0, 1, PRICE, 2 * 10**6)
    snap = snapshot(m)
    m.fill(maker, taker, 2 * 10**6)
    assert "margin" in _broken(m, snap, 1)


def test_fill_of_an_order_not_in_the_table() -> None:
    m, snap, maker, taker = _traded()
    m.fill(maker, taker, 10**5)

    def other_order(w: dict) -> None:  # the maker's order, but not as signed and placed
        w["slots"][0]["orders"]["oa"]["price"] += 10**4
        w["slots"][0]["tx"]["price"] += 10**4

    assert "table" in _broken(m, snap, 1, other_order)


def test_order_placed_at_or_after_its_expiry() -> None:
    m = _exchange()  # the market's oracle time is 1
    snap = snapshot(m)
    m.order(K1, 3, 0, 0, PRICE, 10**5, expiry=1)
    assert "order a not expired" in _broken(m, snap, 1)


@pytest.mark.parametrize("who", ["maker", "taker"])
def test_fill_of_an_expired_order(who: str) -> None:
    m = _exchange()
    maker = m.order(K1, 3, 0, 0, PRICE, 2 * 10**5, expiry=100 if who == "maker" else 10**9)
    taker = m.order(K2, 9, 0, 1, PRICE, 10**5, expiry=100 if who == "taker" else 10**9)
    m.oracle(0, PRICE, 100)  # the oracle's signed time reaches the expiry
    snap = snapshot(m)
    m.fill(maker, taker, 10**5)
    assert f"order {'a' if who == 'maker' else 'b'} not expired" in _broken(m, snap, 1)


def test_orders_live_until_their_expiry() -> None:
    m = _exchange()
    maker = m.order(K1, 3, 0, 0, PRICE, 2 * 10**5, expiry=101)
    taker = m.order(K2, 9, 0, 1, PRICE, 10**5, expiry=101)
    m.oracle(0, PRICE, 100)
    snap = snapshot(m)
    m.fill(maker, taker, 10**5)
    _check(m, snap, 1)


def test_liquidation_of_a_healthy_account() -> None:
    m, _, maker, taker = _traded()
    m.fill(maker, taker, 10**5)
    snap = snapshot(m)
    m.liquidate(3)  # still above maintenance at the oracle price
    assert "maintenance" in _broken(m, snap, 1)


def test_check_names_the_record_and_the_rule() -> None:
    m, _, maker, taker = _traded()
    m.fill(maker, taker, 10**5)
    snap = snapshot(m)
    m.liquidate(3)
    w = batch_witness(None, snap, m, 2, 2)
    w["records"] = [{"seq": 41, "kind": "liquidation"}]
    with pytest.raises(BatchRefused) as info:
        check(Shape(2, DEPTH, ORACLE.public_key()), w)
    assert info.value.slot == 0
    assert str(info.value).startswith("slot 0 (record 41, liquidation) breaks the rule: ")
    assert "maintenance" in info.value.rule
