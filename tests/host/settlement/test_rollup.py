"""The rollup contract on the embedded EVM, with the stand-in batch circuit.

Every failure case checks that the transaction reverted with its reason and that
the root, the batch number, the deposit queue pointer and the withdrawal credits
did not move.
"""

from __future__ import annotations

import pytest

from zkel.circuits.bn254 import R
from zkel.circuits.transition import pubdata as pd
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.errors import SettlementError, TransactionReverted
from zkel.host.settlement.rollup import Rollup

from .circuits import batch_key, cubes_key, stand_in_batch

N_SLOTS = 4
ATOM_WEI = 10**4  # wei per quote atom (2^64 atoms fit the test accounts' 10^24 wei)
GENESIS = 0x1234_5678_9ABC_DEF0
GAS_GOAL = 350_000


class World:
    """A fresh chain with a deployed rollup; ``operator`` submits, ``user`` deposits."""

    def __init__(self) -> None:
        self.chain = EmbeddedChain()
        self.operator, self.user, self.recipient = self.chain.accounts[:3]
        self.rollup, self.deployment = Rollup.deploy(
            self.chain, batch_key().vk, genesis_root=GENESIS, n_slots=N_SLOTS,
            atom_wei=ATOM_WEI, sender=self.operator,
        )  # fmt: skip

    def batch(self, new_root: int, number: int, slots: list, *, old_root: int | None = None):
        """Public data and a proof for a batch on top of the current root."""
        data = pd.encode(number, slots, N_SLOTS)
        old = self.rollup.state_root if old_root is None else old_root
        proof = batch_key().prove(stand_in_batch(old, new_root, pd.commitment(data)))
        return data, proof

    def snapshot(self) -> tuple:
        r = self.rollup
        return (r.state_root, r.batch_number, r.deposit_head, r.deposit_tail,
                r.pending_withdrawal(self.recipient))  # fmt: skip

    def expect_revert(self, reason: str, new_root: int, data: bytes, proof) -> None:
        before = self.snapshot()
        with pytest.raises(TransactionReverted) as info:
            self.rollup.submit_batch(new_root, data, proof, sender=self.operator)
        assert info.value.reason == reason
        assert info.value.receipt is not None and not info.value.receipt.status
        assert self.snapshot() == before


@pytest.fixture
def world() -> World:
    return World()


def recipient_bytes(address: str) -> bytes:
    return bytes.fromhex(address.removeprefix("0x"))


def test_batch_accepted_with_deposits_withdrawal_and_oracle(world):
    world.rollup.deposit(7, 1_000, sender=world.user)
    world.rollup.deposit(9, 2_500, sender=world.user)
    assert world.rollup.queued_deposit(1) == pd.DepositSlot(9, 2_500)
    slots = [
        pd.DepositSlot(7, 1_000),
        pd.WithdrawalSlot(7, 400, recipient_bytes(world.recipient)),
        pd.DepositSlot(9, 2_500),
        pd.OracleSlot(0, 30_000_000_000, 1_700_000_000),
    ]
    data, proof = world.batch(new_root=111, number=1, slots=slots)
    receipt = world.rollup.submit_batch(111, data, proof, sender=world.operator)
    assert receipt.gas_used < GAS_GOAL, f"submit_batch used {receipt.gas_used} gas"
    assert (world.rollup.state_root, world.rollup.batch_number) == (111, 1)
    assert world.rollup.deposit_head == 2
    assert world.rollup.pending_withdrawal(world.recipient) == 400 * ATOM_WEI
    (event,) = world.rollup.contract.events(receipt, "BatchSubmitted")
    assert event.args == {
        "batch_number": 1, "old_root": GENESIS, "new_root": 111,
        "commitment": pd.commitment(data), "deposits_consumed": 2,
    }  # fmt: skip
    (credit,) = world.rollup.contract.events(receipt, "WithdrawalCredited")
    assert credit.args["amount_wei"] == 400 * ATOM_WEI and credit.args["account"] == 7

    before = world.chain.balance(world.recipient)
    paid = world.rollup.withdraw(sender=world.recipient)
    assert world.chain.balance(world.recipient) == before + 400 * ATOM_WEI - paid.fee_wei
    assert world.rollup.pending_withdrawal(world.recipient) == 0
    with pytest.raises(TransactionReverted, match="nothing to withdraw"):
        world.rollup.withdraw(sender=world.recipient)

    # the next batch chains on the new root; the rest of the queue waits
    world.rollup.deposit(3, 5, sender=world.user)
    data2, proof2 = world.batch(new_root=222, number=2, slots=[])
    world.rollup.submit_batch(222, data2, proof2, sender=world.operator)
    assert (world.rollup.state_root, world.rollup.batch_number) == (222, 2)
    assert (world.rollup.deposit_head, world.rollup.deposit_tail) == (2, 3)


