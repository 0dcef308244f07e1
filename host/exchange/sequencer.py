"""Batches for the prover: cutting by count or age, public data and its commitment.

A batch is a run of consecutive witness records (roots chained: each record's
``root_before`` is the previous one's ``root_after``) proven by one transition
circuit of ``n_slots`` slots. Each record becomes exactly one slot of the public
data, in log order (:mod:`zkel.host.exchange.public_data`: deposits, withdrawals
and oracle prices are public, every other record an empty slot); the slots after
the last record are padding (empty). The bytes are
:func:`zkel.circuits.transition.pubdata.encode` of the batch number, the slots
and ``n_slots`` (``8 + 33 * n_slots`` bytes), and the commitment is
:func:`zkel.circuits.transition.pubdata.commitment` of them (SHA-256, top 3 bits
cleared). A batch's public inputs are ``[old_root, new_root, commitment]`` (state
roots, see :mod:`zkel.host.state.leaf`); everything else (the per-transaction
witness records: accounts before and after, siblings, signatures and messages,
markets before and after) is private.

Funding ticks start a batch: the circuit applies a funding tick once per batch,
before its slot 0, so :func:`cut_batch` never puts a ``funding`` record anywhere
but first. When the next record to take is a funding record and the batch
already holds records, the batch ends before it (a batch cut by count may then
hold fewer than ``max_txs`` records; it is padded like any other).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zkel.circuits.transition import pubdata
from zkel.host.exchange.public_data import record_slot

if TYPE_CHECKING:
    from zkel.host.exchange.engine import Exchange


@dataclass(frozen=True)
class Batch:
    """A closed batch: roots, one public-data slot per witness record, the records.

    ``number`` is the batch number (u64), ``old_root``/``new_root`` the state roots
    before the first and after the last record (field elements), ``n_slots`` the
    slot count of the circuit that proves it (``>= len(txs)``), ``slots[i]`` the
    public-data slot of ``txs[i]``.
    """

    number: int
    old_root: int
    new_root: int
    n_slots: int
    slots: tuple[pubdata.Slot, ...]
    txs: tuple[dict, ...]

    def __post_init__(self) -> None:
        if len(self.slots) != len(self.txs):
            raise ValueError(f"{len(self.slots)} slots for {len(self.txs)} records")
        if self.n_slots < len(self.txs):
            raise ValueError(f"{len(self.txs)} records do not fit a batch of {self.n_slots} slots")

    def public_data_bytes(self) -> bytes:
        """The public data: ``8 + 33 * n_slots`` bytes (header, slots, empty padding)."""
        return pubdata.encode(self.number, self.slots, self.n_slots)

    @property
    def commitment(self) -> int:
        """SHA-256 of :meth:`public_data_bytes`, top 3 bits cleared (a field element < 2^253)."""
        return pubdata.commitment(self.public_data_bytes())

    @property
    def public_inputs(self) -> list[int]:
        """``[old_root, new_root, commitment]``, the Groth16 public signals."""
        return [self.old_root, self.new_root, self.commitment]

    def to_dict(self) -> dict:
        """JSON-ready form (field elements as decimal strings, public data as hex)."""
        return {
            "batch": self.number,
            "n_slots": self.n_slots,
            "old_root": str(self.old_root),
            "new_root": str(self.new_root),
            "commitment": str(self.commitment),
            "public_data": self.public_data_bytes().hex(),
            "txs": list(self.txs),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Batch:
        """Inverse of :meth:`to_dict`; checks the public data against the header, the
        padding, the records and the stated commitment (``ValueError`` naming the part)."""
        number, n_slots, txs = d["batch"], d["n_slots"], tuple(d["txs"])
        decoded = pubdata.decode(bytes.fromhex(d["public_data"]), n_slots)
        if decoded.batch_number != number:
            raise ValueError(f"public data is of batch {decoded.batch_number}, not {number}")
        slots, padding = decoded.slots[: len(txs)], decoded.slots[len(txs) :]
        if any(not isinstance(s, pubdata.EmptySlot) for s in padding):
            raise ValueError("public data has non-empty slots after the last record")
        for i, (slot, rec) in enumerate(zip(slots, txs, strict=True)):
            if slot != record_slot(rec):
                raise ValueError(f"public-data slot {i} does not match record {rec.get('seq')}")
        batch = cls(number, int(d["old_root"]), int(d["new_root"]), n_slots, slots, txs)
        if str(batch.commitment) != d["commitment"]:
            raise ValueError(f"commitment {d['commitment']} is not that of the public data")
        return batch

    def write(self, path: str | Path) -> Path:
        """Write the batch as JSON for the prover; returns the path."""
        path = Path(path)
        path.write_text(json.dumps(self.to_dict()) + "\n")
        return path


def build_batch(number: int, records: list[dict], n_slots: int | None = None) -> Batch:
    """Assemble batch ``number`` from consecutive witness records (roots must chain) for
    a circuit of ``n_slots`` slots (default: one per record)."""
    if not records:
        raise ValueError("a batch needs at least one transaction")
    for prev, rec in zip(records, records[1:], strict=False):
        if prev["root_after"] != rec["root_before"]:
            raise ValueError(f"records {prev['seq']} and {rec['seq']} do not chain roots")
    return Batch(
        number,
        int(records[0]["root_before"]),
        int(records[-1]["root_after"]),
        len(records) if n_slots is None else n_slots,
        tuple(record_slot(r) for r in records),
        tuple(records),
    )


def funding_cut(records: Iterable[dict]) -> int:
    """How many of ``records`` (consecutive, log order) one batch may take: all of them,
    or those before the first ``funding`` record that is not the first record."""
    taken = 0
    for rec in records:
        if taken and rec["kind"] == "funding":
            break
        taken += 1
    return taken


def cut_batch(ex: Exchange, max_txs: int | None = None) -> Batch | None:
    """Close the next batch from the unbatched log; None when empty.

    With ``max_txs`` (the circuit's slot count) it takes at most that many records
    and has ``n_slots = max_txs`` (empty padding after the records); without, it
    takes every pending record and has one slot per record. Either way it stops
    before a ``funding`` record that would not be the batch's first.
    """
    if max_txs is not None and max_txs < 1:
        raise ValueError(f"max_txs must be >= 1, not {max_txs}")
    pending = ex.store.unbatched_txs(max_txs)
    if not pending:
        return None
    pending = pending[: funding_cut(rec for _, rec in pending)]
    number = ex.store.get_meta("batch_number", 0)
    batch = build_batch(number, [rec for _, rec in pending], max_txs)
    with ex.store.transaction():
        ex.store.put_batch(number, batch.to_dict(), [seq for seq, _ in pending])
        ex.store.set_meta("batch_number", number + 1)
    return batch


class Sequencer:
    """Cuts batches of ``max_txs`` slots (the circuit's batch size) from an exchange's log
    when ``max_txs`` records are pending or the oldest pending one waited ``max_age_s``
    seconds (``clock`` gives seconds); an age-cut batch is padded to ``max_txs`` slots,
    and so is one ended early by a funding record (which starts the next batch)."""

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
            batch = cut_batch(self.ex, self.max_txs)
            out.append(batch)
            pending -= len(batch.txs)
            self._since = self.clock() if pending else None
        if pending and self._since is not None and self.clock() - self._since >= self.max_age_s:
            while pending:  # more than one batch when a funding record splits them
                batch = cut_batch(self.ex, self.max_txs)
                out.append(batch)
                pending -= len(batch.txs)
            self._since = None
        return out
