"""A real batch of the exchange, proven by the transition circuit and settled on the
embedded chain: deposit from the chain's queue, withdrawal claimed once on the chain.
One proof, every forgery of a compromised sequencer: a tampered root or public data,
a withdrawal inflated beyond the account's collateral, a random proof, a skipped
deposit, the proof replayed (as the same or the next batch) each revert and leave
the root where it was (slow: Groth16 setup of a ~110k-constraint circuit)."""

from __future__ import annotations

import pytest

from zkel.circuits import groth16
from zkel.circuits.bn254 import G1, G2
from zkel.circuits.eddsa import PrivateKey
from zkel.circuits.transition import pubdata as pd
from zkel.circuits.transition.circuit import Shape, build
from zkel.circuits.transition.witness import batch_witness
from zkel.host.accel import kernels
from zkel.host.exchange import Exchange, Market, Withdrawal, sign_message
from zkel.host.settlement.calldata import ProofCalldata
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.errors import TransactionReverted
from zkel.host.settlement.rollup import Rollup

SLOTS, DEPTH, ATOM_WEI = 3, 4, 10**6


@pytest.mark.slow
def test_engine_batch_proven_and_settled() -> None:
    oracle, operator, carol = (PrivateKey(bytes([i]) * 32) for i in (1, 2, 6))
    btc = Market(0, "BTC-USD", tick_size=100_000, lot_size=100_000,
                 initial_margin_ppm=100_000, maintenance_margin_ppm=50_000,
                 oracle_price=30_000_000_000)  # fmt: skip
    ex = Exchange.open(":memory:", markets=[btc], depth=DEPTH, oracle_pubkey=oracle.public_key(),
                       operator_pubkey=operator.public_key())  # fmt: skip
    ex.cut_batch()  # genesis: the rollup's first root
    shape = Shape(SLOTS, DEPTH, oracle.public_key())
    zkey = groth16.setup(build(shape).to_r1cs())
    pk, vk = groth16.ProvingKey.from_zkey(zkey), groth16.VerifyingKey.from_zkey(zkey)

    chain = EmbeddedChain()
    owner, user = chain.accounts[:2]
    rollup, _ = Rollup.deploy(chain, vk, genesis_root=ex.root, n_slots=SLOTS,
                              atom_wei=ATOM_WEI, sender=owner)  # fmt: skip
    c = ex.create_account(carol.public_key())
    rollup.deposit(c, 5_000_000, sender=user)
    queued = rollup.queued_deposit(0)
    ex.deposit(queued.account, queued.amount)
    w = Withdrawal(c, 1_000_000, 0, int(user, 16))
    ex.withdraw(w, sign_message(carol, w))
    batch = ex.cut_batch(max_txs=SLOTS)

    cs = build(shape, batch_witness(batch.to_dict(), SLOTS))
    result = groth16.prove(pk, cs.witness(), kernels("cpu"))
    calldata = ProofCalldata.from_proof(result.proof, result.public)
    data = batch.public_data_bytes()

    root_before = rollup.state_root
    (slot,) = [s for s in pd.decode(data).slots if isinstance(s, pd.WithdrawalSlot)]
    inflated = pd.encode(batch.number, [
        pd.WithdrawalSlot(slot.account, 6_000_000, slot.recipient) if s == slot else s
        for s in pd.decode(data).slots], SLOTS)  # more than carol's collateral  # fmt: skip
    random_proof = ProofCalldata.from_proof(
        groth16.Proof(G1.generator() * 5, G2.generator() * 7, G1.generator() * 11), result.public
    )
    forged = [
        (batch.new_root + 1, data, calldata, "rollup: invalid proof"),  # tampered input
        (batch.new_root, data[:-1] + b"\x01", calldata, "rollup: invalid proof"),
        (batch.new_root, inflated, calldata, "rollup: invalid proof"),
        (batch.new_root, data, random_proof, "rollup: invalid proof"),
    ]
    for bad_root, bad_data, bad_proof, reason in forged:
        with pytest.raises(TransactionReverted) as info:
            rollup.submit_batch(bad_root, bad_data, bad_proof, sender=owner)
        assert info.value.reason == reason
        assert rollup.state_root == root_before
        assert rollup.withdrawals_hash(batch.number) == bytes(32)
    # a skipped deposit: on a twin rollup at the same genesis root, another deposit is
    # queued first and the batch leaves it out
    twin, _ = Rollup.deploy(chain, vk, genesis_root=root_before, n_slots=SLOTS,
                            atom_wei=ATOM_WEI, sender=owner)  # fmt: skip
    twin.deposit(c, 7, sender=user)
    twin.deposit(c, 5_000_000, sender=user)
    with pytest.raises(TransactionReverted) as info:
        twin.submit_batch(batch.new_root, data, calldata, sender=owner)
    assert info.value.reason == "rollup: deposit out of queue order"
    assert twin.state_root == root_before and twin.deposit_head == 0
    receipt = rollup.submit_batch(batch.new_root, data, calldata, sender=owner)
    assert rollup.state_root == batch.new_root == ex.root
    assert rollup.batch_number == batch.number
    assert receipt.gas_used < 350_000
    before = chain.balance(user)
    (paid,) = rollup.claim_all(batch.number, data, sender=user)
    assert chain.balance(user) == before + 1_000_000 * ATOM_WEI - paid.fee_wei
    assert rollup.claim_all(batch.number, data, sender=user) == []
    with pytest.raises(TransactionReverted):  # the same proof again: wrong batch number
        rollup.submit_batch(batch.new_root, data, calldata, sender=owner)
    # replayed as the next batch (its deposit matched by a new one in the queue): the
    # batch number and the old root are in what the proof binds
    rollup.deposit(c, 5_000_000, sender=user)
    relabelled = (batch.number + 1).to_bytes(8, "big") + data[8:]
    with pytest.raises(TransactionReverted, match="invalid proof"):
        rollup.submit_batch(batch.new_root, relabelled, calldata, sender=owner)
    assert rollup.state_root == batch.new_root
