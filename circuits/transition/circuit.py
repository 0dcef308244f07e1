"""The batch circuit: slots chained from the old state root to the new one.

Public inputs, in order: ``old_root``, ``new_root``, ``commitment`` (see
:mod:`zkel.circuits.transition.pubdata`). Private: the accounts root and market
fields at the batch's start, the batch number, and each slot's witness.

::

    old_root   = poseidon([accounts_root_0, markets_root(markets_0)])
    slot k     : (accounts_root_k, markets_k) -> (accounts_root_k+1, markets_k+1)
    new_root   = poseidon([accounts_root_n, markets_root(markets_n)])
    commitment = sha256(batch_number u64 ‖ slot bytes ...) with the top 3 bits cleared

A witness (``BatchWitness``) is a plain dict, JSON-ready, canonical field elements::

    {"batch_number": int, "accounts_root": int,
     "markets": [{"exists": 0|1, <MARKET_FIELDS>: int, ...} x M],
     "slots": [{"type": TxType, "tx": {...}, "a": update|null, "b": update|null,
                "signature": [r8x, r8y, s]|null,
                "orders": {"oa": order, "ob": order}} x n_slots]}

with ``update = {"index", "before": account|null, "after": account, "siblings"}``,
``account = {"exists", "pubkey": [x, y], "collateral", "nonce", "positions": [[size,
findex] x M], "orders": [[order_hash, remaining] x K]}`` (signed values mod r) and
``order = {account, market, side, price, size, expiry, nonce}`` (``ORDER_FIELDS``).
``tx`` holds the slot's fields of :data:`~zkel.circuits.transition.slot.TX_FIELDS`
(absent ones are 0). A funding tick can only be slot 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from zkel.circuits.gadgets.poseidon import poseidon
from zkel.circuits.gadgets.sha256 import sha256
from zkel.circuits.r1cs import ConstraintSystem
from zkel.circuits.transition.layout import MARKETS
from zkel.circuits.transition.pubdata import COMMITMENT_MASK
from zkel.circuits.transition.slot import _be_bits, build_slot
from zkel.circuits.transition.state import MarketWires, markets_root


@dataclass(frozen=True)
class Shape:
    """One circuit: ``n_slots`` transactions, an accounts tree of ``depth`` levels,
    and the oracle's public key (Baby Jubjub, canonical ints)."""

    n_slots: int
    depth: int
    oracle_key: tuple[int, int]

    def __post_init__(self) -> None:
        if not 1 <= self.n_slots <= 1024:
            raise ValueError(f"n_slots must be 1..1024, not {self.n_slots}")
        if not (2 <= self.depth <= 64 and self.depth % 2 == 0):
            raise ValueError(
                f"depth must be even, 2..64 (a 4-ary tree of depth/2 levels), not {self.depth}"
            )


def build(
    shape: Shape,
    witness: dict | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ConstraintSystem:
    """The batch circuit of ``shape``, with its witness when ``witness`` is given."""
    cs = ConstraintSystem(with_values=witness is not None)
    w = witness
    if w is not None and len(w["slots"]) != shape.n_slots:
        raise ValueError(f"witness has {len(w['slots'])} slots, the circuit {shape.n_slots}")
    old_root = cs.public_input("old_root", None if w is None else _state_root(w))
    new_root = cs.public_input("new_root", None if w is None else w.get("new_root", 0))
    commitment = cs.public_input("commitment", None if w is None else w.get("commitment", 0))
    root = cs.private_input("accounts_root", None if w is None else w["accounts_root"])
    markets = [
        MarketWires.alloc(cs, f"market{j}", None if w is None else w["markets"][j])
        for j in range(MARKETS)
    ]
    cs.enforce_equal(
        poseidon(cs, [root, markets_root(cs, markets, "markets before")], "state before"),
        old_root,
        "old state root",
    )
    number = cs.private_input("batch_number", None if w is None else w["batch_number"])
    bits = _be_bits(cs, number, 8, "batch number")
    for k in range(shape.n_slots):
        slot_w = None if w is None else w["slots"][k]
        root, markets, slot_bits = build_slot(
            cs, k, shape.depth, shape.oracle_key, root, markets, slot_w
        )
        bits += slot_bits
        if progress:
            progress(k + 1, shape.n_slots)
    cs.enforce_equal(
        poseidon(cs, [root, markets_root(cs, markets, "markets after")], "state after"),
        new_root,
        "new state root",
    )
    digest = sha256(cs, bits, "pubdata")
    value = cs.constant(0)
    for i, bit in enumerate(digest):
        if (1 << (255 - i)) & COMMITMENT_MASK:
            value = value + bit * (1 << (255 - i))
    cs.enforce_equal(value, commitment, "public-data commitment")
    return cs


def _state_root(w: dict) -> int:
    if "old_root" in w:
        return w["old_root"]
    raise ValueError("witness lacks old_root")


def stats(cs: ConstraintSystem) -> Counter:
    """Constraints per top-level scope (``slot0``, ``pubdata``, ...) of a built circuit."""
    out: Counter = Counter()
    for con in cs.constraints:
        out[con.name.split("/")[0] if "/" in con.name else con.name] += 1
    return out
