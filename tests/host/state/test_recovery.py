"""Durability: reopening restores everything; a worker killed with SIGKILL at random
moments loses no acknowledged transaction and leaves nothing half-applied."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.host.exchange.helpers import BTC_PRICE, LOT, make_exchange, order
from zkel.host.exchange import Exchange, Side
from zkel.host.exchange.errors import InvalidRequest
from zkel.host.state import Store, verify_store

WORKER = Path(__file__).with_name("crash_worker.py")


def test_reopen_restores_accounts_book_and_root(tmp_path):
    db = tmp_path / "ex.db"
    ex, (a, b) = make_exchange(str(db), users=2)
    ex.submit_order(order(ex, b, Side.SELL, BTC_PRICE, 5 * LOT))
    ex.submit_order(order(ex, a, Side.BUY, BTC_PRICE, 2 * LOT))
    snapshot = (ex.root, dict(ex.accounts), ex.book(0).depth(Side.SELL), ex.seq, ex.markets)
    ex.close()
    again = Exchange.open(db)
    assert (
        again.root,
        dict(again.accounts),
        again.book(0).depth(Side.SELL),
        again.seq,
        again.markets,
    ) == snapshot
    assert again.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # the reopened book still matches, with the resting order's time priority
    r = again.submit_order(order(again, a, Side.BUY, BTC_PRICE, 3 * LOT))
    assert [(f.maker, f.size) for f in r.fills] == [(b, 3 * LOT)]
    assert verify_store(again.store).ok
    again.close()


def test_verify_store_detects_a_tampered_account(tmp_path):
    db = tmp_path / "ex.db"
    ex, (a,) = make_exchange(str(db), users=1)
    ex.close()
    store = Store(db)
    row = store.conn.execute("SELECT data FROM accounts WHERE idx = ?", (a,)).fetchone()[0]
    store.conn.execute(
        "UPDATE accounts SET data = ? WHERE idx = ?",
        (row.replace('"collateral": ', '"collateral": 1'), a),
    )
    report = verify_store(store)
    assert not report.ok and report.markets_root == report.meta_markets_root
    assert [line.split(":")[0] for line in report.mismatches()] == ["accounts root", "state root"]
    store.close()


def _run_until_killed(db, seed, rng):
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(db), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acks = []
    want = rng.randint(3, 25)
    try:
        while len(acks) < want:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"worker died: {proc.stderr.read()[-2000:]}")
            _, seq, root = line.split()
            acks.append((int(seq), int(root)))
        time.sleep(rng.uniform(0, 0.03))  # land somewhere inside a later transaction
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    for line in proc.stdout:  # acknowledgements printed before the kill landed
        parts = line.split()
        if len(parts) == 3:
            acks.append((int(parts[1]), int(parts[2])))
    return acks


def test_kill_9_loses_no_acknowledged_transaction(tmp_path):
    rng = random.Random(7)
    db = tmp_path / "crash.db"
    all_acks = []
    for cycle in range(5):
        all_acks += _run_until_killed(db, cycle, rng)
        store = Store(db)
        report = verify_store(store)
        assert report.ok, report
        for seq, root in all_acks:
            rec = store.tx(seq)
            assert rec is not None, f"acknowledged transaction {seq} lost"
            assert int(rec["root_after"]) == root
        rows = store.conn.execute("SELECT seq, record FROM txs ORDER BY seq").fetchall()
        assert [s for s, _ in rows] == list(range(len(rows)))  # no gap, nothing half-written
        recs = [json.loads(r) for _, r in rows]
        for prev, cur in zip(recs, recs[1:], strict=False):
            assert prev["root_after"] == cur["root_before"]
        assert int(recs[-1]["root_after"]) == report.root == report.meta_root
        assert int(recs[-1]["accounts_root_after"]) == report.tree_accounts_root
        store.close()
    assert len(all_acks) >= 15


def test_verify_store_detects_a_tampered_market(tmp_path):
    db = tmp_path / "ex.db"
    ex, _ = make_exchange(str(db), users=1)
    ex.close()
    store = Store(db)
    row = store.conn.execute("SELECT data FROM markets WHERE id = 0").fetchone()[0]
    store.conn.execute(
        "UPDATE markets SET data = ? WHERE id = 0",
        (row.replace('"funding_index": 0', '"funding_index": 5'),),
    )
    report = verify_store(store)
    assert not report.ok and report.accounts_root == report.meta_accounts_root
    assert [line.split(":")[0] for line in report.mismatches()] == ["markets root", "state root"]
    store.close()


def test_verify_store_checks_all_three_roots(tmp_path):
    db = tmp_path / "ex.db"
    ex, _ = make_exchange(str(db), users=2)
    roots = (ex.accounts_root, ex.markets_root, ex.root)
    ex.close()
    store = Store(db)
    report = verify_store(store)
    assert report.ok and report.mismatches() == []
    assert (report.accounts_root, report.markets_root, report.root) == roots
    assert (report.tree_accounts_root, report.meta_markets_root, report.meta_root) == roots
    store.set_meta("markets_root", "5")  # a stored root that the rows do not give
    assert verify_store(store).mismatches() == [f"markets root: rows {roots[1]}, meta 5"]
    store.close()


def test_database_of_another_layout_is_refused(tmp_path):
    db = tmp_path / "old.db"
    ex, _ = make_exchange(str(db), users=1)
    ex.close()
    store = Store(db)
    for old in (1, 2):  # 1: markets in the account tree; 2: no order tables, no fee pools
        store.set_meta("layout", old)
        with pytest.raises(ValueError, match=f"state layout {old}, this zkel reads layout 3"):
            verify_store(store)
    store.close()
    with pytest.raises(InvalidRequest, match="state layout 2"):
        Exchange.open(db)
