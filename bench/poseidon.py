"""Poseidon hashes per second (pure Python) beside the plain round loop, and the
state-tree and signature operations built on it.

For each input count the compiled optimized permutation is timed on gmpy2 integers
(when installed) and on Python ints, against :func:`permute_reference` (the plain
round loop, the reference) in the same run. A sparse-Merkle-tree update at depth 32
is reported against 32 two-input hashes, its floor; EdDSA-Poseidon sign and verify
against one 5-input hash. Writes ``bench/results/poseidon.json`` and
``poseidon_rate.png``.

    .venv/bin/python -c "import bench.poseidon as b; b.run(quick=False)"
"""

from __future__ import annotations

import random

from bench.common import best_of, plot_lines, write_json
from zkel.circuits.bn254 import R
from zkel.circuits.eddsa import PrivateKey, verify_poseidon
from zkel.circuits.poseidon import permute_reference, poseidon
from zkel.circuits.poseidon.permutation import HAVE_GMPY2, _compiled
from zkel.circuits.smt import SparseMerkleTree


def _per_second(fn, items: list, repeat: int) -> float:
    """Best-of-``repeat`` rate of ``fn`` over ``items`` (calls per second)."""
    return len(items) / best_of(lambda: [fn(x) for x in items], repeat=repeat)


def _hash_rates(n_inputs: int, count: int, repeat: int, rng: random.Random) -> dict:
    states = [[0, *(rng.randrange(R) for _ in range(n_inputs))] for _ in range(count)]
    fast = _per_second(lambda s: poseidon(s[1:]), states, repeat)
    ints = _per_second(_compiled(n_inputs + 1, int), states, repeat)
    ref = _per_second(permute_reference, states[: max(count // 4, 20)], repeat)
    return {
        "inputs": n_inputs,
        "hashes_per_s": round(fast),
        "python_int_hashes_per_s": round(ints),
        "reference_hashes_per_s": round(ref),
        "speedup_vs_reference": round(fast / ref, 2),
        "python_int_speedup_vs_reference": round(ints / ref, 2),
    }


def _tree_and_signatures(quick: bool, hash2_per_s: float, rng: random.Random) -> dict:
    n = 50 if quick else 300
    tree = SparseMerkleTree(32)
    updates = [(rng.randrange(1 << 32), rng.randrange(R)) for _ in range(n)]
    update_s = best_of(lambda: [tree.set(i, v) for i, v in updates], repeat=2) / n
    key = PrivateKey(rng.randbytes(32))
    msgs = [rng.randrange(R) for _ in range(max(n // 10, 10))]
    sigs = [key.sign_poseidon(m) for m in msgs]
    pub = key.public_key()
    sign_s = best_of(lambda: [key.sign_poseidon(m) for m in msgs], repeat=2) / len(msgs)
    verify_s = best_of(
        lambda: [verify_poseidon(pub, m, s) for m, s in zip(msgs, sigs, strict=True)], repeat=2
    ) / len(msgs)
    hash5_s = 1 / _per_second(poseidon, [[rng.randrange(R) for _ in range(5)]] * 200, 3)
    return {
        "smt_depth32_updates_per_s": round(1 / update_s),
        "smt_update_over_32_hashes": round(update_s * hash2_per_s / 32, 2),
        "eddsa_sign_per_s": round(1 / sign_s, 1),
        "eddsa_verify_per_s": round(1 / verify_s, 1),
        "eddsa_verify_over_one_hash5": round(verify_s / hash5_s, 1),
    }


def run(quick: bool = False) -> dict:
    rng = random.Random(5)
    widths = [1, 2, 4, 8, 16] if quick else list(range(1, 17))
    count, repeat = (300, 2) if quick else (1500, 3)
    rows = {}
    for n_inputs in widths:
        rows[str(n_inputs)] = _hash_rates(
            n_inputs, count if n_inputs <= 4 else count // 3, repeat, rng
        )
        print(f"  poseidon {n_inputs:2d} inputs: {rows[str(n_inputs)]}", flush=True)
    ops = _tree_and_signatures(quick, rows["2"]["hashes_per_s"], rng)
    print(f"  {ops}", flush=True)
    xs = [float(n) for n in widths]
    plot_lines(
        "poseidon_rate",
        "Poseidon hashes per second (pure Python, one core)",
        "inputs",
        "hashes / s",
        {
            "optimized, gmpy2" if HAVE_GMPY2 else "optimized": (
                xs,
                [rows[str(n)]["hashes_per_s"] for n in widths],
            ),
            "optimized, Python int": (
                xs,
                [rows[str(n)]["python_int_hashes_per_s"] for n in widths],
            ),
            "round loop (reference)": (
                xs,
                [rows[str(n)]["reference_hashes_per_s"] for n in widths],
            ),
        },
        logx=False,
    )
    write_json("poseidon", {"gmpy2": HAVE_GMPY2, "quick": quick, "widths": rows, "ops": ops})
    return {
        "gmpy2": HAVE_GMPY2,
        "hashes_per_s_2_inputs": rows["2"]["hashes_per_s"],
        "speedup_vs_reference_2_inputs": rows["2"]["speedup_vs_reference"],
        **ops,
    }