def test_deposits_out_of_order(world):
    world.rollup.deposit(1, 10, sender=world.user)
    world.rollup.deposit(2, 20, sender=world.user)
    data, proof = world.batch(5, 1, [pd.DepositSlot(2, 20), pd.DepositSlot(1, 10)])
    world.expect_revert("rollup: deposit out of queue order", 5, data, proof)


def test_skipped_deposit(world):
    world.rollup.deposit(1, 10, sender=world.user)
    world.rollup.deposit(2, 20, sender=world.user)
    data, proof = world.batch(5, 1, [pd.DepositSlot(2, 20)])
    world.expect_revert("rollup: deposit out of queue order", 5, data, proof)


def test_deposit_with_wrong_amount(world):
    world.rollup.deposit(1, 10, sender=world.user)
    data, proof = world.batch(5, 1, [pd.DepositSlot(1, 11)])
    world.expect_revert("rollup: deposit out of queue order", 5, data, proof)


def test_deposit_beyond_queue(world):
    world.rollup.deposit(1, 10, sender=world.user)
    data, proof = world.batch(5, 1, [pd.DepositSlot(1, 10), pd.DepositSlot(1, 10)])
    world.expect_revert("rollup: deposit slot beyond the queue", 5, data, proof)


@pytest.mark.parametrize("number", [0, 2, 2**64 - 1])
def test_wrong_batch_number(world, number):
    data, proof = world.batch(5, number, [])
    world.expect_revert("rollup: wrong batch number", 5, data, proof)


def test_replayed_proof_on_another_batch(world):
    data, proof = world.batch(5, 1, [])
    world.rollup.submit_batch(5, data, proof, sender=world.operator)
    # the same submission again: batch 1 is taken
    world.expect_revert("rollup: wrong batch number", 5, data, proof)
    # relabelled as batch 2: the commitment and the old root no longer match the proof
    world.expect_revert("rollup: invalid proof", 5, pd.encode(2, [], N_SLOTS), proof)
    # a proof made for batch 2 but from the genesis root, not the current one
    data2, proof_from_genesis = world.batch(6, 2, [], old_root=GENESIS)
    world.expect_revert("rollup: invalid proof", 6, data2, proof_from_genesis)


def test_tampered_public_data(world):
    slots = [pd.WithdrawalSlot(1, 10, recipient_bytes(world.recipient))]
    data, proof = world.batch(5, 1, slots)
    more = pd.encode(1, [pd.WithdrawalSlot(1, 10**6, recipient_bytes(world.recipient))], N_SLOTS)
    world.expect_revert("rollup: invalid proof", 5, more, proof)


def test_tampered_new_root(world):
    data, proof = world.batch(5, 1, [])
    world.expect_revert("rollup: invalid proof", 6, data, proof)
    world.expect_revert("rollup: new root not below r", 5 + R, data, proof)


def test_public_data_length(world):
    data, proof = world.batch(5, 1, [])
    world.expect_revert("rollup: public data length", 5, data + bytes(33), proof)
    world.expect_revert("rollup: public data length", 5, data[:-1], proof)


def test_unknown_slot_type(world):
    data, proof = world.batch(5, 1, [])
    bad = data[:8] + bytes([4]) + data[9:]
    world.expect_revert("rollup: unknown slot type", 5, bad, proof)


@pytest.mark.parametrize(
    ("wei", "reason"),
    [
        (0, "rollup: deposit not a whole positive number of atoms"),
        (ATOM_WEI + 1, "rollup: deposit not a whole positive number of atoms"),
        (2**64 * ATOM_WEI, "rollup: deposit exceeds 2^64 - 1 atoms"),
    ],
)
def test_bad_deposits(world, wei, reason):
    with pytest.raises(TransactionReverted) as info:
        world.rollup.contract.transact("deposit", 1, sender=world.user, value=wei)
    assert info.value.reason == reason
    assert world.rollup.deposit_tail == 0


def test_deploy_checks():
    chain = EmbeddedChain()
    with pytest.raises(SettlementError, match="takes 3 public inputs"):
        Rollup.deploy(chain, cubes_key(1).vk, genesis_root=0, n_slots=4, atom_wei=1,
                      sender=chain.accounts[0])  # fmt: skip
    with pytest.raises(SettlementError, match="n_slots must be in 1..64"):
        Rollup.deploy(chain, batch_key().vk, genesis_root=0, n_slots=65, atom_wei=1,
                      sender=chain.accounts[0])  # fmt: skip
