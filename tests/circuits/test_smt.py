"""Sparse Merkle tree against a naive full-tree model: roots, proofs, updates, the
store protocol (sparse, write-through, nothing written on bad input), bounds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits.bn254 import R
from zkel.circuits.poseidon import poseidon
from zkel.circuits.smt import (
    DictNodeStore,
    MerkleProof,
    SparseMerkleTree,
    compute_root,
    empty_hashes,
    path_nodes,
    verify_proof,
)

DEPTH = 4


def naive_levels(leaves: dict[int, int], depth: int) -> list[list[int]]:
    """Every node of the full tree, level 0 (leaves) first."""
    levels = [[leaves.get(i, 0) for i in range(1 << depth)]]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([poseidon([below[i], below[i + 1]]) for i in range(0, len(below), 2)])
    return levels


class RecordingStore(DictNodeStore):
    """A DictNodeStore that logs writes and can roll back to a snapshot (a transaction)."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, int, int]] = []

    def put(self, level: int, index: int, value: int) -> None:
        self.log.append(("put", level, index))
        super().put(level, index, value)

    def delete(self, level: int, index: int) -> None:
        self.log.append(("delete", level, index))
        super().delete(level, index)


leaf_values = st.one_of(st.just(0), st.integers(1, 2**64), st.just(R - 1))


@settings(max_examples=25, derandomize=True, deadline=None)
@given(st.lists(st.tuples(st.integers(0, (1 << DEPTH) - 1), leaf_values), max_size=12))
def test_matches_naive_model(ops):
    tree = SparseMerkleTree(DEPTH)
    model: dict[int, int] = {}
    for index, leaf in ops:
        upd = tree.update(index, leaf)
        assert upd.old_leaf == model.get(index, 0)
        assert compute_root(upd.old_leaf, index, upd.siblings) == upd.old_root
        model[index] = leaf
        assert compute_root(leaf, index, upd.siblings) == upd.new_root == tree.root
    levels = naive_levels(model, DEPTH)
    assert tree.root == levels[DEPTH][0]
    # sparse: exactly the nodes that differ from their level's empty subtree are stored
    empty = empty_hashes(DEPTH)
    expected = {
        (level, i): v
        for level, row in enumerate(levels)
        for i, v in enumerate(row)
        if v != empty[level]
    }
    assert tree.store.nodes == expected
    for index in range(1 << DEPTH):
        proof = tree.proof(index)
        assert tree.get(index) == proof.leaf == model.get(index, 0)
        assert verify_proof(proof)
        assert list(proof.siblings) == [levels[lv][(index >> lv) ^ 1] for lv in range(DEPTH)]


def test_empty_tree_root_is_the_precomputed_value():
    empty = empty_hashes(DEPTH)
    assert empty[0] == 0 and empty[1] == poseidon([0, 0])
    assert all(empty[lv + 1] == poseidon([empty[lv], empty[lv]]) for lv in range(DEPTH))
    tree = SparseMerkleTree(DEPTH)
    assert tree.root == empty[DEPTH] == naive_levels({}, DEPTH)[DEPTH][0]
    assert SparseMerkleTree(32).root == empty_hashes(32)[32]


def test_clearing_leaves_stores_nothing():
    tree = SparseMerkleTree(DEPTH)
    tree.set(3, 42)
    tree.set(9, 7)
    tree.set(3, 0)
    tree.set(9, 0)
    assert tree.root == empty_hashes(DEPTH)[DEPTH]
    assert tree.store.nodes == {}


def test_proof_of_absent_leaf():
    tree = SparseMerkleTree(DEPTH)
    tree.set(5, 9)
    proof = tree.proof(6)
    assert proof.leaf == 0 and verify_proof(proof)
    assert not verify_proof(MerkleProof(6, 1, proof.siblings, proof.root))


