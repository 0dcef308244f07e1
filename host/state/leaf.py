"""The state layout, in one place (the transition circuit hashes the same way).

The state root commits to two parts, the accounts and the markets::

    state_root    = poseidon([accounts_root, markets_root])
    accounts_root = root of the depth-``d`` Poseidon sparse Merkle tree of account leaves
    markets_root  = poseidon([market_leaf(m_0), ..., market_leaf(m_{M-1})])

Every leaf index in ``[0, 2**d)`` may hold an account (index = account id); an
index with no account holds the empty leaf 0. The markets are not leaves of that
tree: ``markets_root`` hashes exactly ``M = MARKETS_PER_ACCOUNT`` (4) entries in
market-id order, 0 for a market id that does not exist, so a circuit carries all
markets' fields as wires and hashes them once per batch end instead of proving a
Merkle path per market per slot. All roots are canonical BN254 scalar field elements.

Account leaf (6 inputs)::

    positions_hash = poseidon([size_0, findex_0, size_1, findex_1, ..., size_{M-1}, findex_{M-1}])
    orders_hash    = poseidon([hash_0, remaining_0, ..., hash_{K-1}, remaining_{K-1}])
    leaf           = poseidon([pubkey_x, pubkey_y, collateral, nonce, positions_hash,
                               orders_hash])

with ``M = MARKETS_PER_ACCOUNT`` (4, so 8 inputs), slot ``i`` the position in market
``i``; ``size_i`` in signed base atoms, ``findex_i`` the funding index (signed quote
atoms per lot) at the last settlement, ``collateral`` signed quote atoms, ``nonce``
the next expected nonce. ``K = ORDER_SLOTS`` (4, so 8 inputs) entries of the
open-order table: ``hash_j`` the Poseidon hash of a resting signed order (its id,
see :mod:`zkel.host.exchange.orders`), ``remaining_j`` its unfilled size in base
atoms (u64), ``(0, 0)`` for an empty entry. Signed values enter as ``x mod r``
(canonical field elements; see :mod:`zkel.host.exchange.scales`). An index with no
account holds the empty leaf 0.

Market leaf (16 inputs)::

    market_leaf = poseidon([market_id, tick_size, lot_size, initial_margin_ppm,
                            maintenance_margin_ppm, liquidation_fee_ppm, maker_fee_ppm,
                            taker_fee_ppm, funding_cap_ppm, funding_damping, oracle_price,
                            oracle_time, mark_price, funding_index, open_interest, fees])

(units as in :class:`zkel.host.exchange.market.Market`; ``funding_index`` signed,
``fees`` the market's pool of uncollected trading fees in quote atoms).

``STATE_LAYOUT`` numbers this layout; a database records it in ``meta`` (key
``layout``) and one written for another layout is refused (version 1 kept the
markets as the top leaves of the account tree; version 2 had no open-order table
in the account leaf and no fee pool in the market leaf).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from zkel.circuits.poseidon import poseidon
from zkel.host.exchange.account import (
    MARKETS_PER_ACCOUNT,
    ORDER_SLOTS,
    Account,
    OrderSlot,
    Position,
)
from zkel.host.exchange.market import Market
from zkel.host.exchange.scales import encode_signed

EMPTY_LEAF = 0
#: version of the state layout described above (stored as ``meta.layout``)
STATE_LAYOUT = 3

assert 2 * MARKETS_PER_ACCOUNT <= 16, "positions must fit one Poseidon call"
assert 2 * ORDER_SLOTS <= 16, "the order table must fit one Poseidon call"


def positions_hash(account: Account) -> int:
    """Poseidon hash of the ``2 * MARKETS_PER_ACCOUNT`` encoded position fields."""
    return _positions_hash(account.positions)


@lru_cache(maxsize=1 << 16)
def _positions_hash(positions: tuple[Position, ...]) -> int:
    # cached by value: deposits, withdrawals, transfers and fees leave positions as
    # they were, and every account with no position shares one hash
    fields: list[int] = []
    for pos in positions:
        fields.append(encode_signed(pos.size))
        fields.append(encode_signed(pos.funding_index))
    return poseidon(fields)


def orders_hash(account: Account) -> int:
    """Poseidon hash of the ``2 * ORDER_SLOTS`` order-table fields ``[hash_j, remaining_j]``."""
    return _orders_hash(account.orders)


@lru_cache(maxsize=1 << 16)
def _orders_hash(orders: tuple[OrderSlot, ...]) -> int:
    # cached by value: most accounts have an empty table, and a leaf changes its
    # table far less often than its collateral
    fields: list[int] = []
    for entry in orders:
        fields.append(entry.order_hash)
        fields.append(entry.remaining)
    return poseidon(fields)


def leaf_fields(account: Account) -> list[int]:
    """The six leaf inputs ``[pubx, puby, collateral, nonce, positions_hash, orders_hash]``
    (canonical field elements)."""
    return [
        account.pubkey[0],
        account.pubkey[1],
        encode_signed(account.collateral),
        account.nonce,
        positions_hash(account),
        orders_hash(account),
    ]


def market_leaf_fields(market: Market) -> list[int]:
    """The 16 market leaf inputs: parameters, then oracle, mark, funding, interest, fee pool."""
    return [
        market.market_id,
        market.tick_size,
        market.lot_size,
        market.initial_margin_ppm,
        market.maintenance_margin_ppm,
        market.liquidation_fee_ppm,
        market.maker_fee_ppm,
        market.taker_fee_ppm,
        market.funding_cap_ppm,
        market.funding_damping,
        market.oracle_price,
        market.oracle_time,
        market.mark_price,
        encode_signed(market.funding_index),
        market.open_interest,
        market.fees,
    ]


@lru_cache(maxsize=1 << 12)
def market_leaf(market: Market) -> int:
    """The market's leaf: Poseidon of its 16 fields (cached by value; markets are immutable)."""
    return poseidon(market_leaf_fields(market))


def markets_root(markets: Mapping[int, Market] | Iterable[Market]) -> int:
    """``poseidon`` of the ``MARKETS_PER_ACCOUNT`` market leaves in id order, 0 where no market.

    ``markets`` is a ``{market_id: Market}`` mapping or an iterable of markets; a
    market id outside ``[0, MARKETS_PER_ACCOUNT)`` is refused (``ValueError``).
    """
    items = markets.values() if isinstance(markets, Mapping) else markets
    leaves = [EMPTY_LEAF] * MARKETS_PER_ACCOUNT
    for market in items:
        if not 0 <= market.market_id < MARKETS_PER_ACCOUNT:
            raise ValueError(f"market id {market.market_id} outside [0, {MARKETS_PER_ACCOUNT})")
        leaves[market.market_id] = market_leaf(market)
    return _hash_leaves(tuple(leaves))


@lru_cache(maxsize=1 << 10)
def _hash_leaves(leaves: tuple[int, ...]) -> int:
    return poseidon(list(leaves))


def state_root(accounts_root: int, markets_root: int) -> int:
    """The state root ``poseidon([accounts_root, markets_root])`` (field elements, canonical)."""
    return _state_root(accounts_root, markets_root)


@lru_cache(maxsize=1 << 10)
def _state_root(accounts_root: int, markets_root: int) -> int:
    return poseidon([accounts_root, markets_root])


def leaf_hash(account: Account) -> int:
    """The account's leaf in the accounts tree."""
    return poseidon(leaf_fields(account))
