"""The whole demo run: keys, genesis, the rollup, the acts, every batch proven and settled.

Order of events (what a deployment does, in one process):

1. The circuit of the chosen shape (slots, accounts-tree depth, oracle key) is
   built without values; its Groth16 keys come from the cache or a fresh setup.
2. A fresh exchange (SQLite in a temporary folder) lists the markets and opens the
   fee and insurance accounts: the genesis batch (number 0), not proven, whose
   new root the rollup starts from. The verifier and the rollup are deployed on
   the embedded chain, or on the JSON-RPC node of ``DemoConfig.rpc``.
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
from zkel.host.demo.story import ATOM_WEI, Cast, Story, StoryError, markets
from zkel.host.demo.workers import prove_in_parallel
from zkel.host.exchange import Batch, Exchange
from zkel.host.settlement.chain import Chain, EmbeddedChain
from zkel.host.settlement.rollup import Rollup
from zkel.host.settlement.rpc import RpcChain
from zkel.host.settlement.verifier import verifier_source

Step = Callable[[str], None]
Count = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoConfig:
    """``slots`` per batch (the circuit's size), accounts-tree ``depth`` (even, 4..32),
    the story's ``seed``, the setup ``cache`` folder, ``out`` for the snarkjs files,
    ``until``: the last act to play (None: all of them), and ``jobs``: batches proven
    at once (1: each proven and settled as it is cut; more: all cut first, proven by
    forked workers, settled in order), and ``rpc``: the URL of an EVM JSON-RPC node to
    settle on instead of the embedded chain (None: embedded)."""

    slots: int = 3
    depth: int = 4
    seed: int = 0
    cache: Path | None = None
    out: Path | None = None
    until: str | None = None
    jobs: int = 1
    rpc: str | None = None


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
    Raises BatchNotProvable, SettlementMismatch, StoryError or SettlementError (a node
    that cannot be reached or refuses a transaction)."""
    t_run = time.perf_counter()
    run = _Run(config, kernels, step, count, note or step)
    run.keys()
    with tempfile.TemporaryDirectory(prefix="zkel-demo-") as tmp:
        ex = Exchange.open(
            Path(tmp) / "exchange.db", markets=markets(), depth=config.depth,
            oracle_pubkey=run.cast.oracle.public_key(),
            operator_pubkey=run.cast.operator.public_key(),
        )  # fmt: skip
        try:
            run.play(ex)
        finally:
            ex.close()
    run.crosscheck()
    summary = run.summary
    summary.seconds = time.perf_counter() - t_run
    if config.out is not None:
        (config.out / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2) + "\n")
    return summary


L1_ACCOUNTS = 4
"""L1 accounts the story sends from: the operator, alice, bob and carol."""


def settlement_chain(rpc: str | None) -> Chain:
    """The embedded py-evm chain, or the node at ``rpc`` sending from its unlocked
    accounts (a development node: anvil, hardhat, ``geth --dev`` with four accounts).
    Raises StoryError when the node has fewer than :data:`L1_ACCOUNTS` of them, and
    SettlementError when it cannot be reached."""
    if rpc is None:
        return EmbeddedChain()
    chain = RpcChain(rpc)
    accounts = chain.accounts
    if len(accounts) < L1_ACCOUNTS:
        raise StoryError(
            f"the node at {rpc} has {len(accounts)} unlocked account(s); the story sends "
            f"from {L1_ACCOUNTS} (operator, alice, bob, carol): use a development node "
            "that unlocks funded accounts (anvil, hardhat)"
        )
    return chain


