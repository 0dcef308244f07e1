"""``zkel zkey export-vkey`` (alias ``export-verificationkey``), ``export-verifier`` (a Vyper
Groth16 verifier contract) and ``export-calldata`` (alias ``export-soliditycalldata``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zkel.circuits import groth16
from zkel.circuits.snarkjs import read_proof, read_public, read_vkey, read_zkey, write_vkey
from zkel.host.cli.errors import UserError
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


def _verifying_key(path: Path) -> groth16.VerifyingKey:
    """The key of a ``.zkey`` or a ``verification_key.json`` (told apart by content)."""
    head = load(path, lambda p: p.read_bytes()[:64])
    if head.lstrip()[:1] == b"{":
        vk_file = load(path, read_vkey)
        return checked(path, lambda: groth16.VerifyingKey.from_snarkjs(vk_file))
    zkey = load(path, read_zkey)
    return checked(path, lambda: groth16.VerifyingKey.from_zkey(zkey))


@app.command("export-verifier")
def export_verifier(
    key_path: Annotated[Path, typer.Argument(metavar="ZKEY_OR_VKEY_JSON")],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", help="Vyper source to write.")
    ] = Path("verifier.vy"),
) -> None:
    """Write a Groth16 verifier contract (Vyper 0.4) for a .zkey or verification_key.json.

    The contract's verifyProof(pA, pB, pC, pubSignals) -> bool has the ABI of snarkjs'
    Solidity verifier; `zkel zkey export-calldata` prints its arguments for a proof.
    """
    from zkel.host.settlement.verifier import verifier_source

    vk = _verifying_key(key_path)
    source = verifier_source(vk, origin=key_path.name)
    save(out, lambda p, text: p.write_text(text), source)
    typer.echo(f"wrote {out} (Groth16 verifier, {vk.n_public} public inputs)")


def _calldata(public_path: Path, proof_path: Path) -> None:
    from zkel.host.settlement.calldata import ProofCalldata

    public = load(public_path, read_public)
    proof = load(proof_path, read_proof)
    try:
        typer.echo(ProofCalldata.from_proof(proof, public).format())
    except ValueError as exc:
        raise UserError(f"{public_path}: {exc}") from None


@app.command("export-calldata")
def export_calldata(
    public_path: Annotated[Path, typer.Argument(metavar="PUBLIC.json")] = Path("public.json"),
    proof_path: Annotated[Path, typer.Argument(metavar="PROOF.json")] = Path("proof.json"),
) -> None:
    """Print verifyProof's arguments for a proof, as snarkjs' soliditycalldata does."""
    _calldata(public_path, proof_path)


@app.command("export-soliditycalldata", hidden=True)
def export_soliditycalldata(
    public_path: Annotated[Path, typer.Argument(metavar="PUBLIC.json")] = Path("public.json"),
    proof_path: Annotated[Path, typer.Argument(metavar="PROOF.json")] = Path("proof.json"),
) -> None:
    """snarkjs' spelling of export-calldata."""
    _calldata(public_path, proof_path)
