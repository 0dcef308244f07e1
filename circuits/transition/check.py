"""Refuse a batch the circuit would not prove, naming the transaction and the rule.

A prover must not be asked to prove an unsatisfied witness (it would make an
invalid proof, which the verifier rejects, after minutes of work). :func:`check`
builds the circuit with the witness and checks every constraint; the first broken
one is reported as ``slot k (record seq, kind): rule`` with the rule as the
constraint's name inside the slot (for example ``slot 2 (record 41, fill): B margin
check/B meets initial margin``), or as a batch-level rule (``new state root``,
``public-data commitment``).
"""

from __future__ import annotations

from collections.abc import Callable

from zkel.circuits.r1cs import ConstraintSystem, UnsatisfiedConstraint
from zkel.circuits.transition.circuit import Shape, build


class BatchRefused(ValueError):
    """The batch breaks a rule of the circuit; the message names the slot, record and rule."""

    def __init__(self, message: str, slot: int | None, rule: str) -> None:
        super().__init__(message)
        self.slot = slot
        self.rule = rule


def describe(constraint: str, witness: dict) -> tuple[str, int | None, str]:
    """``(message, slot or None, rule)`` for a broken constraint's name."""
    head, _, rest = constraint.partition("/")
    if head.startswith("slot") and head[4:].isdigit() and rest:
        k = int(head[4:])
        records = witness.get("records") or []
        origin = ""
        if k < len(records) and records[k]:
            origin = f" (record {records[k]['seq']}, {records[k]['kind']})"
        elif k >= len(records):
            origin = " (padding no-op)"
        return f"slot {k}{origin} breaks the rule: {rest}", k, rest
    return f"the batch breaks the rule: {constraint}", None, constraint


def check(
    shape: Shape, witness: dict, progress: Callable[[int, int], None] | None = None
) -> ConstraintSystem:
    """The circuit of ``shape`` with ``witness``, every constraint checked.

    Raises :class:`BatchRefused` naming the first broken rule.
    """
    cs = build(shape, witness, progress)
    try:
        cs.check()
    except UnsatisfiedConstraint as exc:
        message, slot, rule = describe(exc.name, witness)
        raise BatchRefused(message, slot, rule) from None
    return cs
