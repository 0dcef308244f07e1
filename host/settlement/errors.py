"""Errors of the settlement layer: one line each, naming what failed."""

from __future__ import annotations


class SettlementError(Exception):
    """A settlement step failed for a reason outside the contract (compilation, a node)."""


class TransactionReverted(SettlementError):
    """A transaction or call reverted; ``reason`` is the contract's revert string ('' if none).

    ``receipt`` is the mined receipt for a transaction (None for a call).
    """

    def __init__(self, reason: str, receipt: object | None = None) -> None:
        super().__init__(f"reverted: {reason}" if reason else "reverted (no reason given)")
        self.reason = reason
        self.receipt = receipt
