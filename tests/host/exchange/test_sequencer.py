"""Batches: roots chain, public data and its commitment, JSON round trip, cutting rules."""

import json

import pytest

from tests.host.exchange.helpers import BTC_PRICE, LOT, key, make_exchange, order, user_key
from zkel.circuits.poseidon import poseidon
from zkel.circuits.smt import SparseMerkleTree
from zkel.host.exchange import Batch, Market, OraclePrice, Sequencer, Side, Withdrawal, sign_message
from zkel.host.exchange.sequencer import build_batch, public_commitment
from zkel.host.state import leaf_hash, market_leaf


def test_commitment_is_the_documented_chain():
    recs = [[1, 2, 500, 0], [3, 0, 7, 9]]
    h = poseidon([6, 4])
    for r in recs:
        h = poseidon([h, *r])
    assert public_commitment(4, recs) == h
    assert public_commitment(4, []) == poseidon([6, 4]) != public_commitment(5, [])


def test_batch_records_and_public_data(tmp_path):
    ex, (a, b, _) = make_exchange(users=3)
    genesis_root = SparseMerkleTree(16).root
    first = ex.cut_batch()
    assert first.number == 0 and first.old_root == genesis_root and first.new_root == ex.root
    assert [r[0] for r in first.public_data] == [4, 4, 4, 1, 4, 1, 4, 1]
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, LOT))
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, LOT))
    msg = OraclePrice(0, BTC_PRICE, 5)
    ex.update_oracle(msg, sign_message(key(0), msg))
    w = Withdrawal(a, 1000, 1)
    ex.withdraw(w, sign_message(user_key(ex, a), w))
    batch = ex.cut_batch()
    assert batch.number == 1 and batch.old_root == first.new_root and batch.new_root == ex.root
    assert batch.public_data == ((3, 0, BTC_PRICE, 5), (2, a, 1000, 0))
    assert batch.commitment == public_commitment(1, [list(r) for r in batch.public_data])
    trade = next(t for t in batch.txs if t["kind"] == "order" and t["events"]["fills"])
    # every update carries full leaves and a path that proves old and new leaf
    for upd in trade["updates"]:
        _check_path(upd)
    # the trade moved the mark price and open interest: the market leaf follows
    (mupd,) = trade["market_updates"]
    assert mupd["index"] == 2**16 - 1 and mupd["market"]["mark_price"] == BTC_PRICE
    assert int(mupd["new_leaf"]) == market_leaf(Market.from_dict(mupd["market"]))
    assert mupd["new_root"] == trade["root_after"]
    _check_path(mupd)
    fill = trade["events"]["fills"][0]
    assert fill["maker"] == b and fill["maker_signature"] and trade["signature"]
    path = batch.write(tmp_path / "batch.json")
    again = Batch.from_dict(json.loads(path.read_text()))
    assert again == batch
    assert ex.cut_batch() is None


def _check_path(upd):
    from zkel.host.exchange import Account

    index = upd["index"]
    for leaf, root in ((upd["old_leaf"], upd["old_root"]), (upd["new_leaf"], upd["new_root"])):
        node = int(leaf)
        for level, s in enumerate(upd["siblings"]):
            s = int(s)
            node = poseidon([s, node] if (index >> level) & 1 else [node, s])
        assert node == int(root)
    if "after" in upd:
        assert int(upd["new_leaf"]) == leaf_hash(Account.from_dict(upd["after"]))
    if upd.get("before"):
        assert int(upd["old_leaf"]) == leaf_hash(Account.from_dict(upd["before"]))


def test_build_batch_refuses_broken_chain():
    ex, _ = make_exchange(users=2)
    recs = ex.store.unbatched_txs()
    with pytest.raises(ValueError, match="do not chain"):
        build_batch(0, [recs[0][1], recs[2][1]])


def test_sequencer_cuts_by_count_and_age():
    ex, (a, _) = make_exchange(users=2, deposit=0)
    now = [0.0]
    seq = Sequencer(ex, max_txs=2, max_age_s=5, clock=lambda: now[0])
    batches = seq.poll()  # 2 market listings and 4 account creations pending
    assert [len(b.txs) for b in batches] == [2, 2, 2]
    ex.deposit(a, 10)
    assert seq.poll() == []
    now[0] = 6.0
    (late,) = seq.poll()
    assert len(late.txs) == 1 and late.public_data == ((1, a, 10, 0),)
