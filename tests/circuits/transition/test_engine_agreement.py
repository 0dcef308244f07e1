"""The engine and the circuit agree: random flows of every transaction type the circuit
proves (orders, fills, drops, cancels, liquidations, deleverage steps, fee collection,
funding ticks, deposits, withdrawals, transfers, oracle prices; orders expire as oracle
ticks move the markets' signed time) run through the exchange; each batch's witness
records satisfy the circuit, and a record altered after the fact does not."""

from __future__ import annotations

import copy
import random

import pytest

from zkel.circuits.eddsa import PrivateKey
from zkel.circuits.transition.circuit import Shape, build
from zkel.circuits.transition.witness import batch_witness
from zkel.host.exchange import (
    INSURANCE_FUND,
    Cancel,
    Exchange,
    ExchangeError,
    Market,
    OraclePrice,
    Order,
    Side,
    Transfer,
    Withdrawal,
    sign_cancel,
    sign_message,
    sign_order,
)
from zkel.host.exchange.invariants import InvariantChecker

DEPTH = 4
SLOTS = 3
ORACLE, OPERATOR = PrivateKey(b"\x01" * 32), PrivateKey(b"\x02" * 32)


def _exchange() -> Exchange:
    btc = Market(
        0,
        "BTC-USD",
        tick_size=100_000,
        lot_size=100_000,
        initial_margin_ppm=100_000,
        maintenance_margin_ppm=50_000,
        oracle_price=30_000_000_000,
    )
    eth = Market(
        1,
        "ETH-USD",
        tick_size=10_000,
        lot_size=10_000,
        initial_margin_ppm=100_000,
        maintenance_margin_ppm=50_000,
        oracle_price=2_000_000_000,
    )
    ex = Exchange.open(
        ":memory:",
        markets=[btc, eth],
        oracle_pubkey=ORACLE.public_key(),
        operator_pubkey=OPERATOR.public_key(),
        depth=DEPTH,
    )
    ex.cut_batch()  # genesis: markets listed, operator accounts; the chain's first root
    return ex


PRICES = {0: 30_000_000_000, 1: 2_000_000_000}
TICKS = {0: 100_000, 1: 10_000}


