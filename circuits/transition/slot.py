"""One slot of a batch: any one transaction type, selected by one-hot type bits.

Every slot has the same constraints whatever its type (a circuit has a fixed
shape): two account updates ``A`` and ``B`` (each a gated Merkle update of the
accounts tree), one gated EdDSA-Poseidon check, the margin check, the oracle's
market update, and the slot's 33 public-data bytes. Which rules bind is decided
by the type bits ``sel[t]``:

==========  ==========================================================================
type        rules
==========  ==========================================================================
NOOP        nothing changes; public-data slot all zero
CREATE      A was empty; A's new leaf: key on the curve, collateral, nonce, positions 0
DEPOSIT     A exists; collateral += amount (0 < amount < 2^64); public (1, A, amount, 0)
WITHDRAW    A exists, signs [3, A, amount, nonce, recipient], nonce = A's, nonce + 1,
            collateral -= amount, A meets initial margin after; public (2, A, amount,
            recipient)
TRANSFER    A signs [4, A, B, amount, nonce], nonce as above, A ≠ B, B exists,
            A -= amount, B += amount, A meets initial margin after
ORACLE      the oracle key signs [5, market, price, timestamp]; the market exists,
            timestamp > its oracle time; its oracle price and time are replaced;
            public (3, market, price, timestamp)
CANCEL      A signs [2, A, order, nonce], nonce = A's, nonce + 1 (the order leaves the
            book; resting orders are not part of the state)
FUNDING     every market's funding index steps by its rate, mark price := oracle price
            (:mod:`zkel.circuits.transition.funding`); nothing signed, nothing public
==========  ==========================================================================

Unused updates and checks are disabled by the type bits, so a slot's witness
fills them with zeros (and the identity point for the signature).
"""

from __future__ import annotations

from dataclasses import dataclass

from zkel.circuits import babyjub as native_bj
from zkel.circuits.gadgets import eddsa, merkle
from zkel.circuits.gadgets.bits import assert_bool, is_equal, is_zero, range_check, to_bits
from zkel.circuits.gadgets.poseidon import poseidon
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.transition import funding
from zkel.circuits.transition.layout import MARKETS, Tag, TxType
from zkel.circuits.transition.margin import assert_meets_initial
from zkel.circuits.transition.state import AccountWires, MarketWires

_ZERO_ACCOUNT = {
    "exists": 0,
    "pubkey": [0, 0],
    "collateral": 0,
    "nonce": 0,
    "positions": [[0, 0]] * MARKETS,
}
TX_FIELDS = ("amount", "nonce", "recipient", "market", "price", "timestamp", "order")


@dataclass
class Update:
    """One account update's wires: index, its bits, the leaf before and after, siblings."""

    index: LC
    bits: list[LC]
    before: AccountWires
    after: AccountWires
    siblings: list[LC]


def _alloc_update(cs: ConstraintSystem, name: str, depth: int, w: dict | None) -> Update:
    def part(key: str) -> dict | None:
        if w is None:
            return None
        return w.get(key) or _ZERO_ACCOUNT

    index = cs.private_input(f"{name}.index", None if w is None else w.get("index", 0))
    bits = merkle.index_bits(cs, index, depth, f"{name}.index")
    siblings = [
        cs.private_input(
            f"{name}.sibling{i}", None if w is None else (w.get("siblings") or [0] * depth)[i]
        )
        for i in range(depth)
    ]
    return Update(
        index,
        bits,
        AccountWires.alloc(cs, f"{name}.before", part("before")),
        AccountWires.alloc(cs, f"{name}.after", part("after")),
        siblings,
    )


def _gated_update(cs: ConstraintSystem, u: Update, root: LC, enabled: LC, name: str) -> LC:
    """The accounts root after ``u`` when ``enabled``, else ``root`` unchanged."""
    with cs.scope(name):
        old = merkle.root(cs, u.before.leaf(cs, "old leaf"), u.bits, u.siblings, "old")
        cs.enforce(enabled, old - root, 0, "old leaf is in the accounts root")
        new = merkle.root(cs, u.after.leaf(cs, "new leaf"), u.bits, u.siblings, "new")
        return root + cs.mul(enabled, new - root, "root after")


def _same(
    cs: ConstraintSystem,
    a: AccountWires,
    b: AccountWires,
    name: str,
    *,
    collateral: bool,
    nonce: bool,
    pubkey: bool,
) -> None:
    """Linear equalities: positions always, the other fields when asked."""
    for m, ((s0, f0), (s1, f1)) in enumerate(zip(a.positions, b.positions, strict=True)):
        cs.enforce_equal(s0, s1, f"{name}: size{m} unchanged")
        cs.enforce_equal(f0, f1, f"{name}: findex{m} unchanged")
    if collateral:
        cs.enforce_equal(a.collateral, b.collateral, f"{name}: collateral unchanged")
    if nonce:
        cs.enforce_equal(a.nonce, b.nonce, f"{name}: nonce unchanged")
    if pubkey:
        cs.enforce_equal(a.pubkey[0], b.pubkey[0], f"{name}: key unchanged")
        cs.enforce_equal(a.pubkey[1], b.pubkey[1], f"{name}: key unchanged")


