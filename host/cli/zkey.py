"""``zkel zkey export-vkey`` (alias ``export-verificationkey``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zkel.circuits import groth16
from zkel.circuits.snarkjs import read_zkey, write_vkey
from zkel.host.cli.files import checked, load, save

app = typer.Typer(no_args_is_help=True, add_completion=False)


def _export(zkey_path: Path, vkey_path: Path) -> None:
    zkey = load(zkey_path, read_zkey)
    vk = checked(zkey_path, lambda: groth16.VerifyingKey.from_zkey(zkey))
    save(vkey_path, write_vkey, vk.to_snarkjs())
    typer.echo(f"wrote {vkey_path} (nPublic = {vk.n_public})")


@app.command("export-vkey")
def export_vkey(
    zkey_path: Annotated[Path, typer.Argument(metavar="CIRCUIT.zkey")],
    vkey_path: Annotated[Path, typer.Argument(metavar="VKEY.json")],
) -> None:
    """Write the verification key of a .zkey as snarkjs' verification_key.json."""
    _export(zkey_path, vkey_path)


@app.command("export-verificationkey", hidden=True)
def export_verificationkey(
    zkey_path: Annotated[Path, typer.Argument(metavar="CIRCUIT.zkey")],
    vkey_path: Annotated[Path, typer.Argument(metavar="VKEY.json")],
) -> None:
    """snarkjs' spelling of export-vkey."""
    _export(zkey_path, vkey_path)
