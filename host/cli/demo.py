"""``zkel demo``: the main job end to end, on embedded defaults.

Today the story is the proof system's: build a circuit with the R1CS builder, make
keys, prove on the chosen backend, verify, and write the snarkjs files so another
verifier (``snarkjs groth16 verify``) can check them. The exchange's batches join
this story when the transition circuit lands.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from zkel.circuits import groth16
from zkel.circuits.r1cs.examples import random_circuit
from zkel.circuits.snarkjs import write_proof, write_public, write_r1cs, write_vkey, write_wtns
from zkel.host.cli.errors import UserError
from zkel.host.cli.files import save
from zkel.host.cli.progress import reporter


def demo(
    constraints: Annotated[int, typer.Option(help="Constraints in the demo circuit.")] = 1000,
    backend: Annotated[str, typer.Option(help="Kernels backend: cpu, sim or pynq.")] = "cpu",
    out: Annotated[Path | None, typer.Option(help="Write the snarkjs files here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the random circuit.")] = 1,
) -> None:
    """Build a circuit, set up, prove, verify; print a summary (and write files with --out)."""
    from zkel.host.accel import KernelsUnavailable, kernels

    if not 1 <= constraints <= 1 << 20:
        raise UserError(f"--constraints must be between 1 and 2^20, not {constraints}")
    try:
        kern = kernels(backend)
    except (KernelsUnavailable, ValueError) as exc:
        raise UserError(f"backend {backend!r}: {exc}") from None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, object] = {"backend": kern.name}
    with reporter("demo") as rep:
        rep.step(f"build a random circuit of {constraints} constraints")
        cs = random_circuit(constraints, 2, seed=seed)
        cs.check()
        r1cs = cs.to_r1cs()
        rep.step("setup (single party: not a ceremony)")
        t0 = time.perf_counter()
        zkey = groth16.setup(r1cs, progress=rep.count)
        summary["setup_s"] = round(time.perf_counter() - t0, 2)
        pk = groth16.ProvingKey.from_zkey(zkey)
        vk = pk.verifying_key()
        rep.step(f"prove on backend {kern.name}")
        t0 = time.perf_counter()
        result = groth16.prove(pk, cs.witness(), kern, progress=rep.step)
        summary["prove_s"] = round(time.perf_counter() - t0, 2)
        rep.step("verify")
        ok = groth16.verify(vk, result.public, result.proof)
        if out is not None:
            rep.step(f"write snarkjs files to {out}")
            save(out / "circuit.r1cs", write_r1cs, r1cs)
            save(out / "witness.wtns", write_wtns, cs.witness())
            save(out / "verification_key.json", write_vkey, vk.to_snarkjs())
            save(out / "proof.json", write_proof, result.proof.to_snarkjs())
            save(out / "public.json", write_public, result.public)
        if out is not None:
            summary["snarkjs_verified"] = _snarkjs_verify(out, rep)
    summary.update(
        constraints=len(r1cs.constraints),
        wires=r1cs.n_wires,
        domain=zkey.domain_size,
        public=[str(v) for v in result.public],
        verified=ok,
        steps_s={k: round(v, 3) for k, v in result.timings.items()},
    )
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            typer.echo(f"{key:>12}: {value}")
    if not ok or summary.get("snarkjs_verified") is False:
        raise UserError("the demo proof did not verify", exit_code=1)


def _snarkjs_verify(out: Path, rep: object) -> bool | None:
    """``snarkjs groth16 verify`` on the written files, when node and snarkjs are installed."""
    import shutil
    import subprocess

    snarkjs = Path(__file__).resolve().parents[2] / "tools" / "node_modules" / ".bin" / "snarkjs"
    if not snarkjs.exists() or shutil.which("node") is None:
        return None
    rep.step("cross-check with snarkjs groth16 verify")  # type: ignore[attr-defined]
    files = [out / "verification_key.json", out / "public.json", out / "proof.json"]
    result = subprocess.run(
        [str(snarkjs), "groth16", "verify", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode == 0
