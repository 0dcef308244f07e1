"""The whole demo run: keys, genesis, the rollup, the acts, every batch proven and settled.

Order of events (what a deployment does, in one process):

1. The circuit of the chosen shape (slots, accounts-tree depth, oracle key) is
   built without values; its Groth16 keys come from the cache or a fresh setup.
2. A fresh exchange (SQLite in a temporary folder) lists the markets and opens the
   fee and insurance accounts: the genesis batch (number 0), not proven, whose
   new root the rollup starts from. The verifier and the rollup are deployed on
   the embedded chain.
3. Each act of the story runs; whenever a full batch (``slots`` records) is
   pending, the sequencer cuts it and the settler proves and settles it. After
   the last act the rest is cut (padded with no-ops).

Every batch's records go to the circuit as they are: one it refuses stops the
run naming the record (:class:`~zkel.host.demo.pipeline.BatchNotProvable`).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zkel.circuits.snarkjs import write_vkey
from zkel.circuits.transition.circuit import Shape, build
from zkel.host.accel.kernels import Kernels
from zkel.host.demo.crosscheck import snarkjs_available, snarkjs_verify
from zkel.host.demo.pipeline import BatchReport, SettlementMismatch, Settler
from zkel.host.demo.setup_cache import cached_setup
from zkel.host.demo.story import ATOM_WEI, Cast, Story, markets
from zkel.host.demo.workers import prove_in_parallel
from zkel.host.exchange import Exchange
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.rollup import Rollup
from zkel.host.settlement.verifier import verifier_source

Step = Callable[[str], None]
Count = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoConfig:
    """``slots`` per batch (the circuit's size), accounts-tree ``depth`` (even, 4..32),
    the story's ``seed``, the setup ``cache`` folder, ``out`` for the snarkjs files,
    ``until``: the last act to play (None: all of them), and ``jobs``: batches proven
    at once (1: each proven and settled as it is cut; more: all cut first, proven by
    forked workers, settled in order)."""

    slots: int = 4
    depth: int = 4
    seed: int = 0
    cache: Path | None = None
    out: Path | None = None
    until: str | None = None
    jobs: int = 1


@dataclass
class DemoSummary:
    """The run: shape, setup, deployment, acts and one report per proven batch."""

    config: DemoConfig
    backend: str
    constraints: int = 0
    r1cs_sha256: str = ""
    setup_cached: bool = False
    setup_s: float = 0.0
    genesis_root: int = 0
    deploy_gas: dict[str, int] = field(default_factory=dict)
    acts: list[dict] = field(default_factory=list)
    batches: list[BatchReport] = field(default_factory=list)
    final_root: int = 0
    chain_root: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        c = self.config
        return {
            "shape": {"slots": c.slots, "depth": c.depth, "constraints": self.constraints},
            "seed": c.seed,
            "jobs": c.jobs,
            "backend": self.backend,
            "setup": {"cached": self.setup_cached, "seconds": round(self.setup_s, 2),
                      "r1cs_sha256": self.r1cs_sha256},
            "genesis_root": str(self.genesis_root),
            "deploy_gas": self.deploy_gas,
            "acts": self.acts,
            "batches": [b.to_dict() for b in self.batches],
            "final_root": str(self.final_root),
            "chain_root": str(self.chain_root),
            "seconds": round(self.seconds, 2),
        }  # fmt: skip


def run_demo(
    config: DemoConfig,
    kernels: Kernels,
    step: Step,
    count: Count,
    note: Step | None = None,
) -> DemoSummary:
    """Run the story (see the module docstring); ``step`` names each timed stage,
    ``count`` drives counted bars, ``note`` says what happened (default: ``step``).
    Raises BatchNotProvable, SettlementMismatch or StoryError."""
    from zkel.host.demo.setup_cache import default_cache_dir

    t_run = time.perf_counter()
    summary = DemoSummary(config, kernels.name)
    chain = EmbeddedChain()
    cast = Cast.make(config.seed, chain.accounts)
    shape = Shape(config.slots, config.depth, cast.oracle.public_key())

    step(f"circuit: {config.slots} slot(s), accounts tree of depth {config.depth}")
    r1cs = build(shape, progress=lambda d, t: count("circuit", d, t)).to_r1cs()
    summary.constraints = len(r1cs.constraints)
    step(f"setup keys for {summary.constraints:,} constraints (cache, else single-party setup)")
    t0 = time.perf_counter()
    keys = cached_setup(r1cs, config.cache or default_cache_dir(), count)
    summary.setup_s = time.perf_counter() - t0
    summary.setup_cached, summary.r1cs_sha256 = keys.cached, keys.r1cs_sha256
    (note or step)(
        f"setup {'loaded from the cache' if keys.cached else 'new, cached'}: {keys.path}"
    )

    with tempfile.TemporaryDirectory(prefix="zkel-demo-") as tmp:
        ex = Exchange.open(
            Path(tmp) / "exchange.db", markets=markets(), depth=config.depth,
            oracle_pubkey=cast.oracle.public_key(), operator_pubkey=cast.operator.public_key(),
        )  # fmt: skip
        try:
            _story(
                config, ex, chain, cast, shape, keys, kernels, summary, step, count, note or step
            )
        finally:
            ex.close()
    summary.seconds = time.perf_counter() - t_run
    if config.out is not None:
        (config.out / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2) + "\n")
    return summary


def _story(config, ex, chain, cast, shape, keys, kernels, summary, step, count, note) -> None:  # noqa: ANN001
    step("genesis: markets listed, fee and insurance accounts opened; rollup deployed")
    genesis = ex.cut_batch()
    summary.genesis_root = genesis.new_root
    operator = cast.l1["operator"]
    rollup, deployment = Rollup.deploy(
        chain, keys.vk, genesis_root=genesis.new_root, n_slots=config.slots,
        atom_wei=ATOM_WEI, sender=operator,
    )  # fmt: skip
    summary.deploy_gas = {"verifier": deployment.verifier_gas, "rollup": deployment.rollup_gas}
    if config.out is not None:
        config.out.mkdir(parents=True, exist_ok=True)
        write_vkey(config.out / "verification_key.json", keys.vk.to_snarkjs())
        (config.out / "verifier.vy").write_text(verifier_source(keys.vk, origin="zkel demo"))
    settler = Settler(shape, keys.pk, kernels, rollup, chain, operator, config.out)
    story = Story(ex, rollup, cast, config.seed)

    waiting: list = []  # cut, not yet proven (jobs > 1: proven together after the acts)

    def cut_due(final: bool) -> None:
        while ex.store.unbatched_count() >= (1 if final else config.slots):
            waiting.append(ex.cut_batch(config.slots))
            if config.jobs <= 1:  # prove and settle each batch as the sequencer cuts it
                summary.batches.append(settler.run(waiting.pop(), step, count))

    for title, act in story.acts():
        step(f"act {title}")
        what = act()
        note(f"{title}: {what}")
        summary.acts.append({"act": title, "what": what})
        cut_due(final=False)
        if title == config.until:
            break
    cut_due(final=True)
    if waiting:
        step(f"prove {len(waiting)} batches, {min(config.jobs, len(waiting))} at a time")
        count("batches proven", 0, len(waiting))
        proofs = prove_in_parallel(waiting, shape, keys.pk, kernels.name, config.jobs)
        for i, (batch, proven) in enumerate(zip(waiting, proofs, strict=True)):
            count("batches proven", i + 1, len(waiting))
            note(f"batch {batch.number}: proven in {proven.prove_s:.1f} s by a worker")
            summary.batches.append(settler.settle(batch, proven, step))
    summary.final_root, summary.chain_root = ex.root, rollup.state_root
    if config.out is not None and snarkjs_available():
        step("cross-check every batch with snarkjs groth16 verify")
        for b in summary.batches:
            folder = config.out / f"batch_{b.number}"
            b.snarkjs_verified = snarkjs_verify(
                config.out / "verification_key.json", folder / "public.json", folder / "proof.json"
            )
            if not b.snarkjs_verified:
                raise SettlementMismatch(f"batch {b.number}: snarkjs rejects the proof files")
