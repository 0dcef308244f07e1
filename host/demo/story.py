"""The demo's story: who plays, and the acts the exchange and the L1 go through.

Amounts are quote atoms (``10**6`` per USD), sizes base atoms (``10**8`` per BTC),
prices quote atoms per BTC (:mod:`zkel.host.exchange.scales`). On the L1 one atom
is ``ATOM_WEI`` wei.

Acts, in order (each logs witness records; the run cuts them into batches):

1. **accounts**: alice, bob and carol open accounts (3 records).
2. **deposits**: each sends wei to the rollup's deposit queue from their L1
   address, and the operator capitalises the insurance fund; the exchange takes
   the queue in order (4 records).
3. **trading**: bob rests a signed sell of 0.3 BTC; alice's buy of 0.2 fills part
   of it, carol's buy of 0.1 the rest (5 records: 3 placements, 2 fills).
4. **funding**: a funding tick (the last fills set the mark above the oracle, so
   longs pay shorts) (1 record; a funding tick starts a batch).
5. **crash**: the oracle signs BTC about 10 % lower; alice, long on thin margin,
   falls below maintenance and the sweep hands her position to the insurance fund
   (oracle + liquidation: 2 records).
6. **withdrawals**: bob and carol withdraw to their L1 addresses (2 records).

``seed`` picks the traders' keys and nudges the amounts and the crash within
bounds that keep the story's outcome (alice liquidated by takeover, the others
healthy); :meth:`Story.check_outcome` fails loudly if it did not happen.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from zkel.circuits.eddsa import PrivateKey
from zkel.host.exchange import (
    INSURANCE_FUND,
    Exchange,
    Market,
    OraclePrice,
    Order,
    Side,
    Withdrawal,
    sign_message,
    sign_order,
)
from zkel.host.exchange.scales import QUOTE_SCALE, SIZE_SCALE
from zkel.host.settlement.rollup import Rollup

USD = QUOTE_SCALE
BTC = SIZE_SCALE
#: wei per quote atom on the demo chain (one USD is 10^12 wei)
ATOM_WEI = 10**6
START_PRICE = 30_000 * USD
ORDER_EXPIRY_S = 3_600


class StoryError(RuntimeError):
    """The story did not go as written (an engine change altered its outcome)."""


def markets() -> list[Market]:
    """BTC-USD at 30,000 and ETH-USD at 2,000 (10 % initial, 5 % maintenance margin)."""
    return [
        Market(0, "BTC-USD", tick_size=100_000, lot_size=100_000, initial_margin_ppm=100_000,
               maintenance_margin_ppm=50_000, oracle_price=START_PRICE),
        Market(1, "ETH-USD", tick_size=10_000, lot_size=1_000_000, initial_margin_ppm=100_000,
               maintenance_margin_ppm=50_000, oracle_price=2_000 * USD),
    ]  # fmt: skip


def _key(seed: int, name: str) -> PrivateKey:
    return PrivateKey(hashlib.sha256(f"zkel-demo/{seed}/{name}".encode()).digest())


@dataclass(frozen=True)
class Cast:
    """Keys (Baby Jubjub) of the oracle, the operator and the traders, and each
    trader's L1 address (checksummed) on the chain."""

    oracle: PrivateKey
    operator: PrivateKey
    traders: dict[str, PrivateKey]
    l1: dict[str, str]

    @classmethod
    def make(cls, seed: int, l1_accounts: list[str]) -> Cast:
        """``l1_accounts[0]`` is the operator's; the traders take the next three."""
        names = ("alice", "bob", "carol")
        return cls(
            oracle=PrivateKey(bytes([1]) * 32),
            operator=PrivateKey(bytes([2]) * 32),
            traders={n: _key(seed, n) for n in names},
            l1={"operator": l1_accounts[0], **dict(zip(names, l1_accounts[1:4], strict=True))},
        )


