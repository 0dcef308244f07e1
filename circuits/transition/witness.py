"""The circuit's witness from the sequencer's batch record (plain JSON dicts).

The exchange (``zkel.host.exchange``) logs one witness record per step; a batch
is a run of records with chained roots (see ``zkel.host.exchange.recorder`` and
``sequencer``). Each record becomes one slot (see :mod:`.circuit` for the
witness layout); the rest of the circuit's slots are no-ops. A record of a kind
the circuit does not prove, or of the wrong shape, raises :class:`UnsupportedRecord`
naming the record.

Kinds and their slots: ``create_account``, ``deposit``, ``withdraw``, ``transfer``
(A sender, B recipient), ``oracle``, ``cancel``, ``funding`` (first record of a
batch only), ``order`` (placement: A the signer, ``oa`` the order), ``fill`` (A the
maker with ``oa``, B the taker with ``ob``), ``drop``, ``liquidation`` (A the
target, B the insurance fund: a takeover; the ``"adl"`` mode of logs written
before the deleverage rule is refused), ``deleverage`` (A the insurance fund, B
the counterparty; ``amount`` = |size|, ``side`` 1 when the fund sells) and
``collect_fees`` (A the fee account).

A record's account updates were applied in the engine's order (by account
index); the circuit applies the slot's ``A`` before ``B``. When the
engine applied them the other way round, :func:`reorder` rewrites the two
sibling lists for the circuit's order: the paths of two leaves meet at one
node, which is a sibling of the other path there.
"""

from __future__ import annotations

from zkel.circuits.bn254 import R
from zkel.circuits.smt import meeting, path_nodes
from zkel.circuits.transition import pubdata
from zkel.circuits.transition.layout import (
    MARKET_FIELDS,
    MARKETS,
    ORDER_FIELDS,
    ORDER_SLOTS,
    TxType,
)


class UnsupportedRecord(ValueError):
    """A record the circuit cannot prove (its kind, or its shape)."""


KIND_TO_TYPE = {
    "create_account": TxType.CREATE,
    "deposit": TxType.DEPOSIT,
    "withdraw": TxType.WITHDRAW,
    "transfer": TxType.TRANSFER,
    "oracle": TxType.ORACLE,
    "cancel": TxType.CANCEL,
    "funding": TxType.FUNDING,
    "order": TxType.ORDER,
    "fill": TxType.FILL,
    "drop": TxType.DROP,
    "liquidation": TxType.LIQUIDATE,
    "collect_fees": TxType.COLLECT,
    "deleverage": TxType.DELEVERAGE,
}


def order_fields(order: dict) -> dict:
    """A signed order's hashed fields (``ORDER_FIELDS``) from an engine order dict."""
    return {f: int(order[f]) for f in ORDER_FIELDS}


def account_wires(acct: dict | None) -> dict | None:
    """An engine account dict as the circuit's account values (signed values mod r)."""
    if acct is None:
        return None
    return {
        "exists": 1,
        "pubkey": [int(acct["pubkey"][0]), int(acct["pubkey"][1])],
        "collateral": int(acct["collateral"]) % R,
        "nonce": int(acct["nonce"]),
        "positions": [[int(s) % R, int(f) % R] for s, f in acct["positions"]],
        "orders": [[int(h), int(r)] for h, r in acct.get("orders") or [[0, 0]] * ORDER_SLOTS],
    }


def market_wires(markets: list[dict]) -> list[dict]:
    """The M market slots (absent ids: ``exists`` 0, fields 0) from engine market dicts."""
    by_id = {int(m["market_id"]): m for m in markets}
    out = []
    for j in range(MARKETS):
        m = by_id.get(j)
        if m is None:
            out.append({"exists": 0, **{f: 0 for f in MARKET_FIELDS}})
        else:
            out.append({"exists": 1, **{f: int(m[f]) % R for f in MARKET_FIELDS}})
    return out


def _update(u: dict) -> dict:
    return {
        "index": int(u["index"]),
        "before": account_wires(u["before"]),
        "after": account_wires(u["after"]),
        "siblings": [int(s) for s in u["siblings"]],
        "old_leaf": int(u["old_leaf"]),
        "new_leaf": int(u["new_leaf"]),
    }


