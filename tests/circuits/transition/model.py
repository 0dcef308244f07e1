"""A small native model of the exchange's simple transactions that writes slot witnesses
in the circuit's format, for testing the circuit apart from the engine."""

from __future__ import annotations

import copy

from zkel.circuits import eddsa, smt
from zkel.circuits.bn254 import R
from zkel.circuits.poseidon import poseidon
from zkel.circuits.transition import pubdata
from zkel.circuits.transition.layout import MARKET_FIELDS, MARKETS, Tag, TxType

ORACLE = eddsa.PrivateKey(b"\x07" * 32)


def account(pub: tuple[int, int]) -> dict:
    return {
        "exists": 1,
        "pubkey": list(pub),
        "collateral": 0,
        "nonce": 0,
        "positions": [[0, 0] for _ in range(MARKETS)],
    }


def leaf(acct: dict | None) -> int:
    if acct is None or not acct["exists"]:
        return 0
    flat = [v % R for pair in acct["positions"] for v in pair]
    return poseidon([*acct["pubkey"], acct["collateral"] % R, acct["nonce"], poseidon(flat)])


def market(market_id: int, **overrides: int) -> dict:
    m = {f: 0 for f in MARKET_FIELDS}
    m.update(
        market_id=market_id,
        tick_size=10**4,
        lot_size=10**4,
        initial_margin_ppm=100_000,
        maintenance_margin_ppm=50_000,
        oracle_price=30_000 * 10**6,
        oracle_time=1,
        exists=1,
    )
    m.update(overrides)
    return m


def market_leaf(m: dict) -> int:
    return poseidon([m[f] % R for f in MARKET_FIELDS]) if m["exists"] else 0


class Model:
    def __init__(self, depth: int = 6, n_markets: int = 2) -> None:
        self.tree = smt.SparseMerkleTree(depth)
        self.accounts: dict[int, dict] = {}
        self.markets = [
            market(j) if j < n_markets else {**market(j), "exists": 0} for j in range(MARKETS)
        ]
        self.slots: list[dict] = []
        self.public: list = []

    def state_root(self) -> int:
        return poseidon([self.tree.root, poseidon([market_leaf(m) for m in self.markets])])

    def _update(self, index: int, after: dict) -> dict:
        before = copy.deepcopy(self.accounts.get(index))
        upd = self.tree.update(index, leaf(after))
        self.accounts[index] = after
        return {
            "index": index,
            "before": before,
            "after": copy.deepcopy(after),
            "siblings": list(upd.siblings),
        }

    def _slot(self, kind: TxType, tx: dict, a=None, b=None, sig=None, public=None) -> dict:
        slot = {
            "type": int(kind),
            "tx": tx,
            "a": a,
            "b": b,
            "signature": list(sig) if sig else None,
        }
        self.slots.append(slot)
        self.public.append(public or pubdata.EmptySlot())
        return slot

    def create(self, index: int, key: eddsa.PrivateKey) -> dict:
        return self._slot(TxType.CREATE, {}, a=self._update(index, account(key.public_key())))

    def deposit(self, index: int, amount: int) -> dict:
        after = copy.deepcopy(self.accounts[index])
        after["collateral"] += amount
        return self._slot(
            TxType.DEPOSIT,
            {"amount": amount},
            a=self._update(index, after),
            public=pubdata.DepositSlot(index, amount),
        )

    def withdraw(self, key: eddsa.PrivateKey, index: int, amount: int, recipient: int) -> dict:
        acct = self.accounts[index]
        nonce = acct["nonce"]
        sig = key.sign_poseidon(poseidon([Tag.WITHDRAW, index, amount, nonce, recipient]))
        after = copy.deepcopy(acct)
        after["collateral"] -= amount
        after["nonce"] += 1
        return self._slot(
            TxType.WITHDRAW,
            {"amount": amount, "nonce": nonce, "recipient": recipient},
            a=self._update(index, after),
            sig=sig,
            public=pubdata.WithdrawalSlot(index, amount, recipient.to_bytes(20, "big")),
        )

    def transfer(self, key: eddsa.PrivateKey, sender: int, recipient: int, amount: int) -> dict:
        nonce = self.accounts[sender]["nonce"]
        sig = key.sign_poseidon(poseidon([Tag.TRANSFER, sender, recipient, amount, nonce]))
        a_after = copy.deepcopy(self.accounts[sender])
        a_after["collateral"] -= amount
        a_after["nonce"] += 1
        a = self._update(sender, a_after)
        b_after = copy.deepcopy(self.accounts[recipient])
        b_after["collateral"] += amount
        b = self._update(recipient, b_after)
        return self._slot(TxType.TRANSFER, {"amount": amount, "nonce": nonce}, a=a, b=b, sig=sig)

    def oracle(
        self, market_id: int, price: int, timestamp: int, key: eddsa.PrivateKey = ORACLE
    ) -> dict:
        sig = key.sign_poseidon(poseidon([Tag.ORACLE, market_id, price, timestamp]))
        self.markets[market_id] = {
            **self.markets[market_id],
            "oracle_price": price,
            "oracle_time": timestamp,
        }
        return self._slot(
            TxType.ORACLE,
            {"market": market_id, "price": price, "timestamp": timestamp},
            sig=sig,
            public=pubdata.OracleSlot(market_id, price, timestamp),
        )

    def cancel(self, key: eddsa.PrivateKey, index: int, order_hash: int) -> dict:
        nonce = self.accounts[index]["nonce"]
        sig = key.sign_poseidon(poseidon([Tag.CANCEL, index, order_hash, nonce]))
        after = copy.deepcopy(self.accounts[index])
        after["nonce"] += 1
        return self._slot(
            TxType.CANCEL,
            {"order": order_hash, "nonce": nonce},
            a=self._update(index, after),
            sig=sig,
        )

    def noop(self) -> dict:
        return self._slot(TxType.NOOP, {})


def batch_witness(start: Model, snapshot: dict, model: Model, number: int, n_slots: int) -> dict:
    """The witness of the slots ``model`` recorded since ``snapshot`` (padded with no-ops)."""
    slots = model.slots[snapshot["n"] :]
    public = model.public[snapshot["n"] :]
    while len(slots) < n_slots:
        slots.append({"type": int(TxType.NOOP), "tx": {}, "a": None, "b": None, "signature": None})
        public.append(pubdata.EmptySlot())
    data = pubdata.encode(number, public, n_slots)
    return {
        "batch_number": number,
        "old_root": snapshot["root"],
        "accounts_root": snapshot["accounts_root"],
        "markets": snapshot["markets"],
        "slots": slots,
        "new_root": model.state_root(),
        "commitment": pubdata.commitment(data),
    }


def snapshot(model: Model) -> dict:
    return {
        "n": len(model.slots),
        "root": model.state_root(),
        "accounts_root": model.tree.root,
        "markets": copy.deepcopy(model.markets),
    }
