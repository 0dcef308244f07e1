"""One slot of a batch: any one transaction type, selected by one-hot type bits.

Every slot has the same constraints whatever its type (a circuit has a fixed
shape): two account updates ``A`` and ``B`` (each a gated Merkle update of the
accounts tree), the hashes of two orders, one gated EdDSA-Poseidon check, the
margin of ``A`` (initial, or maintenance before a liquidation) and of ``B``, the
markets' updates, and the slot's 33 public-data bytes. Which rules bind is
decided by the type bits ``sel[t]``:

==========  ==========================================================================
type        rules
==========  ==========================================================================
NOOP        nothing changes; public-data slot all zero
CREATE      A was empty; A's new leaf: key on the curve, everything else zero
DEPOSIT     A exists; collateral += amount (0 < amount < 2^64); public (1, A, amount, 0)
WITHDRAW    A signs [3, A, amount, nonce, recipient], nonce = A's, nonce + 1,
            collateral -= amount, A meets initial margin after; public (2, A, amount,
            recipient)
TRANSFER    A signs [4, A, B, amount, nonce], nonce as above, A ≠ B, B exists,
            A -= amount, B += amount, A meets initial margin after
ORACLE      the oracle key signs [5, market, price, timestamp]; the market exists,
            timestamp > its oracle time; its oracle price and time are replaced;
            public (3, market, price, timestamp)
CANCEL      A signs [2, A, order, nonce], nonce as above; A's table entry ``slot_a``
            holds ``order`` and is emptied
FUNDING     (slot 0 only) every market's funding index steps by its rate, mark price
            := oracle price (:mod:`zkel.circuits.transition.funding`)
ORDER       A signs order ``oa`` (its hash), ``oa.account`` = A, ``oa.nonce`` = A's nonce,
            nonce + 1, market listed, 0 < price, size < 2^64, expiry after the
            market's oracle time; A's empty entry ``slot_a`` := (hash, size)
FILL        maker A's order ``oa`` in entry ``slot_a``, taker B's order ``ob`` in
            ``slot_b``, A ≠ B, same listed market, opposite sides; ``amount`` base
            atoms at the maker's price, within the taker's limit and both orders'
            remaining, neither expired (expiry after the market's oracle time);
            both settle funding; positions move, the buyer pays the
            notional, each pays its fee (ceil of the market's ppm) into the market's
            fee pool; entries lose ``amount`` (emptied at 0); mark price := price;
            both meet initial margin after
DROP        A's entry ``slot_a`` is emptied (expired, self-trade, margin: the
            sequencer may drop an order, never fill more than was signed)
LIQUIDATE   A is below maintenance margin; B is the insurance fund; both settle
            funding; the fund takes over A's positions at the oracle prices, gets
            the fee ``min(max(equity, 0), Σ ceil(|notional|·liq_fee_ppm))`` and pays
            the deficit ``max(-equity, 0)``; A ends with no position and collateral
            ``max(equity, 0) - fee``; the fund may end below initial margin (then
            DELEVERAGE steps follow)
COLLECT     A is the fee account; collateral += the market's fee pool, pool := 0
DELEVERAGE  A is the insurance fund, below initial margin before the step; B ≠ A
            exists; listed market ``market``; ``amount`` base atoms (> 0) at the
            market's oracle price ``price``; ``side`` 1: A sells (A long, B short),
            0: A buys (A short, B long); ``amount`` at most A's and B's positions
            (both shrink, neither flips); both settle funding; positions and the
            notional move as in a fill, no fees; B pays A ``haircut`` =
            ``ceil(max(-equity_A, 0)·notional / Σ|notional_A|)`` (A's figures
            before the step)
==========  ==========================================================================

Open interest follows every position change (``Σ max(size, 0)`` per market).
Unused updates and checks are disabled by the type bits, so a slot's witness
fills them with zeros (and the identity point for the signature). The circuit's
clock is the oracle's signed time of the slot's market: ORDER needs ``oa.expiry``
after it, FILL needs both orders' ``expiry`` after it (the engine's rule,
:func:`~zkel.host.exchange.matching.order_clock`, is the later of its own clock and
that time). A limit order's price, size, side, market and expiry bind through its
hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkel.circuits import babyjub as native_bj
from zkel.circuits.gadgets import eddsa, merkle
from zkel.circuits.gadgets.bits import (
    assert_bool,
    div_rem,
    is_equal,
    is_zero,
    less_than,
    range_check,
    select,
    to_bits,
)
from zkel.circuits.gadgets.poseidon import poseidon
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.transition import funding
from zkel.circuits.transition.layout import (
    FEE_ACCOUNT,
    INSURANCE_FUND,
    MARKETS,
    ORDER_FIELDS,
    ORDER_SLOTS,
    PPM,
    Tag,
    TxType,
)
from zkel.circuits.transition.margin import (
    _INV_SCALE,
    MARGIN_BITS,
    NOTIONAL_BITS,
    funding_owed,
    margin,
)
from zkel.circuits.transition.state import AccountWires, MarketWires

_ZERO_ACCOUNT = {
    "exists": 0,
    "pubkey": [0, 0],
    "collateral": 0,
    "nonce": 0,
    "positions": [[0, 0]] * MARKETS,
    "orders": [[0, 0]] * ORDER_SLOTS,
}
TX_FIELDS = (
    "amount",
    "nonce",
    "recipient",
    "market",
    "price",
    "timestamp",
    "order",
    "slot_a",
    "slot_b",
    "side",
    "haircut",
)
_SLOT_BITS = (ORDER_SLOTS - 1).bit_length()


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
    n_siblings = 3 * (depth // 2)  # 4-ary tree: three siblings per level (zkel.circuits.smt)
    siblings = [
        cs.private_input(
            f"{name}.sibling{i}", None if w is None else (w.get("siblings") or [0] * n_siblings)[i]
        )
        for i in range(n_siblings)
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


def _be_bits(cs: ConstraintSystem, value: LC, n_bytes: int, name: str) -> list[LC]:
    """``value`` as ``n_bytes`` big-endian bytes, in SHA-256 message order (range-checked)."""
    return list(reversed(to_bits(cs, value, 8 * n_bytes, name)))


@dataclass
class _Entry:
    """The selected entry of an order table, before and after (hash, remaining)."""

    hash: LC
    remaining: LC
    new_hash: LC
    new_remaining: LC


def _table_entry(
    cs: ConstraintSystem, before: AccountWires, after: AccountWires, slot: LC, name: str
) -> _Entry:
    """Entry ``slot`` of the table before and after; every other entry is unchanged."""
    with cs.scope(name):
        b0, b1 = to_bits(cs, slot, _SLOT_BITS, "slot")
        both = cs.mul(b0, b1, "b0·b1")
        onehot = [1 - b0 - b1 + both, b0 - both, b1 - both, both]
        assert len(onehot) == ORDER_SLOTS
        picked = [cs.constant(0)] * 4
        for i, e in enumerate(onehot):
            (h0, r0), (h1, r1) = before.orders[i], after.orders[i]
            picked = [
                picked[0] + cs.mul(e, h0, f"e{i}.hash"),
                picked[1] + cs.mul(e, r0, f"e{i}.remaining"),
                picked[2] + cs.mul(e, h1, f"e{i}.new hash"),
                picked[3] + cs.mul(e, r1, f"e{i}.new remaining"),
            ]
            cs.enforce(1 - e, h1 - h0, 0, f"entry {i} hash unchanged")
            cs.enforce(1 - e, r1 - r0, 0, f"entry {i} remaining unchanged")
    return _Entry(*picked)


def _order_hash(cs: ConstraintSystem, o: dict[str, LC], name: str) -> LC:
    """``poseidon([1, account, market, side, price, size, expiry, nonce])``.

    The fields need no range checks of their own: a fill's price is the slot's
    (range-checked) price, the taker's limit enters only a 64-bit range check of
    the gap, and a size beyond 2^64 cannot be filled (each fill leaves < 2^64)."""
    with cs.scope(name):
        assert_bool(cs, o["side"], "side is a bit")
        return poseidon(cs, [int(Tag.ORDER), *(o[f] for f in ORDER_FIELDS)], "hash")


def _fill_entry(
    cs: ConstraintSystem,
    e: _Entry,
    on: LC,
    insert: tuple[LC, LC, LC] | None,
    clear: LC,
    size: LC,
    name: str,
) -> None:
    """Rules of a table entry: fill ``size`` when ``on``, insert ``(on, hash, size)``,
    empty it when ``clear``; unchanged otherwise (all gates are type bits)."""
    with cs.scope(name):
        left = e.remaining - size
        emptied = cs.mul(e.hash, is_zero(cs, left, "left=0"), "hash·emptied")
        cs.enforce(on, e.hash - emptied - e.new_hash, 0, "filled entry keeps its hash")
        cs.enforce(on, e.new_remaining - left, 0, "remaining decreases by the fill")
        range_check(cs, cs.mul(on, left, "on·left"), 64, "fill within the remaining")
        other = 1 - on - clear
        if insert is not None:
            ins_on, ins_hash, ins_size = insert
            cs.enforce(ins_on, e.hash, 0, "inserted into an empty entry (hash)")
            cs.enforce(ins_on, e.remaining, 0, "inserted into an empty entry (remaining)")
            cs.enforce(ins_on, e.new_hash - ins_hash, 0, "entry holds the order")
            cs.enforce(ins_on, e.new_remaining - ins_size, 0, "entry holds its size")
            other = other - ins_on
        cs.enforce(clear, e.new_hash, 0, "entry emptied (hash)")
        cs.enforce(clear, e.new_remaining, 0, "entry emptied (remaining)")
        cs.enforce(other, e.new_hash - e.hash, 0, "entry unchanged (hash)")
        cs.enforce(other, e.new_remaining - e.remaining, 0, "entry unchanged (remaining)")


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
    for the shape only. Only slot 0 can hold a funding tick.
    """
    with cs.scope(f"slot{k}"):
        sel = {}
        for t in TxType:
            sel[t] = cs.private_input(f"type.{t.name}", None if w is None else int(w["type"] == t))
            if t is TxType.FUNDING and k:  # one constraint, as a bit check: slots cost the same
                cs.enforce_equal(sel[t], 0, "funding only in slot 0")
            else:
                assert_bool(cs, sel[t], f"type.{t.name} is a bit")
        cs.enforce_equal(sum((s for s in sel.values()), cs.constant(0)), 1, "one type")
        tx = {
            f: cs.private_input(f"tx.{f}", None if w is None else w["tx"].get(f, 0))
            for f in TX_FIELDS
        }
        orders = {
            side: {
                f: cs.private_input(
                    f"{side}.{f}",
                    None if w is None else ((w.get("orders") or {}).get(side) or {}).get(f, 0),
                )
                for f in ORDER_FIELDS
            }
            for side in ("oa", "ob")
        }
        oa, ob = orders["oa"], orders["ob"]
        a = _alloc_update(cs, "A", depth, None if w is None else w.get("a") or {})
        b = _alloc_update(cs, "B", depth, None if w is None else w.get("b") or {})
        sig = [
            cs.private_input(f"sig{i}", None if w is None else (w.get("signature") or [0, 1, 0])[i])
            for i in range(3)
        ]
        s_create, s_dep, s_wd = sel[TxType.CREATE], sel[TxType.DEPOSIT], sel[TxType.WITHDRAW]
        s_tr, s_or, s_cancel = sel[TxType.TRANSFER], sel[TxType.ORACLE], sel[TxType.CANCEL]
        s_order, s_fill, s_drop = sel[TxType.ORDER], sel[TxType.FILL], sel[TxType.DROP]
        s_liq, s_collect, s_fund = sel[TxType.LIQUIDATE], sel[TxType.COLLECT], sel[TxType.FUNDING]
        s_dl = sel[TxType.DELEVERAGE]
        user_signed = s_wd + s_tr + s_cancel + s_order
        moves_money = s_dep + s_wd + s_tr + s_fill + s_dl
        a_exists = moves_money + s_cancel + s_order + s_drop + s_liq + s_collect
        b_on = s_tr + s_fill + s_liq + s_dl
        settles = s_fill + s_liq + s_dl
        trades = s_fill + s_dl  # positions move by ``amount`` in the slot's market

        # amounts, nonces, ranges
        amount = tx["amount"]
        range_check(cs, amount, 64, "amount < 2^64")
        cs.enforce(moves_money, is_zero(cs, amount, "amount=0"), 0, "amount > 0")
        range_check(cs, tx["timestamp"], 64, "timestamp < 2^64")
        range_check(cs, tx["price"], 64, "price < 2^64")
        cs.enforce(user_signed, tx["nonce"] - a.before.nonce, 0, "nonce is the account's")

        # the market the slot names (oracle, order, fill, collect, deleverage)
        market_used = s_or + s_order + s_fill + s_collect + s_dl
        eq = [is_equal(cs, tx["market"], j, f"market={j}") for j in range(MARKETS)]
        cs.enforce(market_used, 1 - sum(eq, cs.constant(0)), 0, "the slot's market is an id")
        hit = {}
        for name, gate in (("oracle", s_or), ("order", s_order), ("fill", s_fill),
                           ("collect", s_collect), ("deleverage", s_dl)):  # fmt: skip
            hit[name] = [cs.mul(gate, eq[j], f"{name} hit{j}") for j in range(MARKETS)]
        for j, market in enumerate(markets):
            used = sum((h[j] for h in hit.values()), cs.constant(0))
            cs.enforce(used, 1 - market.exists, 0, f"market {j} is listed")

        def picked(name: str, field: str) -> LC:
            return sum(
                (cs.mul(h, m[field], f"{name}.{field}{j}") for j, (h, m) in
                 enumerate(zip(hit[name], markets, strict=True))),
                cs.constant(0),
            )  # fmt: skip

        # orders: hashes, and who they belong to
        hash_a = _order_hash(cs, oa, "order a")
        hash_b = _order_hash(cs, ob, "order b")
        cs.enforce(s_order + s_fill, oa["account"] - a.index, 0, "order a is A's")
        cs.enforce(s_fill, ob["account"] - b.index, 0, "order b is B's")
        cs.enforce(s_order + s_fill, oa["market"] - tx["market"], 0, "order a's market")
        cs.enforce(s_fill, ob["market"] - tx["market"], 0, "order b's market")
        cs.enforce(s_order, oa["nonce"] - tx["nonce"], 0, "order signed with A's nonce")
        cs.enforce(s_order, is_zero(cs, oa["price"], "oa.price=0"), 0, "order price > 0")
        cs.enforce(s_order, is_zero(cs, oa["size"], "oa.size=0"), 0, "order size > 0")
        cs.enforce(s_fill, oa["side"] + ob["side"] - 1, 0, "opposite sides")
        cs.enforce(s_fill, tx["price"] - oa["price"], 0, "fill at the maker's price")
        limit_gap = cs.mul(ob["price"] - oa["price"], 1 - 2 * ob["side"], "taker limit gap")
        range_check(cs, cs.mul(s_fill, limit_gap, "fill·gap"), 64, "price within taker limit")
        # expiry: the market's oracle time (seconds, < 2^64) is the circuit's clock
        now = picked("order", "oracle_time") + picked("fill", "oracle_time")
        live_a = cs.mul(s_order + s_fill, oa["expiry"] - now - 1, "oa live")
        range_check(cs, live_a, 64, "order a not expired (expiry > the market's oracle time)")
        live_b = cs.mul(s_fill, ob["expiry"] - now - 1, "ob live")
        range_check(cs, live_b, 64, "order b not expired (expiry > the market's oracle time)")

        # order tables
        ea = _table_entry(cs, a.before, a.after, tx["slot_a"], "A table")
        eb = _table_entry(cs, b.before, b.after, tx["slot_b"], "B table")
        # a fill's or a deleverage's size; the table-entry rules bind it for a fill only
        fill_size = cs.mul(trades, amount, "trade size")
        cs.enforce(s_cancel, ea.hash - tx["order"], 0, "cancelled order is in the table")
        cs.enforce(s_fill, ea.hash - hash_a, 0, "maker order is in A's table")
        cs.enforce(s_fill, eb.hash - hash_b, 0, "taker order is in B's table")
        _fill_entry(cs, ea, s_fill, (s_order, hash_a, oa["size"]), s_cancel + s_drop,
                    fill_size, "A entry")  # fmt: skip
        _fill_entry(cs, eb, s_fill, None, cs.constant(0), fill_size, "B entry")

        # fill arithmetic: notional at the maker's price, fees rounded up
        with cs.scope("fill"):
            product = cs.mul(fill_size, tx["price"], "size·price")
            value = product * _INV_SCALE
            range_check(cs, value, NOTIONAL_BITS, "notional exact and in range")
            fees = []
            for role in ("maker", "taker"):
                weighted = cs.mul(value, picked("fill", f"{role}_fee_ppm"), f"{role} fee·value")
                fee, _ = div_rem(cs, weighted + (PPM - 1), PPM, NOTIONAL_BITS, f"{role} fee")
                fees.append(fee)
            maker_fee, taker_fee = fees
            assert_bool(cs, tx["side"], "deleverage side is a bit")
            side = select(cs, s_dl, tx["side"], oa["side"], "side")
            sign = 1 - 2 * side  # +1: A buys (the maker, or the fund)
            signed_size = cs.mul(sign, fill_size, "±size")
            signed_value = cs.mul(sign, value, "±notional")

        # margins: A (initial after; before a liquidation or a deleverage), B after
        x = AccountWires(
            a.before.exists,
            a.before.pubkey,
            select(cs, s_liq + s_dl, a.before.collateral, a.after.collateral, "X.collateral"),
            a.before.nonce,
            [
                (
                    select(cs, s_liq + s_dl, sb, sa, f"X.size{m}"),
                    select(cs, s_liq + s_dl, fb, fa, f"X.findex{m}"),
                )
                for m, ((sb, fb), (sa, fa)) in enumerate(
                    zip(a.before.positions, a.after.positions, strict=True)
                )
            ],
            a.before.orders,
        )
        mx = margin(cs, x, markets, "A margin", maintenance=True)
        mb = margin(cs, b.after, markets, "B margin")
        owed_a, longs_a = funding_owed(cs, a.before, markets, "A funding")
        owed_b, longs_b = funding_owed(cs, b.before, markets, "B funding")
        with cs.scope("margin checks"):
            a_init = s_wd + s_tr + s_fill
            gap = cs.mul(a_init, mx.equity - mx.initial, "A equity - initial")
            range_check(cs, gap, MARGIN_BITS, "A meets initial margin")
            assert mx.maintenance is not None
            gap = cs.mul(s_liq, mx.maintenance - mx.equity - 1, "maintenance - equity - 1")
            range_check(cs, gap, MARGIN_BITS, "liquidated account is below maintenance")
            gap = cs.mul(s_dl, mx.initial - mx.equity - 1, "initial - equity - 1")
            range_check(cs, gap, MARGIN_BITS, "deleveraged fund is below initial margin")
            gap = cs.mul(s_fill, mb.equity - mb.initial, "B equity - initial")
            range_check(cs, gap, MARGIN_BITS, "B meets initial margin")

        # liquidation figures (A's equity and notionals before, from the X margin); the
        # deficit is also the deleveraged fund's
        with cs.scope("liquidation"):
            equity = cs.mul(s_liq + s_dl, mx.equity, "liq·equity")
            eq_bits = to_bits(cs, equity + (1 << (MARGIN_BITS - 1)), MARGIN_BITS, "equity")
            eq_pos = cs.mul(eq_bits[-1], equity, "max(equity, 0)")
            deficit = eq_pos - equity
            fee_all = cs.constant(0)
            for m, (mag, market) in enumerate(zip(mx.magnitudes, markets, strict=True)):
                weighted = cs.mul(mag, market["liquidation_fee_ppm"], f"m{m}.|n|·fee")
                part, _ = div_rem(cs, weighted + (PPM - 1), PPM, NOTIONAL_BITS, f"m{m}.fee")
                fee_all = fee_all + part
            smaller = less_than(cs, eq_pos, fee_all, MARGIN_BITS, "equity < fee")
            liq_fee = select(cs, smaller, eq_pos, fee_all, "fee")
            closed = sum(mx.notionals, cs.constant(0))
            liq_a = cs.mul(s_liq, eq_pos - liq_fee, "A after liquidation")
            liq_b = cs.mul(s_liq, liq_fee - deficit - closed, "fund's cash change")

        # deleverage: A (the fund) and B shrink, neither flips; B's haircut
        with cs.scope("deleverage"):
            cs.enforce(s_dl, a.index - INSURANCE_FUND, 0, "A is the insurance fund")
            cs.enforce(s_dl, tx["price"] - picked("deleverage", "oracle_price"), 0,
                       "at the market's oracle price")  # fmt: skip
            dl_size = cs.mul(s_dl, amount, "size")
            held = {}
            for who, u in (("A", a), ("B", b)):
                held[who] = sum(
                    (cs.mul(h, u.before.positions[j][0], f"{who} size{j}") for j, h in
                     enumerate(hit["deleverage"])),
                    cs.constant(0),
                )  # fmt: skip
            a_held = -cs.mul(sign, held["A"], "A's size along the step")
            b_held = cs.mul(sign, held["B"], "B's size along the step")
            range_check(cs, a_held, 64, "A's position is on the side the step closes")
            range_check(cs, a_held - dl_size, 64, "no flip: size at most A's position")
            range_check(cs, b_held, 64, "B holds a position opposite A's")
            range_check(cs, b_held - dl_size, 64, "no flip: size at most B's position")
            # haircut = ceil(deficit·value / N): 0 <= haircut·N - deficit·value < N, where
            # N = Σ|notional| of A (1 outside a deleverage, where deficit·value is 0)
            total = sum(mx.magnitudes, cs.constant(0))
            divisor = 1 + cs.mul(s_dl, total - 1, "Σ|notional| of A")
            share = cs.mul(deficit, value, "deficit·notional")
            haircut = tx["haircut"]
            range_check(cs, haircut, MARGIN_BITS, "haircut in range")
            over = cs.mul(haircut, divisor, "haircut·Σ|notional|") - share
            range_check(cs, over, MARGIN_BITS, "haircut covers the pro-rata deficit")
            range_check(cs, divisor - 1 - over, MARGIN_BITS, "haircut is the deficit rounded up")
            a_long_cut = cs.mul(side, dl_size, "A's long closed")

        # account A
        cs.enforce(s_create, a.before.exists, 0, "created account was empty")
        cs.enforce(a_exists, 1 - a.before.exists, 0, "account exists")
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
            *(v for e in a.after.orders for v in e),
        ):
            cs.enforce(s_create, field, 0, "new account starts at zero")
        cs.enforce(s_collect, a.index - FEE_ACCOUNT, 0, "fees go to the fee account")
        pool = picked("collect", "fees")
        delta = (
            cs.mul(s_dep - s_wd - s_tr, amount, "A collateral change")
            - cs.mul(trades, owed_a, "A funding paid")
            - signed_value
            - maker_fee
            + cs.mul(s_collect, pool, "fees collected")
            + haircut
        )
        keeps = 1 - s_create - s_liq
        cs.enforce(keeps, a.after.collateral - a.before.collateral - delta, 0, "A collateral")
        cs.enforce(s_liq, a.after.collateral - liq_a, 0, "A collateral after liquidation")
        cs.enforce(1 - s_create, a.after.nonce - a.before.nonce - user_signed, 0, "A nonce")
        a_closed = [cs.mul(s_liq, size, f"A closes {m}") for m, (size, _) in
                    enumerate(a.before.positions)]  # fmt: skip
        moved = [
            cs.mul(h + hit["deleverage"][m], signed_size, f"A moves {m}")
            for m, h in enumerate(hit["fill"])
        ]
        for m, ((sb, fb), (sa, fa)) in enumerate(
            zip(a.before.positions, a.after.positions, strict=True)
        ):
            cs.enforce(1 - s_create, sa - sb - moved[m] + a_closed[m], 0, f"A size{m}")
            settled = cs.mul(settles, markets[m]["funding_index"] - fb, f"A settles {m}")
            cs.enforce(1 - s_create, fa - fb - settled, 0, f"A findex{m}")
        to_bits(cs, a.after.collateral + (1 << 63), 64, "A collateral in range")
        root = _gated_update(cs, a, root, s_create + a_exists, "A")

        # account B: transfer recipient, fill taker, the insurance fund, or the fund's
        # deleverage counterparty
        cs.enforce(b_on, 1 - b.before.exists, 0, "B exists")
        cs.enforce(b_on, is_equal(cs, a.index, b.index, "A=B"), 0, "A and B differ")
        cs.enforce(s_liq, b.index - INSURANCE_FUND, 0, "B is the insurance fund")
        cs.enforce_equal(b.after.exists, b.before.exists, "B exists unchanged")
        cs.enforce_equal(b.after.nonce, b.before.nonce, "B nonce unchanged")
        for i in range(2):
            cs.enforce_equal(b.after.pubkey[i], b.before.pubkey[i], "B key unchanged")
        b_delta = (
            cs.mul(s_tr, amount, "B receives")
            - cs.mul(settles, owed_b, "B funding paid")
            + signed_value
            - taker_fee
            + liq_b
            - haircut
        )
        cs.enforce_equal(b.after.collateral - b.before.collateral, b_delta, "B collateral")
        for m, ((sb, fb), (sa, fa)) in enumerate(
            zip(b.before.positions, b.after.positions, strict=True)
        ):
            cs.enforce_equal(sa - sb, a_closed[m] - moved[m], f"B size{m}")
            settled = cs.mul(settles, markets[m]["funding_index"] - fb, f"B settles {m}")
            cs.enforce_equal(fa - fb, settled, f"B findex{m}")
        to_bits(cs, b.after.collateral + (1 << 63), 64, "B collateral in range")
        root = _gated_update(cs, b, root, b_on, "B")

        # signature: A's key for its requests and orders, the oracle's for prices
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
        message = (
            m_user
            + cs.mul(s_or + s_cancel, m_short - m_user, "message select")
            + cs.mul(s_order, hash_a - m_user, "order message")
        )
        eddsa.verify(cs, (signer_x, signer_y), message, sig, "signature", enabled=sig_on)

        # markets: oracle price, fill (mark price, fee pool), collect, open interest
        cs.enforce(s_or, is_zero(cs, tx["price"], "price=0"), 0, "price > 0")
        old_time = picked("oracle", "oracle_time")
        out_markets = []
        for j, market in enumerate(markets):
            fields = dict(market.fields)
            h_or, h_fill, h_col = hit["oracle"][j], hit["fill"][j], hit["collect"][j]
            fields["oracle_price"] = market["oracle_price"] + cs.mul(
                h_or, tx["price"] - market["oracle_price"], f"price{j}"
            )
            fields["oracle_time"] = market["oracle_time"] + cs.mul(
                h_or, tx["timestamp"] - market["oracle_time"], f"time{j}"
            )
            fields["mark_price"] = market["mark_price"] + cs.mul(
                h_fill, tx["price"] - market["mark_price"], f"mark{j}"
            )
            fields["fees"] = (
                market["fees"]
                + cs.mul(h_fill, maker_fee + taker_fee, f"fees in {j}")
                - cs.mul(h_col, market["fees"], f"fees out {j}")
            )
            long_a_after = (
                mx.longs[j]  # A's before (LIQUIDATE, DELEVERAGE) or after (otherwise)
                - cs.mul(s_liq, mx.longs[j], f"A long after {j}")
                - cs.mul(hit["deleverage"][j], a_long_cut, f"A long cut {j}")
            )
            fields["open_interest"] = (
                market["open_interest"] + long_a_after - longs_a[j] + mb.longs[j] - longs_b[j]
            )
            out_markets.append(MarketWires(fields, market.exists))
        if k == 0:
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
