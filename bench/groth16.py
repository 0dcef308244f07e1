"""Groth16 prove time against constraint count, beside snarkjs on the same zkey and witness.

For each size 2^k the suite builds a random satisfiable circuit with the R1CS
builder (full-width random witness values: the MSMs' worst case), makes a key with
zkel's setup, proves with the CPU kernels, and, when node and snarkjs are
installed (``make tools``), times ``snarkjs groth16 prove`` on the very same
``.zkey`` and ``.wtns`` in the same run. Both proofs are checked.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import plot_lines, write_json
from zkel.circuits import groth16
from zkel.circuits.snarkjs import read_zkey, write_r1cs, write_wtns, write_zkey
from zkel.host.accel import kernels

ROOT = Path(__file__).resolve().parent.parent
SNARKJS = ROOT / "tools" / "node_modules" / ".bin" / "snarkjs"


def bench_circuit(n_constraints: int, seed: int):  # noqa: ANN201
    """A random circuit with ``n_constraints`` constraints and 2 public signals."""
    from zkel.circuits.r1cs.examples import random_circuit

    return random_circuit(n_constraints, 2, seed=seed)


def snarkjs_available() -> bool:
    return SNARKJS.exists() and shutil.which("node") is not None


def time_snarkjs(zkey: Path, wtns: Path, workdir: Path) -> tuple[float, bool]:
    """Seconds for ``snarkjs groth16 prove`` (best of 2) and whether its proof verified."""
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        subprocess.run(
            [
                str(SNARKJS),
                "groth16",
                "prove",
                str(zkey),
                str(wtns),
                str(workdir / "sj_proof.json"),
                str(workdir / "sj_public.json"),
            ],
            check=True,
            capture_output=True,
        )
        best = min(best, time.perf_counter() - t0)
    subprocess.run(
        [str(SNARKJS), "zkey", "export", "verificationkey", str(zkey), str(workdir / "vk.json")],
        check=True,
        capture_output=True,
    )
    ok = (
        subprocess.run(
            [
                str(SNARKJS),
                "groth16",
                "verify",
                str(workdir / "vk.json"),
                str(workdir / "sj_public.json"),
                str(workdir / "sj_proof.json"),
            ],
            capture_output=True,
        ).returncode
        == 0
    )
    return best, ok


def run(quick: bool = False) -> dict:
    sizes = [2**k for k in (range(8, 11) if quick else range(8, 15))]
    cpu = kernels("cpu")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in sizes:
            n_cons = n - 3  # leaves room for the public-input rows: domain = n
            cs = bench_circuit(n_cons, seed=n)
            t0 = time.perf_counter()
            zkey = groth16.setup(cs.to_r1cs())
            setup_s = time.perf_counter() - t0
            write_zkey(work / "c.zkey", zkey)
            write_wtns(work / "c.wtns", cs.witness())
            write_r1cs(work / "c.r1cs", cs.to_r1cs())
            pk = groth16.ProvingKey.from_zkey(read_zkey(work / "c.zkey"))
            t0 = time.perf_counter()
            res = groth16.prove(pk, cs.witness(), cpu)  # with its self-check, as the CLI runs
            prove_s = time.perf_counter() - t0
            ok = groth16.verify(pk.verifying_key(), res.public, res.proof)
            row = {
                "constraints": n_cons,
                "domain": zkey.domain_size,
                "setup_s": round(setup_s, 3),
                "zkel_prove_s": round(prove_s, 3),
                "zkel_steps_s": {k: round(v, 3) for k, v in res.timings.items()},
                "zkel_verified": ok,
                "constraints_per_s": round(n_cons / prove_s, 1),
            }
            if snarkjs_available():
                sj, sj_ok = time_snarkjs(work / "c.zkey", work / "c.wtns", work)
                row.update(
                    snarkjs_prove_s=round(sj, 3),
                    snarkjs_verified=sj_ok,
                    ratio_zkel_over_snarkjs=round(prove_s / sj, 2),
                )
            print(f"  groth16 2^{n.bit_length() - 1}: {row}", flush=True)
            rows.append(row)
    series = {
        "zkel (cpu backend)": ([r["constraints"] for r in rows], [r["zkel_prove_s"] for r in rows])
    }
    if rows and "snarkjs_prove_s" in rows[0]:
        series["snarkjs 0.7 (node)"] = (
            [r["constraints"] for r in rows],
            [r["snarkjs_prove_s"] for r in rows],
        )
    plot_lines("groth16_prove", "Groth16 prove time (BN254)", "constraints", "seconds", series)
    write_json("groth16", {"rows": rows, "snarkjs": snarkjs_available()})
    last = rows[-1]
    return {
        "largest_constraints": last["constraints"],
        "zkel_prove_s": last["zkel_prove_s"],
        "ratio_zkel_over_snarkjs": last.get("ratio_zkel_over_snarkjs"),
    }
