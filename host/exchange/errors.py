"""Rejections of the exchange: every refused transaction raises one, with a one-line reason.

A rejected transaction changes nothing (no account, order, tree node or log row).
"""

from __future__ import annotations


class ExchangeError(Exception):
    """Base of all rejections; ``str(exc)`` is a one-line reason."""


class BadSignature(ExchangeError):
    """A signature does not verify for the signed message and the claimed key."""


class BadNonce(ExchangeError):
    """A nonce already used (replay) or beyond the next expected one (gap)."""


class Expired(ExchangeError):
    """An order whose expiry time is not after the exchange clock."""


class OffTick(ExchangeError):
    """A price that is not a multiple of the market's tick size."""


class OffLot(ExchangeError):
    """A size that is not a multiple of the market's lot size."""


class InsufficientMargin(ExchangeError):
    """An order, withdrawal or transfer that would leave an account below initial margin."""


class TooManyOrders(ExchangeError):
    """An order from an account whose open-order table (``ORDER_SLOTS`` entries) is full."""


class UnknownAccount(ExchangeError):
    """An account index with no account."""


class UnknownMarket(ExchangeError):
    """A market id with no market."""


class UnknownOrder(ExchangeError):
    """A cancel for an order that is not resting in the book."""


class OutOfRange(ExchangeError):
    """An amount, price, size or index outside the range the circuit range-checks."""


class InvalidRequest(ExchangeError):
    """Anything else malformed (a self-transfer, a duplicate market, a stale oracle time)."""
