"""State of the exchange: the state layout (account and market leaves, the three roots),
the SQLite store (WAL) and recovery."""

# The leaf layout hashes the exchange's Account and Market, and the exchange package
# (imported first here, so that either package may be imported first) records leaves.
import zkel.host.exchange  # noqa: F401  isort: skip

from zkel.host.state.leaf import (
    EMPTY_LEAF,
    STATE_LAYOUT,
    leaf_fields,
    leaf_hash,
    market_leaf,
    market_leaf_fields,
    markets_root,
    orders_hash,
    positions_hash,
    state_root,
)
from zkel.host.state.recovery import (
    RecoveryReport,
    check_layout,
    recompute_accounts_root,
    recompute_root,
    verify_store,
)
from zkel.host.state.store import SqliteNodeStore, Store

__all__ = [
    "EMPTY_LEAF",
    "STATE_LAYOUT",
    "RecoveryReport",
    "SqliteNodeStore",
    "Store",
    "check_layout",
    "leaf_fields",
    "leaf_hash",
    "market_leaf",
    "market_leaf_fields",
    "markets_root",
    "orders_hash",
    "positions_hash",
    "recompute_accounts_root",
    "recompute_root",
    "state_root",
    "verify_store",
]
