"""Witness helpers: reordering two updates, record conversion (a deleverage record's
slot) and its errors, each naming the record."""

from __future__ import annotations

import copy
import random

import pytest

from tests.host.exchange.helpers import BTC_PRICE, LOT, key, make_exchange, order
from zkel.circuits import smt
from zkel.circuits.bn254 import R
from zkel.circuits.transition.layout import INSURANCE_FUND, TxType
from zkel.circuits.transition.witness import UnsupportedRecord, reorder, slot_from_record
from zkel.host.exchange import OraclePrice, Side, sign_message
from zkel.host.exchange.scales import QUOTE_SCALE


@pytest.mark.parametrize("seed", range(12))
def test_reorder_gives_valid_paths_in_the_other_order(seed: int) -> None:
    rng = random.Random(seed)
    depth = rng.choice([2, 4, 8])
    tree = smt.SparseMerkleTree(depth)
    for _ in range(5):
        tree.set(rng.randrange(1 << depth), rng.randrange(R))
    i, j = rng.sample(range(1 << depth), 2)
    root0 = tree.root
    u1 = tree.update(i, rng.randrange(R))
    u2 = tree.update(j, rng.randrange(R))

    def d(u: smt.MerkleUpdate) -> dict:
        return {
            "index": u.index,
            "old_leaf": u.old_leaf,
            "new_leaf": u.new_leaf,
            "siblings": list(u.siblings),
        }

    first, second = reorder(d(u1), d(u2))
    assert first["index"] == j and second["index"] == i
    assert smt.compute_root(first["old_leaf"], j, first["siblings"]) == root0
    mid = smt.compute_root(first["new_leaf"], j, first["siblings"])
    assert smt.compute_root(second["old_leaf"], i, second["siblings"]) == mid
    assert smt.compute_root(second["new_leaf"], i, second["siblings"]) == tree.root


def test_unsupported_record_kind_is_named() -> None:
    with pytest.raises(UnsupportedRecord, match="'margin_call'"):
        slot_from_record({"seq": 5, "kind": "margin_call", "tx": {}, "updates": []})


def test_adl_mode_liquidation_is_refused_by_name() -> None:
    record = {"seq": 9, "kind": "liquidation", "tx": {"account": 4, "mode": "adl"}, "updates": []}
    with pytest.raises(UnsupportedRecord, match="record 9: a liquidation is a takeover, not 'adl'"):
        slot_from_record(record)


@pytest.fixture(scope="module")
def bankrupt_sweep() -> list[dict]:
    """The records of a crash whose takeover leaves the empty fund with negative equity."""
    ex, (a, b) = make_exchange(users=2)
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, 3000 * LOT))  # 3 BTC on 10,000 USD
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, 3000 * LOT))
    msg = OraclePrice(0, 26_000 * QUOTE_SCALE, 1)
    receipt = ex.update_oracle(msg, sign_message(key(0), msg))
    assert [d.haircut for d in receipt.deleverages] == [receipt.liquidations[0].deficit]
    return [ex.store.tx(s) for s in receipt.seqs]


def test_deleverage_record_is_a_deleverage_slot(bankrupt_sweep: list[dict]) -> None:
    record = next(r for r in bankrupt_sweep if r["kind"] == "deleverage")
    slot = slot_from_record(record)
    tx = record["tx"]
    assert slot["type"] == TxType.DELEVERAGE
    assert (slot["a"]["index"], slot["b"]["index"]) == (INSURANCE_FUND, tx["counterparty"])
    assert slot["tx"] == {
        "amount": 3000 * LOT,
        "side": 1,  # the fund sells what the short takes
        "price": 26_000 * QUOTE_SCALE,
        "market": 0,
        "haircut": tx["haircut"],
    }


@pytest.mark.parametrize(
    "tamper, message",
    [
        (lambda r: r["updates"].pop(), "record {seq}: a deleverage with 1 account updates"),
        (lambda r: r["tx"].update(account=7), "a deleverage that does not update account 7"),
        (lambda r: r["tx"].update(counterparty=7), "counterparty is not account 7"),
    ],
)
def test_ill_formed_deleverage_is_refused_by_name(bankrupt_sweep, tamper, message) -> None:
    record = copy.deepcopy(next(r for r in bankrupt_sweep if r["kind"] == "deleverage"))
    tamper(record)
    with pytest.raises(UnsupportedRecord, match=message.format(seq=record["seq"])):
        slot_from_record(record)
