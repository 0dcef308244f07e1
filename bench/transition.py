"""A batch of the exchange proven end to end: engine records → witness → Groth16.

Four records (a resting sell order, a crossing buy order, their fill, and a
withdrawal) run through the exchange at accounts-tree depth 16 (``--quick``:
depth 4, two slots: an account creation and a deposit);
the sequencer cuts them into one batch, the transition circuit is built from
its witness records, set up, proven on the CPU backend and verified. Beside it,
in the same run, ``snarkjs groth16 prove`` on the very same ``.zkey`` and
``.wtns`` (when ``make tools`` installed it) is the reference: the figure is the
ratio. Also recorded: constraints per slot part, constraints per second of
proving, and the constraint count of the same shape at depth 32.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import plot_lines, write_json
from bench.groth16 import snarkjs_available, time_snarkjs
from zkel.circuits import groth16
from zkel.circuits.eddsa import PrivateKey
from zkel.circuits.snarkjs import read_zkey, write_wtns, write_zkey
from zkel.circuits.transition.circuit import Shape, build
from zkel.circuits.transition.stats import batch_stats
from zkel.circuits.transition.witness import batch_witness
from zkel.host.accel import kernels


def _batch(depth: int, slots: int) -> tuple[dict, PrivateKey]:
    from zkel.host.exchange import (
        Exchange,
        Market,
        Order,
        Side,
        Withdrawal,
        sign_message,
        sign_order,
    )

    oracle, operator, alice, bob = (PrivateKey(bytes([i]) * 32) for i in range(1, 5))
    btc = Market(0, "BTC-USD", tick_size=100_000, lot_size=100_000,
                 initial_margin_ppm=100_000, maintenance_margin_ppm=50_000,
                 oracle_price=30_000_000_000)  # fmt: skip
    ex = Exchange.open(":memory:", markets=[btc], oracle_pubkey=oracle.public_key(),
                       operator_pubkey=operator.public_key(), depth=depth)  # fmt: skip
    ex.cut_batch()  # genesis
    a = ex.create_account(alice.public_key())
    ex.deposit(a, 10_000_000_000)
    if slots < 4:
        ex.cut_batch()  # a first batch the bench does not prove
    b = ex.create_account(bob.public_key())
    ex.deposit(b, 5_000_000_000)
    if slots >= 4:
        ex.cut_batch()
        sell = Order(b, 0, Side.SELL, 30_000_000_000, 10_000_000, expiry=10**6, nonce=0)
        ex.submit_order(sign_order(bob, sell))
        buy = Order(a, 0, Side.BUY, 30_100_000_000, 10_000_000, expiry=10**6, nonce=0)
        ex.submit_order(sign_order(alice, buy))  # two records: the order and its fill
        w = Withdrawal(
            b, 2_000_000_000, ex.account(b).nonce, 0x5B38DA6A701C568545DCFCB03FCB875F56BEDDC4
        )
        ex.withdraw(w, sign_message(bob, w))
    batch = ex.cut_batch(max_txs=slots)
    return batch.to_dict(), oracle


def run(quick: bool = False) -> dict:
    depth, slots = (4, 2) if quick else (16, 4)
    batch, oracle = _batch(depth, slots)
    shape = Shape(slots, depth, oracle.public_key())
    t0 = time.perf_counter()
    cs = build(shape, batch_witness(batch, slots))
    build_s = time.perf_counter() - t0
    cs.check()
    n = cs.n_constraints
    print(f"  transition: {slots} slots, depth {depth}: {n:,} constraints", flush=True)
    t0 = time.perf_counter()
    zkey = groth16.setup(cs.to_r1cs())
    setup_s = time.perf_counter() - t0
    row: dict = {
        "slots": slots,
        "depth": depth,
        "kinds": [r["kind"] for r in batch["txs"]],
        "constraints": n,
        "domain": zkey.domain_size,
        "build_and_witness_s": round(build_s, 2),
        "setup_s": round(setup_s, 2),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_zkey(work / "t.zkey", zkey)
        write_wtns(work / "t.wtns", cs.witness())
        pk = groth16.ProvingKey.from_zkey(read_zkey(work / "t.zkey"))
        t0 = time.perf_counter()
        result = groth16.prove(pk, cs.witness(), kernels("cpu"))
        prove_s = time.perf_counter() - t0
        row.update(
            zkel_prove_s=round(prove_s, 2),
            zkel_steps_s={k: round(v, 2) for k, v in result.timings.items()},
            zkel_verified=groth16.verify(pk.verifying_key(), result.public, result.proof),
            constraints_per_s=round(n / prove_s, 1),
            public_inputs_match=list(result.public)
            == [int(batch["old_root"]), int(batch["new_root"]), int(batch["commitment"])],
        )
        if snarkjs_available():
            sj, ok = time_snarkjs(work / "t.zkey", work / "t.wtns", work)
            row.update(snarkjs_prove_s=round(sj, 2), snarkjs_verified=ok,
                       ratio_zkel_over_snarkjs=round(prove_s / sj, 2))  # fmt: skip
    print(f"  transition: {row}", flush=True)
    stats32 = batch_stats(Shape(slots, 32, oracle.public_key())).to_dict()
    series = {"zkel (cpu backend)": ([n], [row["zkel_prove_s"]])}
    if "snarkjs_prove_s" in row:
        series["snarkjs 0.7 (node)"] = ([n], [row["snarkjs_prove_s"]])
    plot_lines("transition_prove", f"Batch of {slots} at depth {depth}: prove time",
               "constraints", "seconds", series)  # fmt: skip
    write_json("transition", {"batch": row, "stats_depth32": stats32})
    return {
        "constraints": n,
        "zkel_prove_s": row["zkel_prove_s"],
        "ratio_zkel_over_snarkjs": row.get("ratio_zkel_over_snarkjs"),
        "constraints_per_s": row["constraints_per_s"],
        "per_slot_depth32": stats32["per_slot"],
    }
