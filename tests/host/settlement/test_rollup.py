"""The rollup contract on the embedded EVM, with the stand-in batch circuit.

Every failure case checks that the transaction reverted with its reason and that
the root, the batch number, the deposit queue pointers and the next batch's
withdrawal record did not move. Withdrawals are claimed against the one hash an
accepted batch stores: paid once each, only as the batch says.
"""

from __future__ import annotations

import pytest

from zkel.circuits.bn254 import R
from zkel.circuits.transition import pubdata as pd
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.errors import SettlementError, TransactionReverted
from zkel.host.settlement.rollup import Rollup, withdrawal_words, withdrawals_digest

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
                r.withdrawals_hash(r.batch_number + 1))  # fmt: skip

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
    (event,) = world.rollup.contract.events(receipt, "BatchSubmitted")
    assert event.args == {
        "batch_number": 1, "old_root": GENESIS, "new_root": 111,
        "commitment": pd.commitment(data), "deposits_consumed": 2, "withdrawals": 1,
    }  # fmt: skip
    (found,) = withdrawal_words(data)
    assert (found.account, found.amount, found.recipient) == (7, 400, world.recipient)
    (recorded,) = world.rollup.contract.events(receipt, "WithdrawalRecorded")
    assert recorded.args == {
        "batch_number": 1, "recipient": world.recipient, "position": 0,
        "word": found.word, "amount_wei": 400 * ATOM_WEI,
    }  # fmt: skip
    assert world.rollup.withdrawals_hash(1) == withdrawals_digest([found.word])

    before = world.chain.balance(world.recipient)
    paid = world.rollup.claim(1, [found], 0, sender=world.recipient)
    assert world.chain.balance(world.recipient) == before + 400 * ATOM_WEI - paid.fee_wei
    assert world.rollup.claimed(1, 0)
    with pytest.raises(TransactionReverted, match="withdrawal already claimed"):
        world.rollup.claim(1, [found], 0, sender=world.recipient)

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


def fund(world: World, atoms: int) -> None:
    """Deposits that leave ``atoms`` in the rollup, consumed by a first accepted batch."""
    world.rollup.deposit(1, atoms, sender=world.user)
    data, proof = world.batch(10, 1, [pd.DepositSlot(1, atoms)])
    world.rollup.submit_batch(10, data, proof, sender=world.operator)


def test_claims_pay_each_withdrawal_once(world):
    fund(world, 10_000)
    other = world.chain.accounts[3]
    to = [recipient_bytes(a) for a in (world.recipient, other, world.recipient)]
    slots = [pd.WithdrawalSlot(5, 100, to[0]), pd.OracleSlot(0, 10, 1),
             pd.WithdrawalSlot(6, 200, to[1]), pd.WithdrawalSlot(5, 300, to[2])]  # fmt: skip
    data, proof = world.batch(11, 2, slots)
    world.rollup.submit_batch(11, data, proof, sender=world.operator)
    found = withdrawal_words(data)
    assert [(w.position, w.amount, w.recipient) for w in found] == [
        (0, 100, world.recipient), (1, 200, other), (2, 300, world.recipient)]  # fmt: skip
    balances = {a: world.chain.balance(a) for a in (world.recipient, other)}
    vault = world.chain.balance(world.rollup.address)
    # claimed by a third party (the user pays gas), in any order, each once
    for position in (2, 0, 1):
        world.rollup.claim(2, found, position, sender=world.user)
        with pytest.raises(TransactionReverted, match="withdrawal already claimed"):
            world.rollup.claim(2, found, position, sender=world.user)
    assert world.chain.balance(world.recipient) == balances[world.recipient] + 400 * ATOM_WEI
    assert world.chain.balance(other) == balances[other] + 200 * ATOM_WEI
    assert world.chain.balance(world.rollup.address) == vault - 600 * ATOM_WEI
    assert world.rollup.claim_all(2, data, sender=world.user) == []