def reorder(first: dict, second: dict) -> tuple[dict, dict]:
    """``(second, first)`` with siblings rewritten as if ``second`` had been applied first.

    ``first.siblings`` are in the tree before both updates, ``second.siblings`` after
    ``first``; the result's are before both (for the new first) and after it. The
    paths share one node position, where they meet (:func:`zkel.circuits.smt.meeting`):
    there each path's sibling entry is the other's node.
    """
    depth = 2 * (len(first["siblings"]) // 3)
    level, slot_in_first, slot_in_second = meeting(first["index"], second["index"], depth)
    first_old = path_nodes(first["old_leaf"], first["index"], first["siblings"])
    second_new = path_nodes(second["new_leaf"], second["index"], second["siblings"])
    new_first = dict(second, siblings=list(second["siblings"]))
    new_first["siblings"][3 * level + slot_in_second] = first_old[level]
    new_second = dict(first, siblings=list(first["siblings"]))
    new_second["siblings"][3 * level + slot_in_first] = second_new[level]
    return new_first, new_second


def _two(record: dict, updates: list[dict], first_index: int, what: str) -> tuple[dict, dict]:
    """The record's two updates with the one at ``first_index`` first (the circuit's A)."""
    if len(updates) != 2:
        raise UnsupportedRecord(
            f"record {record.get('seq')}: {what} with {len(updates)} account updates"
        )
    first, second = updates
    if first_index not in (first["index"], second["index"]):
        raise UnsupportedRecord(
            f"record {record.get('seq')}: {what} that does not update account {first_index}"
        )
    if first["index"] != first_index:
        first, second = reorder(first, second)
    return first, second


def _one(record: dict, updates: list[dict], kind: str) -> dict:
    if len(updates) != 1:
        raise UnsupportedRecord(f"record {record.get('seq')}: {kind} with {len(updates)} updates")
    return updates[0]


def slot_from_record(record: dict) -> dict:
    """One slot's witness from one witness record."""
    kind = record["kind"]
    if kind not in KIND_TO_TYPE:
        raise UnsupportedRecord(
            f"record {record.get('seq')}: the circuit does not prove {kind!r} yet"
        )
    tx = record["tx"]
    updates = [_update(u) for u in record["updates"]]
    sig = [int(v) for v in record["signature"]] if record.get("signature") else None
    t = KIND_TO_TYPE[kind]
    a = b = None
    fields: dict = {}
    orders: dict = {}
    if t is TxType.TRANSFER:
        a, b = _two(record, updates, int(tx["sender"]), "a transfer")
        fields = {"amount": int(tx["amount"]), "nonce": int(tx["nonce"])}
    elif t is TxType.FILL:
        maker, taker = tx["maker_order"], tx["taker_order"]
        a, b = _two(record, updates, int(tx["maker"]), "a fill")
        fields = {
            "amount": int(tx["size"]),
            "price": int(tx["price"]),
            "market": int(tx["market"]),
            "slot_a": int(maker["slot"]),
            "slot_b": int(taker["slot"]),
        }
        orders = {"oa": order_fields(maker), "ob": order_fields(taker)}
    elif t is TxType.LIQUIDATE:
        if tx.get("mode") != "takeover":
            raise UnsupportedRecord(
                f"record {record.get('seq')}: a liquidation is a takeover, not "
                f"{tx.get('mode')!r} (auto-deleveraging is its own 'deleverage' record)"
            )
        a, b = _two(record, updates, int(tx["account"]), "a liquidation")
    elif t is TxType.DELEVERAGE:
        a, b = _two(record, updates, int(tx["account"]), "a deleverage")
        if b["index"] != int(tx["counterparty"]):
            raise UnsupportedRecord(
                f"record {record.get('seq')}: a deleverage whose counterparty is not "
                f"account {tx['counterparty']}"
            )
        size = int(tx["size"])  # signed, from the fund (A) to the counterparty (B)
        fields = {
            "amount": abs(size),
            "side": int(size > 0),  # A sells what B takes
            "price": int(tx["price"]),
            "market": int(tx["market"]),
            "haircut": int(tx["haircut"]),
        }
    elif t in (TxType.ORACLE, TxType.FUNDING):
        if updates:
            raise UnsupportedRecord(
                f"record {record.get('seq')}: an oracle price that moved accounts"
            )
        if t is TxType.ORACLE:
            fields = {k: int(tx[k]) for k in ("market", "price", "timestamp")}
    else:
        a = _one(record, updates, kind)
        if t is TxType.DEPOSIT:
            fields = {"amount": int(tx["amount"])}
        elif t is TxType.WITHDRAW:
            fields = {k: int(tx[k]) for k in ("amount", "nonce", "recipient")}
        elif t is TxType.CANCEL:
            fields = {
                "order": int(tx["order"]),
                "nonce": int(tx["nonce"]),
                "slot_a": int(tx["slot"]),
            }
        elif t is TxType.ORDER:
            fields = {
                "nonce": int(tx["nonce"]),
                "market": int(tx["market"]),
                "slot_a": int(tx["slot"]),
            }
            orders = {"oa": order_fields(tx)}
        elif t is TxType.DROP:
            fields = {"slot_a": int(tx["slot"])}
        elif t is TxType.COLLECT:
            fields = {"market": int(tx["market"])}
    return {"type": int(t), "tx": fields, "a": a, "b": b, "signature": sig, "orders": orders}


NOOP_SLOT = {
    "type": int(TxType.NOOP),
    "tx": {},
    "a": None,
    "b": None,
    "signature": None,
    "orders": {},
}


def batch_witness(batch: dict, n_slots: int) -> dict:
    """The circuit witness of a batch (``Batch.to_dict()``: number, roots, records)."""
    records = list(batch["txs"])
    if not records:
        raise UnsupportedRecord("an empty batch")
    if len(records) > n_slots:
        raise UnsupportedRecord(f"{len(records)} records do not fit {n_slots} slots")
    first = records[0]
    for r in records[1:]:
        if r["kind"] == "funding":
            raise UnsupportedRecord(
                f"record {r.get('seq')}: a funding tick must be the first record of its batch"
            )
    slots = [slot_from_record(r) for r in records]
    slots += [dict(NOOP_SLOT) for _ in range(n_slots - len(slots))]
    data = (
        bytes.fromhex(batch["public_data"])
        if "public_data" in batch and isinstance(batch["public_data"], str)
        else None
    )
    return {
        "batch_number": int(batch["batch"]),
        "old_root": int(batch["old_root"]),
        "new_root": int(batch["new_root"]),
        "commitment": pubdata.commitment(data) if data is not None else int(batch["commitment"]),
        "accounts_root": int(first["accounts_root_before"]),
        "markets": market_wires(first["markets_before"]),
        "slots": slots,
        "records": [{"seq": r.get("seq"), "kind": r["kind"]} for r in records],
    }
