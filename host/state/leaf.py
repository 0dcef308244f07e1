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
"""

from __future__ import annotations

from functools import lru_cache

from zkel.circuits.poseidon import poseidon
from zkel.host.exchange.account import MARKETS_PER_ACCOUNT, Account, Position
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


def leaf_hash(account: Account) -> int:
    """The account's leaf in the state tree."""
    return poseidon(leaf_fields(account))
