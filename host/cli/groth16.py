"""``zkel groth16 setup|prove|verify`` with snarkjs' argument order and file formats."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from zkel.circuits import groth16
from zkel.circuits.snarkjs import (
    read_proof,
    read_public,
    read_r1cs,
    read_vkey,
    read_wtns,
    read_zkey,
    write_proof,
    write_public,
    write_zkey,
)
from zkel.host.cli.errors import UserError
from zkel.host.cli.files import checked, load, save
from zkel.host.cli.progress import reporter, stderr

app = typer.Typer(no_args_is_help=True, add_completion=False)

Backend = Annotated[
    str, typer.Option("--backend", "-b", help="Kernels backend for MSM/NTT: cpu, sim or pynq.")
]


Bitstream = Annotated[
    Path | None,
    typer.Option("--bitstream", help="pynq backend: the .bit (with .hwh and manifest.json)."),
]
SimConfig = Annotated[
    str | None,
    typer.Option("--sim-config", help="sim backend: accelerator configuration (default tiny)."),
]
Fallback = Annotated[
    str | None,
    typer.Option("--fallback", help="Backend to continue on if the accelerator fails (cpu)."),
]


def _kernels(
    name: str,
    bitstream: Path | None = None,
    sim_config: str | None = None,
    fallback: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
):  # noqa: ANN202 - returns a Kernels backend
    from zkel.host.accel import KernelsUnavailable, kernels

    options: dict = {}
    if progress is not None and name in ("sim", "pynq"):
        options["progress"] = progress
    if bitstream is not None:
        if name != "pynq":
            raise UserError("--bitstream goes with --backend pynq")
        options["bitstream"] = str(bitstream)
    if sim_config is not None:
        if name != "sim":
            raise UserError("--sim-config goes with --backend sim")
        options["config"] = sim_config
    if fallback is not None:
        if name == "cpu":
            raise UserError("--fallback goes with --backend sim or pynq")
        options["fallback"] = fallback
    try:
        return kernels(name, **options)
    except (KernelsUnavailable, ValueError) as exc:
        raise UserError(f"backend {name!r}: {exc}") from None


@app.command("setup")
def setup_cmd(
    circuit: Annotated[Path, typer.Argument(help="CIRCUIT.r1cs (snarkjs/circom format)")],
    zkey_out: Annotated[Path, typer.Argument(help="OUT.zkey to write")],
) -> None:
    """Single-party Groth16 setup (CSPRNG; NOT a ceremony) writing a snarkjs .zkey."""
    r1cs = load(circuit, read_r1cs)
    stderr.print(f"[yellow]warning:[/] {groth16.NO_CEREMONY_WARNING}")
    with reporter("setup") as rep:
        rep.step(f"keys for {len(r1cs.constraints)} constraints, {r1cs.n_wires} wires")
        zkey = groth16.setup(r1cs, progress=rep.count)
        rep.step(f"write {zkey_out}")
        save(zkey_out, write_zkey, zkey)
    typer.echo(f"wrote {zkey_out} (domain 2^{zkey.domain_size.bit_length() - 1})")


@app.command("prove")
def prove_cmd(
    zkey_path: Annotated[Path, typer.Argument(metavar="CIRCUIT.zkey")],
    wtns_path: Annotated[Path, typer.Argument(metavar="WITNESS.wtns")],
    proof_path: Annotated[Path, typer.Argument(metavar="PROOF.json")],
    public_path: Annotated[Path, typer.Argument(metavar="PUBLIC.json")],
    backend: Backend = "cpu",
    bitstream: Bitstream = None,
    sim_config: SimConfig = None,
    fallback: Fallback = None,
) -> None:
    """Prove with a snarkjs .zkey and .wtns; writes proof.json and public.json."""
    bars: list = []  # the reporter's count, once it exists: accelerator jobs drive bars

    def progress(stage: str, done: int, total: int) -> None:
        if bars:
            bars[0](stage, done, total)

    kern = _kernels(backend, bitstream, sim_config, fallback, progress)
    with reporter("prove") as rep:
        bars.append(rep.count)
        rep.step(f"read {zkey_path}")
        zkey = load(zkey_path, read_zkey)
        pk = checked(zkey_path, lambda: groth16.ProvingKey.from_zkey(zkey))
        rep.step(f"read {wtns_path}")
        witness = load(wtns_path, read_wtns)
        t0 = time.perf_counter()
        try:
            result = groth16.prove(pk, witness, kern, progress=rep.step)
        except groth16.ProverError as exc:
            raise UserError(f"{wtns_path}: {exc}") from None
        rep.step("write proof")
        save(proof_path, write_proof, result.proof.to_snarkjs())
        save(public_path, write_public, result.public)
    typer.echo(
        f"proof written to {proof_path} ({time.perf_counter() - t0:.2f} s on backend {kern.name})"
    )


@app.command("verify")
def verify_cmd(
    vkey_path: Annotated[Path, typer.Argument(metavar="VKEY.json")],
    public_path: Annotated[Path, typer.Argument(metavar="PUBLIC.json")],
    proof_path: Annotated[Path, typer.Argument(metavar="PROOF.json")],
) -> None:
    """Verify a proof; prints OK and exits 0 when valid, exits 1 when not."""
    vk_file = load(vkey_path, read_vkey)
    vk = checked(vkey_path, lambda: groth16.VerifyingKey.from_snarkjs(vk_file))
    public = load(public_path, read_public)
    checked(public_path, lambda: groth16.check_public(public, vk.n_public))
    proof_file = load(proof_path, read_proof)
    proof = checked(proof_path, lambda: groth16.Proof.from_snarkjs(proof_file))
    if groth16.verify(vk, public, proof):
        typer.echo("OK")
        return
    raise UserError("INVALID proof: the pairing check failed", exit_code=1)
