"""4-ary sparse Merkle tree against a naive full-tree model: roots, proofs, updates,
the flat sibling layout, the store protocol (sparse, write-through, nothing written
on bad input), bounds, and where two paths meet (reordering two updates)."""

import random

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
    meeting,
    path_nodes,
    place,
    position,
    sibling_slot,
    verify_proof,
)
from zkel.circuits.transition.witness import reorder

DEPTH = 6  # 3 levels of 4-ary nodes, 64 leaves
LEVELS = DEPTH // 2


def naive_levels(leaves: dict[int, int], depth: int) -> list[list[int]]:
    """Every node of the full 4-ary tree, level 0 (leaves) first."""
    levels = [[leaves.get(i, 0) for i in range(1 << depth)]]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([poseidon(below[i : i + 4]) for i in range(0, len(below), 4)])
    return levels


def naive_siblings(levels: list[list[int]], index: int) -> list[int]:
    """The flat sibling list read off the full tree: per level, the parent's other children."""
    out = []
    for lv in range(len(levels) - 1):
        node = index >> (2 * lv)
        out += [levels[lv][(node & ~3) + c] for c in range(4) if c != node & 3]
    return out


class RecordingStore(DictNodeStore):
    """A DictNodeStore that logs writes."""

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


@settings(max_examples=20, derandomize=True, deadline=None)
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
    assert len(levels) == LEVELS + 1
    assert tree.root == levels[LEVELS][0]
    # sparse: exactly the nodes that differ from their level's empty subtree are stored
    empty = empty_hashes(LEVELS)
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
        assert list(proof.siblings) == naive_siblings(levels, index)
        nodes = path_nodes(proof.leaf, index, proof.siblings)
        assert nodes == [levels[lv][index >> (2 * lv)] for lv in range(LEVELS + 1)]


@pytest.mark.parametrize("depth", [2, 4, 8])
def test_random_updates_at_small_depths(depth):
    rng = random.Random(depth)
    tree = SparseMerkleTree(depth)
    model: dict[int, int] = {}
    for _ in range(10):
        index, leaf = rng.randrange(1 << depth), rng.randrange(R)
        upd = tree.update(index, leaf)
        model[index] = leaf
        assert len(upd.siblings) == 3 * depth // 2
        assert compute_root(leaf, index, upd.siblings) == tree.root
    levels = naive_levels(model, depth)
    assert tree.root == levels[-1][0]
    for index in [0, (1 << depth) - 1, *rng.sample(range(1 << depth), 3)]:
        assert list(tree.proof(index).siblings) == naive_siblings(levels, index)


def test_sibling_layout_skips_the_own_position():
    tree = SparseMerkleTree(2)  # one level: four leaves under the root
    for i, v in enumerate([10, 11, 12, 13]):
        tree.set(i, v)
    assert tree.root == poseidon([10, 11, 12, 13])
    assert [list(tree.proof(i).siblings) for i in range(4)] == [
        [11, 12, 13],
        [10, 12, 13],
        [10, 11, 13],
        [10, 11, 12],
    ]
    assert place(99, 2, [10, 11, 13]) == [10, 11, 99, 13]
    assert [position(0b10_01_11, lv) for lv in range(3)] == [3, 1, 2]


def test_empty_tree_root_is_the_precomputed_value():
    empty = empty_hashes(LEVELS)
    assert len(empty) == LEVELS + 1
    assert empty[0] == 0 and empty[1] == poseidon([0, 0, 0, 0])
    assert all(empty[lv + 1] == poseidon([empty[lv]] * 4) for lv in range(LEVELS))
    tree = SparseMerkleTree(DEPTH)
    assert tree.root == empty[LEVELS] == naive_levels({}, DEPTH)[LEVELS][0]
    assert SparseMerkleTree(32).root == empty_hashes(16)[16]
    assert empty_hashes(16)[: LEVELS + 1] == empty


