"""One batch from the sequencer to the chain: witness, circuit check, proof, off-chain
verification, snarkjs files, settlement, withdrawals claimed.

A batch the circuit will not prove stops the run with :class:`BatchNotProvable`
naming the batch, the record and the rule (``UnsupportedRecord`` for a kind the
circuit does not prove, ``BatchRefused`` for a broken rule): the demo never skips
a batch. Every check that the story went as the chain says is an exception too
(:class:`SettlementMismatch`), never a silent flag.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zkel.circuits import groth16
from zkel.circuits.snarkjs import Proof as SnarkjsProof
from zkel.circuits.snarkjs import write_proof, write_public
from zkel.circuits.transition.check import BatchRefused, check
from zkel.circuits.transition.circuit import Shape
from zkel.circuits.transition.witness import UnsupportedRecord, batch_witness
from zkel.host.accel.kernels import Kernels
from zkel.host.exchange import Batch
from zkel.host.settlement.calldata import ProofCalldata
from zkel.host.settlement.chain import Chain
from zkel.host.settlement.rollup import Rollup, withdrawal_words

#: the prover's steps, in order (``zkel.circuits.groth16.prover``), for a progress bar
PROVER_STEPS = ("qap", "ntt", "msm A", "msm B2", "msm B1", "msm C", "msm H", "self-check")

Step = Callable[[str], None]
Count = Callable[[str, int, int], None]


class BatchNotProvable(RuntimeError):
    """A batch holds a record the circuit refuses; the message names batch, record, rule."""


class SettlementMismatch(RuntimeError):
    """The chain and the exchange disagree after a batch (root, batch number, payout)."""


@dataclass(frozen=True)
class Paid:
    """A withdrawal paid on L1: ``amount`` quote atoms of ``account``, ``wei`` received
    by ``recipient`` (its balance grew by exactly that), claim gas in ``gas``."""

    account: int
    amount: int
    recipient: str
    wei: int
    gas: int


@dataclass
class BatchReport:
    """What one batch did and cost. Roots are canonical field elements; times seconds."""

    number: int
    kinds: dict[str, int]
    records: int
    constraints: int
    witness_s: float
    prove_s: float
    verified: bool
    gas: int
    old_root: int
    new_root: int
    chain_root: int
    deposits: int = 0
    paid: list[Paid] = field(default_factory=list)
    prove_steps_s: dict[str, float] = field(default_factory=dict)
    snarkjs_verified: bool | None = None  # None: no --out, or no snarkjs here

    def to_dict(self) -> dict:
        return {
            "batch": self.number,
            "records": self.records,
            "kinds": self.kinds,
            "constraints": self.constraints,
            "witness_s": round(self.witness_s, 2),
            "prove_s": round(self.prove_s, 2),
            "prove_steps_s": {k: round(v, 2) for k, v in self.prove_steps_s.items()},
            "verified_off_chain": self.verified,
            "snarkjs_verified": self.snarkjs_verified,
            "gas": self.gas,
            "old_root": str(self.old_root),
            "new_root": str(self.new_root),
            "chain_root": str(self.chain_root),
            "deposits_consumed": self.deposits,
            "withdrawals_paid": [
                {"account": p.account, "amount": p.amount, "recipient": p.recipient,
                 "wei": p.wei, "claim_gas": p.gas}
                for p in self.paid
            ],
        }  # fmt: skip


def witness_of(batch: Batch, shape: Shape, count: Count | None = None) -> tuple[dict, object]:
    """The circuit witness of ``batch`` and its checked constraint system.

    Raises :class:`BatchNotProvable` naming the record and the rule.
    """
    try:
        witness = batch_witness(batch.to_dict(), shape.n_slots)
    except UnsupportedRecord as exc:
        raise BatchNotProvable(f"batch {batch.number}: {exc}") from None
    label = f"batch {batch.number} witness"
    try:
        cs = check(shape, witness, (lambda d, t: count(label, d, t)) if count else None)
    except BatchRefused as exc:
        raise BatchNotProvable(f"batch {batch.number}: {exc}") from None
    return witness, cs


@dataclass(frozen=True)
class Proven:
    """A batch's proof (snarkjs file model: affine canonical ints), its public signals,
    its circuit's constraint count, and seconds spent on the witness and the proof."""

    proof: SnarkjsProof
    public: list[int]
    constraints: int
    witness_s: float
    prove_s: float
    timings: dict[str, float]


