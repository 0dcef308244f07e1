"""Incremental invariant checks of a running exchange, O(touched accounts) per step.

:class:`InvariantChecker` keeps running totals and updates them from the account
changes of each transaction (``Exchange.recorder.changes``), so checking after
every step costs time in proportion to what the step touched; only the "nobody
below maintenance after a price update" check scans the position holders of the
updated markets, which is what the engine's sweep scans too.

Invariants
----------
1. Collateral conservation: ``sum(collateral) + sum(lots * funding_index_at_settlement)``
   over all accounts (fee account and insurance fund included) plus the markets'
   fee pools (``sum(Market.fees)``, fees not yet collected) equals deposits minus
   withdrawals. The second term accounts for funding not yet settled (positions
   net to zero, so ``sum(lots * current_index)`` is 0).
2. Positions net to zero in every market.
3. Every account a fill touched meets initial margin after the order.
6. Every resting order is in its owner's open-order table at its ``slot`` with the
   same remaining size, and every non-empty table entry is a resting order (checked
   for the accounts the transaction touched).
4. Every liquidated account was below maintenance margin just before.
5. After an oracle update or funding tick, no account holding a position in an
   affected market is below maintenance margin.
7. Every deleverage step started with the insurance fund below initial margin and
   shrank both positions without flipping either; its haircut is the rule's
   (:func:`zkel.host.exchange.deleverage.haircut`).
"""

from __future__ import annotations

from collections.abc import Iterable

from zkel.host.exchange.account import INSURANCE_FUND, Account
from zkel.host.exchange.deleverage import haircut
from zkel.host.exchange.engine import Exchange
from zkel.host.exchange.margin import health
from zkel.host.exchange.market import Market
from zkel.host.exchange.scales import notional


class InvariantViolation(AssertionError):
    """An invariant failed; the message names it and the account or market."""


class InvariantChecker:
    """Running totals of ``exchange``; call :meth:`check` after every transaction."""

    def __init__(self, exchange: Exchange) -> None:
        self.ex = exchange
        self.external = 0
        self.total = 0
        self.net = {m: 0 for m in exchange.markets}
        for account in exchange.accounts.values():
            self._add(account, +1)
        self.external = self.total + self._pools()  # whatever was there when checking started
        self.steps = 0
        self.liquidations_checked = 0
        self.deleverages_checked = 0

    def _contribution(self, account: Account) -> int:
        value = account.collateral
        for m, market in self.ex.markets.items():
            pos = account.positions[m]
            value += market.lots(pos.size) * pos.funding_index
        return value

    def _pools(self) -> int:
        return sum(m.fees for m in self.ex.markets.values())

    def _add(self, account: Account, sign: int) -> None:
        self.total += sign * self._contribution(account)
        for m in self.net:
            self.net[m] += sign * account.positions[m].size

    def check(self) -> None:
        """Check the invariants after the last transaction (raises InvariantViolation)."""
        ex = self.ex
        rec = ex.recorder
        for record in rec.records:
            kind = record["kind"]
            if kind == "deposit":
                self.external += record["tx"]["amount"]
            elif kind == "withdraw":
                self.external -= record["tx"]["amount"]
        by_seq = {r["seq"]: r for r in rec.records}
        for seq, kind, before, after in rec.changes:
            if kind == "liquidation" and before is not None:
                self._check_liquidated(by_seq[seq], before)
            if kind == "deleverage" and before is not None:
                self._check_deleveraged(by_seq[seq], before, after)
            if before is not None:
                self._add(before, -1)
            self._add(after, +1)
        self.steps += 1
        held = self.total + self._pools()
        if held != self.external:
            raise InvariantViolation(
                f"collateral not conserved: {held} held (fee pools included), "
                f"{self.external} deposited net"
            )
        for m, net in self.net.items():
            if net:
                raise InvariantViolation(f"positions in market {m} net to {net}, not 0")
        self._check_tables({after.index for _, _, _, after in rec.changes})
        for record in rec.records:
            if record["kind"] == "fill":
                self._require_initial({record["tx"]["maker"], record["tx"]["taker"]})
            if record["kind"] == "oracle":
                self._require_maintenance(ex.holders[record["tx"]["market"]])
            if record["kind"] == "funding":
                self._require_maintenance(set().union(*ex.holders.values()))

    def _check_tables(self, indexes: Iterable[int]) -> None:
        ex = self.ex
        for i in indexes:
            account = ex.accounts[i]
            open_orders = {r.order_hash: r for r in ex.open_orders(i)}
            for slot, entry in enumerate(account.orders):
                if entry.empty:
                    continue
                r = open_orders.pop(entry.order_hash, None)
                if r is None or (r.slot, r.remaining) != (slot, entry.remaining):
                    raise InvariantViolation(
                        f"account {i}: table entry {slot} {entry} is not its resting order {r}"
                    )
            if open_orders:
                raise InvariantViolation(
                    f"account {i}: resting orders {sorted(open_orders)} are not in its table"
                )

    def _check_liquidated(self, record: dict, before: Account) -> None:
        if record["tx"]["account"] != before.index:
            return  # a counterparty or the fund, not the liquidated account
        h = health(before, self.ex.markets)
        if not h.below_maintenance:
            raise InvariantViolation(
                f"healthy account {before.index} was liquidated ({h.equity} >= {h.maintenance})"
            )
        self.liquidations_checked += 1

    def _check_deleveraged(self, record: dict, before: Account, after: Account) -> None:
        tx = record["tx"]
        m, size = tx["market"], tx["size"]
        old, new = before.positions[m].size, after.positions[m].size
        if before.index == INSURANCE_FUND:
            markets = {d["market_id"]: Market.from_dict(d) for d in record["markets_before"]}
            h = health(before, markets)
            if h.meets_initial:
                raise InvariantViolation(
                    f"record {record['seq']}: the fund was deleveraged at initial margin "
                    f"({h.equity} >= {h.initial})"
                )
            if tx["haircut"] != haircut(before, markets, notional(size, tx["price"])):
                raise InvariantViolation(f"record {record['seq']}: haircut off the rule")
            change = -size
        else:
            change = size
        if not (old * change < 0 and abs(change) <= abs(old) and new == old + change):
            raise InvariantViolation(
                f"record {record['seq']}: account {before.index}'s position {old} -> {new} "
                "does not shrink without a flip"
            )
        self.deleverages_checked += 1

    def _require_initial(self, indexes: Iterable[int]) -> None:
        for i in indexes:
            h = health(self.ex.accounts[i], self.ex.markets)
            if not h.meets_initial:
                raise InvariantViolation(
                    f"account {i} below initial margin after a fill ({h.equity} < {h.initial})"
                )

    def _require_maintenance(self, indexes: Iterable[int]) -> None:
        for i in indexes:
            h = health(self.ex.accounts[i], self.ex.markets)
            if h.below_maintenance:
                raise InvariantViolation(
                    f"account {i} left below maintenance ({h.equity} < {h.maintenance})"
                )
