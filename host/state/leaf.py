"""The account leaf layout, in one place (the transition circuit hashes the same way).

::

    positions_hash = poseidon([size_0, findex_0, size_1, findex_1, ..., size_{M-1}, findex_{M-1}])
    leaf           = poseidon([pubkey_x, pubkey_y, collateral, nonce, positions_hash])

with ``M = MARKETS_PER_ACCOUNT`` (4, so 8 inputs), slot ``i`` the position in market
``i``; ``size_i`` in signed base atoms, ``findex_i`` the funding index (signed quote
atoms per lot) at the last settlement, ``collateral`` signed quote atoms, ``nonce``
the next expected nonce. Signed values enter as ``x mod r`` (canonical field
elements; see :mod:`zkel.host.exchange.scales`). An index with no account holds
the empty leaf 0.

Markets live in the same tree, so the root commits to them too: market ``m`` sits
at leaf index ``2**depth - 1 - m`` (accounts may not reach those indexes), as::

    market_leaf = poseidon([market_id, tick_size, lot_size, initial_margin_ppm,
                            maintenance_margin_ppm, liquidation_fee_ppm, maker_fee_ppm,
                            taker_fee_ppm, funding_cap_ppm, funding_damping, oracle_price,
                            oracle_time, mark_price, funding_index, open_interest])

(units as in :class:`zkel.host.exchange.market.Market`; ``funding_index`` signed).
"""

from __future__ import annotations

from functools import lru_cache

from zkel.circuits.poseidon import poseidon
from zkel.host.exchange.account import MARKETS_PER_ACCOUNT, Account, Position
from zkel.host.exchange.market import Market
from zkel.host.exchange.scales import encode_signed

EMPTY_LEAF = 0

assert 2 * MARKETS_PER_ACCOUNT <= 16, "positions must fit one Poseidon call"


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


def leaf_fields(account: Account) -> list[int]:
    """The five leaf inputs ``[pubx, puby, collateral, nonce, positions_hash]`` (field elements)."""
    return [
        account.pubkey[0],
        account.pubkey[1],
        encode_signed(account.collateral),
        account.nonce,
        positions_hash(account),
    ]


def market_leaf_index(depth: int, market_id: int) -> int:
    """Leaf index of market ``market_id``: the top ``MARKETS_PER_ACCOUNT`` indexes, downwards."""
    return (1 << depth) - 1 - market_id


def market_leaf_fields(market: Market) -> list[int]:
    """The 15 market leaf inputs: parameters, then oracle, mark, funding and interest."""
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
    ]


def market_leaf(market: Market) -> int:
    """The market's leaf in the state tree."""
    return poseidon(market_leaf_fields(market))


def leaf_hash(account: Account) -> int:
    """The account's leaf in the state tree."""
    return poseidon(leaf_fields(account))
