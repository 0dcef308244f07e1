"""SQLite store of the exchange (write-ahead log) and the tree's NodeStore on it.

One database file holds everything the engine needs to restart: ``meta``
(configuration, clock, counters), ``markets``, ``accounts`` (all fields, JSON),
``nodes`` (the sparse Merkle tree's non-empty nodes, 32-byte big-endian values),
``orders`` (resting orders), ``txs`` (every acknowledged transaction's witness
record, with the batch that took it) and ``batches``.

Atomicity: the engine wraps each exchange transaction in :meth:`Store.transaction`
(``BEGIN IMMEDIATE`` .. ``COMMIT``), tree nodes included, and acknowledges it only
after the commit returned; so a process killed at any point leaves either all of
a transaction or none of it. ``synchronous=FULL`` (default) also survives power
loss; ``NORMAL`` survives a killed process only, and is faster.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS markets (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (idx INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    level INTEGER NOT NULL, idx INTEGER NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS orders (
    hash TEXT PRIMARY KEY, market INTEGER NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, batch INTEGER, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS txs_unbatched ON txs (batch, seq);
CREATE TABLE IF NOT EXISTS batches (number INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""


class SqliteNodeStore:
    """The tree's NodeStore on the ``nodes`` table, with a memory cache and write buffer.

    ``get(level, index)`` returns the node value (canonical field element) or None
    for an empty (default) node; level 0 holds the leaves. ``put`` and ``delete``
    are buffered and written with one ``executemany`` by :meth:`flush`, which
    :meth:`Store.transaction` calls just before its ``COMMIT`` (and which runs at
    once when no transaction is open); a rollback drops the buffer and the cache.
    """

    def __init__(self, conn: sqlite3.Connection, in_transaction: Callable[[], bool] = bool) -> None:
        self._conn = conn
        self._in_transaction = in_transaction
        self._cache: dict[tuple[int, int], int | None] = {}
        self._dirty: dict[tuple[int, int], int | None] = {}

    def get(self, level: int, index: int) -> int | None:
        key = (level, index)
        if key in self._cache:
            return self._cache[key]
        row = self._conn.execute(
            "SELECT value FROM nodes WHERE level = ? AND idx = ?", key
        ).fetchone()
        value = int.from_bytes(row[0], "big") if row else None
        self._cache[key] = value
        return value

    def put(self, level: int, index: int, value: int) -> None:
        self._cache[(level, index)] = self._dirty[(level, index)] = int(value)
        if not self._in_transaction():
            self.flush()

    def delete(self, level: int, index: int) -> None:
        self._cache[(level, index)] = self._dirty[(level, index)] = None
        if not self._in_transaction():
            self.flush()

    def flush(self) -> None:
        """Write buffered puts and deletes to the ``nodes`` table."""
        if not self._dirty:
            return
        puts = [
            (lv, ix, v.to_bytes(32, "big")) for (lv, ix), v in self._dirty.items() if v is not None
        ]
        dels = [key for key, v in self._dirty.items() if v is None]
        self._conn.executemany(
            "INSERT OR REPLACE INTO nodes (level, idx, value) VALUES (?, ?, ?)", puts
        )
        self._conn.executemany("DELETE FROM nodes WHERE level = ? AND idx = ?", dels)
        self._dirty.clear()

    def clear_cache(self) -> None:
        """Forget cached and buffered nodes (after a rollback)."""
        self._cache.clear()
        self._dirty.clear()

    def count(self) -> int:
        """Number of stored (non-empty) nodes."""
        self.flush()
        return self._conn.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]


class Store:
    """The exchange database at ``path`` (``":memory:"`` for a throw-away one).

    Parameters
    ----------
    path : str or Path
        Database file; created with the schema when absent.
    synchronous : str
        SQLite ``synchronous`` setting: ``"FULL"`` (default) or ``"NORMAL"``.
    """

    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        if synchronous.upper() not in ("FULL", "NORMAL", "OFF"):
            raise ValueError(f"synchronous must be FULL, NORMAL or OFF, not {synchronous!r}")
        self.path = str(path)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            mode = self.conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise RuntimeError(f"{self.path}: could not enable WAL (got {mode})")
        self.conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
        self.conn.executescript(SCHEMA)
        self.nodes = SqliteNodeStore(self.conn, lambda: self._depth > 0)
        self._depth = 0

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit: commits on normal exit, rolls back (and drops caches) on error."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
            self.nodes.flush()
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.nodes.clear_cache()
            self._depth = 0
            raise
        try:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    # -- meta --------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        """JSON value stored under ``key`` (``default`` when absent)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable ``value`` under ``key``."""
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value))
        )

    # -- rows --------------------------------------------------------------------------
    def put_market(self, market_id: int, data: dict) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO markets (id, data) VALUES (?, ?)", (market_id, json.dumps(data))
        )

    def markets(self) -> list[dict]:
        rows = self.conn.execute("SELECT data FROM markets ORDER BY id")
        return [json.loads(r[0]) for r in rows]

    def put_account(self, index: int, data: dict) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO accounts (idx, data) VALUES (?, ?)", (index, json.dumps(data))
        )

    def accounts(self) -> Iterator[dict]:
        for (data,) in self.conn.execute("SELECT data FROM accounts ORDER BY idx"):
            yield json.loads(data)

    def put_order(self, order_hash: int, market: int, seq: int, data: dict) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO orders (hash, market, seq, data) VALUES (?, ?, ?, ?)",
            (str(order_hash), market, seq, json.dumps(data)),
        )

    def delete_order(self, order_hash: int) -> None:
        self.conn.execute("DELETE FROM orders WHERE hash = ?", (str(order_hash),))

    def orders(self) -> list[dict]:
        rows = self.conn.execute("SELECT data FROM orders ORDER BY seq")
        return [json.loads(r[0]) for r in rows]

    def append_tx(self, seq: int, kind: str, record: dict) -> None:
        self.conn.execute(
            "INSERT INTO txs (seq, kind, batch, record) VALUES (?, ?, NULL, ?)",
            (seq, kind, json.dumps(record)),
        )

    def unbatched_txs(self, limit: int | None = None) -> list[tuple[int, dict]]:
        sql = "SELECT seq, record FROM txs WHERE batch IS NULL ORDER BY seq"
        rows = self.conn.execute(sql + (f" LIMIT {int(limit)}" if limit else ""))
        return [(seq, json.loads(rec)) for seq, rec in rows]

    def unbatched_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM txs WHERE batch IS NULL").fetchone()[0]

    def tx_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM txs").fetchone()[0]

    def tx(self, seq: int) -> dict | None:
        row = self.conn.execute("SELECT record FROM txs WHERE seq = ?", (seq,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_batch(self, number: int, data: dict, seqs: list[int]) -> None:
        self.conn.execute(
            "INSERT INTO batches (number, data) VALUES (?, ?)", (number, json.dumps(data))
        )
        self.conn.executemany("UPDATE txs SET batch = ? WHERE seq = ?", [(number, s) for s in seqs])

    def batch(self, number: int) -> dict | None:
        row = self.conn.execute("SELECT data FROM batches WHERE number = ?", (number,)).fetchone()
        return json.loads(row[0]) if row else None
