"""Price-driven transactions: oracle updates and funding ticks, each followed by the
liquidation sweep, all in one SQLite transaction.

The sweep checks every account holding a position in the affected markets,
liquidates those below maintenance margin in index order (re-checking each just
before, since earlier steps change the fund and the counterparties), and queues any
account a step pushed below maintenance (a counterparty's haircut can). A
liquidated account's resting orders are dropped first, one ``drop`` record each
(reason ``"liquidated"``, in table-entry order) before its ``liquidation`` record
(a takeover by the fund, :mod:`zkel.host.exchange.liquidation`), so a liquidated
account has an empty order table. When the takeover leaves the fund below initial
margin, or the fund itself is found below maintenance, ``deleverage`` records
follow, one per step (:mod:`zkel.host.exchange.deleverage`), until the fund meets
initial margin or holds no position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zkel.host.exchange.account import INSURANCE_FUND
from zkel.host.exchange.deleverage import (
    DeleverageResult,
    deleverage,
    rank_counterparties,
    step_size,
)
from zkel.host.exchange.errors import InvalidRequest
from zkel.host.exchange.funding import tick
from zkel.host.exchange.liquidation import LiquidationResult, liquidate
from zkel.host.exchange.margin import health
from zkel.host.exchange.matching import Drop
from zkel.host.exchange.orders import Signature, check_signature
from zkel.host.exchange.recorder import Recorder
from zkel.host.exchange.txs import OraclePrice, PriceReceipt, SweepResult

if TYPE_CHECKING:
    from zkel.host.exchange.engine import Exchange


def oracle_update(ex: Exchange, msg: OraclePrice, sig: Signature) -> PriceReceipt:
    """Validate and apply a signed oracle price, then sweep its market."""
    market = ex.market(msg.market)
    new = market.with_oracle(msg.price, msg.timestamp)
    if msg.timestamp <= market.oracle_time:
        raise InvalidRequest(
            f"oracle timestamp {msg.timestamp} is not after {market.oracle_time} (replay?)"
        )
    check_signature(ex.oracle_pubkey, msg.hash(), sig, f"oracle price of market {msg.market}")
    with ex._atomic() as rec:
        rec.set_market(new)
        rec.step(
            "oracle",
            {"market": msg.market, "price": msg.price, "timestamp": msg.timestamp},
            {},
            message=msg.hash(),
            sig=sig,
            signer=ex.oracle_pubkey,
        )
        swept = sweep(ex, rec, set(ex.holders[msg.market]))
    return PriceReceipt("oracle", tuple(rec.seqs), ex.root, swept.liquidations, swept.deleverages)


def funding_tick(ex: Exchange) -> PriceReceipt:
    """Advance every market's funding index, then sweep all position holders."""
    with ex._atomic() as rec:
        rates = {}
        for market_id in sorted(ex.markets):
            result = tick(ex.markets[market_id])
            rec.set_market(result.market)
            rates[market_id] = [result.rate_ppm, result.delta]
        rec.step("funding", {"rates": rates}, {}, events={"rates": rates})
        holders = set().union(*ex.holders.values())
        swept = sweep(ex, rec, holders)
    return PriceReceipt("funding", tuple(rec.seqs), ex.root, swept.liquidations, swept.deleverages)


def sweep(ex: Exchange, rec: Recorder, candidates: set[int]) -> SweepResult:
    """Liquidate every account of ``candidates`` (and any it drags down) below maintenance,
    deleveraging the fund after each takeover that left it below initial margin."""
    queue = sorted(i for i in candidates if health(ex.accounts[i], ex.markets).below_maintenance)
    done: list[LiquidationResult] = []
    steps: list[DeleverageResult] = []
    while queue:
        index = queue.pop(0)
        account = ex.accounts[index]
        if not health(account, ex.markets).below_maintenance:
            continue
        touched = set()
        if index != INSURANCE_FUND:
            for slot, entry in enumerate(account.orders):
                if entry.order_hash:
                    rec.drop(Drop(index, entry.order_hash, slot, "liquidated"))
            result = liquidate(ex.accounts[index], ex.accounts[INSURANCE_FUND], ex.markets)
            rec.step(
                "liquidation",
                {"account": index, "mode": result.mode},
                result.accounts,
                events=_liquidation_dict(result),
            )
            done.append(result)
            touched |= set(result.accounts)
        for step in deleverage_fund(ex, rec, index):
            steps.append(step)
            touched |= set(step.accounts)
        for j in sorted(touched):
            if (
                j != index
                and j not in queue
                and health(ex.accounts[j], ex.markets).below_maintenance
            ):
                queue.append(j)
    return SweepResult(tuple(done), tuple(steps))


def deleverage_fund(ex: Exchange, rec: Recorder, target: int) -> list[DeleverageResult]:
    """``deleverage`` steps, one record each, until the fund meets initial margin or holds
    no position (the policy of :mod:`zkel.host.exchange.deleverage`); ``target`` is the
    account whose liquidation (or the fund itself) started them, for the records' events."""
    steps: list[DeleverageResult] = []
    ranked: dict[int, list[int]] = {}
    while True:
        fund = ex.accounts[INSURANCE_FUND]
        if health(fund, ex.markets).meets_initial:
            return steps
        m = next((m for m, p in enumerate(fund.positions) if p.size), None)
        if m is None:
            return steps  # nothing left to close: the fund keeps what it has
        if m not in ranked:
            holders = [ex.accounts[j] for j in sorted(ex.holders[m])]
            ranked[m] = rank_counterparties(fund, m, holders, ex.markets)
        queue = ranked[m]
        held = fund.position(m).size
        while queue and ex.accounts[queue[0]].position(m).size * held >= 0:
            queue.pop(0)  # closed out by an earlier step
        if not queue:
            raise AssertionError(f"positions do not net to zero in market {m}")
        other = ex.accounts[queue[0]]
        step = deleverage(fund, other, ex.markets, m, step_size(fund, other, ex.markets, m))
        rec.step(
            "deleverage",
            step.tx(),
            step.accounts,
            events={
                "target": target,
                "fund_before": [step.fund_before.equity, step.fund_before.initial],
            },
        )
        steps.append(step)


def _liquidation_dict(r: LiquidationResult) -> dict:
    return {
        "target": r.target,
        "mode": r.mode,
        "fee": r.fee,
        "deficit": r.deficit,
        "health_before": [
            r.health_before.equity,
            r.health_before.initial,
            r.health_before.maintenance,
        ],
    }
