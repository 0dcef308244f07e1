"""``zkel demo``: the exchange's story end to end, on embedded defaults.

Markets and accounts, deposits through the rollup's queue, signed orders matched,
a funding tick, an oracle crash and its liquidation, withdrawals to L1: every batch
is proven by the transition circuit (backend ``--backend``), verified off chain and
settled on an embedded EVM chain (or, with ``--rpc URL``, on a JSON-RPC node), and
its withdrawals are paid. The run itself is
:func:`zkel.host.demo.run.run_demo`; this module parses options, shows progress on
standard error and prints the summary (a table, or ``--json``) on standard output.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from zkel.host.cli.errors import UserError
from zkel.host.cli.progress import reporter, stderr

MAX_SLOTS = 64  # the rollup contract's bound


def demo(
    backend: Annotated[str, typer.Option(help="Kernels backend: cpu, sim or pynq.")] = "cpu",
    slots: Annotated[int, typer.Option(help="Transactions per batch (circuit size).")] = 3,
    depth: Annotated[int, typer.Option(help="Accounts tree depth (even, 4..32).")] = 4,
    seed: Annotated[int, typer.Option(help="Seed of the story (keys, amounts).")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Write verification_key.json, verifier.vy, batch_N/.")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Setup cache folder (default ~/.cache/zkel).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Stop after this act (accounts, deposits, ...).")
    ] = None,
    jobs: Annotated[
        int, typer.Option(help="Batches proven at once (0: one per CPU core, at most 4).")
    ] = 0,
    rpc: Annotated[
        str | None,
        typer.Option(
            help="Settle on this EVM JSON-RPC node (http://...; a dev node with 4 unlocked "
            "accounts, e.g. anvil) instead of the embedded chain."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the exchange story: every batch proven, verified and settled on chain."""
    from zkel.host.accel import KernelsUnavailable, kernels
    from zkel.host.demo.pipeline import BatchNotProvable, SettlementMismatch
    from zkel.host.demo.run import DemoConfig, run_demo
    from zkel.host.demo.story import Story, StoryError
    from zkel.host.settlement.errors import SettlementError

    if until is not None and until not in Story.act_names():
        raise UserError(f"--until must be one of {', '.join(Story.act_names())}, not {until!r}")
    if not 1 <= slots <= MAX_SLOTS:
        raise UserError(f"--slots must be 1..{MAX_SLOTS}, not {slots}")
    if not (4 <= depth <= 32 and depth % 2 == 0):
        raise UserError(
            f"--depth must be even, 4..32 (a 4-ary tree with room for 5 accounts), not {depth}"
        )
    if not 0 <= jobs <= 64:
        raise UserError(f"--jobs must be 0..64, not {jobs}")
    if jobs > 1 and backend != "cpu":
        raise UserError(f"--jobs {jobs}: parallel proving needs the cpu backend (one accelerator)")
    jobs = jobs or (min(os.cpu_count() or 1, 4) if backend == "cpu" else 1)
    if rpc is not None and not rpc.startswith(("http://", "https://")):
        raise UserError(f"--rpc must be an http:// or https:// URL, not {rpc!r}")
    if out is not None and out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a directory")
    if cache is not None and cache.exists() and not cache.is_dir():
        raise UserError(f"--cache {cache}: exists and is not a directory")
    try:
        kern = kernels(backend)
    except (KernelsUnavailable, ValueError) as exc:
        raise UserError(f"backend {backend!r}: {exc}") from None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    config = DemoConfig(
        slots=slots,
        depth=depth,
        seed=seed,
        cache=cache,
        out=out,
        until=until,
        jobs=jobs,
        rpc=rpc,
    )
    try:
        with reporter("demo") as rep:
            summary = run_demo(
                config, kern, rep.step, rep.count, lambda text: stderr.print(f"  {text}")
            )
    except (BatchNotProvable, SettlementMismatch, StoryError, SettlementError) as exc:
        raise UserError(f"demo stopped: {exc}", exit_code=1) from None
    data = summary.to_dict()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        _print_summary(data)
    if data["final_root"] != data["chain_root"]:
        raise UserError("the chain's root is not the exchange's", exit_code=1)


def _short(root: str) -> str:
    h = f"{int(root):064x}"
    return f"0x{h[:6]}…{h[-4:]}"


def _print_summary(data: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
    shape, setup = data["shape"], data["setup"]
    console.print(
        f"[bold]zkel demo[/]: slots per batch {shape['slots']}, accounts tree depth "
        f"{shape['depth']}, {shape['constraints']:,} constraints, backend {data['backend']}, "
        f"{data['jobs']} proving job(s), seed {data['seed']}"
    )
    how = "loaded from the cache" if setup["cached"] else "new (now cached)"
    console.print(f"setup: {how}, {setup['seconds']:.1f} s (r1cs {setup['r1cs_sha256'][:16]})")
    for act in data["acts"]:
        console.print(f"  [bold]{act['act']:>11}[/]: {act['what']}")
    table = Table(title="batches (genesis: batch 0, the rollup's first root)")
    for col in ("batch", "transactions", "constraints", "witness s", "prove s", "gas",
                "old root", "new root", "on chain"):  # fmt: skip
        table.add_column(col, justify="left" if col == "transactions" else "right")
    for b in data["batches"]:
        kinds = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in b["kinds"].items())
        table.add_row(
            str(b["batch"]), kinds, f"{b['constraints']:,}", f"{b['witness_s']:.1f}",
            f"{b['prove_s']:.1f}", f"{b['gas']:,}", _short(b["old_root"]),
            _short(b["new_root"]), "root ok" if b["chain_root"] == b["new_root"] else "MISMATCH",
        )  # fmt: skip
    console.print(table)
    for b in data["batches"]:
        for p in b["withdrawals_paid"]:
            console.print(
                f"withdrawal paid (batch {b['batch']}): account {p['account']} -> "
                f"{p['recipient']}: {p['wei']:,} wei (claim gas {p['claim_gas']:,})"
            )
    same = data["final_root"] == data["chain_root"]
    console.print(
        f"final root {_short(data['final_root'])}: chain "
        f"{'agrees' if same else 'DISAGREES'}; {len(data['batches'])} batches in "
        f"{data['seconds']:.0f} s"
    )
