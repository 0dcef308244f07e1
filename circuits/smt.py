"""A sparse Merkle tree hashed with Poseidon, with inclusion proofs and update records.

Leaves are field elements (0 is the empty leaf) at indices ``0 ≤ i < 2^depth``; an
internal node is ``poseidon([left, right])``; ``root`` is the node at level
``depth``. Only nodes that differ from the empty subtree of their level are stored
(``EMPTY[level]``, precomputed), in a :class:`NodeStore`: level 0 holds leaves,
level ``depth`` the root. Writes go through the store, so wrapping an update in a
store transaction (as zkel.host.state does with SQLite) makes it atomic.

Siblings are listed bottom-up (level 0 first); bit ``l`` of the index says whether
the node at level ``l`` is a right child.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from zkel.circuits.poseidon import poseidon

MAX_DEPTH = 64


class NodeStore(Protocol):
    """Storage of the non-empty nodes of a tree: ``(level, index) -> value``."""

    def get(self, level: int, index: int) -> int | None: ...

    def put(self, level: int, index: int, value: int) -> None: ...

    def delete(self, level: int, index: int) -> None: ...


class DictNodeStore:
    """In-memory :class:`NodeStore`."""

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
    """Inclusion of ``leaf`` at ``index`` under ``root`` (siblings bottom-up)."""

    index: int
    leaf: int
    siblings: list[int]
    root: int


@dataclass(frozen=True)
class MerkleUpdate:
    """What a circuit needs to prove one leaf update: one path, two roots."""

    index: int
    old_leaf: int
    new_leaf: int
    siblings: list[int]
    old_root: int
    new_root: int


def compute_root(leaf: int, index: int, siblings: Sequence[int]) -> int:
    """The root reached from ``leaf`` at ``index`` through ``siblings`` (bottom-up)."""
    node = leaf
    for level, sibling in enumerate(siblings):
        node = poseidon([sibling, node] if (index >> level) & 1 else [node, sibling])
    return node


def verify_proof(proof: MerkleProof) -> bool:
    """True iff the proof's path leads from its leaf to its root."""
    if not 0 <= proof.index < 1 << len(proof.siblings):
        return False
    return compute_root(proof.leaf, proof.index, proof.siblings) == proof.root


class SparseMerkleTree:
    """A Poseidon sparse Merkle tree of ``depth`` levels (2^depth leaves)."""

    def __init__(self, depth: int = 32, store: NodeStore | None = None) -> None:
        if not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
            raise ValueError(f"tree depth must be an integer in 1..{MAX_DEPTH}, not {depth!r}")
        self.depth = depth
        self.store: NodeStore = store if store is not None else DictNodeStore()
        self.empty = empty_hashes(depth)

    def _check_index(self, index: int) -> None:
        if not isinstance(index, int) or not 0 <= index < 1 << self.depth:
            raise ValueError(f"leaf index {index!r} is outside [0, 2^{self.depth})")

    def _node(self, level: int, index: int) -> int:
        value = self.store.get(level, index)
        return self.empty[level] if value is None else value

    @property
    def root(self) -> int:
        return self._node(self.depth, 0)

    def get(self, index: int) -> int:
        """The leaf at ``index`` (0 when empty)."""
        self._check_index(index)
        return self._node(0, index)

    def proof(self, index: int) -> MerkleProof:
        """An inclusion proof of the current leaf at ``index`` (absent leaves: leaf 0)."""
        self._check_index(index)
        siblings = [self._node(level, (index >> level) ^ 1) for level in range(self.depth)]
        return MerkleProof(index, self._node(0, index), siblings, self.root)

    def update(self, index: int, leaf: int) -> MerkleUpdate:
        """Set the leaf at ``index``; returns the path and both roots."""
        self._check_index(index)
        if not isinstance(leaf, int) or leaf < 0:
            raise ValueError("a leaf must be a non-negative field element")
        before = self.proof(index)
        node = leaf
        for level in range(self.depth + 1):
            position = index >> level
            if node == self.empty[level]:
                self.store.delete(level, position)
            else:
                self.store.put(level, position, node)
            if level < self.depth:
                sibling = before.siblings[level]
                node = poseidon([sibling, node] if position & 1 else [node, sibling])
        return MerkleUpdate(index, before.leaf, leaf, before.siblings, before.root, node)

    def set(self, index: int, leaf: int) -> None:
        """Set the leaf at ``index``."""
        self.update(index, leaf)
