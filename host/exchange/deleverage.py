"""Auto-deleveraging (ADL) of the insurance fund: one step as a pure transition, and
the engine's policy for choosing the steps.

Rule of one ``deleverage`` step (the circuit's DELEVERAGE; quote atoms, sizes in
base atoms, prices in quote atoms per 10^8 base atoms):

1. Only while the insurance fund is **below initial margin** just before the step
   (``equity < initial requirement`` at the oracle prices, unsettled funding
   counted); :class:`NotDeleveragable` otherwise.
2. A counterparty ``B`` (any account but the fund) holds a position opposite to the
   fund's in market ``m``. The step moves the signed size ``s`` (non-zero, on lot)
   from the fund to ``B``: the fund's position ``p_F`` becomes ``p_F - s`` and ``B``'s
   ``p_B`` becomes ``p_B + s``, where ``s`` has the sign of ``p_F`` (and so the
   opposite of ``p_B``) and ``|s| <= min(|p_F|, |p_B|)``: both positions shrink,
   neither flips.
3. Both accounts settle funding; ``s`` moves at the market's oracle price: the fund
   receives ``notional(s) = s · price / 10^8`` and ``B`` pays it.
4. **Haircut.** With the fund's equity ``E`` and ``N = Σ_m |notional_m|`` of its
   positions just before the step, ``B`` pays the fund
   ``h = ceil(max(-E, 0) · |notional(s)| / N)``. So ``h <= max(-E, 0)``, the fund's
   deficit per unit of notional never grows, and the step that closes the fund's
   last position takes exactly the rest of the deficit: the fund ends with equity
   ``>= 0``.

A trade at the oracle price leaves both equities unchanged; only the haircut moves
value, from a counterparty to the fund, and only while the fund's equity is
negative. Collateral is conserved; open interest falls by ``|s|``.

Policy (the engine's choice, which the circuit does not prove, as in StarkEx's
deleverage): the engine deleverages the fund right after a takeover that left it
below initial margin, and whenever the fund itself is below maintenance, step by
step until it meets initial margin or holds no position. Each step takes the
fund's lowest market with a position and the counterparty ranked first there by
:func:`adl_rank_key` (the most profitable first: highest equity per unit of
notional, then lowest index; the leaves hold no entry prices), ranked once per
run. The size is ``min(|p_F|, |p_B|)`` while the fund's equity is negative (every
position must then be closed: the haircuts are pro rata to notional); otherwise the
fewest lots that bring the fund to initial margin. The circuit guarantees rules 1
to 4 for every step, whoever the sequencer picks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zkel.host.exchange.account import INSURANCE_FUND, Account, Position, settle_funding
from zkel.host.exchange.errors import ExchangeError
from zkel.host.exchange.margin import Health, health
from zkel.host.exchange.market import Market
from zkel.host.exchange.scales import PPM, notional


class NotDeleveragable(ExchangeError):
    """A deleverage step that breaks the rule (fund meets initial margin, same side, flip)."""


@dataclass(frozen=True)
class DeleverageResult:
    """One step: ``size`` (signed base atoms) of ``market`` moved from the fund to
    ``counterparty`` at ``price``, the ``haircut`` (quote atoms) it paid the fund, the
    fund's margin just before, and both accounts after (by index)."""

    market: int
    counterparty: int
    size: int
    price: int
    haircut: int
    fund_before: Health
    accounts: dict[int, Account]

    def tx(self) -> dict:
        """The ``tx`` of the step's ``deleverage`` witness record."""
        return {
            "account": INSURANCE_FUND,
            "counterparty": self.counterparty,
            "market": self.market,
            "size": self.size,
            "price": self.price,
            "haircut": self.haircut,
        }


def total_notional(account: Account, markets: Mapping[int, Market]) -> int:
    """``Σ_m |size_m · oracle_price_m / 10^8|`` (quote atoms)."""
    return sum(
        abs(notional(p.size, markets[m].oracle_price))
        for m, p in enumerate(account.positions)
        if p.size
    )


