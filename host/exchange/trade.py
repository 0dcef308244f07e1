"""One fill between a resting maker order and a taker: a pure transition.

Fills happen at the maker's price. The buyer pays the notional
``size * price / SIZE_SCALE`` (quote atoms) to the seller out of collateral; each
side pays its fee (maker and taker fee fractions of that notional, rounded up),
which the engine adds to the market's fee pool (``Market.fees``). Both accounts
settle funding first, and each order's table entry loses ``size`` (emptied at 0).
The fill is valid only when both accounts meet initial margin after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkel.host.exchange.account import Account, Position, settle_funding
from zkel.host.exchange.margin import Health, health
from zkel.host.exchange.market import Market
from zkel.host.exchange.orders import Side
from zkel.host.exchange.scales import notional, ppm_of


@dataclass(frozen=True)
class Fill:
    """A fill as it happened: ``size`` base atoms at ``price``; sides are the maker's."""

    market: int
    maker: int
    taker: int
    maker_order: int
    taker_order: int
    maker_side: Side
    price: int
    size: int
    notional: int
    maker_fee: int
    taker_fee: int


@dataclass(frozen=True)
class FillResult:
    """Accounts after a fill and the health both were checked against."""

    fill: Fill
    maker: Account
    taker: Account
    maker_health: Health
    taker_health: Health

    @property
    def ok(self) -> bool:
        """True when both parties meet initial margin after the fill."""
        return self.maker_health.meets_initial and self.taker_health.meets_initial


def _move(account: Account, market_id: int, signed_size: int, cash: int) -> Account:
    pos = account.position(market_id)
    moved = account.with_position(market_id, Position(pos.size + signed_size, pos.funding_index))
    return moved.credit(cash)


def apply_fill(
    maker: Account,
    taker: Account,
    markets: dict[int, Market],
    market_id: int,
    maker_side: Side,
    price: int,
    size: int,
    order_ids: tuple[int, int] = (0, 0),
    slots: tuple[int, int] | None = None,
) -> FillResult:
    """Fill ``size`` base atoms at ``price`` between ``maker`` (on ``maker_side``) and ``taker``.

    ``markets[market_id]`` gives fees and oracle price; accounts are settled for
    funding first. ``slots`` are the order-table entries of the maker's and the
    taker's orders (each loses ``size``); None leaves the tables alone. The fees
    are in the returned :class:`Fill`; the caller adds them to the market's pool.
    Returns new accounts whatever the margin outcome: callers look at
    :attr:`FillResult.ok` and discard a failing result.
    """
    market = markets[market_id]
    maker = settle_funding(maker, markets)
    taker = settle_funding(taker, markets)
    value = notional(size, price)
    maker_fee = ppm_of(value, market.maker_fee_ppm)
    taker_fee = ppm_of(value, market.taker_fee_ppm)
    sign = 1 if maker_side is Side.BUY else -1
    maker = _move(maker, market_id, sign * size, -sign * value - maker_fee)
    taker = _move(taker, market_id, -sign * size, sign * value - taker_fee)
    if slots is not None:
        maker = maker.fill_order(slots[0], size)
        taker = taker.fill_order(slots[1], size)
    fill = Fill(
        market_id,
        maker.index,
        taker.index,
        order_ids[0],
        order_ids[1],
        maker_side,
        price,
        size,
        value,
        maker_fee,
        taker_fee,
    )
    return FillResult(fill, maker, taker, health(maker, markets), health(taker, markets))