class _Run:
    """One run's state: the chain, the cast, the circuit shape and keys, the summary."""

    def __init__(self, config: DemoConfig, kernels: Kernels, step: Step, count: Count,
                 note: Step) -> None:  # fmt: skip
        self.config, self.kernels = config, kernels
        self.step, self.count, self.note = step, count, note
        self.summary = DemoSummary(config, kernels.name)
        self.chain = settlement_chain(config.rpc)
        self.cast = Cast.make(config.seed, self.chain.accounts)
        self.shape = Shape(config.slots, config.depth, self.cast.oracle.public_key())

    def keys(self) -> None:
        """Build the circuit without values; load or make its keys."""
        from zkel.host.demo.setup_cache import default_cache_dir

        c, summary = self.config, self.summary
        self.step(f"circuit: {c.slots} slot(s), accounts tree of depth {c.depth}")
        r1cs = build(self.shape, progress=lambda d, t: self.count("circuit", d, t)).to_r1cs()
        summary.constraints = len(r1cs.constraints)
        self.step(f"setup keys for {summary.constraints:,} constraints (cache, else a new setup)")
        t0 = time.perf_counter()
        self._keys = cached_setup(r1cs, c.cache or default_cache_dir(), self.count)
        summary.setup_s = time.perf_counter() - t0
        summary.setup_cached, summary.r1cs_sha256 = self._keys.cached, self._keys.r1cs_sha256
        how = "loaded from the cache" if self._keys.cached else "new, now cached"
        self.note(f"setup {how}: {self._keys.path}")

    def play(self, ex: Exchange) -> None:
        """Genesis and deployment, then every act; batches proven and settled."""
        c, summary, keys = self.config, self.summary, self._keys
        self.step("genesis: markets listed, fee and insurance accounts opened; rollup deployed")
        genesis = ex.cut_batch()
        summary.genesis_root = genesis.new_root
        operator = self.cast.l1["operator"]
        rollup, deployment = Rollup.deploy(
            self.chain, keys.vk, genesis_root=genesis.new_root, n_slots=c.slots,
            atom_wei=ATOM_WEI, sender=operator,
        )  # fmt: skip
        summary.deploy_gas = {"verifier": deployment.verifier_gas, "rollup": deployment.rollup_gas}
        if c.out is not None:
            c.out.mkdir(parents=True, exist_ok=True)
            write_vkey(c.out / "verification_key.json", keys.vk.to_snarkjs())
            (c.out / "verifier.vy").write_text(verifier_source(keys.vk, origin="zkel demo"))
        self.settler = Settler(self.shape, keys.pk, self.kernels, rollup, self.chain, operator,
                               c.out)  # fmt: skip
        self.waiting: list[Batch] = []  # cut, not yet proven (jobs > 1: proven after the acts)
        for title, act in Story(ex, rollup, self.cast, c.seed).acts():
            self.step(f"act {title}")
            what = act()
            self.note(f"{title}: {what}")
            summary.acts.append({"act": title, "what": what})
            self._cut(ex, final=False)
            if title == c.until:
                break
        self._cut(ex, final=True)
        if self.waiting:
            self._prove_waiting()
        summary.final_root, summary.chain_root = ex.root, rollup.state_root

    def _cut(self, ex: Exchange, final: bool) -> None:
        """Cut every full batch (``final``: every pending record); with one job, prove and
        settle each as it is cut."""
        while ex.store.unbatched_count() >= (1 if final else self.config.slots):
            self.waiting.append(ex.cut_batch(self.config.slots))
            if self.config.jobs <= 1:
                batch = self.waiting.pop()
                self.summary.batches.append(self.settler.run(batch, self.step, self.count))

    def _prove_waiting(self) -> None:
        waiting, jobs = self.waiting, self.config.jobs
        self.step(f"prove {len(waiting)} batches, {min(jobs, len(waiting))} at a time")
        self.count("batches proven", 0, len(waiting))
        proofs = prove_in_parallel(waiting, self.shape, self._keys.pk, self.kernels.name, jobs)
        for i, (batch, proven) in enumerate(zip(waiting, proofs, strict=True)):
            self.count("batches proven", i + 1, len(waiting))
            self.note(f"batch {batch.number}: proven in {proven.prove_s:.1f} s by a worker")
            self.summary.batches.append(self.settler.settle(batch, proven, self.step))

    def crosscheck(self) -> None:
        """``snarkjs groth16 verify`` on every batch's files (with ``--out``, when present)."""
        out = self.config.out
        if out is None or not snarkjs_available():
            return
        self.step("cross-check every batch with snarkjs groth16 verify")
        for b in self.summary.batches:
            folder = out / f"batch_{b.number}"
            b.snarkjs_verified = snarkjs_verify(
                out / "verification_key.json", folder / "public.json", folder / "proof.json"
            )
            if not b.snarkjs_verified:
                raise SettlementMismatch(f"batch {b.number}: snarkjs rejects the proof files")