@dataclass
class Story:
    """The acts over one exchange and one rollup; ``index`` maps names to accounts.

    ``withdrawals`` lists ``(name, atoms, L1 address)`` as requested;
    ``liquidated`` the accounts the crash liquidated.
    """

    ex: Exchange
    rollup: Rollup
    cast: Cast
    seed: int
    index: dict[str, int] = field(default_factory=dict)
    withdrawals: list[tuple[str, int, str]] = field(default_factory=list)
    liquidated: list[int] = field(default_factory=list)
    next_deposit: int = 0

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.deposit_atoms = {
            "alice": 800 * USD,
            "bob": rng.randrange(4_000, 6_001, 100) * USD,
            "carol": rng.randrange(1_500, 2_501, 100) * USD,
            "fund": 2_000 * USD,
        }
        self.crash_price = rng.randrange(26_800, 27_201, 100) * USD
        self.index["fund"] = INSURANCE_FUND

    @staticmethod
    def act_names() -> tuple[str, ...]:
        return ("accounts", "deposits", "trading", "funding", "crash", "withdrawals")

    def acts(self) -> list[tuple[str, Callable[[], str]]]:
        """``(title, act)`` in order; each act returns one line saying what happened."""
        acts = (self.accounts, self.deposits_act, self.trading, self.funding, self.crash,
                self.withdraw)  # fmt: skip
        return list(zip(self.act_names(), acts, strict=True))

    # -- acts -----------------------------------------------------------------------
    def accounts(self) -> str:
        for name, key in self.cast.traders.items():
            self.index[name] = self.ex.create_account(key.public_key())
        return ", ".join(f"{n} = account {self.index[n]}" for n in self.cast.traders)

    def deposits_act(self) -> str:
        payers = {**self.cast.l1, "fund": self.cast.l1["operator"]}
        for name, atoms in self.deposit_atoms.items():
            self.rollup.deposit(self.index[name], atoms, sender=payers[name])
        taken = []
        while self.next_deposit < self.rollup.deposit_tail:  # the queue, in order
            queued = self.rollup.queued_deposit(self.next_deposit)
            self.ex.deposit(queued.account, queued.amount)
            taken.append(f"{queued.amount // USD:,} USD to {queued.account}")
            self.next_deposit += 1
        return "L1 deposits queued and taken: " + "; ".join(taken)

    def trading(self) -> str:
        alice, bob, carol = (self.index[n] for n in ("alice", "bob", "carol"))
        price = 30_100 * USD
        orders = [
            ("bob", Order(bob, 0, Side.SELL, price, 30_000_000, ORDER_EXPIRY_S, nonce=0)),
            ("alice", Order(alice, 0, Side.BUY, 30_200 * USD, 20_000_000, ORDER_EXPIRY_S, 0)),
            ("carol", Order(carol, 0, Side.BUY, 30_200 * USD, 10_000_000, ORDER_EXPIRY_S, 0)),
        ]
        fills = []
        for name, order in orders:
            receipt = self.ex.submit_order(sign_order(self.cast.traders[name], order))
            fills += [f"{f.size / BTC:g} BTC at {f.price // USD:,}" for f in receipt.fills]
        if len(fills) != 2 or self.ex.book(0).orders:
            raise StoryError(f"trading: expected two fills and an empty book, got {fills}")
        return f"bob sells 0.3 BTC; fills: {', '.join(fills)} (alice, carol)"

    def funding(self) -> str:
        self.ex.tick_funding()
        m = self.ex.market(0)
        return f"BTC funding index now {m.funding_index} atoms per lot (mark above oracle)"

    def crash(self) -> str:
        tick = OraclePrice(0, self.crash_price, timestamp=self.ex.market(0).oracle_time + 60)
        receipt = self.ex.update_oracle(tick, sign_message(self.cast.oracle, tick))
        self.liquidated = [liq.target for liq in receipt.liquidations]
        modes = {liq.mode for liq in receipt.liquidations}
        if self.liquidated != [self.index["alice"]] or modes != {"takeover"}:
            raise StoryError(
                f"crash: expected alice liquidated by takeover, got {self.liquidated} {modes}"
            )
        return (
            f"BTC oracle {START_PRICE // USD:,} -> {self.crash_price // USD:,}; "
            f"alice (account {self.index['alice']}) liquidated, her position taken over "
            f"by the insurance fund"
        )

    def withdraw(self) -> str:
        out = []
        for name, atoms in (("bob", 1_000 * USD), ("carol", 500 * USD)):
            account = self.index[name]
            to = self.cast.l1[name]
            w = Withdrawal(account, atoms, self.ex.account(account).nonce, int(to, 16))
            self.ex.withdraw(w, sign_message(self.cast.traders[name], w))
            self.withdrawals.append((name, atoms, to))
            out.append(f"{name} {atoms // USD:,} USD to {to}")
        return "; ".join(out)
