"""``zkel circuit stats``: constraint counts of the transition circuit by shape, slot part
and transaction type."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from zkel.circuits import babyjub
from zkel.host.cli.errors import UserError

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command("stats")
def stats(
    slots: Annotated[int, typer.Option("--slots", help="transactions per batch")] = 4,
    depth: Annotated[int, typer.Option("--depth", help="accounts tree depth")] = 16,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Count the constraints of one batch shape (built without a witness)."""
    from zkel.circuits.transition.circuit import Shape
    from zkel.circuits.transition.stats import batch_stats
    from zkel.host.cli.progress import reporter

    if not 1 <= slots <= 1024:
        raise UserError(f"--slots must be 1..1024, not {slots}")
    if not (2 <= depth <= 64 and depth % 2 == 0):
        raise UserError(f"--depth must be even, 2..64 (the accounts tree is 4-ary), not {depth}")
    # the oracle key changes constants only, never the counts
    shape = Shape(slots, depth, babyjub.BASE8)
    with reporter("circuit stats") as rep:
        rep.step(f"building {slots} slots at depth {depth} (no witness)")
        result = batch_stats(shape)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    typer.echo(f"batch of {slots} slots, accounts tree depth {depth}")
    log_domain = result.domain.bit_length() - 1
    typer.echo(f"  constraints        {result.total:>10,}  (Groth16 domain 2^{log_domain})")
    for name, n in result.batch_parts.items():
        typer.echo(f"    {name:<28} {n:>10,}")
    typer.echo(f"  one slot (any type) {result.per_slot:>9,}")
    for name, n in result.slot_parts.items():
        typer.echo(f"    {name:<52} {n:>8,}")
    typer.echo("  what each type uses of a slot (a dedicated slot's cost)")
    for name, n in result.per_type.items():
        typer.echo(f"    {name:<12} {n:>8,}")
