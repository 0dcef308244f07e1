"""``zkel exchange simulate``: a small run end to end, JSON output, and bad input."""

import json

import pytest

from zkel.circuits.poseidon import poseidon
from zkel.host.cli.main import main
from zkel.host.state import Store


def report_root(db):
    """The state root the database's last commit stored."""
    store = Store(db)
    try:
        return store.get_meta("root")
    finally:
        store.close()


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_simulate_json(capsys, tmp_path):
    db = tmp_path / "sim.db"
    code, out, _ = run(
        capsys,
        "exchange",
        "simulate",
        "--accounts",
        40,
        "--orders",
        400,
        "--seed",
        3,
        "--db",
        db,
        "--json",
    )
    assert code == 0
    report = json.loads(out)
    assert report["trades"] > 0 and report["liquidations"] > 0
    assert report["root_verified"] is True and report["invariant_checks"] > 400
    assert report["fee_collections"] > 0 and report["fee_account"] > 0  # pools collected
    assert db.exists()
    code, out2, _ = run(
        capsys, "exchange", "simulate", "--accounts", 40, "--orders", 400, "--seed", 3, "--json"
    )
    assert json.loads(out2)["root"] == report["root"]  # deterministic per seed


def test_simulate_text(capsys):
    code, out, _ = run(capsys, "exchange", "simulate", "--accounts", 5, "--orders", 30)
    assert code == 0 and "liquidations" in out and "root" in out and "ok" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--accounts", "1"], "--accounts must be at least 2"),
        (["--orders", "0"], "--orders must be at least 1"),
        (["--seed", "-1"], "--seed must be non-negative"),
        (["--db", "/nonexistent/dir/x.db"], "does not exist"),
    ],
)
def test_bad_input_exits_2(capsys, args, message):
    code, _, err = run(capsys, "exchange", "simulate", *args)
    assert code == 2 and message in err and err.count("\n") == 1


def test_existing_db_refused(capsys, tmp_path):
    db = tmp_path / "x.db"
    db.write_text("")
    code, _, err = run(capsys, "exchange", "simulate", "--db", db)
    assert code == 2 and "already exists" in err


def test_info(capsys, tmp_path):
    db = tmp_path / "sim.db"
    assert (
        run(capsys, "exchange", "simulate", "--accounts", 5, "--orders", 20, "--db", db, "--json")[
            0
        ]
        == 0
    )
    code, out, _ = run(capsys, "exchange", "info", db, "--json")
    data = json.loads(out)
    assert code == 0 and data["root_verified"] and data["accounts"] == 7
    assert data["mismatches"] == [] and data["root"] == report_root(db)
    assert int(data["root"]) == poseidon([int(data["accounts_root"]), int(data["markets_root"])])
    code, out, _ = run(capsys, "exchange", "info", db)
    assert code == 0 and f"root {data['root']} (ok)" in out and "markets root" in out
    store = Store(db)
    assert all("fees" in m for m in data["markets"]) and "fee pool" in out
    store.set_meta("layout", 2)  # before the order tables and fee pools
    store.close()
    code, _, err = run(capsys, "exchange", "info", db)
    assert code == 2 and "state layout 2" in err and err.count("\n") == 1
    assert [m["symbol"] for m in data["markets"]] == ["BTC-USD", "ETH-USD"]
    code, _, err = run(capsys, "exchange", "info", tmp_path / "none.db")
    assert code == 2 and "no such file" in err
    (tmp_path / "empty.db").write_bytes(b"")
    code, _, err = run(capsys, "exchange", "info", tmp_path / "empty.db")
    assert code == 2 and "not an exchange database" in err
