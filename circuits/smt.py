"""A sparse Merkle tree hashed with Poseidon, with inclusion proofs and update records.

Leaves are field elements (0 is the empty leaf) at indices ``0 ≤ i < 2^depth``; an
internal node is ``poseidon([left, right])``; ``root`` is the node at level
``depth``. Only nodes that differ from the empty subtree of their level are stored
(``EMPTY[level]``, precomputed), in a :class:`NodeStore`: level 0 holds leaves,
level ``depth`` the root. Writes go through the store, so wrapping an update in a
store transaction (as zkel.host.state does with SQLite) makes it atomic.

Siblings are listed bottom-up (level 0 first); bit ``l`` of the index says whether
the node at level ``l`` is a right child. All values are canonical field elements
(ints in [0, r)); leaves ≥ r are rejected, not reduced. Costs: ``depth`` Poseidon
hashes per update (about 4 ms at depth 32), none per read or proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from zkel.circuits.bn254.fields import R
from zkel.circuits.poseidon import poseidon

MAX_DEPTH = 64


class NodeStore(Protocol):
    """Storage of the non-empty nodes of a tree: ``(level, index) -> value``.

    ``level`` 0 holds leaves, ``level = depth`` the root (index 0); ``index`` is the
    node's position within its level, ``0 ≤ index < 2^(depth - level)``. Values are
    canonical field elements. ``get`` returns None for a node never stored (or
    deleted): the tree then uses the empty-subtree hash of that level.
    """

    def get(self, level: int, index: int) -> int | None:
        """The stored value of node ``(level, index)``, or None."""
        ...

    def put(self, level: int, index: int, value: int) -> None:
        """Store ``value`` for node ``(level, index)`` (insert or replace)."""
        ...

    def delete(self, level: int, index: int) -> None:
        """Forget node ``(level, index)``; no error when it is absent."""
        ...


class DictNodeStore:
    """In-memory :class:`NodeStore`: ``nodes[(level, index)] = value``."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], int] = {}

    def get(self, level: int, index: int) -> int | None:
        return self.nodes.get((level, index))

    def put(self, level: int, index: int, value: int) -> None:
        self.nodes[(level, index)] = value

    def delete(self, level: int, index: int) -> None:
        self.nodes.pop((level, index), None)


@cache
def empty_hashes(depth: int) -> tuple[int, ...]:
    """``EMPTY[l]``: the root of an empty subtree of height l, for l = 0..depth."""
    out = [0]
    for _ in range(depth):
        out.append(poseidon([out[-1], out[-1]]))
    return tuple(out)


@dataclass(frozen=True)
class MerkleProof:
    """Inclusion of ``leaf`` at ``index`` under ``root``.

    ``siblings[l]`` is the sibling of the path's node at level ``l`` (bottom-up,
    ``depth`` of them). An absent leaf is proven with ``leaf = 0``.
    """

    index: int
    leaf: int
    siblings: Sequence[int]
    root: int


@dataclass(frozen=True)
class MerkleUpdate:
    """What a circuit needs to prove one leaf update: one path, two roots.

    The same ``siblings`` (bottom-up) lead from ``old_leaf`` to ``old_root`` and
    from ``new_leaf`` to ``new_root``: ``compute_root(old_leaf, index, siblings) ==
    old_root`` and ``compute_root(new_leaf, index, siblings) == new_root``.
    """

    index: int
    old_leaf: int
    new_leaf: int
    siblings: Sequence[int]
    old_root: int
    new_root: int


def path_nodes(leaf: int, index: int, siblings: Sequence[int]) -> list[int]:
    """The nodes on the path from ``leaf`` (level 0) to the root (level ``len(siblings)``).

    Raises
    ------
    ValueError
        When ``index`` is outside ``[0, 2^len(siblings))`` or a value is not a
        field element in [0, r).
    """
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"leaf index must be an int, not {index!r}")
    if not 0 <= index < 1 << len(siblings):
        raise ValueError(f"leaf index {index} is outside [0, 2^{len(siblings)})")
    nodes = [leaf]
    for level, sibling in enumerate(siblings):
        node = nodes[-1]
        nodes.append(poseidon([sibling, node] if (index >> level) & 1 else [node, sibling]))
    return nodes


def compute_root(leaf: int, index: int, siblings: Sequence[int]) -> int:
    """The root reached from ``leaf`` at ``index`` through ``siblings`` (bottom-up).

    Raises ValueError as :func:`path_nodes`.
    """
    return path_nodes(leaf, index, siblings)[-1]


def verify_proof(proof: MerkleProof) -> bool:
    """True iff the proof's path leads from its leaf to its root; False for any bad field."""
    try:
        return compute_root(proof.leaf, proof.index, proof.siblings) == proof.root
    except (ValueError, TypeError, AttributeError):
        return False


class SparseMerkleTree:
    """A Poseidon sparse Merkle tree of ``depth`` levels (2^depth leaves, depth 1..64).

    ``store`` defaults to a fresh :class:`DictNodeStore`; give a persistent store
    to reopen a tree (its root is read from the store, not recomputed).
    """

    def __init__(self, depth: int = 32, store: NodeStore | None = None) -> None:
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
            raise ValueError(f"tree depth must be an integer in 1..{MAX_DEPTH}, not {depth!r}")
        self.depth = depth
        self.store: NodeStore = store if store is not None else DictNodeStore()
        self.empty = empty_hashes(depth)

    def _check_index(self, index: int) -> None:
        if (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < 1 << self.depth
        ):
            raise ValueError(f"leaf index {index!r} is outside [0, 2^{self.depth})")

    def _node(self, level: int, index: int) -> int:
        value = self.store.get(level, index)
        return self.empty[level] if value is None else value

    @property
    def root(self) -> int:
        """The root (the node at level ``depth``); ``EMPTY[depth]`` for an empty tree."""
        return self._node(self.depth, 0)

    def get(self, index: int) -> int:
        """The leaf at ``index`` (0 when empty)."""
        self._check_index(index)
        return self._node(0, index)

    def proof(self, index: int) -> MerkleProof:
        """An inclusion proof of the current leaf at ``index`` (absent leaves: leaf 0)."""
        self._check_index(index)
        siblings = tuple(self._node(level, (index >> level) ^ 1) for level in range(self.depth))
        return MerkleProof(index, self._node(0, index), siblings, self.root)

    def update(self, index: int, leaf: int) -> MerkleUpdate:
        """Set the leaf at ``index``; returns the path and both roots.

        All new nodes are computed before the first write, then written bottom-up
        through the store (``put``, or ``delete`` where a node becomes the empty
        subtree of its level): ``depth + 1`` writes, one per level.

        Raises
        ------
        ValueError
            When ``index`` is outside ``[0, 2^depth)`` or ``leaf`` is not an int in
            [0, r); nothing is written then.
        """
        self._check_index(index)
        if isinstance(leaf, bool) or not isinstance(leaf, int) or not 0 <= leaf < R:
            raise ValueError(f"a leaf must be a field element in [0, r), not {leaf!r}")
        before = self.proof(index)
        nodes = path_nodes(leaf, index, before.siblings)
        for level, node in enumerate(nodes):
            if node == self.empty[level]:
                self.store.delete(level, index >> level)
            else:
                self.store.put(level, index >> level, node)
        return MerkleUpdate(index, before.leaf, leaf, before.siblings, before.root, nodes[-1])

    def set(self, index: int, leaf: int) -> None:
        """Set the leaf at ``index`` (see :meth:`update`)."""
        self.update(index, leaf)
