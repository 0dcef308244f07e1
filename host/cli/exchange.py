"""``zkel exchange simulate``: a randomized perpetuals market, invariants checked each step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from zkel.host.cli.errors import UserError
from zkel.host.cli.progress import reporter

app = typer.Typer(no_args_is_help=True, add_completion=False)


def _usd(atoms: int) -> str:
    return f"{atoms / 10**6:,.2f} USD"


@app.command("simulate")
def simulate_cmd(
    accounts: Annotated[int, typer.Option(help="Number of trader accounts (>= 2).")] = 100,
    orders: Annotated[int, typer.Option(help="Number of signed orders to submit (>= 1).")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same run).")] = 0,
    db: Annotated[
        Path | None, typer.Option(help="New SQLite file to keep (default: memory).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Run a market with a price crash; print trades, liquidations, insurance fund and root."""
    from zkel.host.exchange.invariants import InvariantViolation
    from zkel.host.exchange.simulate import Simulation

    if accounts < 2:
        raise UserError(f"--accounts must be at least 2, not {accounts}")
    if accounts > 1 << 19:
        raise UserError(f"--accounts must be at most {1 << 19}, not {accounts}")
    if orders < 1:
        raise UserError(f"--orders must be at least 1, not {orders}")
    if seed < 0:
        raise UserError(f"--seed must be non-negative, not {seed}")
    if db is not None:
        if db.exists():
            raise UserError(f"{db}: already exists; the simulation needs a new database file")
        if not db.parent.is_dir():
            raise UserError(f"{db}: directory {db.parent} does not exist")
    with reporter("simulate") as rep:
        rep.step(f"{accounts} accounts, {orders} orders, seed {seed}")
        sim = Simulation(accounts, orders, seed, str(db) if db else ":memory:")
        try:
            report = sim.run(progress=rep.count)
        except InvariantViolation as exc:
            raise UserError(f"invariant violated: {exc}", exit_code=1) from None
        sim.ex.close()
    data = report.to_dict()
    data["orders_per_second"] = round(orders / report.order_seconds, 1)
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"orders      {report.orders_accepted} accepted, {report.orders_rejected} rejected")
    typer.echo(f"trades      {report.trades} fills ({data['orders_per_second']} orders/s)")
    typer.echo(
        f"liquidations {report.liquidations} ({report.liquidations_takeover} by the insurance "
        f"fund, {report.liquidations_adl} with auto-deleveraging)"
    )
    typer.echo(
        f"insurance   {_usd(report.insurance_fund_equity)} equity "
        f"({_usd(report.insurance_fund)} collateral, the rest in positions taken over)"
    )
    typer.echo(
        f"fees        {_usd(report.fee_account + report.fee_pools)} "
        f"({_usd(report.fee_pools)} still in the market pools)"
    )
    typer.echo(f"batches     {report.batches}; {report.invariant_checks} invariant checks passed")
    typer.echo(
        f"root        {report.root} (recomputed from leaves: "
        f"{'ok' if report.root_verified else 'MISMATCH'})"
    )


@app.command("info")
def info_cmd(
    db: Annotated[Path, typer.Argument(help="Exchange database (SQLite) to inspect.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show an exchange database: markets, counts, the state root and its two parts
    (accounts root, markets root), each recomputed from the rows and checked."""
    from zkel.host.state import Store, verify_store

    if not db.is_file():
        raise UserError(f"{db}: no such file")
    store = Store(db)
    try:
        if store.get_meta("depth") is None:
            raise UserError(f"{db}: not an exchange database")
        try:
            report = verify_store(store)
        except ValueError as exc:  # a database of another state layout
            raise UserError(str(exc)) from None
        data = {
            "markets": [
                {
                    k: m[k]
                    for k in (
                        "market_id",
                        "symbol",
                        "oracle_price",
                        "funding_index",
                        "open_interest",
                        "fees",
                    )
                }
                for m in store.markets()
            ],
            "accounts": report.accounts,
            "transactions": report.txs,
            "batches": store.get_meta("batch_number", 0),
            "root": str(report.root),
            "accounts_root": str(report.accounts_root),
            "markets_root": str(report.markets_root),
            "root_verified": report.ok,
            "mismatches": report.mismatches(),
        }
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for m in data["markets"]:
        typer.echo(
            f"market {m['market_id']} {m['symbol']}: oracle {m['oracle_price']}, "
            f"funding index {m['funding_index']}, open interest {m['open_interest']}, "
            f"fee pool {m['fees']}"
        )
    typer.echo(
        f"{data['accounts']} accounts, {data['transactions']} transactions, "
        f"{data['batches']} batches"
    )
    typer.echo(f"root {data['root']} ({'ok' if data['root_verified'] else 'MISMATCH'})")
    typer.echo(f"  accounts root {data['accounts_root']}")
    typer.echo(f"  markets root  {data['markets_root']}")
    for line in data["mismatches"]:
        typer.echo(f"  mismatch: {line}")