def test_clearing_leaves_stores_nothing():
    tree = SparseMerkleTree(DEPTH)
    tree.set(3, 42)
    tree.set(9, 7)
    tree.set(3, 0)
    tree.set(9, 0)
    assert tree.root == empty_hashes(LEVELS)[LEVELS]
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
    assert len(upd.siblings) == 3 * LEVELS
    assert upd.siblings[:3] == (0, 0, 0)  # leaf 2's neighbours 0, 1, 3 are empty
    assert upd.siblings[3:] == (empty_hashes(LEVELS)[1],) * 3 + (empty_hashes(LEVELS)[2],) * 3


def test_wrong_proofs_fail():
    tree = SparseMerkleTree(DEPTH)
    tree.set(5, 9)
    tree.set(6, 3)
    good = tree.proof(5)
    siblings = list(good.siblings)
    assert verify_proof(good)
    assert not verify_proof(MerkleProof(5, 10, siblings, good.root))
    assert not verify_proof(MerkleProof(4, 9, siblings, good.root))
    assert not verify_proof(MerkleProof(7, 9, siblings, good.root))  # same pair, other slot
    for k in range(len(siblings)):
        bad = list(siblings)
        bad[k] = (bad[k] + 1) % R
        assert not verify_proof(MerkleProof(5, 9, bad, good.root)), k
    swapped = [siblings[1], siblings[0], *siblings[2:]]  # 4 and 6 out of child order
    assert not verify_proof(MerkleProof(5, 9, swapped, good.root))
    assert not verify_proof(MerkleProof(5, 9, siblings[:-1], good.root))
    assert not verify_proof(MerkleProof(5, 9, siblings[:-3], good.root))
    assert not verify_proof(MerkleProof(1 << DEPTH, 9, siblings, good.root))
    assert not verify_proof(MerkleProof(5, R, siblings, good.root))  # leaf ≥ r
    assert not verify_proof(MerkleProof(5, 9, [R, *siblings[1:]], good.root))


def test_writes_go_through_the_store_one_per_level():
    store = RecordingStore()
    tree = SparseMerkleTree(DEPTH, store=store)
    tree.set(27, 1)
    assert store.log == [("put", level, 27 >> (2 * level)) for level in range(LEVELS + 1)]
    store.log.clear()
    tree.set(27, 0)
    assert store.log == [("delete", level, 27 >> (2 * level)) for level in range(LEVELS + 1)]


def test_reopening_a_store_gives_the_same_tree():
    store = DictNodeStore()
    tree = SparseMerkleTree(DEPTH, store=store)
    tree.set(1, 5)
    tree.set(54, 6)
    again = SparseMerkleTree(DEPTH, store=store)
    assert again.root == tree.root and again.get(54) == 6


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
    assert store.log == [] and tree.root == empty_hashes(LEVELS)[LEVELS]


@pytest.mark.parametrize("index", [-1, 1 << DEPTH, 1.0, True])
def test_index_bounds(index):
    tree = SparseMerkleTree(DEPTH)
    for call in (lambda: tree.set(index, 1), lambda: tree.get(index), lambda: tree.proof(index)):
        with pytest.raises(ValueError, match="outside"):
            call()


def test_compute_root_bounds():
    with pytest.raises(ValueError, match="outside"):
        compute_root(1, 16, [0] * 6)
    with pytest.raises(ValueError, match="must be an int"):
        compute_root(1, 1.0, [0] * 3)
    with pytest.raises(ValueError, match="3 per level"):
        compute_root(1, 0, [0, 0])
    assert path_nodes(7, 0, []) == [7]
    assert compute_root(7, 15, [0] * 6) != compute_root(7, 14, [0] * 6)


@pytest.mark.parametrize("depth", [0, 66, 2.0, True, None])
def test_depth_bounds(depth):
    with pytest.raises(ValueError, match="tree depth must be an integer in 2..64"):
        SparseMerkleTree(depth)


@pytest.mark.parametrize("depth", [1, 3, 31, 63])
def test_odd_depth_is_refused(depth):
    with pytest.raises(ValueError, match="tree depth must be even .*4-ary"):
        SparseMerkleTree(depth)
    with pytest.raises(ValueError, match="must be even"):
        meeting(0, 1, depth)


