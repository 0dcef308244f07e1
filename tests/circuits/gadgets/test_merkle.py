"""4-ary Merkle paths in R1CS against the native tree: roots and updates equal the
native ones on random and extreme indexes, the placement against a naive model for
every position, wrong siblings and wrong bits fail, constraint counts pinned."""

from __future__ import annotations

import random

import pytest

from zkel.circuits import smt
from zkel.circuits.bn254 import R
from zkel.circuits.gadgets import merkle
from zkel.circuits.r1cs import ConstraintSystem


def _tree(depth: int, rng: random.Random) -> smt.SparseMerkleTree:
    tree = smt.SparseMerkleTree(depth)
    for _ in range(6):
        tree.set(rng.randrange(1 << depth), rng.randrange(R))
    return tree


def _update_cs(
    depth: int, index: int, upd: smt.MerkleUpdate, *, old_leaf: int | None = None
) -> tuple[ConstraintSystem, object]:
    """A system proving ``upd`` at ``index`` (index, leaves, siblings and root as inputs)."""
    cs = ConstraintSystem()
    bits = merkle.index_bits(cs, cs.private_input("i", index), depth)
    sibs = [cs.private_input(f"s{k}", s) for k, s in enumerate(upd.siblings)]
    new_root = merkle.update(
        cs,
        cs.private_input("old", upd.old_leaf if old_leaf is None else old_leaf),
        cs.private_input("new", upd.new_leaf),
        bits,
        sibs,
        cs.private_input("root", upd.old_root),
    )
    return cs, new_root


@pytest.mark.parametrize("position", range(4))
def test_children_place_the_node_among_its_siblings(position: int) -> None:
    rng = random.Random(position)
    node, *sibs = (rng.randrange(R) for _ in range(4))
    cs = ConstraintSystem()
    b0 = cs.private_input("b0", position & 1)
    b1 = cs.private_input("b1", position >> 1)
    wires = [cs.private_input(f"s{k}", s) for k, s in enumerate(sibs)]
    kids = merkle.children(cs, cs.private_input("x", node), b0, b1, wires, "l0")
    assert [k.value for k in kids] == smt.place(node, position, sibs)
    assert cs.n_constraints == merkle.PLACE_COST == 4
    cs.check()


@pytest.mark.parametrize("depth", [2, 4, 10])
def test_root_matches_native_on_random_and_extreme_indexes(depth: int) -> None:
    rng = random.Random(depth)
    tree = _tree(depth, rng)
    for index in [0, (1 << depth) - 1, rng.randrange(1 << depth)]:
        proof = tree.proof(index)
        cs = ConstraintSystem()
        bits = merkle.index_bits(cs, cs.private_input("i", index), depth)
        sibs = [cs.private_input(f"s{k}", s) for k, s in enumerate(proof.siblings)]
        got = merkle.root(cs, cs.private_input("leaf", proof.leaf), bits, sibs)
        assert got.value == proof.root == tree.root
        cs.check()
        assert cs.n_constraints == depth + 1 + merkle.LEVEL_COST * depth // 2


@pytest.mark.parametrize("depth", [2, 6, 12])
def test_update_matches_native(depth: int) -> None:
    rng = random.Random(100 + depth)
    tree = _tree(depth, rng)
    for index in [0, (1 << depth) - 1, rng.randrange(1 << depth)]:
        upd = tree.update(index, rng.randrange(R))
        cs, new_root = _update_cs(depth, index, upd)
        assert new_root.value == upd.new_root == tree.root
        cs.check()
        assert cs.n_constraints == depth + 1 + 2 * merkle.LEVEL_COST * depth // 2 + 1


def test_wrong_sibling_leaf_or_bits_fail() -> None:
    depth = 6
    rng = random.Random(7)
    tree = _tree(depth, rng)
    tree.set(45, 5)
    tree.set(46, 6)
    index = 45
    upd = tree.update(index, rng.randrange(R))
    good, _ = _update_cs(depth, index, upd)
    assert good.is_satisfied()
    # a wrong old leaf breaks the old-root check
    assert not _update_cs(depth, index, upd, old_leaf=(upd.old_leaf + 1) % R)[0].is_satisfied()
    # every sibling entry matters
    for k in range(len(upd.siblings)):
        sibs = list(upd.siblings)
        sibs[k] = (sibs[k] + 1) % R
        bad = smt.MerkleUpdate(index, upd.old_leaf, upd.new_leaf, sibs, upd.old_root, 0)
        assert not _update_cs(depth, index, bad)[0].is_satisfied(), k
    # other index bits (another position in each level, and a neighbour in the same parent)
    for other in (44, 46, 47, 41, 29, 0):
        assert not _update_cs(depth, other, upd)[0].is_satisfied(), other


def test_bad_shapes_are_refused() -> None:
    cs = ConstraintSystem()
    bits = merkle.index_bits(cs, cs.private_input("i", 1), 4)
    with pytest.raises(ValueError, match="4 index bits for 3 siblings"):
        merkle.root(cs, 0, bits, [0] * 3)
    with pytest.raises(ValueError, match="2 bits per level"):
        merkle.root(cs, 0, bits[:3], [0] * 3)


def test_depth_32_update_cost() -> None:
    """The transition circuit's account update: 16 levels of Poseidon(4) per path."""
    cs = ConstraintSystem(with_values=False)  # the shape alone, as the circuit's setup
    bits = merkle.index_bits(cs, cs.private_input("i"), 32)
    assert cs.n_constraints == 33
    merkle.update(
        cs,
        cs.private_input("old"),
        cs.private_input("new"),
        bits,
        [cs.private_input(f"s{k}") for k in range(48)],
        cs.private_input("root"),
    )
    assert merkle.LEVEL_COST == 301
    assert cs.n_constraints - 33 == 9_633 == 2 * 16 * 301 + 1
