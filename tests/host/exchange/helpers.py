"""Shared builders for the exchange tests: a small exchange with funded accounts."""

from __future__ import annotations

from functools import cache

from zkel.circuits.eddsa import PrivateKey
from zkel.host.exchange import Exchange, Market, Order, Side, sign_order
from zkel.host.exchange.scales import QUOTE_SCALE

BTC_PRICE = 30_000 * QUOTE_SCALE
ETH_PRICE = 2_000 * QUOTE_SCALE
LOT = 100_000  # 0.001 BTC in base atoms
TICK = 100_000  # 0.1 USD in quote atoms


@cache
def key(i: int) -> PrivateKey:
    """Deterministic test key ``i`` (cached: key derivation is the slow part)."""
    return PrivateKey(bytes([i + 1]) * 32)


@cache
def pub(i: int) -> tuple[int, int]:
    return key(i).public_key()


ORACLE, OPERATOR = 0, 1


def markets() -> list[Market]:
    return [
        Market(
            0,
            "BTC-USD",
            tick_size=TICK,
            lot_size=LOT,
            initial_margin_ppm=100_000,
            maintenance_margin_ppm=50_000,
            oracle_price=BTC_PRICE,
        ),
        Market(
            1,
            "ETH-USD",
            tick_size=10_000,
            lot_size=1_000_000,
            initial_margin_ppm=100_000,
            maintenance_margin_ppm=50_000,
            oracle_price=ETH_PRICE,
        ),
    ]


def make_exchange(
    path: str = ":memory:", users: int = 3, deposit: int = 10_000, insurance: int = 0
) -> tuple[Exchange, list[int]]:
    """An exchange with ``users`` accounts (key ``2 + i``) holding ``deposit`` USD each."""
    ex = Exchange.open(
        path,
        markets=markets(),
        oracle_pubkey=pub(ORACLE),
        operator_pubkey=pub(OPERATOR),
        depth=16,
        synchronous="NORMAL",
    )
    idx = []
    for i in range(users):
        a = ex.create_account(pub(2 + i))
        if deposit:
            ex.deposit(a, deposit * QUOTE_SCALE)
        idx.append(a)
    if insurance:
        ex.deposit(1, insurance * QUOTE_SCALE)
    return ex, idx


def user_key(ex: Exchange, account: int) -> PrivateKey:
    """The key of a user account made by :func:`make_exchange`."""
    return key(account)  # account index i >= 2 was created with key i


def order(
    ex: Exchange,
    account: int,
    side: Side,
    price: int,
    size: int,
    market: int = 0,
    expiry: int = 10**6,
    nonce: int | None = None,
):
    """A signed order with the account's next nonce."""
    n = ex.account(account).nonce if nonce is None else nonce
    return sign_order(user_key(ex, account), Order(account, market, side, price, size, expiry, n))


def state(ex: Exchange) -> tuple:
    """Everything a rejected transaction must leave unchanged."""
    return (
        ex.root,
        ex.seq,
        dict(ex.accounts),
        {m: dict(b.orders) for m, b in ex.books.items()},
        dict(ex.markets),
        ex.store.tx_count(),
    )