def prove_batch(
    batch: Batch, shape: Shape, pk: groth16.ProvingKey, kernels: Kernels, step: Step, count: Count
) -> Proven:
    """Witness and check ``batch`` (BatchNotProvable naming a refused record), then prove."""
    n = batch.number
    step(f"batch {n}: build the witness and check every constraint")
    t0 = time.perf_counter()
    _, cs = witness_of(batch, shape, count)
    witness_s = time.perf_counter() - t0
    step(f"batch {n}: prove ({cs.n_constraints:,} constraints, backend {kernels.name})")
    label, total = f"batch {n} prove", len(PROVER_STEPS)

    def started(name: str) -> None:  # a prover step begins: those before it are done
        count(label, PROVER_STEPS.index(name) if name in PROVER_STEPS else 0, total)

    t0 = time.perf_counter()
    result = groth16.prove(pk, cs.witness(), kernels, progress=started)
    prove_s = time.perf_counter() - t0
    count(label, total, total)
    return Proven(result.proof.to_snarkjs(), list(result.public), cs.n_constraints, witness_s,
                  prove_s, dict(result.timings))  # fmt: skip


@dataclass
class Settler:
    """Proves and settles batches in order on one rollup; ``operator`` submits and
    claims (anyone may claim: the recipient receives the amount, the claimant pays gas)."""

    shape: Shape
    pk: groth16.ProvingKey
    kernels: Kernels
    rollup: Rollup
    chain: Chain
    operator: str
    out: Path | None = None

    def run(self, batch: Batch, step: Step, count: Count) -> BatchReport:
        """Witness, prove, verify, write, submit, claim; see the module docstring."""
        return self.settle(
            batch, prove_batch(batch, self.shape, self.pk, self.kernels, step, count), step
        )

    def settle(self, batch: Batch, proven: Proven, step: Step) -> BatchReport:
        """Verify ``proven`` off chain, write its files, submit it, claim its withdrawals."""
        n = batch.number
        step(f"batch {n}: verify off chain")
        proof = groth16.Proof.from_snarkjs(proven.proof)
        verified = groth16.verify(self.pk.verifying_key(), proven.public, proof)
        if not verified or proven.public != batch.public_inputs:
            raise SettlementMismatch(f"batch {n}: the proof does not verify for the batch's inputs")
        if self.out is not None:
            folder = self.out / f"batch_{n}"
            folder.mkdir(parents=True, exist_ok=True)
            write_proof(folder / "proof.json", proven.proof)
            write_public(folder / "public.json", proven.public)
            (folder / "pubdata.hex").write_text(batch.public_data_bytes().hex() + "\n")
        step(f"batch {n}: settle on chain")
        report = self._settle(batch, ProofCalldata.from_proof(proven.proof, proven.public))
        report.constraints = proven.constraints
        report.witness_s, report.prove_s, report.verified = (
            proven.witness_s, proven.prove_s, verified,
        )  # fmt: skip
        report.prove_steps_s = dict(proven.timings)
        return report

    def _settle(self, batch: Batch, calldata: ProofCalldata) -> BatchReport:
        data = batch.public_data_bytes()
        head = self.rollup.deposit_head
        receipt = self.rollup.submit_batch(batch.new_root, data, calldata, sender=self.operator)
        chain_root = self.rollup.state_root
        if chain_root != batch.new_root or self.rollup.batch_number != batch.number:
            raise SettlementMismatch(
                f"batch {batch.number}: chain at root {chain_root} (batch "
                f"{self.rollup.batch_number}), exchange at {batch.new_root}"
            )
        kinds = dict(Counter(r["kind"] for r in batch.txs))
        report = BatchReport(
            batch.number, kinds, len(batch.txs), 0, 0.0, 0.0, False, receipt.gas_used,
            batch.old_root, batch.new_root, chain_root, self.rollup.deposit_head - head,
        )  # fmt: skip
        for w in withdrawal_words(data):
            before = self.chain.balance(w.recipient)
            claim = self.rollup.claim(batch.number, withdrawal_words(data), w.position,
                                      sender=self.operator)  # fmt: skip
            got = self.chain.balance(w.recipient) - before
            if w.recipient == self.operator:
                got += claim.fee_wei
            if got != w.amount * self.rollup.atom_wei:
                raise SettlementMismatch(
                    f"batch {batch.number}: {w.recipient} received {got} wei, not {w.amount} atoms"
                )
            report.paid.append(Paid(w.account, w.amount, w.recipient, got, claim.gas_used))
        return report
