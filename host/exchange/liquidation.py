"""Liquidation of an account below maintenance margin: a pure transition.

Rule (documented, checked by the tests):

1. Only an account with ``equity < maintenance requirement`` at the oracle prices
   may be liquidated (:class:`NotLiquidatable` otherwise). All accounts touched are
   settled for funding first.
2. **Takeover.** The insurance fund (account ``INSURANCE_FUND``) takes over every
   position of the account at the oracle price, receives the liquidation fee
   ``min(max(equity, 0), liquidation_fee_ppm * sum|notional|)`` and pays the
   deficit ``max(0, -equity)`` so the account ends with no positions and
   collateral ``max(equity - fee, 0)``. This is done only when the insurance fund
   meets initial margin afterwards.
3. **Auto-deleveraging (ADL)**, when the fund cannot (or the account is the fund
   itself). Each position is closed at the oracle price against opposite
   positions of other accounts, most profitable first: ranked by equity per unit
   of notional at the oracle price (``equity * 10**6 // sum|notional|``, highest
   first, then lowest index), since the leaf stores no entry prices. Positions net
   to zero, so enough opposite size always exists. The fee, if equity is left, goes
   to the fund; a deficit is paid by the fund up to its free collateral
   (``equity - initial requirement``), and the rest is charged to the deleveraged
   counterparties pro rata to the notional each closed (integer shares, the
   remainder to the first). Trades at the oracle price do not change anyone's
   equity, so only that haircut costs the counterparties.

Collateral moves only between accounts, so the sum over all accounts is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from zkel.host.exchange.account import INSURANCE_FUND, Account, Position, settle_funding
from zkel.host.exchange.errors import ExchangeError
from zkel.host.exchange.margin import Health, health
from zkel.host.exchange.market import Market
from zkel.host.exchange.scales import PPM, notional, ppm_of


class NotLiquidatable(ExchangeError):
    """The account meets maintenance margin; it must not be liquidated."""


@dataclass(frozen=True)
class AdlFill:
    """A forced close at the oracle price: ``counterparty`` took ``size`` (signed) of ``market``."""

    counterparty: int
    market: int
    size: int
    price: int
    haircut: int = 0


@dataclass(frozen=True)
class LiquidationResult:
    """Outcome: every changed account (by index), the figures, and how it was closed."""

    target: int
    mode: str  # "takeover" or "adl"
    health_before: Health
    fee: int
    deficit: int
    insurance_paid: int
    adl: tuple[AdlFill, ...]
    accounts: dict[int, Account]


def adl_rank_key(account: Account, markets: dict[int, Market]) -> tuple[int, int]:
    """Sort key, most profitable first: ``(-equity * 1e6 // total notional, index)``."""
    h = health(account, markets)
    total = sum(
        abs(notional(p.size, markets[m].oracle_price))
        for m, p in enumerate(account.positions)
        if p.size
    )
    return (-(h.equity * PPM // max(total, 1)), account.index)


def _close_all(account: Account, markets: dict[int, Market]) -> Account:
    collateral = account.collateral
    slots = list(account.positions)
    for m, pos in enumerate(slots):
        if pos.size:
            collateral += notional(pos.size, markets[m].oracle_price)
            slots[m] = Position(0, pos.funding_index)
    return replace(account, collateral=collateral, positions=tuple(slots))


def _takeover(target: Account, fund: Account, markets: dict[int, Market]) -> Account:
    for m, pos in enumerate(target.positions):
        if pos.size:
            f = fund.position(m)
            fund = fund.with_position(m, Position(f.size + pos.size, f.funding_index))
            fund = fund.credit(-notional(pos.size, markets[m].oracle_price))
    return fund


def liquidate(
    target: Account,
    fund: Account,
    markets: dict[int, Market],
    counterparties: Iterable[Account] = (),
) -> LiquidationResult:
    """Liquidate ``target`` (see the module rule); ``counterparties`` are ADL candidates.

    ``counterparties`` should hold every other account with a position in a market
    where ``target`` has one (the engine passes them from its position index).
    """
    target = settle_funding(target, markets)
    fund = settle_funding(fund, markets)
    before = health(target, markets)
    if not before.below_maintenance:
        raise NotLiquidatable(
            f"account {target.index} meets maintenance margin "
            f"(equity {before.equity} >= {before.maintenance})"
        )
    is_fund = target.index == INSURANCE_FUND
    fee = 0 if is_fund else min(max(before.equity, 0), _fee(target, markets))
    deficit = max(0, -before.equity)
    closed = _close_all(target, markets)
    if not is_fund:
        taken = _takeover(target, fund, markets).credit(fee - deficit)
        if health(taken, markets).meets_initial:
            final = closed.credit(deficit - fee)
            return LiquidationResult(
                target.index,
                "takeover",
                before,
                fee,
                deficit,
                deficit,
                (),
                {target.index: final, fund.index: taken},
            )
    return _deleverage(target, closed, fund, markets, counterparties, before, fee, deficit)


def _fee(target: Account, markets: dict[int, Market]) -> int:
    return sum(
        ppm_of(notional(p.size, markets[m].oracle_price), markets[m].liquidation_fee_ppm)
        for m, p in enumerate(target.positions)
        if p.size
    )


def _deleverage(
    target: Account,
    closed: Account,
    fund: Account,
    markets: dict[int, Market],
    counterparties: Iterable[Account],
    before: Health,
    fee: int,
    deficit: int,
) -> LiquidationResult:
    is_fund = target.index == INSURANCE_FUND
    others = {
        a.index: settle_funding(a, markets) for a in counterparties if a.index != target.index
    }
    if not is_fund:
        others[fund.index] = fund
    ranked = sorted(others.values(), key=lambda a: adl_rank_key(a, markets))
    fills: list[AdlFill] = []
    for m, pos in enumerate(target.positions):
        if not pos.size:
            continue
        need = pos.size  # the counterparties take over this signed size
        price = markets[m].oracle_price
        for cand in ranked:
            if not need:
                break
            c = others[cand.index]
            have = c.position(m).size
            if have == 0 or (have > 0) == (need > 0):
                continue
            take = need if abs(need) <= abs(have) else -have
            moved = c.with_position(m, Position(have + take, c.position(m).funding_index))
            others[c.index] = moved.credit(-notional(take, price))
            fills.append(AdlFill(c.index, m, take, price))
            need -= take
        if need:
            raise AssertionError(f"positions do not net to zero in market {m}")
    final = closed
    insurance_paid = 0
    if not is_fund:
        fund_now = others[fund.index].credit(fee)
        final = final.credit(-fee)
        free = health(fund_now, markets)
        insurance_paid = min(deficit, max(0, free.equity - free.initial))
        others[fund.index] = fund_now.credit(-insurance_paid)
    rest = deficit - insurance_paid
    final = final.credit(deficit)
    if rest and not fills:  # nothing to deleverage against: the fund carries the loss
        others[fund.index] = others[fund.index].credit(-rest)
        insurance_paid += rest
        rest = 0
    fills = _haircut(fills, rest, others)
    touched = {f.counterparty for f in fills} | ({fund.index} if not is_fund else set())
    changed = {i: others[i] for i in touched}
    changed[target.index] = final
    return LiquidationResult(
        target.index, "adl", before, fee, deficit, insurance_paid, tuple(fills), changed
    )


def _haircut(fills: list[AdlFill], rest: int, others: dict[int, Account]) -> list[AdlFill]:
    if rest <= 0:
        return fills
    weights = [abs(notional(f.size, f.price)) for f in fills]
    total = sum(weights) or 1
    shares = [rest * w // total for w in weights]
    shares[0] += rest - sum(shares)
    out = []
    for f, share in zip(fills, shares, strict=True):
        others[f.counterparty] = others[f.counterparty].credit(-share)
        out.append(AdlFill(f.counterparty, f.market, f.size, f.price, share))
    return out
