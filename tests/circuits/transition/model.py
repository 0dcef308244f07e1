"""A small native model of the exchange's simple transactions that writes slot witnesses
in the circuit's format, for testing the circuit apart from the engine."""

from __future__ import annotations

import copy

from zkel.circuits import eddsa, smt
from zkel.circuits.bn254 import R
from zkel.circuits.poseidon import poseidon
from zkel.circuits.transition import pubdata
from zkel.circuits.transition.layout import (
    INSURANCE_FUND,
    MARKET_FIELDS,
    MARKETS,
    ORDER_FIELDS,
    ORDER_SLOTS,
    PPM,
    SIZE_SCALE,
    Tag,
    TxType,
)

ORACLE = eddsa.PrivateKey(b"\x07" * 32)


def account(pub: tuple[int, int]) -> dict:
    return {
        "exists": 1,
        "pubkey": list(pub),
        "collateral": 0,
        "nonce": 0,
        "positions": [[0, 0] for _ in range(MARKETS)],
        "orders": [[0, 0] for _ in range(ORDER_SLOTS)],
    }


def leaf(acct: dict | None) -> int:
    if acct is None or not acct["exists"]:
        return 0
    flat = [v % R for pair in acct["positions"] for v in pair]
    orders = [v % R for pair in acct["orders"] for v in pair]
    return poseidon(
        [*acct["pubkey"], acct["collateral"] % R, acct["nonce"], poseidon(flat), poseidon(orders)]
    )


def order_hash(order: dict) -> int:
    return poseidon([Tag.ORDER, *(order[f] for f in ORDER_FIELDS)])


