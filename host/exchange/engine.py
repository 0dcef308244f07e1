"""The Exchange: validation, pure transitions, and durable commits of each transaction.

Every public method is one exchange transaction: it validates (raising an
:class:`~zkel.host.exchange.errors.ExchangeError` and changing nothing on a bad
request), computes new immutable accounts and markets with the pure transitions
of :mod:`trade`, :mod:`liquidation`, :mod:`funding` and :mod:`txs`, and then
commits them in ONE SQLite transaction: tree nodes, account rows, orders, markets
and the witness records for the prover (one record per circuit slot: an order is
its placement, fills and drops, see :mod:`matching`). It returns only after the
commit, so a returned receipt is an acknowledged, durable transaction.

Funding is settled only where positions change (fills, liquidations), the rule the
transition circuit enforces; margin checks count unsettled funding either way
(:func:`zkel.host.exchange.margin.equity`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from zkel.circuits.smt import SparseMerkleTree
from zkel.host.exchange import txs
from zkel.host.exchange.account import (
    EMPTY_SLOT,
    FEE_ACCOUNT,
    INSURANCE_FUND,
    MARKETS_PER_ACCOUNT,
    Account,
)
from zkel.host.exchange.book import OrderBook, RestingOrder
from zkel.host.exchange.errors import (
    BadNonce,
    InvalidRequest,
    UnknownAccount,
    UnknownMarket,
    UnknownOrder,
)
from zkel.host.exchange.market import Market
from zkel.host.exchange.matching import match_order
from zkel.host.exchange.orders import Cancel, Signature, SignedOrder, check_signature
from zkel.host.exchange.recorder import Recorder
from zkel.host.exchange.scales import FIELD_ORDER, check_amount
from zkel.host.state import leaf
from zkel.host.state.leaf import STATE_LAYOUT, state_root
from zkel.host.state.recovery import check_layout
from zkel.host.state.store import Store

if TYPE_CHECKING:
    from zkel.host.exchange.sequencer import Batch

DEFAULT_DEPTH = 20


class Exchange:
    """A perpetuals exchange backed by the database at ``path`` (see :meth:`open`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        try:
            self.depth: int = check_layout(store)
        except ValueError as exc:
            raise InvalidRequest(str(exc)) from None
        self.oracle_pubkey = tuple(int(v) for v in store.get_meta("oracle_pubkey"))
        self.operator_pubkey = tuple(int(v) for v in store.get_meta("operator_pubkey"))
        self.tree = SparseMerkleTree(self.depth, store=store.nodes)
        self._load()

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path,
        markets: list[Market] | None = None,
        oracle_pubkey: tuple[int, int] | None = None,
        operator_pubkey: tuple[int, int] | None = None,
        depth: int = DEFAULT_DEPTH,
        synchronous: str = "FULL",
    ) -> Exchange:
        """Open the exchange at ``path``, creating it when the database is new.

        A new exchange needs ``markets`` (ids ``0 .. MARKETS_PER_ACCOUNT - 1``, each
        with an initial oracle price), the oracle's and the operator's Baby Jubjub
        public keys, and an even account-tree ``depth`` (index bits) in ``[2, 32]``
        (the tree is 4-ary; account indexes are u32 in the public data); it lists
        the markets (one record each, from the empty state) and creates the fee
        account (index 0) and the insurance fund (index 1) owned by the operator
        key. Reopening ignores those arguments.
        """
        store = Store(path, synchronous=synchronous)
        try:
            if store.get_meta("depth") is None:
                cls._genesis(store, markets, oracle_pubkey, operator_pubkey, depth)
            return cls(store)
        except BaseException:
            store.close()
            raise

    @staticmethod
    def _genesis(
        store: Store,
        markets: list[Market] | None,
        oracle_pubkey: tuple[int, int] | None,
        operator_pubkey: tuple[int, int] | None,
        depth: int,
    ) -> None:
        if not markets or oracle_pubkey is None or operator_pubkey is None:
            raise InvalidRequest("a new exchange needs markets, oracle_pubkey and operator_pubkey")
        if not 2 <= depth <= 32:
            raise InvalidRequest(f"tree depth must lie in [2, 32], not {depth}")
        if depth % 2:
            raise InvalidRequest(f"tree depth must be even (a 4-ary tree), not {depth}")
        ids = sorted(m.market_id for m in markets)
        if ids != list(range(len(markets))) or len(markets) > MARKETS_PER_ACCOUNT:
            raise InvalidRequest(
                f"market ids must be 0..n-1 with n <= {MARKETS_PER_ACCOUNT}, got {ids}"
            )
        for m in markets:
            if not m.oracle_price:
                raise InvalidRequest(f"market {m.symbol} needs an initial oracle price")
        with store.transaction():  # all of genesis, or nothing
            store.set_meta("depth", depth)
            store.set_meta("layout", STATE_LAYOUT)
            store.set_meta("oracle_pubkey", [str(v) for v in oracle_pubkey])
            store.set_meta("operator_pubkey", [str(v) for v in operator_pubkey])
            ex = Exchange(store)  # no markets, no accounts yet
            ex._store_roots()
            for m in sorted(markets, key=lambda m: m.market_id):
                with ex._atomic() as rec:
                    rec.set_market(m)
                    rec.step("list_market", {"market": m.to_dict()}, {})
            ex.create_account(operator_pubkey)
            ex.create_account(operator_pubkey)

    def _load(self) -> None:
        s = self.store
        self.markets: dict[int, Market] = {d["market_id"]: Market.from_dict(d) for d in s.markets()}
        self.accounts: dict[int, Account] = {}
        self.holders: dict[int, set[int]] = {m: set() for m in self.markets}
        for data in s.accounts():
            self._index(Account.from_dict(data))
        self.books = {m: OrderBook(m) for m in self.markets}
        self.orders_of: dict[int, set[int]] = {}
        for data in s.orders():
            resting = Recorder.resting_from_dict(data)
            self.books[resting.signed.order.market].add(resting)
            self.orders_of.setdefault(resting.account, set()).add(resting.order_hash)
        self.now: int = s.get_meta("now", 0)
        self.seq: int = s.get_meta("seq", 0)
        self.order_seq: int = s.get_meta("order_seq", 0)
        self.recorder = Recorder(self)

    def _index(self, account: Account) -> None:
        self.accounts[account.index] = account
        for m, pos in enumerate(account.positions):
            if m in self.holders:
                (self.holders[m].add if pos.size else self.holders[m].discard)(account.index)

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    @contextmanager
    def _atomic(self) -> Iterator[Recorder]:
        """One SQLite transaction; on any error, roll back and reload memory from the store."""
        try:
            with self.store.transaction():
                self.recorder.begin()
                yield self.recorder
                self.store.set_meta("now", self.now)
                self.store.set_meta("seq", self.seq)
                self.store.set_meta("order_seq", self.order_seq)
                self._store_roots()
        except BaseException:
            self.tree = SparseMerkleTree(self.depth, store=self.store.nodes)
            self._load()
            raise

    def _store_roots(self) -> None:
        accounts_root, m_root = self.accounts_root, self.markets_root
        self.store.set_meta("accounts_root", str(accounts_root))
        self.store.set_meta("markets_root", str(m_root))
        self.store.set_meta("root", str(state_root(accounts_root, m_root)))

    # -- reading ------------------------------------------------------------------------
    @property
    def root(self) -> int:
        """The state root ``poseidon([accounts_root, markets_root])`` (canonical field
        element; layout in :mod:`zkel.host.state.leaf`)."""
        return state_root(self.tree.root, self.markets_root)

    @property
    def accounts_root(self) -> int:
        """Root of the sparse Merkle tree of account leaves (depth ``self.depth``)."""
        return self.tree.root

    @property
    def markets_root(self) -> int:
        """``poseidon`` of the ``MARKETS_PER_ACCOUNT`` market leaves in id order, 0 if absent."""
        return leaf.markets_root(self.markets)

    def account(self, index: int) -> Account:
        """The account at ``index`` (UnknownAccount if none)."""
        try:
            return self.accounts[index]
        except KeyError:
            raise UnknownAccount(f"unknown account {index}") from None

    def market(self, market_id: int) -> Market:
        """The market ``market_id`` (UnknownMarket if none)."""
        try:
            return self.markets[market_id]
        except KeyError:
            raise UnknownMarket(f"unknown market {market_id}") from None

    def book(self, market_id: int) -> OrderBook:
        """The order book of ``market_id``."""
        self.market(market_id)
        return self.books[market_id]

    def open_orders(self, account: int) -> list[RestingOrder]:
        """Resting orders of ``account`` in arrival order."""
        found = []
        for h in self.orders_of.get(account, ()):
            for book in self.books.values():
                if h in book:
                    found.append(book.orders[h])
        return sorted(found, key=lambda o: o.seq)

    # -- helpers ------------------------------------------------------------------------
    def _signed_by(
        self, index: int, nonce: int, message: int, sig: Signature, what: str
    ) -> Account:
        account = self.account(index)
        if index in (FEE_ACCOUNT, INSURANCE_FUND) and what.startswith(("order", "cancel")):
            raise InvalidRequest(f"system account {index} cannot trade")
        if nonce < account.nonce:
            raise BadNonce(
                f"nonce {nonce} of account {index} already used (next is {account.nonce})"
            )
        if nonce > account.nonce:
            raise BadNonce(
                f"nonce {nonce} of account {index} skips ahead (next is {account.nonce})"
            )
        check_signature(account.pubkey, message, sig, f"{what} of account {index}")
        return account

    def _free(self, account: Account) -> int:
        from zkel.host.exchange.margin import free_collateral

        return free_collateral(account, self.markets, self.recorder.open_order_view(account.index))

    # -- transactions -------------------------------------------------------------------
    def advance_time(self, now: int) -> None:
        """Move the exchange clock (seconds) forward; order expiry is checked against it."""
        check_amount("time", now)
        if now < self.now:
            raise InvalidRequest(f"time {now} is before the exchange clock {self.now}")
        with self._atomic():
            self.now = now

    def create_account(self, pubkey: tuple[int, int]) -> int:
        """Create an empty account owned by ``pubkey``; returns its leaf index."""
        if len(pubkey) != 2 or not all(isinstance(v, int) and 0 <= v < FIELD_ORDER for v in pubkey):
            raise InvalidRequest("a public key is two field elements (x, y)")
        index = len(self.accounts)
        if index >= 1 << self.depth:
            raise InvalidRequest(f"the account tree (depth {self.depth}) is full")
        account = Account(index, (int(pubkey[0]), int(pubkey[1])))  # all zero, as the circuit
        with self._atomic() as rec:
            rec.step(
                "create_account",
                {"account": index, "pubkey": [str(v) for v in pubkey]},
                {index: account},
            )
        return index

    def deposit(self, account: int, amount: int) -> txs.Receipt:
        """Credit ``amount`` quote atoms arriving from the settlement layer."""
        new = txs.deposit(self.account(account), amount)
        with self._atomic() as rec:
            rec.step("deposit", {"account": account, "amount": amount}, {account: new})
        return rec.receipt("deposit")

    def withdraw(self, request: txs.Withdrawal, sig: Signature) -> txs.Receipt:
        """Withdraw free collateral to ``request.recipient`` on L1, signed by the account owner."""
        account = self._signed_by(request.account, request.nonce, request.hash(), sig, "withdrawal")
        new = txs.withdraw(account, request.amount, self._free(account))
        with self._atomic() as rec:
            rec.step(
                "withdraw",
                {
                    "account": request.account,
                    "amount": request.amount,
                    "nonce": request.nonce,
                    "recipient": request.recipient,
                },
                {request.account: new},
                message=request.hash(),
                sig=sig,
                signer=account.pubkey,
            )
        return rec.receipt("withdraw")

    def transfer(self, request: txs.Transfer, sig: Signature) -> txs.Receipt:
        """Transfer free collateral to another account, signed by the sender."""
        sender = self._signed_by(request.sender, request.nonce, request.hash(), sig, "transfer")
        recipient = self.account(request.recipient)
        new_s, new_r = txs.transfer(sender, recipient, request.amount, self._free(sender))
        with self._atomic() as rec:
            rec.step(
                "transfer",
                {
                    "sender": request.sender,
                    "recipient": request.recipient,
                    "amount": request.amount,
                    "nonce": request.nonce,
                },
                {request.sender: new_s, request.recipient: new_r},
                message=request.hash(),
                sig=sig,
                signer=sender.pubkey,
            )
        return rec.receipt("transfer")

    def submit_order(self, signed: SignedOrder) -> txs.OrderReceipt:
        """Place a signed limit order: match it (price-time, maker's price), rest the rest."""
        return match_order(self, signed)

    def cancel_order(self, cancel: Cancel, sig: Signature) -> txs.Receipt:
        """Remove a resting order, signed by its owner."""
        account = self._signed_by(cancel.account, cancel.nonce, cancel.hash(), sig, "cancel")
        slot = account.order_slot(cancel.order_hash)
        if slot is None or cancel.order_hash not in self.orders_of.get(cancel.account, ()):
            raise UnknownOrder(f"order {cancel.order_hash} of account {cancel.account} is not open")
        with self._atomic() as rec:
            rec.remove_order(cancel.order_hash)
            rec.step(
                "cancel",
                {
                    "account": cancel.account,
                    "order": str(cancel.order_hash),
                    "nonce": cancel.nonce,
                    "slot": slot,
                },
                {cancel.account: account.bump_nonce().with_order(slot, EMPTY_SLOT)},
                message=cancel.hash(),
                sig=sig,
                signer=account.pubkey,
            )
        return rec.receipt("cancel")

    def collect_fees(self, market_id: int) -> txs.Receipt:
        """Move market ``market_id``'s fee pool (quote atoms) to the fee account (operator
        action, unsigned); refused when the pool is empty."""
        market = self.market(market_id)
        if not market.fees:
            raise InvalidRequest(f"market {market_id} has no fees to collect")
        fee_account = self.accounts[FEE_ACCOUNT].credit(market.fees)
        with self._atomic() as rec:
            rec.set_market(replace(market, fees=0))
            rec.step(
                "collect_fees",
                {"market": market_id},
                {FEE_ACCOUNT: fee_account},
                events={"amount": market.fees},
            )
        return rec.receipt("collect_fees")

    def update_oracle(self, price: txs.OraclePrice, sig: Signature) -> txs.PriceReceipt:
        """Apply a signed oracle price, then liquidate every account below maintenance."""
        from zkel.host.exchange.sweep import oracle_update

        return oracle_update(self, price, sig)

    def tick_funding(self) -> txs.PriceReceipt:
        """Advance every market's funding index by its clamped rate, then liquidate."""
        from zkel.host.exchange.sweep import funding_tick

        return funding_tick(self)

    def cut_batch(self, max_txs: int | None = None) -> Batch | None:
        """Close a batch of the acknowledged transactions not yet batched (None if none):
        at most ``max_txs`` records in a batch of ``max_txs`` slots, or all pending
        records, one slot each (see :func:`zkel.host.exchange.sequencer.cut_batch`)."""
        from zkel.host.exchange.sequencer import cut_batch

        return cut_batch(self, max_txs)