def haircut(fund: Account, markets: Mapping[int, Market], step_notional: int) -> int:
    """``ceil(max(-equity, 0) · |step_notional| / Σ|notional|)`` of the fund (rule 4)."""
    deficit = max(0, -health(fund, dict(markets)).equity)
    if not deficit:
        return 0
    return -(-deficit * abs(step_notional) // total_notional(fund, markets))


def deleverage(
    fund: Account,
    counterparty: Account,
    markets: dict[int, Market],
    market_id: int,
    size: int,
) -> DeleverageResult:
    """One step of the rule: ``size`` of ``market_id`` from ``fund`` to ``counterparty``."""
    if fund.index != INSURANCE_FUND:
        raise NotDeleveragable(f"account {fund.index} is not the insurance fund")
    if counterparty.index == fund.index:
        raise NotDeleveragable("the fund cannot deleverage against itself")
    before = health(fund, markets)
    if before.meets_initial:
        raise NotDeleveragable(
            f"the insurance fund meets initial margin ({before.equity} >= {before.initial})"
        )
    market = markets[market_id]
    held, other = fund.position(market_id).size, counterparty.position(market_id).size
    if not size or size % market.lot_size:
        raise NotDeleveragable(f"size {size} is zero or off the lot {market.lot_size}")
    if held * size <= 0:
        raise NotDeleveragable(f"the fund's position {held} does not shrink by {size}")
    if other * size >= 0:
        raise NotDeleveragable(
            f"account {counterparty.index}'s position {other} is not opposite the fund's"
        )
    if abs(size) > min(abs(held), abs(other)):
        raise NotDeleveragable(
            f"size {size} would flip the fund ({held}) or account {counterparty.index} ({other})"
        )
    price = market.oracle_price
    value = notional(size, price)
    cut = haircut(fund, markets, value)
    fund = settle_funding(fund, markets)
    counterparty = settle_funding(counterparty, markets)
    f, c = fund.position(market_id), counterparty.position(market_id)
    fund = fund.with_position(market_id, Position(f.size - size, f.funding_index))
    counterparty = counterparty.with_position(market_id, Position(c.size + size, c.funding_index))
    fund = fund.credit(value + cut)
    counterparty = counterparty.credit(-value - cut)
    return DeleverageResult(
        market_id,
        counterparty.index,
        size,
        price,
        cut,
        before,
        {fund.index: fund, counterparty.index: counterparty},
    )


def adl_rank_key(account: Account, markets: dict[int, Market]) -> tuple[int, int]:
    """Sort key, most profitable first: ``(-(equity · 10^6 // Σ|notional|), index)``."""
    h = health(account, markets)
    return (-(h.equity * PPM // max(total_notional(account, markets), 1)), account.index)


def rank_counterparties(
    fund: Account, market_id: int, candidates: Iterable[Account], markets: dict[int, Market]
) -> list[int]:
    """Indexes of ``candidates`` opposite the fund in ``market_id``, best first."""
    held = fund.position(market_id).size
    opposite = [
        a for a in candidates if a.index != fund.index and a.position(market_id).size * held < 0
    ]
    return [a.index for a in sorted(opposite, key=lambda a: adl_rank_key(a, markets))]


def step_size(
    fund: Account, counterparty: Account, markets: dict[int, Market], market_id: int
) -> int:
    """The policy's signed size for one step (see the module docstring)."""
    held = fund.position(market_id).size
    sign = 1 if held > 0 else -1
    most = min(abs(held), abs(counterparty.position(market_id).size))
    now = health(fund, markets)
    if now.equity < 0:
        return sign * most
    lot = markets[market_id].lot_size
    pos = fund.position(market_id)

    def meets(lots: int) -> bool:
        after = fund.with_position(market_id, Position(held - sign * lots * lot, pos.funding_index))
        return health(after, markets).initial <= now.equity

    lo, hi = 1, most // lot
    if not meets(hi):
        return sign * most
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if meets(mid) else (mid + 1, hi)
    return sign * lo * lot
