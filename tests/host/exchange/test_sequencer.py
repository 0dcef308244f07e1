"""Batches and witness records: state roots (accounts and markets), markets before and
after each step, Merkle paths of the accounts tree, one public-data slot per record,
padding to the circuit's slot count, the SHA-256 commitment, JSON round trip, cutting."""

import json

import pytest

from tests.host.exchange.helpers import (
    BTC_PRICE,
    LOT,
    TICK,
    key,
    make_exchange,
    markets,
    order,
    user_key,
)
from zkel.circuits.poseidon import poseidon
from zkel.circuits.smt import SparseMerkleTree, compute_root
from zkel.circuits.transition import pubdata
from zkel.host.exchange import (
    Account,
    Batch,
    Cancel,
    Market,
    OraclePrice,
    Sequencer,
    Side,
    Transfer,
    Withdrawal,
    sign_message,
)
from zkel.host.exchange.orders import sign
from zkel.host.exchange.public_data import record_slot
from zkel.host.exchange.scales import QUOTE_SCALE
from zkel.host.exchange.sequencer import build_batch, funding_cut
from zkel.host.state import leaf_hash, markets_root, state_root

RECIPIENT = bytes(range(20, 40))  # an L1 address
#: the public-data slot type each record kind makes
SLOT_OF_KIND = {
    "deposit": 1,
    "withdraw": 2,
    "oracle": 3,
    "create_account": 0,
    "list_market": 0,
    "transfer": 0,
    "order": 0,
    "fill": 0,
    "drop": 0,
    "collect_fees": 0,
    "cancel": 0,
    "liquidation": 0,
    "deleverage": 0,
    "funding": 0,
}


def _every_kind():
    """An exchange whose log holds every record kind, a liquidation and the deleverage
    step that follows it (the empty fund is below initial margin after the takeover)
    included."""
    ex, (a, b, c) = make_exchange(users=3)
    t = Transfer(c, a, 5 * QUOTE_SCALE, 0)
    ex.transfer(t, sign_message(user_key(ex, c), t))
    rest = order(ex, c, Side.BUY, BTC_PRICE - 10 * TICK, LOT)
    ex.submit_order(rest)
    cancel = Cancel(c, rest.order_hash, 2)
    ex.cancel_order(cancel, sign(user_key(ex, c), cancel.hash()))
    ex.submit_order(order(ex, a, Side.SELL, 2 * BTC_PRICE, LOT))  # dropped when a is liquidated
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, 3000 * LOT))  # 3 BTC, 10x
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, 3000 * LOT))
    ex.collect_fees(0)
    msg = OraclePrice(0, 27_000 * QUOTE_SCALE, 1)
    assert ex.update_oracle(msg, sign_message(key(0), msg)).liquidations  # a goes under
    ex.tick_funding()
    w = Withdrawal(b, QUOTE_SCALE, 1, RECIPIENT)
    ex.withdraw(w, sign_message(user_key(ex, b), w))
    return ex, (a, b, c)


def _check_path(upd):
    index, siblings = upd["index"], [int(s) for s in upd["siblings"]]
    for leaf, root in ((upd["old_leaf"], upd["old_root"]), (upd["new_leaf"], upd["new_root"])):
        assert compute_root(int(leaf), index, siblings) == int(root)
    assert int(upd["new_leaf"]) == leaf_hash(Account.from_dict(upd["after"]))
    if upd["before"] is None:
        assert upd["old_leaf"] == "0"
    else:
        assert int(upd["old_leaf"]) == leaf_hash(Account.from_dict(upd["before"]))


def _check_record(rec):
    """Every documented relation between a record's roots, updates and markets."""
    assert "market_updates" not in rec
    before = [Market.from_dict(m) for m in rec["markets_before"]]
    after = [Market.from_dict(m) for m in rec["markets"]]
    assert int(rec["markets_root_before"]) == markets_root(before)
    assert int(rec["markets_root_after"]) == markets_root(after)
    for side in ("before", "after"):
        assert int(rec[f"root_{side}"]) == state_root(
            int(rec[f"accounts_root_{side}"]), int(rec[f"markets_root_{side}"])
        )
    root = rec["accounts_root_before"]
    for upd in rec["updates"]:  # in the order applied: each starts where the last ended
        assert upd["old_root"] == root
        _check_path(upd)
        root = upd["new_root"]
    assert root == rec["accounts_root_after"]
    created = [u for u in rec["updates"] if u["before"] is None]
    assert len(created) == (rec["kind"] == "create_account")