def _ceil_ppm(value: int, ppm: int) -> int:
    return -(-value * ppm // PPM)


def _settle(acct: dict, markets: list[dict]) -> None:
    for m, pos in enumerate(acct["positions"]):
        mk = markets[m]
        if mk["exists"]:
            acct["collateral"] -= pos[0] // mk["lot_size"] * (mk["funding_index"] - pos[1])
            pos[1] = mk["funding_index"]


def _open_interest(markets: list[dict], before: dict | None, after: dict) -> None:
    for m, mk in enumerate(markets):
        old = before["positions"][m][0] if before else 0
        mk["open_interest"] += max(after["positions"][m][0], 0) - max(old, 0)


def health(acct: dict, markets: list[dict]) -> tuple[int, int, int]:
    """(equity, initial, maintenance) as the engine computes them."""
    equity, initial, maint = acct["collateral"], 0, 0
    for m, (size, findex) in enumerate(acct["positions"]):
        if size:
            mk = markets[m]
            worth = size * mk["oracle_price"] // SIZE_SCALE
            equity += worth - size // mk["lot_size"] * (mk["funding_index"] - findex)
            initial += _ceil_ppm(abs(worth), mk["initial_margin_ppm"])
            maint += _ceil_ppm(abs(worth), mk["maintenance_margin_ppm"])
    return equity, initial, maint


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

    def _slot(
        self, kind: TxType, tx: dict, a=None, b=None, sig=None, public=None, orders=None
    ) -> dict:
        slot = {
            "type": int(kind),
            "tx": tx,
            "a": a,
            "b": b,
            "signature": list(sig) if sig else None,
            "orders": orders or {},
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

    def cancel(self, key: eddsa.PrivateKey, index: int, slot: int) -> dict:
        nonce = self.accounts[index]["nonce"]
        order = self.accounts[index]["orders"][slot][0]
        sig = key.sign_poseidon(poseidon([Tag.CANCEL, index, order, nonce]))
        after = copy.deepcopy(self.accounts[index])
        after["nonce"] += 1
        after["orders"][slot] = [0, 0]
        return self._slot(
            TxType.CANCEL,
            {"order": order, "nonce": nonce, "slot_a": slot},
            a=self._update(index, after),
            sig=sig,
        )

    def order(
        self,
        key: eddsa.PrivateKey,
        index: int,
        market: int,
        side: int,
        price: int,
        size: int,
        expiry: int = 10**9,
    ) -> dict:
        """Place an order into the first empty table entry; returns the order's fields."""
        acct = self.accounts[index]
        slot = next(j for j, (h, _) in enumerate(acct["orders"]) if h == 0)
        order = {
            "account": index,
            "market": market,
            "side": side,
            "price": price,
            "size": size,
            "expiry": expiry,
            "nonce": acct["nonce"],
        }
        h = order_hash(order)
        after = copy.deepcopy(acct)
        after["nonce"] += 1
        after["orders"][slot] = [h, size]
        self._slot(
            TxType.ORDER,
            {"nonce": order["nonce"], "market": market, "slot_a": slot},
            a=self._update(index, after),
            sig=key.sign_poseidon(h),
            orders={"oa": order},
        )
        return {**order, "slot": slot}

    def drop(self, index: int, slot: int) -> dict:
        after = copy.deepcopy(self.accounts[index])
        after["orders"][slot] = [0, 0]
        return self._slot(TxType.DROP, {"slot_a": slot}, a=self._update(index, after))

    def _touch(self, index: int, after: dict) -> dict:
        _open_interest(self.markets, self.accounts.get(index), after)
        return self._update(index, after)

    def fill(self, maker_order: dict, taker_order: dict, size: int) -> dict:
        """Fill ``size`` at the maker's price (A maker, B taker), as the engine does."""
        m = maker_order["market"]
        mk = self.markets[m]
        price = maker_order["price"]
        value = size * price // SIZE_SCALE
        fees = (_ceil_ppm(value, mk["maker_fee_ppm"]), _ceil_ppm(value, mk["taker_fee_ppm"]))
        sign = 1 if maker_order["side"] == 0 else -1
        parts = []
        for order, fee, s in ((maker_order, fees[0], sign), (taker_order, fees[1], -sign)):
            after = copy.deepcopy(self.accounts[order["account"]])
            _settle(after, self.markets)
            after["positions"][m][0] += s * size
            after["collateral"] += -s * value - fee
            entry = after["orders"][order["slot"]]
            entry[1] -= size
            if entry[1] == 0:
                entry[0] = 0
            entry[1] %= R  # an over-fill (negative) as the field element a cheat would use
            parts.append((order["account"], after))
        updates = [self._touch(i, acct) for i, acct in parts]
        mk["mark_price"] = price
        mk["fees"] += sum(fees)
        return self._slot(
            TxType.FILL,
            {
                "amount": size,
                "price": price,
                "market": m,
                "slot_a": maker_order["slot"],
                "slot_b": taker_order["slot"],
            },
            a=updates[0],
            b=updates[1],
            orders={
                "oa": {f: maker_order[f] for f in ORDER_FIELDS},
                "ob": {f: taker_order[f] for f in ORDER_FIELDS},
            },
        )

    def liquidate(self, index: int) -> dict:
        """Takeover by the insurance fund (the engine's rule; no check that it is allowed)."""
        target = copy.deepcopy(self.accounts[index])
        fund = copy.deepcopy(self.accounts[INSURANCE_FUND])
        equity, _, _ = health(target, self.markets)
        fee_all = sum(
            _ceil_ppm(abs(s * self.markets[m]["oracle_price"] // SIZE_SCALE),
                      self.markets[m]["liquidation_fee_ppm"])
            for m, (s, _) in enumerate(target["positions"]) if s
        )  # fmt: skip
        fee = min(max(equity, 0), fee_all)
        deficit = max(0, -equity)
        _settle(target, self.markets)
        _settle(fund, self.markets)
        for m, pos in enumerate(target["positions"]):
            if pos[0]:
                value = pos[0] * self.markets[m]["oracle_price"] // SIZE_SCALE
                target["collateral"] += value
                fund["positions"][m][0] += pos[0]
                fund["collateral"] -= value
                pos[0] = 0
        target["collateral"] += deficit - fee
        fund["collateral"] += fee - deficit
        a = self._touch(index, target)
        b = self._touch(INSURANCE_FUND, fund)
        return self._slot(TxType.LIQUIDATE, {}, a=a, b=b)

    def deleverage(
        self, counterparty: int, market_id: int, size: int, haircut: int | None = None
    ) -> dict:
        """``size`` (signed base atoms) of ``market_id`` from the fund to ``counterparty`` at
        the oracle price, with the rule's haircut unless ``haircut`` is given (the engine's
        arithmetic; no check that the step is allowed)."""
        fund = copy.deepcopy(self.accounts[INSURANCE_FUND])
        other = copy.deepcopy(self.accounts[counterparty])
        price = self.markets[market_id]["oracle_price"]
        equity, _, _ = health(fund, self.markets)
        total = sum(
            abs(s * self.markets[m]["oracle_price"] // SIZE_SCALE)
            for m, (s, _) in enumerate(fund["positions"]) if s
        )  # fmt: skip
        value = size * price // SIZE_SCALE
        rule = -(-max(-equity, 0) * abs(value) // total) if equity < 0 else 0
        cut = rule if haircut is None else haircut
        _settle(fund, self.markets)
        _settle(other, self.markets)
        fund["positions"][market_id][0] -= size
        other["positions"][market_id][0] += size
        fund["collateral"] += value + cut
        other["collateral"] -= value + cut
        a = self._touch(INSURANCE_FUND, fund)
        b = self._touch(counterparty, other)
        tx = {"amount": abs(size), "side": int(size > 0), "price": price, "market": market_id,
              "haircut": cut}  # fmt: skip
        return self._slot(TxType.DELEVERAGE, tx, a=a, b=b)

    def collect(self, market: int) -> dict:
        after = copy.deepcopy(self.accounts[0])
        after["collateral"] += self.markets[market]["fees"]
        self.markets[market]["fees"] = 0
        return self._slot(TxType.COLLECT, {"market": market}, a=self._update(0, after))

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
