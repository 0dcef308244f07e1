"""The rollup contract from the host: deploy it with its verifier, deposit, submit, withdraw.

Contract: ``contracts/rollup.vy`` (its docstring has the rules). Batches are numbered
from 1: the contract starts at ``batch_number = 0`` and accepts only the public data
whose header says ``batch_number + 1``. Amounts here are quote atoms (u64); the chain
moves wei, ``atoms * atom_wei``.

Withdrawals are claimed, not credited: an accepted batch stores one hash of its
withdrawal words (:func:`withdrawal_words`, :func:`withdrawals_digest`), and
:meth:`Rollup.claim` pays one of them against that hash, once. A submission's
storage writes do not grow with its withdrawals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils import keccak, to_checksum_address

from zkel.circuits.bn254 import R
from zkel.circuits.groth16 import VerifyingKey
from zkel.circuits.transition import pubdata as pd
from zkel.host.settlement.calldata import ProofCalldata
from zkel.host.settlement.chain import Chain, Receipt
from zkel.host.settlement.compiler import Compiled, compile_vyper, contract_source
from zkel.host.settlement.contract import Contract, deploy
from zkel.host.settlement.errors import SettlementError
from zkel.host.settlement.verifier import verifier_source

#: public inputs of a batch proof, in order
BATCH_PUBLIC_INPUTS = ("old_root", "new_root", "pubdata_commitment")
MAX_SLOTS = 64


@dataclass(frozen=True)
class BatchWithdrawal:
    """Withdrawal ``position`` (0-based among a batch's withdrawal slots) of a batch:
    ``amount`` quote atoms from ``account`` to the L1 address ``recipient``
    (checksummed); ``word`` is the slot's bytes 1..32 as the contract hashes them."""

    position: int
    account: int
    amount: int
    recipient: str
    word: int


def withdrawal_words(pubdata: bytes) -> list[BatchWithdrawal]:
    """The withdrawals of a batch's public data, in slot order."""
    out = []
    for slot in pd.decode(pubdata).slots:
        if isinstance(slot, pd.WithdrawalSlot):
            account, amount, recipient = slot.fields()
            word = (account << 224) | (amount << 160) | recipient
            address = to_checksum_address(slot.recipient)
            out.append(BatchWithdrawal(len(out), account, amount, address, word))
    return out


def withdrawals_digest(words: Sequence[int]) -> bytes:
    """``h_k`` with ``h_0 = 0``, ``h_i = keccak256(h_{i-1} ‖ w_i)`` (32-byte big-endian
    words): what the rollup stores for a batch with withdrawal words ``words``."""
    h = bytes(32)
    for w in words:
        h = keccak(h + int(w).to_bytes(32, "big"))
    return h


def rollup_contract() -> Compiled:
    """The compiled rollup contract (``contracts/rollup.vy``)."""
    return compile_vyper(contract_source("rollup.vy"), "rollup")


def verifier_contract(vk: VerifyingKey, origin: str = "") -> Compiled:
    """The compiled Groth16 verifier for ``vk``."""
    return compile_vyper(verifier_source(vk, origin=origin), "verifier")


@dataclass(frozen=True)
class Deployment:
    """Gas (units) spent deploying the verifier and the rollup."""

    verifier_gas: int
    rollup_gas: int


class Rollup:
    """A deployed rollup contract and the verifier it calls."""

    def __init__(self, contract: Contract, verifier: Contract) -> None:
        self.contract = contract
        self.verifier = verifier

    @classmethod
    def deploy(
        cls,
        chain: Chain,
        vk: VerifyingKey,
        *,
        genesis_root: int,
        n_slots: int,
        atom_wei: int,
        sender: str,
    ) -> tuple[Rollup, Deployment]:
        """Deploy a verifier for ``vk`` (3 public inputs) and a rollup starting at ``genesis_root``.

        ``n_slots`` in 1..64 is the circuit's batch size; ``atom_wei`` the wei per quote atom.
        """
        if vk.n_public != len(BATCH_PUBLIC_INPUTS):
            raise SettlementError(
                f"a batch verifier takes {len(BATCH_PUBLIC_INPUTS)} public inputs "
                f"({', '.join(BATCH_PUBLIC_INPUTS)}), this key has {vk.n_public}"
            )
        if not 1 <= n_slots <= MAX_SLOTS:
            raise SettlementError(f"n_slots must be in 1..{MAX_SLOTS}, not {n_slots}")
        if not 0 <= genesis_root < R:
            raise SettlementError("genesis root must be a field element below r")
        if atom_wei < 1:
            raise SettlementError(f"atom_wei must be positive, not {atom_wei}")
        verifier, v_receipt = deploy(chain, verifier_contract(vk), sender=sender)
        rollup, r_receipt = deploy(
            chain, rollup_contract(), verifier.address, genesis_root, n_slots, atom_wei,
            sender=sender,
        )  # fmt: skip
        return cls(rollup, verifier), Deployment(v_receipt.gas_used, r_receipt.gas_used)

    # -- state -------------------------------------------------------------------
    @property
    def address(self) -> str:
        return self.contract.address

    @property
    def state_root(self) -> int:
        return self.contract.call("state_root")

    @property
    def batch_number(self) -> int:
        """Number of the last accepted batch (0 before any)."""
        return self.contract.call("batch_number")

    @property
    def n_slots(self) -> int:
        return self.contract.call("N_SLOTS")

    @property
    def atom_wei(self) -> int:
        return self.contract.call("ATOM_WEI")

    @property
    def deposit_head(self) -> int:
        """Index of the first deposit not yet consumed by an accepted batch."""
        return self.contract.call("deposit_head")

    @property
    def deposit_tail(self) -> int:
        """Number of deposits ever queued."""
        return self.contract.call("deposit_tail")

    def queued_deposit(self, index: int) -> pd.DepositSlot:
        """Queue entry ``index`` as the deposit slot a batch must carry for it."""
        if not 0 <= index < self.deposit_tail:
            raise SettlementError(f"no deposit {index} in the queue")
        packed = self.contract.call("deposit_queue", index)
        return pd.DepositSlot(packed >> 64, packed & ((1 << 64) - 1))

    def withdrawals_hash(self, batch: int) -> bytes:
        """The stored hash of batch ``batch``'s withdrawals (32 zero bytes: none, or no
        such accepted batch)."""
        return self.contract.call("withdrawals_hash", batch)

    def claimed(self, batch: int, position: int) -> bool:
        """Whether withdrawal ``position`` of batch ``batch`` has been paid."""
        return bool((self.contract.call("claimed", batch) >> position) & 1)

    # -- transactions ----------------------------------------------------------------
    def deposit(self, account: int, atoms: int, *, sender: str) -> Receipt:
        """Queue ``atoms`` quote atoms for ``account`` (sends ``atoms * atom_wei`` wei)."""
        return self.contract.transact(
            "deposit", account, sender=sender, value=atoms * self.atom_wei
        )

    def submit_batch(
        self,
        new_root: int,
        pubdata: bytes,
        proof: ProofCalldata,
        *,
        sender: str,
        gas: int | None = None,
    ) -> Receipt:
        """Submit a batch: its new root, its public data bytes and its proof."""
        return self.contract.transact(
            "submit_batch", new_root, pubdata, *proof.proof_args(), sender=sender, gas=gas
        )

    def claim(
        self,
        batch: int,
        withdrawals: Sequence[BatchWithdrawal | int],
        position: int,
        *,
        sender: str,
    ) -> Receipt:
        """Pay withdrawal ``position`` of accepted batch ``batch`` to its recipient.

        ``withdrawals`` is the batch's whole withdrawal list (:func:`withdrawal_words`
        of its public data, or the bare words); ``sender`` pays the gas, the
        recipient gets the amount.
        """
        words = [w.word if isinstance(w, BatchWithdrawal) else int(w) for w in withdrawals]
        return self.contract.transact("claim", batch, words, position, sender=sender)

    def claim_all(self, batch: int, pubdata: bytes, *, sender: str) -> list[Receipt]:
        """Claim every unpaid withdrawal of accepted batch ``batch`` (public data
        ``pubdata``); one transaction each."""
        found = withdrawal_words(pubdata)
        return [
            self.claim(batch, found, w.position, sender=sender)
            for w in found
            if not self.claimed(batch, w.position)
        ]