def test_update_record():
    tree = SparseMerkleTree(DEPTH)
    tree.set(2, 11)
    old_root = tree.root
    upd = tree.update(2, 12)
    assert (upd.index, upd.old_leaf, upd.new_leaf) == (2, 11, 12)
    assert (upd.old_root, upd.new_root) == (old_root, tree.root)
    assert len(upd.siblings) == DEPTH


def test_wrong_proofs_fail():
    tree = SparseMerkleTree(DEPTH)
    tree.set(5, 9)
    good = tree.proof(5)
    siblings = list(good.siblings)
    assert verify_proof(good)
    assert not verify_proof(MerkleProof(5, 10, siblings, good.root))
    assert not verify_proof(MerkleProof(4, 9, siblings, good.root))
    assert not verify_proof(MerkleProof(5, 9, [siblings[0] + 1, *siblings[1:]], good.root))
    assert not verify_proof(MerkleProof(5, 9, siblings[:-1], good.root))
    assert not verify_proof(MerkleProof(1 << DEPTH, 9, siblings, good.root))
    assert not verify_proof(MerkleProof(5, R, siblings, good.root))  # leaf ≥ r
    assert not verify_proof(MerkleProof(5, 9, [R, *siblings[1:]], good.root))


def test_writes_go_through_the_store_one_per_level():
    store = RecordingStore()
    tree = SparseMerkleTree(DEPTH, store=store)
    tree.set(6, 1)
    assert store.log == [("put", level, 6 >> level) for level in range(DEPTH + 1)]
    store.log.clear()
    tree.set(6, 0)
    assert store.log == [("delete", level, 6 >> level) for level in range(DEPTH + 1)]


def test_reopening_a_store_gives_the_same_tree():
    store = DictNodeStore()
    tree = SparseMerkleTree(DEPTH, store=store)
    tree.set(1, 5)
    tree.set(14, 6)
    again = SparseMerkleTree(DEPTH, store=store)
    assert again.root == tree.root and again.get(14) == 6


def test_a_rolled_back_store_is_a_consistent_tree():
    store = DictNodeStore()
    tree = SparseMerkleTree(DEPTH, store=store)
    tree.set(3, 4)
    snapshot, root = dict(store.nodes), tree.root
    tree.set(3, 5)
    tree.set(8, 1)
    store.nodes = snapshot  # what a transaction rollback does to the store
    assert tree.root == root and tree.get(8) == 0 and verify_proof(tree.proof(3))


@pytest.mark.parametrize("leaf", [R, -1, 1.5, True, None])
def test_bad_leaf_is_rejected_and_nothing_written(leaf):
    store = RecordingStore()
    tree = SparseMerkleTree(DEPTH, store=store)
    with pytest.raises(ValueError, match="field element"):
        tree.set(3, leaf)
    assert store.log == [] and tree.root == empty_hashes(DEPTH)[DEPTH]


@pytest.mark.parametrize("index", [-1, 1 << DEPTH, 1.0, True])
def test_index_bounds(index):
    tree = SparseMerkleTree(DEPTH)
    for call in (lambda: tree.set(index, 1), lambda: tree.get(index), lambda: tree.proof(index)):
        with pytest.raises(ValueError, match="outside"):
            call()


def test_compute_root_bounds():
    with pytest.raises(ValueError, match="outside"):
        compute_root(1, 4, [0, 0])
    with pytest.raises(ValueError, match="must be an int"):
        compute_root(1, 1.0, [0, 0])
    assert path_nodes(7, 0, []) == [7]


@pytest.mark.parametrize("depth", [0, 65, 2.0, True])
def test_depth_bounds(depth):
    with pytest.raises(ValueError, match="tree depth"):
        SparseMerkleTree(depth)


def test_production_depth_is_sparse():
    tree = SparseMerkleTree(32)
    tree.set(2**32 - 1, 7)
    tree.set(0, 8)
    assert verify_proof(tree.proof(2**32 - 1)) and verify_proof(tree.proof(12345))
    assert len(tree.store.nodes) == 2 * 32 + 1  # two paths sharing only the root
