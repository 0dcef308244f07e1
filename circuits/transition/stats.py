"""Constraint counts of the transition circuit: per part of a slot, per transaction
type, per batch shape. Built shape-only (no witness), so any shape is cheap to count.

A slot is universal (every slot can hold every type), so a batch pays the full slot
for each transaction; :func:`slot_parts` also lists what each type *uses*, which is
what a slot dedicated to that type would cost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from zkel.circuits.groth16.qap import domain_size_for
from zkel.circuits.transition.circuit import Shape, build
from zkel.circuits.transition.layout import TxType

PART_OF_SCOPE = {
    "A": "account update A (leaf hashes + Merkle path, old and new)",
    "B": "account update B",
    "signature": "EdDSA-Poseidon verification",
    "message": "signed message hash (withdrawal/transfer)",
    "short message": "signed message hash (oracle, cancel)",
    "order a": "order hash of A (placed or maker)",
    "order b": "order hash of B (taker)",
    "A margin": "margin of A (initial after; before a liquidation or deleverage)",
    "B margin": "margin of B after",
    "margin checks": "margin comparisons",
    "A funding": "funding owed by A",
    "B funding": "funding owed by B",
    "fill": "fill notional and fees",
    "liquidation": "liquidation fee and deficit",
    "deleverage": "deleverage sizes (no flip) and haircut",
    "A table": "order table of A (entry selection)",
    "B table": "order table of B (entry selection)",
    "A entry": "order-table entry rules of A",
    "B entry": "order-table entry rules of B",
}
OTHER = "type rules, ranges, market updates, public-data bytes"

_TRADE = ("A", "B", "order a", "order b", "A margin", "B margin", "margin checks",
          "A funding", "B funding", "fill", "A table", "B table", "A entry", "B entry")  # fmt: skip
_LIQUIDATE = ("A", "B", "A margin", "B margin", "margin checks", "A funding", "B funding",
               "liquidation")  # fmt: skip
USES: dict[TxType, tuple[str, ...]] = {
    TxType.NOOP: (),
    TxType.CREATE: ("A",),
    TxType.DEPOSIT: ("A",),
    TxType.WITHDRAW: ("A", "signature", "message", "A margin", "margin checks"),
    TxType.TRANSFER: ("A", "B", "signature", "message", "A margin", "margin checks"),
    TxType.ORACLE: ("signature", "short message"),
    TxType.CANCEL: ("A", "signature", "short message", "A table", "A entry"),
    TxType.FUNDING: (),  # counted apart: the tick sits in slot 0 only
    TxType.ORDER: ("A", "signature", "order a", "A table", "A entry"),
    TxType.FILL: _TRADE,
    TxType.DROP: ("A", "A table", "A entry"),
    TxType.LIQUIDATE: _LIQUIDATE,
    TxType.COLLECT: ("A",),
    TxType.DELEVERAGE: (*_LIQUIDATE, "fill", "deleverage"),  # the fill's sizes, the deficit
}


@dataclass(frozen=True)
class BatchStats:
    """Counts for one shape: the whole circuit and its parts."""

    shape: Shape
    total: int
    per_slot: int
    slot_parts: dict[str, int]
    per_type: dict[str, int]
    batch_parts: dict[str, int]
    domain: int

    def to_dict(self) -> dict:
        return {
            "n_slots": self.shape.n_slots,
            "depth": self.shape.depth,
            "constraints": self.total,
            "per_slot": self.per_slot,
            "slot_parts": self.slot_parts,
            "per_type": self.per_type,
            "batch_parts": self.batch_parts,
            "groth16_domain": self.domain,
        }


def batch_stats(shape: Shape) -> BatchStats:
    """Build ``shape`` without values and count its constraints by part."""
    cs = build(shape)
    top: Counter = Counter()
    parts: Counter = Counter()
    funding_tick = 0
    for con in cs.constraints:
        path = con.name.split("/")
        if path[0].startswith("slot"):
            scope = path[1].rstrip("0123456789") if len(path) > 2 else ""
            if scope == "funding":  # slot 0 only: not part of "a slot"
                top["funding tick (in slot 0)"] += 1
                funding_tick += 1
                continue
            top["slots"] += 1
            if path[0] == "slot0":
                parts[scope if scope in PART_OF_SCOPE else OTHER] += 1
        elif path[0] == "pubdata":
            top["public-data SHA-256"] += 1
        elif path[0].startswith("markets") or path[0].startswith("state"):
            top["markets and state roots"] += 1
        else:
            top["batch header and inputs"] += 1
    per_slot = sum(parts.values())
    other = parts[OTHER]
    per_type = {t.name.lower(): other + sum(parts[p] for p in USES[t]) for t in TxType}
    per_type[TxType.FUNDING.name.lower()] = other + funding_tick
    return BatchStats(
        shape,
        cs.n_constraints,
        per_slot,
        {PART_OF_SCOPE.get(k, k): v for k, v in sorted(parts.items(), key=lambda kv: -kv[1])},
        per_type,
        dict(top),
        domain_size_for(cs.n_constraints, len(cs.public)),
    )