def _random_flow(
    ex: Exchange, rng: random.Random, n: int, insurance: int = 10**15
) -> dict[int, PrivateKey]:
    """``n`` accepted requests of random kinds; returns the accounts' keys. The default
    fund is deep enough that liquidations need no deleverage step."""
    keys: dict[int, PrivateKey] = {}
    clock = {0: 1, 1: 1}
    ex.deposit(INSURANCE_FUND, insurance)
    done = 0
    kinds = ["create", "deposit", "withdraw", "transfer", "oracle", "funding", "order",
             "order", "cross", "cross", "cancel", "collect"]  # fmt: skip
    while done < n:
        kind = rng.choice(kinds)
        try:
            if kind == "create" or len(keys) < 3:
                key = PrivateKey(rng.randbytes(32))
                a = ex.create_account(key.public_key())
                keys[a] = key
                ex.deposit(a, rng.randrange(10**9, 10**10))
            elif kind == "deposit":
                ex.deposit(rng.choice(list(keys)), rng.randrange(1, 10**10))
            elif kind == "withdraw":
                a = rng.choice(list(keys))
                w = Withdrawal(
                    a, rng.randrange(1, 10**9), ex.account(a).nonce, rng.randrange(1 << 160)
                )
                ex.withdraw(w, sign_message(keys[a], w))
            elif kind == "transfer":
                a, b = rng.sample(list(keys), 2)
                t = Transfer(a, b, rng.randrange(1, 10**9), ex.account(a).nonce)
                ex.transfer(t, sign_message(keys[a], t))
            elif kind == "funding":
                ex.tick_funding()
            elif kind == "order":
                a, m = rng.choice(list(keys)), rng.randrange(2)
                side = rng.choice([Side.BUY, Side.SELL])
                oracle = ex.market(m).oracle_price
                price = max(
                    TICKS[m], oracle // TICKS[m] * TICKS[m] + rng.randrange(-3, 4) * TICKS[m]
                )
                size = rng.randrange(1, 40) * ex.market(m).lot_size
                expiry = clock[m] + rng.randrange(1, 300)  # oracle ticks expire orders
                o = Order(a, m, side, price, size, expiry=expiry, nonce=ex.account(a).nonce)
                ex.submit_order(sign_order(keys[a], o))
            elif kind == "cross":  # take (part of) someone's resting order
                resting = [(a, r) for a in keys for r in ex.open_orders(a)]
                if not resting:
                    continue
                owner, r = rng.choice(resting)
                a = rng.choice([k for k in keys if k != owner])
                o = r.signed.order
                side = Side.SELL if o.side is Side.BUY else Side.BUY
                size = rng.randrange(1, 2 * r.remaining // ex.market(o.market).lot_size + 2)
                taker = Order(a, o.market, side, o.price, size * ex.market(o.market).lot_size,
                              expiry=clock[o.market] + rng.randrange(1, 300),
                              nonce=ex.account(a).nonce)  # fmt: skip
                ex.submit_order(sign_order(keys[a], taker))
            elif kind == "cancel":
                open_orders = [(a, r) for a in keys for r in ex.open_orders(a)]
                if not open_orders:
                    continue
                a, resting = rng.choice(open_orders)
                c, sig = sign_cancel(keys[a], Cancel(a, resting.order_hash, ex.account(a).nonce))
                ex.cancel_order(c, sig)
            elif kind == "collect":
                ex.collect_fees(rng.randrange(2))
            else:
                m = rng.randrange(2)
                clock[m] += rng.randrange(1, 100)
                move = rng.choice([0.8, 0.95, 1.0, 1.05, 1.2])  # crashes and rallies
                price = max(TICKS[m], int(ex.market(m).oracle_price * move) // TICKS[m] * TICKS[m])
                tick = OraclePrice(m, price, clock[m])
                ex.update_oracle(tick, sign_message(ORACLE, tick))
        except ExchangeError:
            continue  # rejected by the engine (e.g. beyond free collateral): no record
        done += 1
    return keys


def _prove_all(ex: Exchange, slots: int, only: set[str] | None = None) -> list[str]:
    """Check every batch the engine cuts against the circuit (with ``only``, the batches
    holding a record of those kinds); the record kinds of the batches checked."""
    shape = Shape(slots, DEPTH, ORACLE.public_key())
    kinds = []
    while (batch := ex.cut_batch(max_txs=slots)) is not None:
        if only is not None and not only & {r["kind"] for r in batch.txs}:
            continue
        w = batch_witness(batch.to_dict(), slots)
        cs = build(shape, w)
        cs.check()
        assert cs.public_values() == batch.public_inputs
        kinds += [r["kind"] for r in batch.txs]
    return kinds


@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_random_flows_satisfy_the_circuit(seed: int) -> None:
    rng = random.Random(seed)
    ex = _exchange()
    ex.cut_batch()
    _random_flow(ex, rng, 14)
    kinds = _prove_all(ex, SLOTS)
    assert {"order", "fill"} <= set(kinds), kinds  # the flow traded


def test_a_crash_liquidates_by_takeover_and_the_circuit_agrees() -> None:
    ex = _exchange()
    alice, bob = PrivateKey(b"\x05" * 32), PrivateKey(b"\x06" * 32)
    a, b = ex.create_account(alice.public_key()), ex.create_account(bob.public_key())
    ex.deposit(INSURANCE_FUND, 10**13)
    ex.deposit(a, 400_000_000)
    ex.deposit(b, 10**10)
    size = 10_000_000  # 0.1 BTC: 3,000 USD on 400 USD of collateral (initial 10%)
    sell = Order(b, 0, Side.SELL, 30_000_000_000, size, expiry=10**6, nonce=0)
    ex.submit_order(sign_order(bob, sell))
    buy = Order(a, 0, Side.BUY, 30_000_000_000, size, expiry=10**6, nonce=0)
    assert ex.submit_order(sign_order(alice, buy)).fills
    ex.collect_fees(0)
    tick = OraclePrice(0, 26_500_000_000, 2)
    assert ex.update_oracle(tick, sign_message(ORACLE, tick)).liquidations
    kinds = _prove_all(ex, SLOTS)
    assert "liquidation" in kinds and "collect_fees" in kinds


@pytest.mark.parametrize("seed", [3, pytest.param(4, marks=pytest.mark.slow)])
def test_a_crash_beyond_the_fund_deleverages_and_the_circuit_agrees(seed: int) -> None:
    """Random trading on a 1 USD fund, then a 7.5x long and a 30 % crash: the
    takeover leaves the fund with negative equity, and deleverage steps against the
    random flow's shorts (ranked by the engine) charge the deficit back as haircuts."""
    rng = random.Random(seed)
    ex = _exchange()
    ex.cut_batch()
    keys = _random_flow(ex, rng, 8, insurance=1_000_000)
    alice, bob = PrivateKey(b"\x05" * 32), PrivateKey(b"\x06" * 32)
    a, b = ex.create_account(alice.public_key()), ex.create_account(bob.public_key())
    ex.deposit(a, 400_000_000)
    ex.deposit(b, 10**10)
    price = ex.market(0).oracle_price
    size = 3_000_000_000_000 // price * 100_000  # about 3,000 USD: 7.5x on 400 USD
    ex.submit_order(sign_order(bob, Order(b, 0, Side.SELL, price, size, 10**6, 0)))
    for k, key in list(keys.items())[:2]:  # random accounts short a little more
        sell = Order(k, 0, Side.SELL, price, 100_000, 10**6, ex.account(k).nonce)
        try:
            ex.submit_order(sign_order(key, sell))
        except ExchangeError:
            pass
    buy = Order(a, 0, Side.BUY, price, size, 10**6, ex.account(a).nonce)
    assert ex.submit_order(sign_order(alice, buy)).fills
    checker = InvariantChecker(ex)  # conservation, net-zero positions, the ADL rule
    crash = OraclePrice(0, price * 7 // 10 // TICKS[0] * TICKS[0], ex.market(0).oracle_time + 1)
    receipt = ex.update_oracle(crash, sign_message(ORACLE, crash))
    checker.check()
    assert a in {liq.target for liq in receipt.liquidations}
    assert receipt.deleverages and sum(d.haircut for d in receipt.deleverages) > 0
    assert checker.deleverages_checked == 2 * len(receipt.deleverages)
    kinds = _prove_all(ex, SLOTS, only={"liquidation", "deleverage"})
    assert kinds.count("deleverage") == len(receipt.deleverages)


def test_an_altered_record_does_not_satisfy() -> None:
    ex = _exchange()
    alice = PrivateKey(b"\x05" * 32)
    a = ex.create_account(alice.public_key())
    ex.deposit(a, 5_000_000)
    w = Withdrawal(a, 1_000_000, 0, 0xABC)
    ex.withdraw(w, sign_message(alice, w))
    batch = ex.cut_batch(max_txs=SLOTS).to_dict()
    bad = copy.deepcopy(batch)
    bad["txs"][2]["tx"]["amount"] = 2_000_000  # withdraw more than the leaves show
    cs = build(Shape(SLOTS, DEPTH, ORACLE.public_key()), batch_witness(bad, SLOTS))
    assert not cs.is_satisfied()
    cs = build(Shape(SLOTS, DEPTH, ORACLE.public_key()), batch_witness(batch, SLOTS))
    cs.check()


@pytest.mark.parametrize(
    "marks",
    [
        (30_300_000_000, 1_990_000_000),  # a premium above the oracle, a discount below
        (60_000_000_000, 100_000),  # far outside: the rate is clamped both ways
    ],
)
def test_funding_ticks_satisfy_the_circuit(marks: tuple[int, int]) -> None:
    btc = Market(0, "BTC-USD", tick_size=100_000, lot_size=100_000, initial_margin_ppm=100_000,
                 maintenance_margin_ppm=50_000, oracle_price=30_000_000_000, mark_price=marks[0],
                 funding_damping=3, funding_cap_ppm=2_500)  # fmt: skip
    eth = Market(1, "ETH-USD", tick_size=10_000, lot_size=10_000, initial_margin_ppm=100_000,
                 maintenance_margin_ppm=50_000, oracle_price=2_000_000_000, mark_price=marks[1],
                 funding_index=-7)  # fmt: skip
    ex = Exchange.open(":memory:", markets=[btc, eth], oracle_pubkey=ORACLE.public_key(),
                       operator_pubkey=OPERATOR.public_key(), depth=DEPTH)  # fmt: skip
    ex.cut_batch()
    ex.tick_funding()
    tick = OraclePrice(0, 31_000_000_000, 5)
    ex.update_oracle(tick, sign_message(ORACLE, tick))
    ex.tick_funding()
    steps = [ex.market(m).funding_index for m in (0, 1)]
    assert steps != [0, -7]  # the ticks moved the indexes
    batch = ex.cut_batch(max_txs=SLOTS)
    assert [r["kind"] for r in batch.txs] == ["funding", "oracle"]  # a tick starts a batch
    cs = build(Shape(SLOTS, DEPTH, ORACLE.public_key()), batch_witness(batch.to_dict(), SLOTS))
    cs.check()
    batch = ex.cut_batch(max_txs=SLOTS)
    assert [r["kind"] for r in batch.txs] == ["funding"]
    cs = build(Shape(SLOTS, DEPTH, ORACLE.public_key()), batch_witness(batch.to_dict(), SLOTS))
    cs.check()
    # a root whose funding index is off by one atom does not satisfy
    from dataclasses import replace

    from zkel.host.state.leaf import markets_root, state_root

    off = {0: replace(ex.market(0), funding_index=ex.market(0).funding_index + 1), 1: ex.market(1)}
    bad = copy.deepcopy(batch.to_dict())
    bad["new_root"] = str(state_root(ex.accounts_root, markets_root(off)))
    assert bad["new_root"] != str(ex.root)
    shape = Shape(SLOTS, DEPTH, ORACLE.public_key())
    assert not build(shape, batch_witness(bad, SLOTS)).is_satisfied()
