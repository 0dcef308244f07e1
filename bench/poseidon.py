"""Poseidon hashes per second (2 inputs, pure Python), beside the plain round loop.

The reference is :func:`permute_reference` (the round loop) measured in the same run.
"""

from __future__ import annotations

import random
import time

from bench.common import write_json
from zkel.circuits.bn254 import R
from zkel.circuits.poseidon import poseidon
from zkel.circuits.poseidon.permutation import HAVE_GMPY2, permute_reference


def _rate(fn, inputs: list[list[int]]) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    for x in inputs:
        fn(x)
    return len(inputs) / (time.perf_counter() - t0)


def run(quick: bool = False) -> dict:
    rng = random.Random(5)
    n = 2000 if quick else 10000
    rows = {}
    for width in (2, 5, 16):
        inputs = [
            [rng.randrange(R) for _ in range(width)] for _ in range(n if width == 2 else n // 5)
        ]
        fast = max(_rate(poseidon, inputs) for _ in range(2))
        ref = _rate(lambda x: permute_reference([0, *x])[0], inputs[: max(len(inputs) // 5, 200)])
        rows[str(width)] = {
            "inputs": width,
            "hashes_per_s": round(fast),
            "reference_hashes_per_s": round(ref),
            "speedup_vs_reference": round(fast / ref, 2),
        }
        print(f"  poseidon {width} inputs: {rows[str(width)]}", flush=True)
    write_json("poseidon", {"gmpy2": HAVE_GMPY2, "widths": rows})
    return {"gmpy2": HAVE_GMPY2, "hashes_per_s_2_inputs": rows["2"]["hashes_per_s"]}
