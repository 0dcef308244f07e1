"""Binary Merkle paths of :mod:`zkel.circuits.smt` in R1CS (Poseidon, two inputs).

Level ``l`` of the path hashes ``poseidon([node, sibling])`` when bit ``l`` of the
index is 0 and ``poseidon([sibling, node])`` when it is 1; ``siblings`` are listed
bottom-up, as :class:`zkel.circuits.smt.MerkleUpdate` records them. Costs:

=========================  =====================================
``index_bits(depth)``      depth + 1 (the index as a depth-bit value)
``root`` per level         241 (one selection + Poseidon(2))
``update`` (depth d)       2·241·d (old and new paths share bits and siblings)
=========================  =====================================
"""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits.gadgets.bits import to_bits
from zkel.circuits.gadgets.poseidon import poseidon
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.r1cs.lc import Operand


def index_bits(cs: ConstraintSystem, index: Operand, depth: int, name: str = "index") -> list[LC]:
    """The ``depth`` bits of a leaf index (least significant first); constrains the range."""
    return to_bits(cs, index, depth, name)


def root(
    cs: ConstraintSystem,
    leaf: Operand,
    bits: Sequence[LC],
    siblings: Sequence[Operand],
    name: str = "path",
) -> LC:
    """The root reached from ``leaf`` through ``siblings`` at the index with ``bits``."""
    if len(bits) != len(siblings):
        raise ValueError(f"{len(bits)} index bits for {len(siblings)} siblings")
    node = cs._lc(leaf)
    with cs.scope(name):
        for level, (bit, sibling) in enumerate(zip(bits, siblings, strict=True)):
            sibling = cs._lc(sibling)
            # left = bit ? sibling : node; right = node + sibling - left
            swap = cs.mul(bit, sibling - node, f"l{level}.swap")
            left = node + swap
            right = sibling - swap
            node = poseidon(cs, [left, right], f"l{level}")
    return node


def update(
    cs: ConstraintSystem,
    old_leaf: Operand,
    new_leaf: Operand,
    bits: Sequence[LC],
    siblings: Sequence[Operand],
    old_root: Operand,
    name: str = "update",
) -> LC:
    """Check ``old_leaf`` sits under ``old_root``; return the root with ``new_leaf`` there.

    The old and new paths share the index bits and the siblings, so a valid update
    changes exactly one leaf.
    """
    sibs = [cs._lc(s) for s in siblings]
    with cs.scope(name):
        old = root(cs, old_leaf, bits, sibs, "old")
        cs.enforce_equal(old, old_root, "old leaf is in the old root")
        return root(cs, new_leaf, bits, sibs, "new")
