"""Recovery checks: the stored tree agrees with the stored accounts.

After a restart (and in the crash tests) :func:`verify_store` recomputes every
leaf from the ``accounts`` and ``markets`` rows, rebuilds the root in a fresh in-memory tree, and
compares it with the root held in the ``nodes`` table and in ``meta``.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkel.circuits.smt import SparseMerkleTree
from zkel.host.exchange.account import Account
from zkel.host.exchange.market import Market
from zkel.host.state.leaf import leaf_hash, market_leaf, market_leaf_index
from zkel.host.state.store import Store


@dataclass(frozen=True)
class RecoveryReport:
    """What :func:`verify_store` found: counts and the three roots (equal when ``ok``)."""

    accounts: int
    txs: int
    recomputed_root: int
    tree_root: int
    meta_root: int

    @property
    def ok(self) -> bool:
        return self.recomputed_root == self.tree_root == self.meta_root


def recompute_root(accounts: list[Account], depth: int, markets: list[Market] = ()) -> int:
    """Root of a tree of ``depth`` holding exactly ``accounts``' and ``markets``' leaves."""
    tree = SparseMerkleTree(depth)
    for account in accounts:
        tree.set(account.index, leaf_hash(account))
    for market in markets:
        tree.set(market_leaf_index(depth, market.market_id), market_leaf(market))
    return tree.root


def verify_store(store: Store) -> RecoveryReport:
    """Recompute the root from the account rows and compare with the stored roots."""
    depth = store.get_meta("depth")
    if depth is None:
        raise ValueError(f"{store.path}: not an exchange database (no depth in meta)")
    accounts = [Account.from_dict(d) for d in store.accounts()]
    markets = [Market.from_dict(d) for d in store.markets()]
    tree_root = SparseMerkleTree(depth, store=store.nodes).root
    meta_root = int(store.get_meta("root", "0"))
    return RecoveryReport(
        len(accounts),
        store.tx_count(),
        recompute_root(accounts, depth, markets),
        tree_root,
        meta_root,
    )