def test_production_depth_is_sparse():
    tree = SparseMerkleTree(32)
    assert tree.levels == 16
    tree.set(2**32 - 1, 7)
    tree.set(0, 8)
    assert verify_proof(tree.proof(2**32 - 1)) and verify_proof(tree.proof(12345))
    assert len(tree.proof(0).siblings) == 48
    assert len(tree.store.nodes) == 2 * 16 + 1  # two paths sharing only the root


def test_largest_depth():
    tree = SparseMerkleTree(64)
    tree.set(2**64 - 1, 1)
    assert verify_proof(tree.proof(2**64 - 1)) and tree.get(2**64 - 1) == 1


# -- where two paths meet --------------------------------------------------------------


def test_meeting_by_hand():
    # leaves 0 and 3 share their parent: level 0, 3 is i's third sibling, 0 is j's first
    assert meeting(0, 3, 4) == (0, 2, 0)
    assert meeting(5, 6, 4) == (0, 1, 1)  # positions 1 and 2 under node 1: c2, c1
    assert meeting(1, 4, 4) == (1, 0, 0)  # level-1 nodes 0 and 1
    assert meeting(0, 15, 4) == (1, 2, 0)
    assert meeting(2**32 - 1, 0, 32) == (15, 0, 2)
    assert [sibling_slot(2, c) for c in (0, 1, 3)] == [0, 1, 2]


def test_meeting_refuses_bad_input():
    with pytest.raises(ValueError, match="same leaf"):
        meeting(7, 7, 4)
    with pytest.raises(ValueError, match="outside"):
        meeting(0, 16, 4)
    with pytest.raises(ValueError, match="distinct"):
        sibling_slot(1, 1)


@pytest.mark.parametrize("seed", range(12))
def test_meeting_reorders_two_updates(seed):
    rng = random.Random(seed)
    depth = rng.choice([2, 4, 6, 10])
    tree = SparseMerkleTree(depth)
    for _ in range(6):
        tree.set(rng.randrange(1 << depth), rng.randrange(R))
    if seed < 4:  # the extreme pair, and neighbours in one parent
        i, j = [(0, (1 << depth) - 1), ((1 << depth) - 1, 0), (0, 1), (2, 3)][seed]
    else:
        i, j = rng.sample(range(1 << depth), 2)
    root0 = tree.root
    u1 = tree.update(i, rng.randrange(R))
    u2 = tree.update(j, rng.randrange(R))
    level, slot_i, slot_j = meeting(i, j, depth)
    # the meeting entry is the other path's node; every other entry is shared or unchanged
    assert u2.siblings[3 * level + slot_j] == path_nodes(u1.new_leaf, i, u1.siblings)[level]
    assert u1.siblings[3 * level + slot_i] == path_nodes(u2.old_leaf, j, u2.siblings)[level]
    assert u1.siblings[3 * (level + 1) :] == u2.siblings[3 * (level + 1) :]

    def d(u):
        return {"index": u.index, "old_leaf": u.old_leaf, "new_leaf": u.new_leaf,
                "siblings": list(u.siblings)}  # fmt: skip

    first, second = reorder(d(u1), d(u2))  # the witness builder's, through meeting
    assert first["index"] == j and second["index"] == i
    assert compute_root(first["old_leaf"], j, first["siblings"]) == root0
    mid = compute_root(first["new_leaf"], j, first["siblings"])
    assert mid != root0 or first["new_leaf"] == first["old_leaf"]
    assert compute_root(second["old_leaf"], i, second["siblings"]) == mid
    assert compute_root(second["new_leaf"], i, second["siblings"]) == tree.root
    # a wrong slot gives a wrong path (the slot is not arbitrary)
    wrong = dict(d(u2), siblings=list(u2.siblings))
    wrong["siblings"][3 * level + (slot_j + 1) % 3] = first["siblings"][3 * level + slot_j]
    assert compute_root(wrong["old_leaf"], j, wrong["siblings"]) != root0
