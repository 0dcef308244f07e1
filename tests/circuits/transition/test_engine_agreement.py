"""The engine and the circuit agree: random flows of the transaction types the circuit
proves (funding ticks included) run through the exchange, each batch's witness records satisfy the circuit,
and a record altered after the fact does not."""

from __future__ import annotations

import copy
import random

import pytest

from zkel.circuits.eddsa import PrivateKey
from zkel.circuits.transition.circuit import Shape, build
from zkel.circuits.transition.witness import batch_witness
from zkel.host.exchange import (
    Exchange,
    ExchangeError,
    Market,
    OraclePrice,
    Transfer,
    Withdrawal,
    sign_message,
)

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


def _random_flow(ex: Exchange, rng: random.Random, n: int) -> None:
    keys: dict[int, PrivateKey] = {}
    clock = {0: 1, 1: 1}
    done = 0
    while done < n:
        kind = rng.choice(["create", "deposit", "withdraw", "transfer", "oracle", "funding"])
        try:
            if kind == "create" or len(keys) < 2:
                key = PrivateKey(rng.randbytes(32))
                keys[ex.create_account(key.public_key())] = key
            elif kind == "deposit":
                ex.deposit(rng.choice(list(keys)), rng.randrange(1, 10**10))
            elif kind == "withdraw":
                a = rng.choice(list(keys))
                w = Withdrawal(
                    a, rng.randrange(1, 10**10), ex.account(a).nonce, rng.randrange(1 << 160)
                )
                ex.withdraw(w, sign_message(keys[a], w))
            elif kind == "transfer":
                a, b = rng.sample(list(keys), 2)
                t = Transfer(a, b, rng.randrange(1, 10**10), ex.account(a).nonce)
                ex.transfer(t, sign_message(keys[a], t))
            elif kind == "funding":
                ex.tick_funding()
            else:
                m = rng.randrange(2)
                clock[m] += rng.randrange(1, 100)
                tick = OraclePrice(m, rng.randrange(1, 10**6) * 10**5, clock[m])
                ex.update_oracle(tick, sign_message(ORACLE, tick))
        except ExchangeError:
            continue  # rejected by the engine (e.g. beyond free collateral): no record
        done += 1


@pytest.mark.parametrize("seed", [1, 2])
def test_random_flows_satisfy_the_circuit(seed: int) -> None:
    rng = random.Random(seed)
    ex = _exchange()
    _random_flow(ex, rng, 2 * SLOTS)
    shape = Shape(SLOTS, DEPTH, ORACLE.public_key())
    batches = 0
    while (batch := ex.cut_batch(max_txs=SLOTS)) is not None:
        w = batch_witness(batch.to_dict(), SLOTS)
        cs = build(shape, w)
        cs.check()
        assert cs.public_values() == batch.public_inputs
        batches += 1
    assert batches >= 2


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
    assert [r["kind"] for r in batch.txs] == ["funding", "oracle", "funding"]
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
