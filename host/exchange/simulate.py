"""A randomized market for testing and demonstration: many accounts, signed orders,
a price path with a crash, funding, liquidations, fee collection, batches, invariants
after every step. After each funding tick the operator collects every market's fee
pool into the fee account.

Key derivation is the slow part of EdDSA, so accounts share a small pool of keys
(``key_pool`` keys, account ``i`` owned by key ``i % key_pool``); every order,
cancel, withdrawal and transfer is still signed and verified.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from zkel.circuits.eddsa import PrivateKey
from zkel.host.exchange.account import FEE_ACCOUNT, INSURANCE_FUND
from zkel.host.exchange.engine import Exchange
from zkel.host.exchange.errors import ExchangeError
from zkel.host.exchange.invariants import InvariantChecker
from zkel.host.exchange.margin import equity
from zkel.host.exchange.market import Market
from zkel.host.exchange.orders import Cancel, Order, Side, sign, sign_order
from zkel.host.exchange.scales import QUOTE_SCALE
from zkel.host.exchange.txs import OraclePrice, PriceReceipt, Transfer, Withdrawal, sign_message
from zkel.host.state.recovery import verify_store

Progress = Callable[[str, int, int], None]


@dataclass
class SimulationReport:
    """Counts and figures of a run (amounts in quote atoms)."""

    accounts: int
    orders: int
    seed: int
    orders_accepted: int = 0
    orders_rejected: int = 0
    rejections_checked: int = 0
    trades: int = 0
    cancels: int = 0
    withdrawals: int = 0
    transfers: int = 0
    oracle_updates: int = 0
    funding_ticks: int = 0
    liquidations: int = 0
    liquidations_takeover: int = 0
    liquidations_adl: int = 0
    deleverage_steps: int = 0
    haircuts: int = 0
    insurance_fund: int = 0
    insurance_fund_equity: int = 0
    fee_account: int = 0
    fee_pools: int = 0
    fee_collections: int = 0
    batches: int = 0
    tree_updates: int = 0
    tree_updates_in_orders: int = 0
    invariant_checks: int = 0
    root: str = ""
    root_verified: bool = False
    seconds: float = 0.0
    order_seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def default_markets() -> list[Market]:
    """BTC-USD at 30,000 and ETH-USD at 2,000 (10 % initial, 5 % maintenance margin)."""
    return [
        Market(
            0,
            "BTC-USD",
            tick_size=100_000,
            lot_size=100_000,
            initial_margin_ppm=100_000,
            maintenance_margin_ppm=50_000,
            oracle_price=30_000 * QUOTE_SCALE,
        ),
        Market(
            1,
            "ETH-USD",
            tick_size=10_000,
            lot_size=1_000_000,
            initial_margin_ppm=100_000,
            maintenance_margin_ppm=50_000,
            oracle_price=2_000 * QUOTE_SCALE,
        ),
    ]


def price_path_factor(step: int, steps: int) -> float:
    """Drift of the oracle relative to the start: flat, a 35 % crash at 55 %, a rebound."""
    x = step / max(steps, 1)
    if x < 0.55:
        return 1.0 + 0.04 * x
    if x < 0.62:
        return 1.02 - 0.35 * (x - 0.55) / 0.07
    return 0.67 + 0.15 * (x - 0.62) / 0.38


def l1_address(account: int) -> int:
    """The simulated L1 address (160 bits) account ``account`` withdraws to:
    the first 20 bytes of ``sha256("zkel-sim" || account as u32)``, big-endian."""
    digest = hashlib.sha256(b"zkel-sim" + account.to_bytes(4, "big")).digest()
    return int.from_bytes(digest[:20], "big")


def tree_depth(accounts: int) -> int:
    """Tree depth (index bits, even: the tree is 4-ary) for a run: 16 (65,536 leaves), or
    more when the accounts need it."""
    bits = max(16, (accounts + 2).bit_length() + 1)
    return bits + bits % 2


class Simulation:
    """State of one run; :meth:`run` drives it."""

    def __init__(
        self,
        accounts: int,
        orders: int,
        seed: int,
        db: str = ":memory:",
        key_pool: int = 16,
        batch_size: int = 512,
    ) -> None:
        if accounts < 2 or orders < 1:
            raise ValueError("a simulation needs at least 2 accounts and 1 order")
        self.rng = random.Random(seed)
        self.report = SimulationReport(accounts, orders, seed)
        self.keys = [PrivateKey(self.rng.randbytes(32)) for _ in range(min(key_pool, accounts))]
        self.pubs = [k.public_key() for k in self.keys]
        oracle = PrivateKey(self.rng.randbytes(32))
        self.oracle = oracle
        self.ex = Exchange.open(
            db,
            markets=default_markets(),
            oracle_pubkey=oracle.public_key(),
            operator_pubkey=self.pubs[0],
            depth=tree_depth(accounts),
            synchronous="NORMAL",
        )
        self.base = {m: mk.oracle_price for m, mk in self.ex.markets.items()}
        self.checker = InvariantChecker(self.ex)
        self.users: list[int] = []
        self.batch_size = batch_size
        self.batched_seq = 0
        self.oracle_time = 0

    def key_of(self, account: int) -> PrivateKey:
        return self.keys[account % len(self.keys)]

    def _step(self, fn: Callable[[], object]) -> object | None:
        """Run one transaction; check invariants after it, or that a rejection changed nothing."""
        ex = self.ex
        before = (ex.root, ex.seq, sum(len(b) for b in ex.books.values()))
        try:
            result = fn()
        except ExchangeError:
            after = (ex.root, ex.seq, sum(len(b) for b in ex.books.values()))
            if after != before:
                raise AssertionError("a rejected transaction changed the state") from None
            self.report.rejections_checked += 1
            return None
        self.checker.check()
        self.report.invariant_checks += 1
        if ex.seq - self.batched_seq >= self.batch_size:
            self._cut()
        return result

    def _cut(self) -> None:
        batch = self.ex.cut_batch()
        if batch is not None:
            self.report.batches += 1
        self.batched_seq = self.ex.seq

    def setup(self, progress: Progress | None = None) -> None:
        """Create the accounts and fund them (the insurance fund gets 50 USD per account)."""
        ex = self.ex
        n = self.report.accounts
        self._step(lambda: ex.deposit(INSURANCE_FUND, 50 * n * QUOTE_SCALE))
        for i in range(n):
            index = self._step(
                lambda i=i: ex.create_account(self.pubs[(len(ex.accounts)) % len(self.pubs)])
            )
            amount = self.rng.randint(500, 20_000) * QUOTE_SCALE
            self._step(lambda index=index, amount=amount: ex.deposit(index, amount))
            self.users.append(index)
            if progress and (i % 200 == 0 or i == n - 1):
                progress("accounts", i + 1, n)

    def _oracle(self, step: int) -> None:
        for m, base in self.base.items():
            market = self.ex.markets[m]
            noise = 1 + self.rng.uniform(-0.004, 0.004)
            target = int(base * price_path_factor(step, self.report.orders) * noise)
            price = max(market.tick_size, target // market.tick_size * market.tick_size)
            self.oracle_time += 1
            msg = OraclePrice(m, price, self.oracle_time)
            result = self._step(
                lambda msg=msg: self.ex.update_oracle(msg, sign_message(self.oracle, msg))
            )
            if result is not None:
                self.report.oracle_updates += 1
                self._count_sweep(result)

    def _collect_fees(self) -> None:
        for m in sorted(self.ex.markets):
            if self.ex.markets[m].fees:
                if self._step(lambda m=m: self.ex.collect_fees(m)) is not None:
                    self.report.fee_collections += 1

    def _count_sweep(self, receipt: PriceReceipt) -> None:
        """Count a sweep's takeovers and deleverage steps; ``liquidations_adl`` counts the
        takeovers that deleverage steps followed (every liquidation is a takeover)."""
        r = self.report
        r.liquidations += len(receipt.liquidations)
        r.liquidations_takeover += len(receipt.liquidations)
        r.deleverage_steps += len(receipt.deleverages)
        r.haircuts += sum(step.haircut for step in receipt.deleverages)
        targets = {liq.target for liq in receipt.liquidations}
        if not (targets and receipt.deleverages):
            return
        for record in (self.ex.store.tx(seq) for seq in receipt.seqs):
            if record["kind"] == "deleverage" and record["events"]["target"] in targets:
                targets.discard(record["events"]["target"])
                r.liquidations_adl += 1

    def _order(self) -> None:
        ex, rng = self.ex, self.rng
        account = ex.accounts[rng.choice(self.users)]
        m = rng.choice(list(ex.markets))
        market = ex.markets[m]
        side = rng.choice((Side.BUY, Side.SELL))
        offset = (
            rng.randint(-8, 8)
            * market.tick_size
            * max(1, market.oracle_price // 10**4 // market.tick_size)
        )
        price = max(
            market.tick_size, market.oracle_price + (offset if side is Side.BUY else -offset)
        )
        leverage = rng.choice((1, 2, 3, 5, 8))
        lots = max(1, account.collateral * leverage * 10**8 // (price * market.lot_size) // 2)
        lots = rng.randint(1, max(1, lots))
        order = Order(
            account.index,
            m,
            side,
            price,
            lots * market.lot_size,
            ex.now + rng.randint(20, 400),
            account.nonce,
        )
        receipt = self._step(lambda: ex.submit_order(sign_order(self.key_of(account.index), order)))
        if receipt is None:
            self.report.orders_rejected += 1
        else:
            self.report.orders_accepted += 1
            self.report.trades += len(receipt.fills)

    def _other(self) -> None:
        ex, rng = self.ex, self.rng
        roll = rng.random()
        account = ex.accounts[rng.choice(self.users)]
        key = self.key_of(account.index)
        if roll < 0.4 and ex.orders_of.get(account.index):
            h = min(ex.orders_of[account.index])
            c = Cancel(account.index, h, account.nonce)
            if self._step(lambda: ex.cancel_order(c, sign(key, c.hash()))) is not None:
                self.report.cancels += 1
        elif roll < 0.6:
            amount = rng.randint(1, 200) * QUOTE_SCALE
            w = Withdrawal(account.index, amount, account.nonce, l1_address(account.index))
            if self._step(lambda: ex.withdraw(w, sign_message(key, w))) is not None:
                self.report.withdrawals += 1
        elif roll < 0.8:
            to = rng.choice(self.users)
            if to != account.index:
                t = Transfer(account.index, to, rng.randint(1, 100) * QUOTE_SCALE, account.nonce)
                if self._step(lambda: ex.transfer(t, sign_message(key, t))) is not None:
                    self.report.transfers += 1
        else:  # deliberate bad requests: a replayed nonce, or a signature by the wrong key
            to = l1_address(account.index)
            if account.nonce:
                w, signer = Withdrawal(account.index, QUOTE_SCALE, account.nonce - 1, to), key
            else:
                w, signer = (
                    Withdrawal(account.index, QUOTE_SCALE, 0, to),
                    self.keys[(account.index + 1) % len(self.keys)],
                )
            if self._step(lambda: ex.withdraw(w, sign_message(signer, w))) is not None:
                raise AssertionError(f"a bad withdrawal of account {account.index} was accepted")

    def run(self, progress: Progress | None = None) -> SimulationReport:
        """Set up, run the orders with price updates and funding, cut the last batch."""
        t0 = time.perf_counter()
        self.setup(progress)
        n = self.report.orders
        every = max(1, n // 100)
        t1 = time.perf_counter()
        tree0 = self.ex.recorder.tree_updates
        for step in range(n):
            self._step(lambda step=step: self.ex.advance_time(self.ex.now + 1))
            if step % every == 0:
                self._oracle(step)
            if step % (every * 8) == every * 4:
                result = self._step(self.ex.tick_funding)
                if result is not None:
                    self.report.funding_ticks += 1
                    self._count_sweep(result)
                self._collect_fees()
            self._order()
            if self.rng.random() < 0.1:
                self._other()
            if progress and (step % 100 == 0 or step == n - 1):
                progress("orders", step + 1, n)
        self.report.order_seconds = time.perf_counter() - t1
        self._cut()
        r = self.report
        r.tree_updates = self.ex.recorder.tree_updates
        r.tree_updates_in_orders = r.tree_updates - tree0
        r.insurance_fund = self.ex.accounts[INSURANCE_FUND].collateral
        r.insurance_fund_equity = equity(self.ex.accounts[INSURANCE_FUND], self.ex.markets)
        r.fee_account = self.ex.accounts[FEE_ACCOUNT].collateral
        r.fee_pools = sum(m.fees for m in self.ex.markets.values())
        r.root = str(self.ex.root)
        r.root_verified = verify_store(self.ex.store).ok
        r.seconds = time.perf_counter() - t0
        return r


def simulate(
    accounts: int,
    orders: int,
    seed: int = 0,
    db: str = ":memory:",
    progress: Progress | None = None,
) -> SimulationReport:
    """Run a :class:`Simulation` and return its report."""
    return Simulation(accounts, orders, seed, db).run(progress)
