"""Witness helpers: reordering two updates, record conversion errors."""

from __future__ import annotations

import random

import pytest

from zkel.circuits import smt
from zkel.circuits.bn254 import R
from zkel.circuits.transition.witness import UnsupportedRecord, reorder, slot_from_record


@pytest.mark.parametrize("seed", range(12))
def test_reorder_gives_valid_paths_in_the_other_order(seed: int) -> None:
    rng = random.Random(seed)
    depth = rng.choice([2, 4, 8])
    tree = smt.SparseMerkleTree(depth)
    for _ in range(5):
        tree.set(rng.randrange(1 << depth), rng.randrange(R))
    i, j = rng.sample(range(1 << depth), 2)
    root0 = tree.root
    u1 = tree.update(i, rng.randrange(R))
    u2 = tree.update(j, rng.randrange(R))

    def d(u: smt.MerkleUpdate) -> dict:
        return {
            "index": u.index,
            "old_leaf": u.old_leaf,
            "new_leaf": u.new_leaf,
            "siblings": list(u.siblings),
        }

    first, second = reorder(d(u1), d(u2))
    assert first["index"] == j and second["index"] == i
    assert smt.compute_root(first["old_leaf"], j, first["siblings"]) == root0
    mid = smt.compute_root(first["new_leaf"], j, first["siblings"])
    assert smt.compute_root(second["old_leaf"], i, second["siblings"]) == mid
    assert smt.compute_root(second["new_leaf"], i, second["siblings"]) == tree.root


def test_unsupported_record_kind_is_named() -> None:
    with pytest.raises(UnsupportedRecord, match="'margin_call'"):
        slot_from_record({"seq": 5, "kind": "margin_call", "tx": {}, "updates": []})


def test_auto_deleveraging_is_refused_by_name() -> None:
    record = {"seq": 9, "kind": "liquidation", "tx": {"account": 4, "mode": "adl"}, "updates": []}
    with pytest.raises(UnsupportedRecord, match="record 9.*auto-deleveraging"):
        slot_from_record(record)
