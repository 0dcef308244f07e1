"""``zkel demo``: the story on the exchange and the chain, its batches, its refusals,
bad options; and (slow) whole runs proven by the transition circuit.

The fast tests settle the story's real batches with proofs of the settlement tests'
stand-in circuit (the transition circuit's public interface): everything but the
transition proof runs as in the demo, the chain's checks included.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from tests.host.settlement.circuits import batch_key, cubes, cubes_key, stand_in_batch
from zkel.circuits import groth16
from zkel.circuits.snarkjs import read_proof, read_public, read_vkey
from zkel.circuits.transition.circuit import Shape
from zkel.host.accel import kernels
from zkel.host.cli.main import main
from zkel.host.demo.crosscheck import snarkjs_available, snarkjs_verify
from zkel.host.demo.pipeline import PROVER_STEPS, BatchNotProvable, Settler, witness_of
from zkel.host.demo.story import ATOM_WEI, USD, Cast, Story, markets
from zkel.host.exchange import Exchange
from zkel.host.settlement.calldata import ProofCalldata
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.errors import TransactionReverted
from zkel.host.settlement.rollup import Rollup

SLOTS, DEPTH = 4, 4
PLAN = [
    ["create_account", "create_account", "create_account", "deposit"],
    ["deposit", "deposit", "deposit", "order"],
    ["order", "fill", "order", "fill"],
    ["funding", "oracle", "liquidation", "withdraw"],
    ["withdraw"],
]


class StandIn(Settler):
    """The demo's settler with a stand-in proof in place of the transition circuit's."""

    def prove_and_settle(self, batch):  # noqa: ANN201
        proof = batch_key().prove(stand_in_batch(batch.old_root, batch.new_root, batch.commitment))
        return self._settle(batch, proof)


def _world(db: str | Path):
    """A chain, the cast, a fresh exchange after genesis, a rollup at its root (stand-in key)."""
    chain = EmbeddedChain()
    cast = Cast.make(0, chain.accounts)
    ex = Exchange.open(db, markets=markets(), depth=DEPTH, oracle_pubkey=cast.oracle.public_key(),
                       operator_pubkey=cast.operator.public_key())  # fmt: skip
    genesis = ex.cut_batch()
    rollup, _ = Rollup.deploy(
        chain, batch_key().vk, genesis_root=genesis.new_root, n_slots=SLOTS, atom_wei=ATOM_WEI,
        sender=cast.l1["operator"],
    )  # fmt: skip
    return chain, cast, ex, genesis, rollup


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """The whole story cut into 4-slot batches and settled with stand-in proofs."""
    chain, cast, ex, genesis, rollup = _world(tmp_path_factory.mktemp("demo") / "exchange.db")
    shape = Shape(SLOTS, DEPTH, cast.oracle.public_key())
    settler = StandIn(shape, None, None, rollup, chain, cast.l1["operator"])
    story = Story(ex, rollup, cast, seed=0)
    batches, reports, lines = [], [], []
    for _title, act in story.acts():
        lines.append(act())
        while (batch := ex.cut_batch(SLOTS)) is not None:  # settled as each act ends
            batches.append(batch)
            reports.append(settler.prove_and_settle(batch))
            assert rollup.state_root == batch.new_root == reports[-1].chain_root
    yield {"ex": ex, "chain": chain, "cast": cast, "rollup": rollup, "story": story,
           "genesis": genesis, "batches": batches, "reports": reports, "lines": lines}  # fmt: skip
    ex.close()


def test_story_settles_and_pays(played):
    ex, rollup, chain, cast = (played[k] for k in ("ex", "rollup", "chain", "cast"))
    assert rollup.state_root == ex.root
    assert rollup.batch_number == played["batches"][-1].number
    # every deposit queued on the chain was consumed, in order
    assert rollup.deposit_head == rollup.deposit_tail == 4
    assert sum(r.deposits for r in played["reports"]) == 4
    assert played["story"].liquidated == [played["story"].index["alice"]]
    paid = [p for r in played["reports"] for p in r.paid]
    assert [(p.recipient, p.amount) for p in paid] == [
        (cast.l1["bob"], 1_000 * USD), (cast.l1["carol"], 500 * USD)]  # fmt: skip
    # the operator claims for them: each balance grew by exactly the withdrawal
    assert [p.wei for p in paid] == [1_000 * USD * ATOM_WEI, 500 * USD * ATOM_WEI]
    deposited = sum(played["story"].deposit_atoms.values())
    assert chain.balance(rollup.address) == (deposited - 1_500 * USD) * ATOM_WEI
    assert all(r.gas < 350_000 for r in played["reports"])


def test_story_batches_hold_every_kind(played):
    kinds = [[r["kind"] for r in b.txs] for b in played["batches"]]
    # settled as each act ends, the story cuts more (shorter) batches than the demo's
    # full ones; the records, in order, are the demo's plan
    assert [k for b in kinds for k in b] == [k for b in PLAN for k in b]
    assert any(r.kinds.get("liquidation") for r in played["reports"])


def test_demo_batch_plan():
    """The demo cuts full batches only, so its plan is exactly PLAN (funding starts one)."""
    _, cast, ex, _, rollup = _world(":memory:")
    plan = []
    for _title, act in Story(ex, rollup, cast, seed=3).acts():
        act()
        while ex.store.unbatched_count() >= SLOTS:
            plan.append([r["kind"] for r in ex.cut_batch(SLOTS).txs])
    while (batch := ex.cut_batch(SLOTS)) is not None:
        plan.append([r["kind"] for r in batch.txs])
    assert plan == PLAN


def test_unprovable_batch_is_named(played):
    # the genesis batch lists markets: no slot type proves that, and the demo says so
    with pytest.raises(BatchNotProvable, match=r"batch 0: .*'list_market'"):
        witness_of(played["genesis"], Shape(SLOTS, DEPTH, played["cast"].oracle.public_key()))


def test_chain_refuses_a_replayed_batch(played):
    rollup, last = played["rollup"], played["batches"][-1]
    proof = batch_key().prove(stand_in_batch(last.old_root, last.new_root, last.commitment))
    root = rollup.state_root
    with pytest.raises(TransactionReverted, match="wrong batch number"):
        rollup.submit_batch(
            last.new_root, last.public_data_bytes(), proof, sender=played["cast"].l1["operator"]
        )
    assert rollup.state_root == root


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slots", "0"], "--slots must be 1..64"),
        (["--slots", "65"], "--slots must be 1..64"),
        (["--depth", "5"], "--depth must be even"),
        (["--depth", "2"], "--depth must be even, 4..32"),
        (["--backend", "nope"], "backend 'nope'"),
        (["--until", "lunch"], "--until must be one of accounts"),
        (["--jobs", "-1"], "--jobs must be 0..64"),
        (["--jobs", "2", "--backend", "sim"], "parallel proving needs the cpu backend"),
    ],
)
def test_bad_options_exit_2(capsys, args, message):
    assert main(["demo", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_out_is_a_file_exits_2(capsys, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["demo", "--out", str(f)]) == 2
    assert "is not a directory" in capsys.readouterr().err


# -- slow: the transition circuit proves ---------------------------------------------------


def _check_out(out: Path, summary: dict) -> None:
    vkey = read_vkey(out / "verification_key.json")
    vk = groth16.VerifyingKey.from_snarkjs(vkey)
    assert (out / "verifier.vy").read_text().startswith("# pragma version")
    for b in summary["batches"]:
        folder = out / f"batch_{b['batch']}"
        public = read_public(folder / "public.json")
        proof = groth16.Proof.from_snarkjs(read_proof(folder / "proof.json"))
        assert public[:2] == [int(b["old_root"]), int(b["new_root"])]
        assert groth16.verify(vk, public, proof)
        assert not groth16.verify(vk, [public[0], public[1] + 1, public[2]], proof)
        calldata = ProofCalldata.from_files(folder / "proof.json", folder / "public.json")
        assert calldata.public == tuple(public)
        if snarkjs_available():
            assert snarkjs_verify(out / "verification_key.json", folder / "public.json",
                                  folder / "proof.json")  # fmt: skip
            assert b["snarkjs_verified"] is True


@pytest.mark.slow
def test_one_slot_run_and_cached_setup(capsys):
    """``--slots 1 --until accounts``: three batches of one account creation each; the
    second run loads the setup from the cache."""
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out"
        args = ["demo", "--slots", "1", "--until", "accounts", "--cache", str(cache), "--json"]
        assert main([*args, "--out", str(out)]) == 0
        first = json.loads(capsys.readouterr().out)
        assert first["setup"]["cached"] is False
        assert [b["kinds"] for b in first["batches"]] == [{"create_account": 1}] * 3
        roots = [first["genesis_root"]] + [b["new_root"] for b in first["batches"]]
        assert [b["old_root"] for b in first["batches"]] == roots[:-1]
        assert all(b["chain_root"] == b["new_root"] for b in first["batches"])
        assert first["final_root"] == first["chain_root"] == roots[-1]
        _check_out(out, first)
        assert main(args) == 0
        second = json.loads(capsys.readouterr().out)
        assert second["setup"]["cached"] is True
        assert second["setup"]["r1cs_sha256"] == first["setup"]["r1cs_sha256"]


@pytest.mark.slow
def test_whole_story_proven_and_settled(capsys):
    """The default demo: every act, 4-slot batches at depth 4 (several minutes)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        assert main(["demo", "--out", str(out), "--cache", str(Path(tmp) / "c"), "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        _check_out(out, summary)
    assert [list(b["kinds"]) for b in summary["batches"]] == [
        list(dict.fromkeys(kinds)) for kinds in PLAN
    ]
    for b in summary["batches"]:
        assert b["verified_off_chain"] and b["chain_root"] == b["new_root"]
        assert b["gas"] < 350_000
    paid = [p for b in summary["batches"] for p in b["withdrawals_paid"]]
    assert [(p["amount"], p["wei"]) for p in paid] == [
        (1_000 * USD, 1_000 * USD * ATOM_WEI), (500 * USD, 500 * USD * ATOM_WEI)]  # fmt: skip
    assert summary["final_root"] == summary["chain_root"]


def test_progress_bar_knows_the_prover_steps():
    names: list[str] = []
    groth16.prove(cubes_key(1).pk, cubes([3]).witness(), kernels("cpu"), progress=names.append)
    assert tuple(names) == PROVER_STEPS
