"""Recovery checks: the stored tree, markets and roots agree with the stored rows.

After a restart (and in the crash tests) :func:`verify_store` recomputes every
account leaf from the ``accounts`` rows into a fresh in-memory tree (the accounts
root), the markets root from the ``markets`` rows, and the state root from both
(:mod:`zkel.host.state.leaf`), and compares them with the accounts root held in
the ``nodes`` table and the three roots the last commit wrote to ``meta``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zkel.circuits.smt import SparseMerkleTree
from zkel.host.exchange.account import Account
from zkel.host.exchange.market import Market
from zkel.host.state.leaf import STATE_LAYOUT, leaf_hash, markets_root, state_root
from zkel.host.state.store import Store


@dataclass(frozen=True)
class RecoveryReport:
    """What :func:`verify_store` found: counts, recomputed roots and stored roots.

    ``accounts_root``, ``markets_root`` and ``root`` (the state root) are recomputed
    from the rows; ``tree_accounts_root`` is the root of the ``nodes`` table;
    ``meta_*`` are the roots written by the last commit. All are field elements.
    """

    accounts: int
    txs: int
    accounts_root: int
    markets_root: int
    root: int
    tree_accounts_root: int
    meta_accounts_root: int
    meta_markets_root: int
    meta_root: int

    def mismatches(self) -> list[str]:
        """One line per disagreement (empty when everything agrees)."""
        out = []
        if not self.accounts_root == self.tree_accounts_root == self.meta_accounts_root:
            out.append(
                f"accounts root: leaves {self.accounts_root}, nodes {self.tree_accounts_root}, "
                f"meta {self.meta_accounts_root}"
            )
        if self.markets_root != self.meta_markets_root:
            out.append(f"markets root: rows {self.markets_root}, meta {self.meta_markets_root}")
        if self.root != self.meta_root:
            out.append(f"state root: recomputed {self.root}, meta {self.meta_root}")
        return out

    @property
    def ok(self) -> bool:
        """All three roots recomputed from the rows equal the stored ones."""
        return not self.mismatches()


def recompute_accounts_root(accounts: Iterable[Account], depth: int) -> int:
    """Root of a depth-``depth`` tree holding exactly ``accounts``' leaves."""
    tree = SparseMerkleTree(depth)
    for account in accounts:
        tree.set(account.index, leaf_hash(account))
    return tree.root


def recompute_root(accounts: Iterable[Account], depth: int, markets: Iterable[Market] = ()) -> int:
    """The state root of ``accounts`` (in a depth-``depth`` tree) and ``markets``."""
    return state_root(recompute_accounts_root(accounts, depth), markets_root(markets))


def check_layout(store: Store) -> int:
    """The tree depth of an exchange database in this state layout, else ``ValueError``."""
    depth = store.get_meta("depth")
    if depth is None:
        raise ValueError(f"{store.path}: not an exchange database (no depth in meta)")
    layout = store.get_meta("layout", 1)
    if layout != STATE_LAYOUT:
        raise ValueError(
            f"{store.path}: state layout {layout}, this zkel reads layout {STATE_LAYOUT} "
            "(open-order tables in the account leaves, market fee pools); "
            "re-create the database"
        )
    return depth


def verify_store(store: Store) -> RecoveryReport:
    """Recompute the three roots from the rows and compare them with the stored roots."""
    depth = check_layout(store)
    accounts = [Account.from_dict(d) for d in store.accounts()]
    markets = [Market.from_dict(d) for d in store.markets()]
    accounts_root = recompute_accounts_root(accounts, depth)
    m_root = markets_root(markets)
    return RecoveryReport(
        accounts=len(accounts),
        txs=store.tx_count(),
        accounts_root=accounts_root,
        markets_root=m_root,
        root=state_root(accounts_root, m_root),
        tree_accounts_root=SparseMerkleTree(depth, store=store.nodes).root,
        meta_accounts_root=int(store.get_meta("accounts_root", "0")),
        meta_markets_root=int(store.get_meta("markets_root", "0")),
        meta_root=int(store.get_meta("root", "0")),
    )