def test_records_carry_accounts_and_markets_roots():
    ex, _ = _every_kind()
    recs = [rec for _, rec in ex.store.unbatched_txs()]
    assert {r["kind"] for r in recs} == set(SLOT_OF_KIND)
    # genesis: the empty state, then one listing per market, then the system accounts
    empty = state_root(SparseMerkleTree(16).root, poseidon([0, 0, 0, 0]))
    assert int(recs[0]["root_before"]) == empty and recs[0]["markets_before"] == []
    assert [r["kind"] for r in recs[:4]] == ["list_market"] * 2 + ["create_account"] * 2
    assert recs[1]["markets"] == [m.to_dict() for m in markets()]
    for rec in recs:
        _check_record(rec)
    for prev, rec in zip(recs, recs[1:], strict=False):
        assert prev["root_after"] == rec["root_before"]
        assert prev["markets"] == rec["markets_before"]
        assert prev["accounts_root_after"] == rec["accounts_root_before"]
    assert int(recs[-1]["root_after"]) == ex.root
    # a fill moves the mark price and open interest, both seen before and after
    fill = next(r for r in recs if r["kind"] == "fill")
    mark_before, mark_after = (fill[k][0]["mark_price"] for k in ("markets_before", "markets"))
    assert (mark_before, mark_after) == (0, BTC_PRICE)
    assert fill["markets"][0]["open_interest"] == 3000 * LOT
    fees = fill["tx"]["maker_fee"] + fill["tx"]["taker_fee"]
    assert (fill["markets_before"][0]["fees"], fill["markets"][0]["fees"]) == (0, fees)
    collect = next(r for r in recs if r["kind"] == "collect_fees")
    assert [m["fees"] for m in collect["markets"]] == [0, 0]
    assert collect["updates"][0]["after"]["collateral"] == fees
    # an oracle price moves the markets root only
    oracle = next(r for r in recs if r["kind"] == "oracle")
    assert oracle["updates"] == [] and oracle["markets_root_before"] != oracle["markets_root_after"]
    assert oracle["accounts_root_before"] == oracle["accounts_root_after"]


def test_each_record_is_one_slot_in_log_order(tmp_path):
    ex, (a, b, c) = _every_kind()
    batch = ex.cut_batch()
    rest = ex.cut_batch()  # the funding tick starts a batch of its own
    assert [r["kind"] for r in batch.txs[-2:]] == ["liquidation", "deleverage"]
    assert rest.txs[0]["kind"] == "funding"
    assert rest.old_root == batch.new_root and rest.new_root == ex.root
    assert ex.cut_batch() is None
    for cut in (batch, rest):
        assert cut.n_slots == len(cut.txs) == len(cut.slots)
        assert [s.TYPE for s in cut.slots] == [SLOT_OF_KIND[r["kind"]] for r in cut.txs]
    public = [s for s in batch.slots + rest.slots if not isinstance(s, pubdata.EmptySlot)]
    deposits = [pubdata.DepositSlot(i, 10_000 * QUOTE_SCALE) for i in (a, b, c)]
    assert public == [
        *deposits,
        pubdata.OracleSlot(0, 27_000 * QUOTE_SCALE, 1),
        pubdata.WithdrawalSlot(b, QUOTE_SCALE, RECIPIENT),
    ]
    for rec, slot in zip(batch.txs, batch.slots, strict=True):
        fields = None if isinstance(slot, pubdata.EmptySlot) else [slot.TYPE, *slot.fields()]
        assert rec["public"] == (fields and [str(v) for v in fields])
    data = batch.public_data_bytes()
    assert data == pubdata.encode(0, batch.slots, batch.n_slots)
    assert pubdata.decode(data).slots == batch.slots
    assert batch.commitment == pubdata.commitment(data)
    assert batch.public_inputs == [batch.old_root, batch.new_root, batch.commitment]
    again = Batch.from_dict(json.loads(batch.write(tmp_path / "b.json").read_text()))
    assert again == batch and again.commitment == batch.commitment
    assert ex.store.batch(0) == batch.to_dict()


def test_batch_is_padded_to_the_circuit_size():
    ex, (a, _) = make_exchange(users=2, deposit=0)
    first = ex.cut_batch()
    ex.deposit(a, 7)
    batch = ex.cut_batch(max_txs=4)
    assert (batch.number, len(batch.txs), batch.n_slots) == (1, 1, 4)
    assert batch.old_root == first.new_root and batch.new_root == ex.root
    data = batch.public_data_bytes()
    assert len(data) == 8 + 33 * 4 and data[:8] == (1).to_bytes(8, "big")
    assert (
        pubdata.decode(data, 4).slots == (pubdata.DepositSlot(a, 7),) + (pubdata.EmptySlot(),) * 3
    )
    assert batch.commitment == pubdata.commitment(data) < 2**253
    # the same record in a circuit of another size commits differently
    assert build_batch(1, list(batch.txs), 2).commitment != batch.commitment
    with pytest.raises(ValueError, match="1 records do not fit a batch of 0 slots"):
        build_batch(1, list(batch.txs), 0)
    with pytest.raises(ValueError, match="max_txs must be >= 1"):
        ex.cut_batch(max_txs=0)


