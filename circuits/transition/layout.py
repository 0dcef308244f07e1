"""What the transition circuit hashes and decodes, in one place on the circuit side.

These mirror the exchange's leaf layout (``zkel.host.state.leaf``, which
``tests/circuits/transition`` checks against), as canonical field elements;
signed integers enter as ``x mod r``.

Account leaf (an empty index holds 0; state layout 3)::

    positions_hash = poseidon([size_0, findex_0, ..., size_{M-1}, findex_{M-1}])
    orders_hash    = poseidon([order_hash_0, remaining_0, ..., order_hash_{K-1}, remaining_{K-1}])
    leaf           = poseidon([pubkey_x, pubkey_y, collateral, nonce, positions_hash,
                               orders_hash])

with ``K = ORDER_SLOTS`` entries of the account's open-order table: the Poseidon
hash of a signed order (see below) and its unfilled size in base atoms, ``(0, 0)``
for an empty entry. An order enters the table when it is placed (its signature and
nonce checked then) and leaves it when filled, cancelled or dropped; fills are
checked against the table, so a signed order is filled at most its size.

Market leaf (``MARKET_FIELDS``, 16 inputs; a market id with no market holds 0)::

    poseidon([market_id, tick_size, lot_size, initial_margin_ppm, maintenance_margin_ppm,
              liquidation_fee_ppm, maker_fee_ppm, taker_fee_ppm, funding_cap_ppm,
              funding_damping, oracle_price, oracle_time, mark_price, funding_index,
              open_interest, fees])

``fees`` is the market's pool of trading fees (quote atoms), moved to the fee
account by a ``collect_fees`` step.

State root::

    markets_root = poseidon([market_leaf_0, ..., market_leaf_{M-1}])
    state_root   = poseidon([accounts_root, markets_root])

Signed messages (Poseidon, tag first)::

    withdrawal  [3, account, amount, nonce, recipient]     recipient: 160-bit L1 address
    transfer    [4, sender, recipient, amount, nonce]
    oracle      [5, market, price, timestamp]               signed by the oracle key
    cancel      [2, account, order_hash, nonce]
    order       [1, account, market, side, price, size, expiry, nonce]   side 0 buy, 1 sell
"""

from __future__ import annotations

from enum import IntEnum

MARKETS = 4
"""Position slots per account and market leaves in the markets root (M)."""
ORDER_SLOTS = 4
"""Entries of an account's open-order table (K)."""
FEE_ACCOUNT = 0
"""The account ``collect_fees`` credits."""
INSURANCE_FUND = 1
"""The account that takes over a liquidated account's positions (and is deleveraged)."""
ORDER_FIELDS = ("account", "market", "side", "price", "size", "expiry", "nonce")
"""A signed order's fields after its tag, in hash order."""

SIGNED_BITS = 64
AMOUNT_BITS = 64
SIZE_SCALE = 10**8
PPM = 10**6

MARKET_FIELDS = (
    "market_id",
    "tick_size",
    "lot_size",
    "initial_margin_ppm",
    "maintenance_margin_ppm",
    "liquidation_fee_ppm",
    "maker_fee_ppm",
    "taker_fee_ppm",
    "funding_cap_ppm",
    "funding_damping",
    "oracle_price",
    "oracle_time",
    "mark_price",
    "funding_index",
    "open_interest",
    "fees",
)
SIGNED_MARKET_FIELDS = frozenset({"funding_index"})


class Tag(IntEnum):
    """First Poseidon input of each signed message (the exchange's ``orders.Tag``)."""

    ORDER = 1
    CANCEL = 2
    WITHDRAW = 3
    TRANSFER = 4
    ORACLE = 5


class TxType(IntEnum):
    """What one slot of a batch does (one witness record of the sequencer per slot)."""

    NOOP = 0
    CREATE = 1
    DEPOSIT = 2
    WITHDRAW = 3
    TRANSFER = 4
    ORACLE = 5
    CANCEL = 6
    FUNDING = 7
    ORDER = 8
    FILL = 9
    DROP = 10
    LIQUIDATE = 11
    COLLECT = 12
    DELEVERAGE = 13
