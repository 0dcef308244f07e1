"""Liquidation of an account below maintenance margin: a pure transition (takeover).

Rule (documented, checked by the tests, and the circuit's LIQUIDATE):

1. Only an account with ``equity < maintenance requirement`` at the oracle prices
   may be liquidated (:class:`NotLiquidatable` otherwise), and never the insurance
   fund itself (a fund below maintenance is deleveraged instead, see
   :mod:`zkel.host.exchange.deleverage`). Both accounts settle funding first.
2. **Takeover, always.** The insurance fund (account ``INSURANCE_FUND``) takes over
   every position of the account at the oracle price, receives the liquidation fee
   ``min(max(equity, 0), Σ ceil(|notional| · liquidation_fee_ppm / 10^6))`` and pays
   the deficit ``max(0, -equity)``, so the account ends with no positions and
   collateral ``max(equity, 0) - fee``. The fund pays the whole deficit even when
   that leaves it below initial margin or with negative equity: the engine then
   deleverages the fund (``deleverage`` records) in the same exchange transaction,
   which brings it back to initial margin and charges any negative equity to the
   counterparties it closes against.

All values are quote atoms. Collateral moves only between the two accounts, so the
sum over all accounts is unchanged; positions move from one to the other, so they
still net to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from zkel.host.exchange.account import INSURANCE_FUND, Account, Position, settle_funding
from zkel.host.exchange.errors import ExchangeError
from zkel.host.exchange.margin import Health, health
from zkel.host.exchange.market import Market
from zkel.host.exchange.scales import notional, ppm_of


class NotLiquidatable(ExchangeError):
    """The account meets maintenance margin (or is the fund); it must not be liquidated."""


@dataclass(frozen=True)
class LiquidationResult:
    """Outcome of a takeover: the target and the fund after it, and the figures.

    ``fee`` and ``deficit`` are quote atoms; ``health_before`` is the target's margin
    just before (funding settled). ``mode`` is always ``"takeover"`` (the field the
    ``liquidation`` record carries; logs written before the deleverage rule also hold
    ``"adl"``, which the circuit refuses by name).
    """

    target: int
    health_before: Health
    fee: int
    deficit: int
    accounts: dict[int, Account]
    mode: str = "takeover"


def liquidation_fee(target: Account, markets: dict[int, Market]) -> int:
    """``Σ ceil(|notional| · liquidation_fee_ppm / 10^6)`` over ``target``'s positions."""
    return sum(
        ppm_of(notional(p.size, markets[m].oracle_price), markets[m].liquidation_fee_ppm)
        for m, p in enumerate(target.positions)
        if p.size
    )


def liquidate(target: Account, fund: Account, markets: dict[int, Market]) -> LiquidationResult:
    """Liquidate ``target`` by the fund's takeover (see the module rule)."""
    if target.index == INSURANCE_FUND:
        raise NotLiquidatable("the insurance fund is not liquidated: it is deleveraged")
    target = settle_funding(target, markets)
    fund = settle_funding(fund, markets)
    before = health(target, markets)
    if not before.below_maintenance:
        raise NotLiquidatable(
            f"account {target.index} meets maintenance margin "
            f"(equity {before.equity} >= {before.maintenance})"
        )
    fee = min(max(before.equity, 0), liquidation_fee(target, markets))
    deficit = max(0, -before.equity)
    collateral = target.collateral
    slots = list(target.positions)
    for m, pos in enumerate(target.positions):
        if pos.size:
            value = notional(pos.size, markets[m].oracle_price)
            collateral += value
            slots[m] = Position(0, pos.funding_index)
            f = fund.position(m)
            fund = fund.with_position(m, Position(f.size + pos.size, f.funding_index))
            fund = fund.credit(-value)
    final = replace(target, collateral=collateral + deficit - fee, positions=tuple(slots))
    fund = fund.credit(fee - deficit)
    return LiquidationResult(
        target.index, before, fee, deficit, {target.index: final, fund.index: fund}
    )
