"""State of the exchange: account leaf encoding, the SQLite store (WAL) and recovery."""

from zkel.host.state.leaf import (
    EMPTY_LEAF,
    leaf_fields,
    leaf_hash,
    market_leaf,
    market_leaf_index,
    positions_hash,
)
from zkel.host.state.recovery import RecoveryReport, recompute_root, verify_store
from zkel.host.state.store import SqliteNodeStore, Store

__all__ = [
    "EMPTY_LEAF",
    "RecoveryReport",
    "SqliteNodeStore",
    "Store",
    "leaf_fields",
    "leaf_hash",
    "market_leaf",
    "market_leaf_index",
    "positions_hash",
    "recompute_root",
    "verify_store",
]
