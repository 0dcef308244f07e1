"""The SQLite store: WAL mode, atomic transactions, the NodeStore, and the leaf layout."""

from dataclasses import replace

import pytest

from tests.host.exchange.helpers import make_exchange
from zkel.circuits.poseidon import poseidon
from zkel.circuits.smt import SparseMerkleTree
from zkel.host.exchange import Account, OrderSlot, Position
from zkel.host.exchange.scales import FIELD_ORDER
from zkel.host.state import (
    SqliteNodeStore,
    Store,
    leaf_fields,
    leaf_hash,
    orders_hash,
    positions_hash,
)


def test_leaf_layout():
    orders = (OrderSlot(), OrderSlot(77, 300), OrderSlot(), OrderSlot(FIELD_ORDER - 1, 2**64 - 1))
    positions = (Position(-7, 2), Position(1, -1), Position(), Position())
    acct = Account(5, (11, 12), -3, 4, positions, orders)
    assert positions_hash(acct) == poseidon([FIELD_ORDER - 7, 2, 1, FIELD_ORDER - 1, 0, 0, 0, 0])
    assert orders_hash(acct) == poseidon([0, 0, 77, 300, 0, 0, FIELD_ORDER - 1, 2**64 - 1])
    hashes = [positions_hash(acct), orders_hash(acct)]
    assert leaf_fields(acct) == [11, 12, FIELD_ORDER - 3, 4, *hashes]
    assert leaf_hash(acct) == poseidon(leaf_fields(acct))
    # an empty table hashes eight zeros, and the table is part of the leaf
    empty = Account(5, (11, 12), -3, 4, positions)
    assert orders_hash(empty) == poseidon([0] * 8) and leaf_hash(empty) != leaf_hash(acct)
    # the JSON form keeps hashes as decimal strings and round-trips
    assert acct.to_dict()["orders"][3] == [str(FIELD_ORDER - 1), 2**64 - 1]
    assert Account.from_dict(acct.to_dict()) == acct


def test_wal_and_schema(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.close()
    with pytest.raises(ValueError, match="synchronous"):
        Store(tmp_path / "t.db", synchronous="sometimes")


def test_transaction_rolls_back_everything(tmp_path):
    store = Store(tmp_path / "s.db")
    tree = SparseMerkleTree(8, store=store.nodes)
    with store.transaction():
        tree.set(3, 42)
        store.set_meta("k", 1)
    root = tree.root
    with pytest.raises(RuntimeError), store.transaction():
        tree.set(4, 43)
        store.set_meta("k", 2)
        raise RuntimeError("crash in the middle")
    assert store.get_meta("k") == 1
    assert SparseMerkleTree(8, store=store.nodes).root == root
    fresh = SqliteNodeStore(store.conn)  # no cache: straight from the table
    assert SparseMerkleTree(8, store=fresh).root == root
    assert fresh.get(0, 4) is None and fresh.get(0, 3) == 42
    store.close()


def test_node_store_round_trip_and_delete(tmp_path):
    store = Store(tmp_path / "s.db")
    with store.transaction():
        store.nodes.put(2, 7, FIELD_ORDER - 1)
    assert SqliteNodeStore(store.conn).get(2, 7) == FIELD_ORDER - 1
    with store.transaction():
        store.nodes.delete(2, 7)
    assert store.nodes.get(2, 7) is None and SqliteNodeStore(store.conn).get(2, 7) is None
    store.close()


def test_failed_exchange_transaction_leaves_store_untouched(tmp_path):
    ex, (a,) = make_exchange(str(tmp_path / "x.db"), users=1)
    before = (ex.root, ex.store.tx_count(), ex.account(a))
    with pytest.raises(RuntimeError, match="power cut"), ex._atomic() as rec:
        rec.step("deposit", {"account": a, "amount": 1}, {a: ex.account(a).credit(1)})
        raise RuntimeError("power cut")
    assert (ex.root, ex.store.tx_count(), ex.account(a)) == before
    ex.close()


def test_market_leaf_layout_and_roots():
    from tests.host.exchange.helpers import markets
    from zkel.host.state import (
        market_leaf,
        market_leaf_fields,
        markets_root,
        recompute_accounts_root,
        state_root,
    )

    btc, eth = markets()
    expected = poseidon(
        [
            0,
            btc.tick_size,
            btc.lot_size,
            100_000,
            50_000,
            5_000,
            200,
            500,
            1_000,
            8,
            btc.oracle_price,
            0,
            0,
            0,
            0,
            0,
        ]
    )
    assert market_leaf(btc) == expected
    assert market_leaf(replace(btc, fees=9)) == poseidon(market_leaf_fields(btc)[:15] + [9])
    # four entries in id order, 0 for a market id that does not exist
    assert markets_root([btc]) == poseidon([expected, 0, 0, 0])
    assert markets_root({1: eth, 0: btc}) == poseidon([expected, market_leaf(eth), 0, 0])
    assert markets_root([eth, btc]) == markets_root([btc, eth])
    assert markets_root([]) == poseidon([0, 0, 0, 0])
    with pytest.raises(ValueError, match="market id 4 outside"):
        markets_root([replace(btc, market_id=4)])
    ex, _ = make_exchange(users=0)
    assert ex.markets_root == markets_root([btc, eth])
    assert ex.accounts_root == ex.tree.root
    assert ex.root == state_root(ex.accounts_root, ex.markets_root)
    assert ex.root == poseidon([ex.tree.root, markets_root([btc, eth])])
    # markets are not leaves of the account tree (version 1 put them at the top indexes)
    assert ex.accounts_root == recompute_accounts_root(ex.accounts.values(), 16)
    assert not ex.tree.get(2**16 - 1) and not ex.tree.get(2**16 - 2)
    ex.close()


def test_every_leaf_index_may_hold_an_account():
    from tests.host.exchange.helpers import markets, pub
    from zkel.host.exchange import Exchange
    from zkel.host.exchange.errors import InvalidRequest

    ex = Exchange.open(
        ":memory:", markets=markets(), oracle_pubkey=pub(0), operator_pubkey=pub(1), depth=2
    )
    assert [ex.create_account(pub(2)), ex.create_account(pub(3))] == [2, 3]  # the top index
    assert ex.tree.get(3) == leaf_hash(ex.account(3))
    with pytest.raises(InvalidRequest, match=r"the account tree \(depth 2\) is full"):
        ex.create_account(pub(4))
    with pytest.raises(InvalidRequest, match=r"tree depth must lie in \[2, 32\], not 33"):
        Exchange.open(
            ":memory:", markets=markets(), oracle_pubkey=pub(0), operator_pubkey=pub(1), depth=33
        )
    ex.close()
