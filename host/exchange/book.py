"""Per-market limit order book with price-time priority.

Bids are served highest price first, asks lowest first; within a price level,
earlier orders first (a level is a FIFO of order hashes). The book is the one
mutable structure of the engine: matching is planned against it as a pure
function of its contents (:meth:`OrderBook.iter_opposite`), and applied only
after every fill of the plan passed its checks.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace

from zkel.host.exchange.orders import Side, SignedOrder


@dataclass(frozen=True)
class RestingOrder:
    """An order in the book: the signed order, its unfilled size (base atoms), arrival seq,
    and the entry of its owner's open-order table that holds it.

    ``remaining`` always equals the ``remaining`` of that table entry
    (``Account.orders[slot]``), and the entry's hash is ``order_hash``.
    """

    signed: SignedOrder
    remaining: int
    seq: int
    slot: int

    @property
    def order_hash(self) -> int:
        return self.signed.order_hash

    @property
    def price(self) -> int:
        return self.signed.order.price

    @property
    def side(self) -> Side:
        return self.signed.order.side

    @property
    def account(self) -> int:
        return self.signed.order.account

    def filled(self, size: int) -> RestingOrder:
        """This order after ``size`` more base atoms were filled."""
        return replace(self, remaining=self.remaining - size)


class OrderBook:
    """Resting orders of one market; ``orders`` maps order hash -> :class:`RestingOrder`."""

    def __init__(self, market_id: int) -> None:
        self.market_id = market_id
        self.orders: dict[int, RestingOrder] = {}
        self._levels: dict[Side, dict[int, deque[int]]] = {Side.BUY: {}, Side.SELL: {}}
        self._prices: dict[Side, list[int]] = {Side.BUY: [], Side.SELL: []}

    def __len__(self) -> int:
        return len(self.orders)

    def __contains__(self, order_hash: int) -> bool:
        return order_hash in self.orders

    def add(self, resting: RestingOrder) -> None:
        """Append ``resting`` at the back of its price level."""
        side, price = resting.side, resting.price
        levels = self._levels[side]
        if price not in levels:
            levels[price] = deque()
            bisect.insort(self._prices[side], price)
        levels[price].append(resting.order_hash)
        self.orders[resting.order_hash] = resting

    def remove(self, order_hash: int) -> RestingOrder:
        """Take an order out of the book (KeyError if absent)."""
        resting = self.orders.pop(order_hash)
        side, price = resting.side, resting.price
        level = self._levels[side][price]
        level.remove(order_hash)
        if not level:
            del self._levels[side][price]
            prices = self._prices[side]
            del prices[bisect.bisect_left(prices, price)]
        return resting

    def replace(self, resting: RestingOrder) -> None:
        """Update an order's remaining size in place (keeps its time priority)."""
        self.orders[resting.order_hash] = resting

    def best(self, side: Side) -> int | None:
        """Best price on ``side`` (highest bid, lowest ask) or None when empty."""
        prices = self._prices[side]
        if not prices:
            return None
        return prices[-1] if side is Side.BUY else prices[0]

    def iter_opposite(self, taker_side: Side, limit: int) -> Iterator[RestingOrder]:
        """Resting orders a taker on ``taker_side`` with limit ``limit`` may hit, in priority."""
        maker_side = Side.SELL if taker_side is Side.BUY else Side.BUY
        prices = list(self._prices[maker_side])
        if maker_side is Side.BUY:
            prices.reverse()
        for price in prices:
            if (taker_side is Side.BUY and price > limit) or (
                taker_side is Side.SELL and price < limit
            ):
                return
            for order_hash in list(self._levels[maker_side].get(price, ())):
                yield self.orders[order_hash]

    def depth(self, side: Side, levels: int = 10) -> list[tuple[int, int]]:
        """``[(price, total remaining size), ...]`` for the best ``levels`` levels of ``side``."""
        prices = self._prices[side]
        chosen = prices[::-1][:levels] if side is Side.BUY else prices[:levels]
        return [(p, sum(self.orders[h].remaining for h in self._levels[side][p])) for p in chosen]

    def account_orders(self, account: int) -> list[RestingOrder]:
        """All resting orders of ``account`` (linear scan; the engine keeps its own index)."""
        return [o for o in self.orders.values() if o.account == account]
