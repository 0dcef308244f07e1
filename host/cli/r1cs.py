"""``zkel r1cs info``: the shape of a circom/snarkjs .r1cs file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zkel.circuits.bn254 import R
from zkel.circuits.groth16.qap import domain_size_for
from zkel.circuits.snarkjs import read_r1cs
from zkel.host.cli.files import load

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command("info")
def info(circuit: Annotated[Path, typer.Argument(metavar="CIRCUIT.r1cs")]) -> None:
    """Print curve, wires, constraints, public and private signals, and the domain size."""
    r1cs = load(circuit, read_r1cs)
    n_public = r1cs.n_pub_out + r1cs.n_pub_in
    domain = domain_size_for(len(r1cs.constraints), n_public)
    curve = "bn128" if r1cs.prime == R else f"prime {r1cs.prime:#x}"
    rows = [
        ("Curve", curve),
        ("# of Wires", r1cs.n_wires),
        ("# of Constraints", len(r1cs.constraints)),
        ("# of Private Inputs", r1cs.n_prv_in),
        ("# of Public Inputs", r1cs.n_pub_in),
        ("# of Labels", r1cs.n_labels),
        ("# of Outputs", r1cs.n_pub_out),
        ("Groth16 domain", f"2^{domain.bit_length() - 1} = {domain}"),
    ]
    for key, value in rows:
        typer.echo(f"{key}: {value}")
