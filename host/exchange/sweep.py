"""Price-driven transactions: oracle updates and funding ticks, each followed by the
liquidation sweep, all in one SQLite transaction.

The sweep checks every account holding a position in the affected markets,
liquidates those below maintenance margin in index order (re-checking each just
before, since earlier liquidations change the fund and ADL counterparties), and
queues any account a liquidation pushed below maintenance. A liquidated account's
resting orders are dropped first, one ``drop`` record each (reason
``"liquidated"``, in table-entry order) before its ``liquidation`` record, so a
liquidated account has an empty order table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zkel.host.exchange.account import INSURANCE_FUND
from zkel.host.exchange.errors import InvalidRequest
from zkel.host.exchange.funding import tick
from zkel.host.exchange.liquidation import LiquidationResult, liquidate
from zkel.host.exchange.margin import health
from zkel.host.exchange.matching import Drop
from zkel.host.exchange.orders import Signature, check_signature
from zkel.host.exchange.recorder import Recorder
from zkel.host.exchange.txs import OraclePrice, PriceReceipt

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
        liquidations = sweep(ex, rec, set(ex.holders[msg.market]))
    return PriceReceipt("oracle", tuple(rec.seqs), ex.root, tuple(liquidations))


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
        liquidations = sweep(ex, rec, holders)
    return PriceReceipt("funding", tuple(rec.seqs), ex.root, tuple(liquidations))


def sweep(ex: Exchange, rec: Recorder, candidates: set[int]) -> list[LiquidationResult]:
    """Liquidate every account of ``candidates`` (and any it drags down) below maintenance."""
    queue = sorted(i for i in candidates if health(ex.accounts[i], ex.markets).below_maintenance)
    done: list[LiquidationResult] = []
    while queue:
        index = queue.pop(0)
        account = ex.accounts[index]
        if not health(account, ex.markets).below_maintenance:
            continue
        for slot, entry in enumerate(account.orders):
            if entry.order_hash:
                rec.drop(Drop(index, entry.order_hash, slot, "liquidated"))
        account = ex.accounts[index]
        others = {
            j
            for m, pos in enumerate(account.positions)
            if pos.size
            for j in ex.holders[m]
            if j != index
        }
        result = liquidate(
            account,
            ex.accounts[INSURANCE_FUND],
            ex.markets,
            [ex.accounts[j] for j in sorted(others)],
        )
        rec.step(
            "liquidation",
            {"account": index, "mode": result.mode},
            result.accounts,
            events=_liquidation_dict(result),
        )
        done.append(result)
        for j in sorted(result.accounts):
            if (
                j != index
                and j not in queue
                and health(ex.accounts[j], ex.markets).below_maintenance
            ):
                queue.append(j)
    return done


def _liquidation_dict(r: LiquidationResult) -> dict:
    return {
        "target": r.target,
        "mode": r.mode,
        "fee": r.fee,
        "deficit": r.deficit,
        "insurance_paid": r.insurance_paid,
        "health_before": [
            r.health_before.equity,
            r.health_before.initial,
            r.health_before.maintenance,
        ],
        "adl": [[f.counterparty, f.market, f.size, f.price, f.haircut] for f in r.adl],
    }
