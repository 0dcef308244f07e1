"""Batches for the prover: cutting by count or age, public data and its commitment.

Public data, defined here only. Each public transaction contributes one record of
four field elements ``[tag, a, b, c]``:

=================  ===  ==========  ===========  =========
transaction        tag  a           b            c
=================  ===  ==========  ===========  =========
deposit            1    account     amount       0
withdrawal         2    account     amount       0
oracle price       3    market      price        timestamp
account creation   4    account     pubkey x     pubkey y
=================  ===  ==========  ===========  =========

Commitment: a Poseidon hash chain, ``h = poseidon([6, batch_number])`` then, per
record in log order, ``h = poseidon([h, tag, a, b, c])``; the commitment is the last
``h``. The batch number is thus committed even when a batch has no public record.
A batch's public inputs are ``old_root``, ``new_root`` and ``commitment``;
everything else (the per-transaction witness records: leaves before and after
with all fields, siblings, signatures and messages, market state) is private.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zkel.circuits.poseidon import poseidon

if TYPE_CHECKING:
    from zkel.host.exchange.engine import Exchange

PUBLIC_DATA_TAG = 6


def public_commitment(batch_number: int, records: list[list[int]]) -> int:
    """The Poseidon chain over ``records`` (each ``[tag, a, b, c]``), seeded by the number."""
    h = poseidon([PUBLIC_DATA_TAG, batch_number])
    for record in records:
        if len(record) != 4:
            raise ValueError(f"a public-data record has 4 elements, not {len(record)}")
        h = poseidon([h, *record])
    return h


@dataclass(frozen=True)
class Batch:
    """A closed batch: public inputs, public data and the private per-tx witness records."""

    number: int
    old_root: int
    new_root: int
    public_data: tuple[tuple[int, int, int, int], ...]
    commitment: int
    txs: tuple[dict, ...]

    @property
    def public_inputs(self) -> list[int]:
        """``[old_root, new_root, commitment]``, the Groth16 public signals."""
        return [self.old_root, self.new_root, self.commitment]

    def to_dict(self) -> dict:
        """JSON-ready form (field elements as decimal strings)."""
        return {
            "batch": self.number,
            "old_root": str(self.old_root),
            "new_root": str(self.new_root),
            "commitment": str(self.commitment),
            "public_data": [[str(v) for v in r] for r in self.public_data],
            "txs": list(self.txs),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Batch:
        """Inverse of :meth:`to_dict`."""
        return cls(
            d["batch"],
            int(d["old_root"]),
            int(d["new_root"]),
            tuple(tuple(int(v) for v in r) for r in d["public_data"]),
            int(d["commitment"]),
            tuple(d["txs"]),
        )

    def write(self, path: str | Path) -> Path:
        """Write the batch as JSON for the prover; returns the path."""
        path = Path(path)
        path.write_text(json.dumps(self.to_dict()) + "\n")
        return path


def build_batch(number: int, records: list[dict]) -> Batch:
    """Assemble batch ``number`` from consecutive witness records (roots must chain)."""
    if not records:
        raise ValueError("a batch needs at least one transaction")
    for prev, rec in zip(records, records[1:], strict=False):
        if prev["root_after"] != rec["root_before"]:
            raise ValueError(f"records {prev['seq']} and {rec['seq']} do not chain roots")
    public = tuple(tuple(int(v) for v in r["public"]) for r in records if r["public"])
    return Batch(
        number,
        int(records[0]["root_before"]),
        int(records[-1]["root_after"]),
        public,
        public_commitment(number, [list(r) for r in public]),
        tuple(records),
    )


def cut_batch(ex: Exchange, max_txs: int | None = None) -> Batch | None:
    """Close the next batch from the unbatched log (at most ``max_txs``); None when empty."""
    pending = ex.store.unbatched_txs(max_txs)
    if not pending:
        return None
    number = ex.store.get_meta("batch_number", 0)
    batch = build_batch(number, [rec for _, rec in pending])
    with ex.store.transaction():
        ex.store.put_batch(number, batch.to_dict(), [seq for seq, _ in pending])
        ex.store.set_meta("batch_number", number + 1)
    return batch


class Sequencer:
    """Cuts batches from an exchange's log when ``max_txs`` are pending or the oldest
    pending transaction waited ``max_age_s`` seconds (``clock`` gives seconds)."""

    def __init__(
        self,
        exchange: Exchange,
        max_txs: int = 64,
        max_age_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_txs < 1 or max_age_s <= 0:
            raise ValueError("max_txs must be >= 1 and max_age_s > 0")
        self.ex, self.max_txs, self.max_age_s, self.clock = exchange, max_txs, max_age_s, clock
        self._since: float | None = None

    def poll(self) -> list[Batch]:
        """Cut every batch that is due now."""
        out: list[Batch] = []
        pending = self.ex.store.unbatched_count()
        if pending and self._since is None:
            self._since = self.clock()
        while pending >= self.max_txs:
            out.append(cut_batch(self.ex, self.max_txs))
            pending -= self.max_txs
            self._since = self.clock() if pending else None
        if pending and self._since is not None and self.clock() - self._since >= self.max_age_s:
            out.append(cut_batch(self.ex))
            self._since = None
        return out