def _be_bits(cs: ConstraintSystem, value: LC, n_bytes: int, name: str) -> list[LC]:
    """``value`` as ``n_bytes`` big-endian bytes, in SHA-256 message order (range-checked)."""
    return list(reversed(to_bits(cs, value, 8 * n_bytes, name)))


def build_slot(
    cs: ConstraintSystem,
    k: int,
    depth: int,
    oracle_key: tuple[int, int],
    root: LC,
    markets: list[MarketWires],
    w: dict | None,
) -> tuple[LC, list[MarketWires], list[LC]]:
    """Constrain slot ``k``; returns (accounts root after, markets after, public-data bits).

    ``w`` is the slot's witness (see :mod:`zkel.circuits.transition.witness`) or None
    for the shape only.
    """
    with cs.scope(f"slot{k}"):
        sel = {
            t: cs.private_input(f"type.{t.name}", None if w is None else int(w["type"] == t))
            for t in TxType
        }
        for t, s in sel.items():
            assert_bool(cs, s, f"type.{t.name} is a bit")
        cs.enforce_equal(sum((s for s in sel.values()), cs.constant(0)), 1, "one type")
        tx = {
            f: cs.private_input(f"tx.{f}", None if w is None else w["tx"].get(f, 0))
            for f in TX_FIELDS
        }
        a = _alloc_update(cs, "A", depth, None if w is None else w.get("a") or {})
        b = _alloc_update(cs, "B", depth, None if w is None else w.get("b") or {})
        sig = [
            cs.private_input(f"sig{i}", None if w is None else (w.get("signature") or [0, 1, 0])[i])
            for i in range(3)
        ]
        s_create, s_dep, s_wd = sel[TxType.CREATE], sel[TxType.DEPOSIT], sel[TxType.WITHDRAW]
        s_tr, s_or, s_cancel = sel[TxType.TRANSFER], sel[TxType.ORACLE], sel[TxType.CANCEL]
        user_signed = s_wd + s_tr + s_cancel
        moves_money = s_dep + s_wd + s_tr

        # amounts, nonces, ranges
        amount = tx["amount"]
        range_check(cs, amount, 64, "amount < 2^64")
        cs.enforce(moves_money, is_zero(cs, amount, "amount=0"), 0, "amount > 0")
        range_check(cs, tx["timestamp"], 64, "timestamp < 2^64")
        cs.enforce(user_signed, tx["nonce"] - a.before.nonce, 0, "nonce is the account's")

        # account A
        a_on = s_create + moves_money + s_cancel
        cs.enforce(s_create, a.before.exists, 0, "created account was empty")
        cs.enforce(moves_money + s_cancel, 1 - a.before.exists, 0, "account exists")
        cs.enforce_equal(a.after.exists, a.before.exists + s_create, "A exists after")
        for i in range(2):
            cs.enforce(1 - s_create, a.after.pubkey[i] - a.before.pubkey[i], 0, "A key unchanged")
        x2 = cs.mul(a.after.pubkey[0], a.after.pubkey[0], "new key x²")
        y2 = cs.mul(a.after.pubkey[1], a.after.pubkey[1], "new key y²")
        x2y2 = cs.mul(x2, y2, "new key x²y²")
        curve = x2 * native_bj.A + y2 - 1 - x2y2 * native_bj.D
        cs.enforce(s_create, curve, 0, "new key on the curve")
        for field in (
            a.after.collateral,
            a.after.nonce,
            *(v for p in a.after.positions for v in p),
        ):
            cs.enforce(s_create, field, 0, "new account starts at zero")
        delta = cs.mul(s_dep - s_wd - s_tr, amount, "A collateral change")
        cs.enforce(
            1 - s_create, a.after.collateral - a.before.collateral - delta, 0, "A collateral"
        )
        cs.enforce(1 - s_create, a.after.nonce - a.before.nonce - user_signed, 0, "A nonce")
        for m in range(MARKETS):
            for i in range(2):
                cs.enforce(
                    1 - s_create,
                    a.after.positions[m][i] - a.before.positions[m][i],
                    0,
                    "A positions unchanged",
                )
        to_bits(cs, a.after.collateral + (1 << 63), 64, "A collateral in range")
        assert_meets_initial(cs, a.after, markets, s_wd + s_tr, "A margin")
        root = _gated_update(cs, a, root, a_on, "A")

        # account B: the transfer's recipient
        cs.enforce(s_tr, 1 - b.before.exists, 0, "recipient exists")
        cs.enforce(s_tr, is_equal(cs, a.index, b.index, "A=B"), 0, "no transfer to itself")
        _same(cs, b.before, b.after, "B", collateral=False, nonce=True, pubkey=True)
        cs.enforce_equal(b.after.exists, b.before.exists, "B exists unchanged")
        cs.enforce(s_tr, b.after.collateral - b.before.collateral - amount, 0, "B collateral")
        cs.enforce(1 - s_tr, b.after.collateral - b.before.collateral, 0, "B collateral unchanged")
        to_bits(cs, b.after.collateral + (1 << 63), 64, "B collateral in range")
        root = _gated_update(cs, b, root, s_tr, "B")

        # signature: A's key for withdrawals and transfers, the oracle's for prices
        sig_on = user_signed + s_or
        signer_x = cs.mul(user_signed, a.before.pubkey[0], "signer x") + s_or * oracle_key[0]
        signer_y = (
            cs.mul(user_signed, a.before.pubkey[1], "signer y")
            + s_or * oracle_key[1]
            + (1 - sig_on)
        )
        f2 = cs.mul(s_wd, amount, "m.f2w") + cs.mul(s_tr, b.index, "m.f2t")
        f3 = cs.mul(s_wd, tx["nonce"], "m.f3w") + cs.mul(s_tr, amount, "m.f3t")
        f4 = cs.mul(s_wd, tx["recipient"], "m.f4w") + cs.mul(s_tr, tx["nonce"], "m.f4t")
        tag = s_wd * int(Tag.WITHDRAW) + s_tr * int(Tag.TRANSFER)
        m_user = poseidon(cs, [tag, a.index, f2, f3, f4], "message")
        # the 4-input messages: oracle [5, market, price, time], cancel [2, A, order, nonce]
        g1 = tx["market"] + cs.mul(s_cancel, a.index - tx["market"], "m4.g1")
        g2 = tx["price"] + cs.mul(s_cancel, tx["order"] - tx["price"], "m4.g2")
        g3 = tx["timestamp"] + cs.mul(s_cancel, tx["nonce"] - tx["timestamp"], "m4.g3")
        tag4 = s_or * int(Tag.ORACLE) + s_cancel * int(Tag.CANCEL)
        m_short = poseidon(cs, [tag4, g1, g2, g3], "short message")
        message = m_user + cs.mul(s_or + s_cancel, m_short - m_user, "message select")
        eddsa.verify(cs, (signer_x, signer_y), message, sig, "signature", enabled=sig_on)

        # oracle price: one market's price and time
        hits = [
            cs.mul(s_or, is_equal(cs, tx["market"], j, f"market={j}"), f"hit{j}")
            for j in range(MARKETS)
        ]
        cs.enforce(s_or, 1 - sum(hits, cs.constant(0)), 0, "oracle market is listed")
        cs.enforce(s_or, is_zero(cs, tx["price"], "price=0"), 0, "price > 0")
        old_time = cs.constant(0)
        out_markets = []
        for j, (hit, market) in enumerate(zip(hits, markets, strict=True)):
            cs.enforce(hit, 1 - market.exists, 0, f"market {j} exists")
            old_time = old_time + cs.mul(hit, market["oracle_time"], f"old time {j}")
            fields = dict(market.fields)
            fields["oracle_price"] = market["oracle_price"] + cs.mul(
                hit, tx["price"] - market["oracle_price"], f"price{j}"
            )
            fields["oracle_time"] = market["oracle_time"] + cs.mul(
                hit, tx["timestamp"] - market["oracle_time"], f"time{j}"
            )
            out_markets.append(MarketWires(fields, market.exists))
        s_fund = sel[TxType.FUNDING]
        out_markets = [
            funding.tick(cs, mk, s_fund, f"funding{j}") for j, mk in enumerate(out_markets)
        ]
        gap = cs.mul(s_or, tx["timestamp"] - old_time - 1, "time gap")
        range_check(cs, gap, 64, "timestamp after the market's")

        # public data: type u8 | index u32 | value u64 | extra 20 bytes
        ptype = s_dep * 1 + s_wd * 2 + s_or * 3
        index = cs.mul(s_dep + s_wd, a.index, "pub index") + cs.mul(
            s_or, tx["market"], "pub market"
        )
        value = cs.mul(s_dep + s_wd, amount, "pub amount") + cs.mul(s_or, tx["price"], "pub price")
        extra = cs.mul(s_wd, tx["recipient"], "pub recipient") + cs.mul(
            s_or, tx["timestamp"], "pub time"
        )
        bits = [
            *_be_bits(cs, ptype, 1, "pub type"),
            *_be_bits(cs, index, 4, "pub index"),
            *_be_bits(cs, value, 8, "pub value"),
            *_be_bits(cs, extra, 20, "pub extra"),
        ]
    return root, out_markets, bits
