"""TEMPORARY test doubles for Poseidon, EdDSA-Poseidon and the sparse Merkle tree.

Installed by conftest only while ``zkel.circuits.poseidon`` / ``eddsa`` / ``smt`` are
absent from the checkout (another engineer is writing them); they follow the agreed
API, not the real cryptography (the hash is SHA-256 reduced mod r and a "signature"
is a keyed hash anyone holding the public key could forge). Remove this file once
the real modules land.
"""

from __future__ import annotations

import hashlib
import sys
import types
from dataclasses import dataclass

R = 21888242871839275222246405745257275088548364400416722265358088549525817569601


def poseidon(inputs: list[int]) -> int:
    if not 1 <= len(inputs) <= 16 or any(not 0 <= int(x) < R for x in inputs):
        raise ValueError("poseidon takes 1..16 field elements")
    data = b"".join(int(x).to_bytes(32, "big") for x in inputs)
    return int.from_bytes(hashlib.sha256(data).digest(), "big") % R


class PrivateKey:
    def __init__(self, key: bytes) -> None:
        self.key = bytes(key)

    def public_key(self) -> tuple[int, int]:
        h = hashlib.sha256(self.key).digest()
        return (int.from_bytes(h, "big") % R, poseidon([int.from_bytes(h, "big") % R]))

    def sign_poseidon(self, msg: int) -> tuple[int, int, int]:
        pub = self.public_key()
        return (poseidon([pub[0], msg]), poseidon([pub[1], msg]), 7)


def verify_poseidon(pub: tuple[int, int], msg: int, sig: tuple[int, int, int]) -> bool:
    return tuple(sig) == (poseidon([pub[0], msg]), poseidon([pub[1], msg]), 7)


class _MemStore:
    def __init__(self) -> None:
        self.d: dict[tuple[int, int], int] = {}

    def get(self, level: int, index: int) -> int | None:
        return self.d.get((level, index))

    def put(self, level: int, index: int, value: int) -> None:
        self.d[(level, index)] = value

    def delete(self, level: int, index: int) -> None:
        self.d.pop((level, index), None)


@dataclass(frozen=True)
class MerkleProof:
    index: int
    leaf: int
    siblings: list[int]
    root: int


@dataclass(frozen=True)
class MerkleUpdate:
    index: int
    old_leaf: int
    new_leaf: int
    siblings: list[int]
    old_root: int
    new_root: int


class SparseMerkleTree:
    def __init__(self, depth: int, store=None) -> None:
        self.depth = depth
        self.store = store if store is not None else _MemStore()
        self.zeros = [0]
        for _ in range(depth):
            self.zeros.append(poseidon([self.zeros[-1], self.zeros[-1]]))

    def _node(self, level: int, index: int) -> int:
        v = self.store.get(level, index)
        return self.zeros[level] if v is None else v

    @property
    def root(self) -> int:
        return self._node(self.depth, 0)

    def get(self, i: int) -> int:
        return self._node(0, i)

    def proof(self, i: int) -> MerkleProof:
        sib = [self._node(level, (i >> level) ^ 1) for level in range(self.depth)]
        return MerkleProof(i, self.get(i), sib, self.root)

    def set(self, i: int, leaf: int) -> None:
        self.update(i, leaf)

    def update(self, i: int, leaf: int) -> MerkleUpdate:
        if not 0 <= i < 1 << self.depth:
            raise ValueError("index out of range")
        pr = self.proof(i)
        node = leaf
        for level in range(self.depth + 1):
            idx = i >> level
            if node == self.zeros[level]:
                self.store.delete(level, idx)
            else:
                self.store.put(level, idx, node)
            if level == self.depth:
                break
            s = pr.siblings[level]
            node = poseidon([s, node] if idx & 1 else [node, s])
        return MerkleUpdate(i, pr.leaf, leaf, pr.siblings, pr.root, node)


def install() -> None:
    """Register the doubles as ``zkel.circuits.poseidon``/``eddsa``/``smt`` where missing."""
    import zkel.circuits as circuits

    for name, attrs in (
        ("poseidon", {"poseidon": poseidon}),
        ("eddsa", {"PrivateKey": PrivateKey, "verify_poseidon": verify_poseidon}),
        (
            "smt",
            {
                "SparseMerkleTree": SparseMerkleTree,
                "MerkleProof": MerkleProof,
                "MerkleUpdate": MerkleUpdate,
            },
        ),
    ):
        full = f"zkel.circuits.{name}"
        try:
            __import__(full)
            continue
        except ModuleNotFoundError as exc:
            if exc.name != full:
                raise
        mod = types.ModuleType(full)
        mod.__dict__.update(attrs)
        sys.modules[full] = mod
        setattr(circuits, name, mod)
