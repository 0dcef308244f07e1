"""What the transition circuit hashes and decodes, in one place on the circuit side.

These mirror the exchange's leaf layout (``zkel.host.state.leaf``, which
``tests/circuits/transition`` checks against), as canonical field elements;
signed integers enter as ``x mod r``.

Account leaf (an empty index holds 0)::

    positions_hash = poseidon([size_0, findex_0, ..., size_{M-1}, findex_{M-1}])
    leaf           = poseidon([pubkey_x, pubkey_y, collateral, nonce, positions_hash])

Market leaf (``MARKET_FIELDS``, 15 inputs; a market id with no market holds 0)::

    poseidon([market_id, tick_size, lot_size, initial_margin_ppm, maintenance_margin_ppm,
              liquidation_fee_ppm, maker_fee_ppm, taker_fee_ppm, funding_cap_ppm,
              funding_damping, oracle_price, oracle_time, mark_price, funding_index,
              open_interest])

State root::

    markets_root = poseidon([market_leaf_0, ..., market_leaf_{M-1}])
    state_root   = poseidon([accounts_root, markets_root])

Signed messages (Poseidon, tag first)::

    withdrawal  [3, account, amount, nonce, recipient]     recipient: 160-bit L1 address
    transfer    [4, sender, recipient, amount, nonce]
    oracle      [5, market, price, timestamp]               signed by the oracle key
    cancel      [2, account, order_hash, nonce]
"""

from __future__ import annotations

from enum import IntEnum

MARKETS = 4
"""Position slots per account and market leaves in the markets root (M)."""

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
