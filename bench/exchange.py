"""Exchange throughput: orders matched per second and state-tree updates per second.

Each figure comes with a reference measured in the same run, so the JSON holds
ratios as well as rates:

* orders: a maker order rests and a taker order crosses it (one fill, three leaf
  updates: maker, taker, fee account), signatures made beforehand and verified by
  the engine as part of the timed submit; reference: one signature verification
  plus the Poseidon hashes of three tree paths done bare (the cryptographic floor).
* tree updates: ``SparseMerkleTree.update`` on the SQLite NodeStore inside committed
  transactions, against the same updates on the in-memory store.
* simulate: the full randomized market (invariants checked after every step).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from bench.common import plot_lines, write_json


def _exchange(path: str, users: int):
    from zkel.circuits.eddsa import PrivateKey
    from zkel.host.exchange import Exchange
    from zkel.host.exchange.simulate import default_markets

    keys = [PrivateKey(bytes([i + 1]) * 32) for i in range(4)]
    pubs = [k.public_key() for k in keys]
    ex = Exchange.open(
        path,
        markets=default_markets(),
        oracle_pubkey=pubs[0],
        operator_pubkey=pubs[1],
        synchronous="NORMAL",
    )
    for i in range(users):
        a = ex.create_account(pubs[(2 + i) % 4])
        ex.deposit(a, 10**12)
    return ex, keys


def orders_per_second(users: int, pairs: int, path: str) -> dict:
    """Rest-and-cross ``pairs`` times among ``users`` accounts; rates in orders/s."""
    from zkel.host.exchange import Order, Side, sign_order

    ex, keys = _exchange(path, users)
    rng = random.Random(users)
    market = ex.markets[0]
    signed = []
    nonces = {a: 0 for a in range(2, 2 + users)}
    for _ in range(pairs):
        a, b = rng.sample(range(2, 2 + users), 2)
        for acct, side in ((a, Side.SELL), (b, Side.BUY)):
            o = Order(acct, 0, side, market.oracle_price, 10 * market.lot_size, 10**9, nonces[acct])
            nonces[acct] += 1
            signed.append(sign_order(keys[acct % 4], o))
    updates0 = ex.recorder.tree_updates
    t0 = time.perf_counter()
    fills = 0
    for s in signed:
        fills += len(ex.submit_order(s).fills)
    dt = time.perf_counter() - t0
    assert fills == pairs, "every taker must fill"
    updates = ex.recorder.tree_updates - updates0
    ex.close()
    return {
        "users": users,
        "orders": len(signed),
        "fills": fills,
        "seconds": dt,
        "orders_per_s": len(signed) / dt,
        "tree_updates_per_s_in_orders": updates / dt,
    }


def crypto_floor(depth: int, n: int) -> float:
    """Seconds for one signature check plus three tree paths of bare Poseidon hashes."""
    from zkel.circuits.eddsa import PrivateKey, verify_poseidon
    from zkel.circuits.poseidon import poseidon

    key = PrivateKey(b"\x07" * 32)
    pub = key.public_key()
    sigs = [key.sign_poseidon(i + 1) for i in range(n)]
    t0 = time.perf_counter()
    for i, sig in enumerate(sigs):
        assert verify_poseidon(pub, i + 1, sig)
        h = i
        for _ in range(3 * depth + 3):  # three paths, three leaves
            h = poseidon([h, 5])
    return (time.perf_counter() - t0) / n


def tree_updates(n: int, depth: int, path: str) -> dict:
    """Rates of ``n`` random leaf updates on SQLite (one commit each) and in memory."""
    from zkel.circuits.smt import SparseMerkleTree
    from zkel.host.state import Store

    rng = random.Random(n)
    idx = [rng.randrange(1 << 14) for _ in range(n)]
    mem = SparseMerkleTree(depth)
    t0 = time.perf_counter()
    for i, leaf in enumerate(idx):
        mem.update(leaf, i + 1)
    t_mem = time.perf_counter() - t0
    store = Store(path, synchronous="NORMAL")
    tree = SparseMerkleTree(depth, store=store.nodes)
    t0 = time.perf_counter()
    for i, leaf in enumerate(idx):
        with store.transaction():
            tree.update(leaf, i + 1)
    t_sql = time.perf_counter() - t0
    assert tree.root == mem.root
    store.close()
    return {
        "updates": n,
        "depth": depth,
        "sqlite_per_s": n / t_sql,
        "memory_per_s": n / t_mem,
        "sqlite_over_memory_time": t_sql / t_mem,
    }


def run(quick: bool) -> dict:
    from zkel.host.exchange.engine import DEFAULT_DEPTH
    from zkel.host.exchange.simulate import simulate

    sizes = [16, 256] if quick else [16, 256, 4096]
    pairs = 30 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        order_rows = [orders_per_second(u, pairs, str(tmpdir / f"o{u}.db")) for u in sizes]
        floor = crypto_floor(DEFAULT_DEPTH, 10 if quick else 50)
        tree = tree_updates(200 if quick else 2000, DEFAULT_DEPTH, str(tmpdir / "t.db"))
        sim_accounts, sim_orders = (50, 300) if quick else (1000, 3000)
        sim = simulate(sim_accounts, sim_orders, seed=1, db=str(tmpdir / "sim.db"))
    best = order_rows[-1]
    result = {
        "orders": order_rows,
        "orders_per_s": round(best["orders_per_s"], 1),
        "order_time_over_crypto_floor": round((1 / best["orders_per_s"]) / floor, 2),
        "crypto_floor_ms_per_order": round(floor * 1e3, 3),
        "tree": tree,
        "tree_updates_per_s": round(tree["sqlite_per_s"], 1),
        "simulate": {
            "accounts": sim_accounts,
            "orders": sim_orders,
            "orders_per_s": round(sim_orders / sim.order_seconds, 1),
            "trades": sim.trades,
            "liquidations": sim.liquidations,
            "seconds": round(sim.seconds, 2),
            "invariants_ok": True,
        },
    }
    write_json("exchange", result)
    plot_lines(
        "exchange",
        "Exchange throughput (one fill per taker order)",
        "accounts",
        "per second",
        {
            "orders matched / s": (
                [r["users"] for r in order_rows],
                [r["orders_per_s"] for r in order_rows],
            ),
            "tree updates / s (in orders)": (
                [r["users"] for r in order_rows],
                [r["tree_updates_per_s_in_orders"] for r in order_rows],
            ),
        },
        logy=True,
    )
    return {
        k: result[k] for k in ("orders_per_s", "order_time_over_crypto_floor", "tree_updates_per_s")
    }
