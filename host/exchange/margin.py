"""Margin: equity, initial and maintenance requirements, and the checks built on them.

All values are quote atoms. Positions are valued at the market's oracle price;
funding not yet settled counts (``equity`` subtracts it), so a check gives the
same answer before and after the lazy settlement of an account.

Resting orders (documented rule). When an order is placed, and for a withdrawal
or transfer, the account must satisfy
``equity - open_order_costs >= initial_requirement(worst_case_positions)`` where,
per market, the worst-case position is whichever of ``size + resting buys`` and
``size - resting sells`` (new order included) is larger in magnitude, and
``open_order_costs`` sums, over the resting orders, the immediate loss against
the oracle price if the order filled at its limit (``max(0, limit - oracle)`` per
base unit for a buy, ``max(0, oracle - limit)`` for a sell) plus the taker fee on
its notional. A *fill* is applied only when both parties meet plain initial
margin (``equity >= initial_requirement(positions)``) after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zkel.host.exchange.account import Account, pending_funding
from zkel.host.exchange.market import Market
from zkel.host.exchange.orders import Side
from zkel.host.exchange.scales import PPM, SIZE_SCALE, notional, ppm_of


@dataclass(frozen=True)
class OpenOrder:
    """What margin needs of a resting order: market, side, limit price, unfilled base atoms."""

    market: int
    side: Side
    price: int
    remaining: int


@dataclass(frozen=True)
class Health:
    """An account's margin figures at the oracle prices (quote atoms)."""

    equity: int
    initial: int
    maintenance: int

    @property
    def meets_initial(self) -> bool:
        return self.equity >= self.initial

    @property
    def below_maintenance(self) -> bool:
        return self.equity < self.maintenance


def equity(account: Account, markets: dict[int, Market]) -> int:
    """Collateral minus unsettled funding plus the oracle value of every position."""
    value = account.collateral - pending_funding(account, markets)
    for market_id, pos in enumerate(account.positions):
        if pos.size:
            value += notional(pos.size, markets[market_id].oracle_price)
    return value


def health(account: Account, markets: dict[int, Market]) -> Health:
    """Equity and both requirements of ``account``'s positions.

    The hot path of the liquidation sweep, so :func:`equity` and the requirement
    sums are inlined (the same formulas: notionals are exact on lot and tick).
    """
    value = account.collateral
    initial = maintenance = 0
    for market_id, pos in enumerate(account.positions):
        size = pos.size
        if size:
            market = markets[market_id]
            worth = size * market.oracle_price // SIZE_SCALE
            value += worth - (size // market.lot_size) * (market.funding_index - pos.funding_index)
            worth = abs(worth)
            initial -= -worth * market.initial_margin_ppm // PPM
            maintenance -= -worth * market.maintenance_margin_ppm // PPM
    return Health(value, initial, maintenance)


def order_requirement(
    account: Account, markets: dict[int, Market], orders: Iterable[OpenOrder]
) -> tuple[int, int]:
    """``(initial requirement of worst-case positions, open-order costs)`` with ``orders``."""
    buys: dict[int, int] = {}
    sells: dict[int, int] = {}
    costs = 0
    for o in orders:
        market = markets[o.market]
        book = buys if o.side is Side.BUY else sells
        book[o.market] = book.get(o.market, 0) + o.remaining
        gap = o.price - market.oracle_price if o.side is Side.BUY else market.oracle_price - o.price
        costs += max(0, gap) * o.remaining // SIZE_SCALE
        costs += ppm_of(notional(o.remaining, o.price), market.taker_fee_ppm)
    initial = 0
    for market_id, pos in enumerate(account.positions):
        if not (pos.size or market_id in buys or market_id in sells):
            continue
        market = markets[market_id]
        worst = max(abs(pos.size + buys.get(market_id, 0)), abs(pos.size - sells.get(market_id, 0)))
        initial += ppm_of(notional(worst, market.oracle_price), market.initial_margin_ppm)
    return initial, costs


def free_collateral(
    account: Account, markets: dict[int, Market], orders: Iterable[OpenOrder] = ()
) -> int:
    """Quote atoms that may leave the account: ``equity - costs - requirement`` (may be < 0)."""
    initial, costs = order_requirement(account, markets, orders)
    return equity(account, markets) - costs - initial
