"""4-ary Merkle paths of :mod:`zkel.circuits.smt` in R1CS (Poseidon, four inputs).

A path of ``depth`` index bits has ``depth / 2`` levels. At level ``l`` the node
sits at position ``p = b0 + 2·b1`` (``b0, b1`` = index bits ``2l, 2l + 1``) among
its parent's four children; the level's three siblings ``s0, s1, s2`` are the
other children in child order, as the flat list of
:class:`zkel.circuits.smt.MerkleUpdate` holds them (entries ``3l .. 3l + 2``).
The children, by position::

    p = 0: node s0   s1   s2
    p = 1: s0   node s1   s2
    p = 2: s0   s1   node s2
    p = 3: s0   s1   s2   node

Placing the node costs 4 multiplications, with ``q = b0·b1`` (1)::

    c0 = node + (b0 + b1 - q)·(s0 - node)      (1: node when p = 0, else s0)
    c3 = s2 + q·(node - s2)                    (1: node when p = 3, else s2)
    c1 = s0 + node - c0 + b1·(s1 - node)       (1)
    c2 = node + s0 + s1 + s2 - c0 - c1 - c3    (free)

Three are not enough in this sibling order: the children carry ``b0·b1·v`` terms
in two independent directions of the inputs (``node - s0`` and ``node - s2``); a
first product of two affine forms has none, a second can only multiply the first
by a bit, so the span of three products misses one of the children.

All values are canonical field elements. Costs (constraints, measured by the tests):

=========================  ==========================================================
``index_bits(depth)``      depth + 1 (the index as a depth-bit value)
``root`` per level         301 (4 for the placement + Poseidon(4): 297)
``update`` (depth d)       2·301·d/2 + 1 (old and new paths share bits and siblings)
depth 32 update            9,633, with its ``index_bits``: 9,666 (binary tree: 15,458)
=========================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits.gadgets.bits import to_bits
from zkel.circuits.gadgets.poseidon import poseidon
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.r1cs.lc import Operand

PLACE_COST = 4
LEVEL_COST = PLACE_COST + 297


def index_bits(cs: ConstraintSystem, index: Operand, depth: int, name: str = "index") -> list[LC]:
    """The ``depth`` bits of a leaf index (least significant first); constrains the range."""
    return to_bits(cs, index, depth, name)


def children(
    cs: ConstraintSystem, node: LC, b0: LC, b1: LC, siblings: Sequence[LC], name: str
) -> list[LC]:
    """The four children of one level: ``node`` at position ``b0 + 2·b1`` among ``siblings``.

    ``b0, b1`` must be constrained to bits (as :func:`index_bits` does); ``siblings``
    are the level's three other children in child order. 4 constraints.
    """
    s0, s1, s2 = siblings
    q = cs.mul(b0, b1, f"{name}.b0b1")
    c0 = node + cs.mul(b0 + b1 - q, s0 - node, f"{name}.c0")
    c3 = s2 + cs.mul(q, node - s2, f"{name}.c3")
    c1 = s0 + node - c0 + cs.mul(b1, s1 - node, f"{name}.c1")
    c2 = node + s0 + s1 + s2 - c0 - c1 - c3
    return [c0, c1, c2, c3]


def root(
    cs: ConstraintSystem,
    leaf: Operand,
    bits: Sequence[LC],
    siblings: Sequence[Operand],
    name: str = "path",
) -> LC:
    """The root reached from ``leaf`` at the index with ``bits`` through flat ``siblings``.

    ``bits``: the index's ``depth`` bits, least significant first (``depth`` even);
    ``siblings``: ``3 · depth / 2`` values, level 0 first, three per level in child
    order. ``301 · depth / 2`` constraints.

    Raises
    ------
    ValueError
        When the number of bits is odd or does not match the number of siblings.
    """
    if len(bits) % 2:
        raise ValueError(f"{len(bits)} index bits: a 4-ary path takes 2 bits per level")
    if 3 * len(bits) != 2 * len(siblings):
        raise ValueError(
            f"{len(bits)} index bits for {len(siblings)} siblings "
            f"(a 4-ary path has 3 siblings per 2 bits)"
        )
    node = cs._lc(leaf)
    sibs = [cs._lc(s) for s in siblings]
    with cs.scope(name):
        for level in range(len(bits) // 2):
            b0, b1 = bits[2 * level], bits[2 * level + 1]
            kids = children(cs, node, b0, b1, sibs[3 * level : 3 * level + 3], f"l{level}")
            node = poseidon(cs, kids, f"l{level}")
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

    The old and new paths share the index bits and the flat siblings, so a valid
    update changes exactly one leaf. ``2 · 301 · depth / 2 + 1`` constraints.
    """
    sibs = [cs._lc(s) for s in siblings]
    with cs.scope(name):
        old = root(cs, old_leaf, bits, sibs, "old")
        cs.enforce_equal(old, old_root, "old leaf is in the old root")
        return root(cs, new_leaf, bits, sibs, "new")
