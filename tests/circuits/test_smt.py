"""Sparse Merkle tree against a naive full-tree model, proofs, updates, bounds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkel.circuits.poseidon import poseidon
from zkel.circuits.smt import (
    MerkleProof,
    SparseMerkleTree,
    compute_root,
    empty_hashes,
    verify_proof,
)

DEPTH = 4


def naive_root(leaves: dict[int, int], depth: int) -> int:
    level = [leaves.get(i, 0) for i in range(1 << depth)]
    while len(level) > 1:
        level = [poseidon([level[i], level[i + 1]]) for i in range(0, len(level), 2)]
    return level[0]


@settings(max_examples=20, derandomize=True, deadline=None)
@given(st.lists(st.tuples(st.integers(0, (1 << DEPTH) - 1), st.integers(0, 2**64)), max_size=12))
def test_matches_naive_model(ops):
    tree = SparseMerkleTree(DEPTH)
    model: dict[int, int] = {}
    for index, leaf in ops:
        upd = tree.update(index, leaf)
        assert upd.old_leaf == model.get(index, 0)
        assert compute_root(upd.old_leaf, index, upd.siblings) == upd.old_root
        model[index] = leaf
        assert compute_root(leaf, index, upd.siblings) == upd.new_root == tree.root
    assert tree.root == naive_root(model, DEPTH)
    for index in range(1 << DEPTH):
        proof = tree.proof(index)
        assert proof.leaf == model.get(index, 0) and verify_proof(proof)


def test_empty_tree_and_clearing_leaves_store_nothing():
    tree = SparseMerkleTree(DEPTH)
    assert tree.root == empty_hashes(DEPTH)[DEPTH] == naive_root({}, DEPTH)
    tree.set(3, 42)
    tree.set(3, 0)
    assert tree.root == empty_hashes(DEPTH)[DEPTH]
    assert tree.store.nodes == {}


def test_wrong_proofs_fail():
    tree = SparseMerkleTree(DEPTH)
    tree.set(5, 9)
    good = tree.proof(5)
    assert not verify_proof(MerkleProof(5, 10, good.siblings, good.root))
    assert not verify_proof(MerkleProof(4, 9, good.siblings, good.root))
    assert not verify_proof(MerkleProof(1 << DEPTH, 9, good.siblings, good.root))


def test_production_depth_is_sparse():
    tree = SparseMerkleTree(32)
    tree.set(2**32 - 1, 7)
    assert verify_proof(tree.proof(2**32 - 1))
    assert len(tree.store.nodes) == 33


@pytest.mark.parametrize("index", [-1, 1 << DEPTH])
def test_index_bounds(index):
    with pytest.raises(ValueError, match="outside"):
        SparseMerkleTree(DEPTH).set(index, 1)


def test_depth_bounds():
    with pytest.raises(ValueError, match="tree depth"):
        SparseMerkleTree(0)
