"""Funding: a periodic rate from the premium of the mark (trade) price over the oracle.

At each funding tick, per market::

    premium_ppm = (mark - oracle) * 10**6 // oracle          (floor)
    rate_ppm    = clamp(premium_ppm // damping, -cap, +cap)  (floor, then clamp)
    per_lot     = oracle * lot_size // SIZE_SCALE            (quote atoms per lot, exact)
    delta       = trunc(per_lot * rate_ppm / 10**6)          (toward zero)
    funding_index += delta

A long of ``n`` lots pays ``n * delta`` (a short of ``-n`` lots receives it), settled
lazily: on its next touch each account pays ``lots * (index_now - index_then)``
(:func:`zkel.host.exchange.account.settle_funding`). Positions net to zero, so
funding is zero-sum to the atom. After a tick the mark price resets to the oracle
price, so a market without trades pays no funding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from zkel.host.exchange.market import Market
from zkel.host.exchange.scales import PPM, SIZE_SCALE


@dataclass(frozen=True)
class FundingResult:
    """The market after a tick, with the rate (ppm) and index step (quote atoms per lot)."""

    market: Market
    rate_ppm: int
    delta: int


def funding_rate_ppm(market: Market) -> int:
    """Clamped funding rate of the next tick, ppm (positive: longs pay shorts)."""
    if not market.oracle_price:
        return 0
    mark = market.mark_price or market.oracle_price
    premium_ppm = (mark - market.oracle_price) * PPM // market.oracle_price
    rate = premium_ppm // market.funding_damping
    return max(-market.funding_cap_ppm, min(market.funding_cap_ppm, rate))


def tick(market: Market) -> FundingResult:
    """Pure funding tick of one market."""
    rate = funding_rate_ppm(market)
    per_lot = market.oracle_price * market.lot_size // SIZE_SCALE
    magnitude = per_lot * abs(rate) // PPM
    delta = magnitude if rate >= 0 else -magnitude
    new = replace(
        market, funding_index=market.funding_index + delta, mark_price=market.oracle_price
    )
    return FundingResult(new, rate, delta)