def test_from_dict_checks_the_public_data():
    ex, (a,) = make_exchange(users=1)
    d = ex.cut_batch(max_txs=16).to_dict()
    tampered = dict(d, commitment=str(int(d["commitment"]) ^ 1))
    with pytest.raises(ValueError, match="is not that of the public data"):
        Batch.from_dict(tampered)
    raw = bytearray.fromhex(d["public_data"])
    raw[7] ^= 1  # batch number 1 in the header
    with pytest.raises(ValueError, match="public data is of batch 1, not 0"):
        Batch.from_dict(dict(d, public_data=raw.hex()))
    recs = [dict(r) for r in d["txs"]]
    deposit = next(r for r in recs if r["kind"] == "deposit")
    deposit["tx"] = dict(deposit["tx"], amount=deposit["tx"]["amount"] + 1)
    with pytest.raises(ValueError, match=f"does not match record {deposit['seq']}"):
        Batch.from_dict(dict(d, txs=recs))
    padded = bytearray.fromhex(d["public_data"])
    padded[-33:] = pubdata.encode_slot(pubdata.DepositSlot(a, 1))
    with pytest.raises(ValueError, match="non-empty slots after the last record"):
        Batch.from_dict(dict(d, public_data=padded.hex()))


def test_unknown_record_kind_is_refused():
    with pytest.raises(ValueError, match="record 9: unknown kind 'mint'"):
        record_slot({"seq": 9, "kind": "mint", "tx": {}})


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
    assert [b.n_slots for b in batches] == [2, 2, 2]
    ex.deposit(a, 10)
    assert seq.poll() == []
    now[0] = 6.0
    (late,) = seq.poll()
    assert len(late.txs) == 1 and late.n_slots == 2  # padded to the circuit's size
    assert late.slots == (pubdata.DepositSlot(a, 10),)


def test_funding_ticks_start_batches():
    ex, (a, _) = make_exchange(users=2, deposit=0)
    ex.cut_batch()
    ex.deposit(a, 1)
    ex.deposit(a, 2)
    ex.tick_funding()
    ex.deposit(a, 3)
    ex.tick_funding()
    ex.tick_funding()
    cuts = []
    while (batch := ex.cut_batch(max_txs=8)) is not None:
        cuts.append([r["kind"] for r in batch.txs])
        assert batch.n_slots == 8  # ended early by a funding record, padded all the same
    assert cuts == [["deposit", "deposit"], ["funding", "deposit"], ["funding"], ["funding"]]
    # without a slot count too, and a funding record first in a batch stays there
    ex.tick_funding()
    ex.deposit(a, 4)
    ex.tick_funding()
    assert [r["kind"] for r in ex.cut_batch().txs] == ["funding", "deposit"]
    assert [r["kind"] for r in ex.cut_batch().txs] == ["funding"]
    assert funding_cut([{"kind": "deposit"}, {"kind": "funding"}]) == 1
    assert funding_cut([{"kind": "funding"}, {"kind": "deposit"}]) == 2
    assert funding_cut([]) == 0


def test_sequencer_counts_what_a_batch_took():
    ex, (a, _) = make_exchange(users=2, deposit=0)
    ex.cut_batch()
    now = [0.0]
    seq = Sequencer(ex, max_txs=3, max_age_s=5, clock=lambda: now[0])
    for amount in (1, 2):
        ex.deposit(a, amount)
    ex.tick_funding()
    for amount in (3, 4, 5):
        ex.deposit(a, amount)
    ex.tick_funding()
    batches = seq.poll()  # 7 pending: [d, d] ends at the tick, then [f, d, d]; 2 wait
    assert [[r["kind"][0] for r in b.txs] for b in batches] == [["d", "d"], ["f", "d", "d"]]
    assert seq.poll() == []  # [d, f] wait for the age limit
    now[0] = 6.0
    late = seq.poll()  # both are due: the tick still starts a batch of its own
    assert [[r["kind"] for r in b.txs] for b in late] == [["deposit"], ["funding"]]
    assert [b.n_slots for b in late] == [3, 3] and ex.store.unbatched_count() == 0