def test_claim_all_pays_what_is_left(world):
    fund(world, 1_000)
    slots = [pd.WithdrawalSlot(5, 7, recipient_bytes(world.recipient))] * 2
    data, proof = world.batch(11, 2, slots)
    world.rollup.submit_batch(11, data, proof, sender=world.operator)
    world.rollup.claim(2, withdrawal_words(data), 1, sender=world.user)
    before = world.chain.balance(world.recipient)
    (receipt,) = world.rollup.claim_all(2, data, sender=world.user)
    (event,) = world.rollup.contract.events(receipt, "WithdrawalClaimed")
    assert event.args["position"] == 0
    assert world.chain.balance(world.recipient) == before + 7 * ATOM_WEI


def claim_reverts(world: World, reason: str, batch: int, words: list, position: int) -> None:
    vault = world.chain.balance(world.rollup.address)
    flags = world.rollup.contract.call("claimed", batch)
    with pytest.raises(TransactionReverted) as info:
        world.rollup.claim(batch, words, position, sender=world.user)
    assert info.value.reason == reason
    assert world.chain.balance(world.rollup.address) == vault
    assert world.rollup.contract.call("claimed", batch) == flags


def test_claims_only_what_the_batch_says(world):
    fund(world, 10_000)
    slots = [pd.WithdrawalSlot(5, 100, recipient_bytes(world.recipient)),
             pd.WithdrawalSlot(6, 200, recipient_bytes(world.user))]  # fmt: skip
    data, proof = world.batch(11, 2, slots)
    world.rollup.submit_batch(11, data, proof, sender=world.operator)
    words = [w.word for w in withdrawal_words(data)]
    wrong = "rollup: not that batch's withdrawals"
    claim_reverts(world, wrong, 2, [words[0] + (1 << 160), words[1]], 0)  # a larger amount
    thief = int(world.chain.accounts[4], 16)
    claim_reverts(world, wrong, 2, [words[0] - (words[0] & (2**160 - 1)) + thief, words[1]], 0)
    claim_reverts(world, wrong, 2, words[:1], 0)  # a prefix of the list
    claim_reverts(world, wrong, 2, [*words, words[1]], 2)  # an extra entry
    claim_reverts(world, wrong, 2, words[::-1], 0)  # another order
    claim_reverts(world, "rollup: no such withdrawal", 2, words, 2)
    claim_reverts(world, "rollup: no such withdrawal", 2, words, 2**255)


def test_claims_against_unknown_batches(world):
    fund(world, 10_000)  # batch 1: a deposit, no withdrawal
    none = "rollup: no withdrawals in that batch"
    claim_reverts(world, none, 1, [], 0)
    slots = [pd.WithdrawalSlot(5, 100, recipient_bytes(world.recipient))]
    data, proof = world.batch(11, 2, slots)
    words = [w.word for w in withdrawal_words(data)]
    claim_reverts(world, none, 2, words, 0)  # batch 2 not submitted yet
    world.expect_revert("rollup: invalid proof", 12, data, proof)  # a refused batch 2
    claim_reverts(world, none, 2, words, 0)
    world.rollup.submit_batch(11, data, proof, sender=world.operator)
    claim_reverts(world, none, 3, words, 0)  # a batch beyond the last
    claim_reverts(world, none, 0, words, 0)  # genesis
    world.rollup.claim(2, words, 0, sender=world.user)


def test_submission_gas_does_not_grow_with_withdrawals(world):
    recipients = [recipient_bytes(a) for a in world.chain.accounts[2:6]]
    four = [pd.WithdrawalSlot(i, 10, r) for i, r in enumerate(recipients)]
    data, proof = world.batch(5, 1, four)  # the worst case: batch 1 sets batch_number from 0
    receipt = world.rollup.submit_batch(5, data, proof, sender=world.operator)
    assert receipt.gas_used < GAS_GOAL, f"four withdrawals: {receipt.gas_used} gas"
    gas = []
    for number, slots in ((2, four[:1]), (3, four)):
        data, proof = world.batch(5 + number, number, slots)
        gas.append(
            world.rollup.submit_batch(5 + number, data, proof, sender=world.operator).gas_used
        )
    # three more withdrawals cost calldata, hashing and events, no storage (< 5k each)
    assert 0 < gas[1] - gas[0] < 3 * 5_000, gas
