"""Fixed-point scales and integer ranges of the exchange, defined in one place.

Every quantity in the exchange is a Python ``int``; no floats anywhere.

Units
-----
collateral, fees, notionals, funding payments
    *quote atoms*: ``QUOTE_SCALE`` atoms make one unit of the quote asset
    (``10**6``: one atom is one micro-USD).
position and order sizes
    *base atoms*: ``SIZE_SCALE`` atoms make one unit of the market's base asset
    (``10**8``). Sizes are multiples of the market's ``lot_size`` (in base atoms).
prices (order limit prices, oracle prices, mark prices)
    quote atoms per *whole* base unit (per ``SIZE_SCALE`` base atoms), multiples of
    the market's ``tick_size``. A market is accepted only when
    ``lot_size * tick_size`` is a multiple of ``SIZE_SCALE``, so the notional
    ``size * price // SIZE_SCALE`` of any on-lot size at any on-tick price is exact.
fractions (margin fractions, fees, funding rates)
    parts per million (``PPM = 10**6``).
funding index
    quote atoms per *lot*, signed; a position of ``n`` lots pays
    ``n * (index_now - index_at_last_settlement)`` quote atoms (exact, so funding is
    zero-sum to the atom).

Ranges (what the transition circuit range-checks)
-------------------------------------------------
unsigned amounts (deposit, withdrawal, transfer amounts, order sizes, prices,
timestamps, nonces) must satisfy ``0 <= x < 2**64`` (``AMOUNT_BITS``); amounts
that move money must also be positive.
signed values (collateral, position sizes, funding indexes) must satisfy
``-2**63 <= x < 2**63`` (``SIGNED_BITS``); the circuit checks ``x + 2**63 < 2**64``.
A signed value ``x`` enters a field element as ``x mod r`` (``r`` the BN254 scalar
field order): ``x`` itself when ``x >= 0``, ``r + x`` when negative.
"""

from __future__ import annotations

from zkel.circuits.bn254 import R

QUOTE_SCALE = 10**6
SIZE_SCALE = 10**8
PPM = 10**6

AMOUNT_BITS = 64
SIGNED_BITS = 64
AMOUNT_LIMIT = 1 << AMOUNT_BITS
SIGNED_LIMIT = 1 << (SIGNED_BITS - 1)

#: BN254 scalar field order ``r`` (the field of Poseidon and of the circuit's wires).
FIELD_ORDER = R


def check_amount(name: str, value: int, *, positive: bool = False) -> int:
    """Return ``value`` if it is an int in ``[0, 2**64)`` (``(0, 2**64)`` when positive).

    Raises
    ------
    OutOfRange
        naming ``name`` and the bound it broke.
    """
    from zkel.host.exchange.errors import OutOfRange

    if not isinstance(value, int) or isinstance(value, bool):
        raise OutOfRange(f"{name} must be an integer, not {type(value).__name__}")
    low = 1 if positive else 0
    if not low <= value < AMOUNT_LIMIT:
        raise OutOfRange(f"{name} {value} out of range [{low}, 2**64)")
    return value


def check_signed(name: str, value: int) -> int:
    """Return ``value`` if it lies in ``[-2**63, 2**63)``, else raise ``OutOfRange``."""
    from zkel.host.exchange.errors import OutOfRange

    if not -SIGNED_LIMIT <= value < SIGNED_LIMIT:
        raise OutOfRange(f"{name} {value} out of the signed 64-bit range")
    return value


def encode_signed(value: int) -> int:
    """Field encoding of a signed 64-bit value: ``value mod r`` (canonical, < r)."""
    check_signed("signed value", value)
    return value % FIELD_ORDER


def decode_signed(element: int) -> int:
    """Inverse of :func:`encode_signed` for elements that encode a signed 64-bit value."""
    value = element if element < SIGNED_LIMIT else element - FIELD_ORDER
    if not -SIGNED_LIMIT <= value < SIGNED_LIMIT:
        raise ValueError(f"field element {element} does not encode a signed 64-bit value")
    return value


def notional(size: int, price: int) -> int:
    """Signed notional in quote atoms of ``size`` base atoms at ``price`` (exact on lot/tick)."""
    q, rem = divmod(size * price, SIZE_SCALE)
    if rem:
        raise ValueError(f"size {size} at price {price} has a fractional notional")
    return q


def ppm_of(amount: int, fraction_ppm: int) -> int:
    """``ceil(|amount| * fraction_ppm / 10**6)``: a fee or margin on a notional, rounded up."""
    return -(-abs(amount) * fraction_ppm // PPM)
