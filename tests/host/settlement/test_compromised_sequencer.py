"""A compromised sequencer (issue 5 §4) against the prover and the rollup.

What the sequencer controls is the batch record it hands the prover and the bytes it
submits. Here it writes a withdrawal larger than the account's free collateral: the
circuit refuses to prove it, naming the transaction and the rule, and (no proof of
it existing) the chain refuses the honest proof with public data that claims it.
The stand-in circuit of ``test_rollup`` covers the chain's own checks (skipped and
reordered deposits, wrong batch numbers, replays, tampered inputs); a random proof is
refused here; the slow ``test_proven_batch`` repeats them with a real batch proof.
"""

from __future__ import annotations

import copy
import random

import pytest

from zkel.circuits.bn254 import G1, G2, R
from zkel.circuits.eddsa import PrivateKey
from zkel.circuits.groth16 import Proof
from zkel.circuits.transition import pubdata as pd
from zkel.circuits.transition.check import BatchRefused, check
from zkel.circuits.transition.circuit import Shape
from zkel.circuits.transition.witness import batch_witness
from zkel.host.exchange import Exchange, Market, Withdrawal, sign_message
from zkel.host.settlement.calldata import ProofCalldata
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.errors import TransactionReverted
from zkel.host.settlement.rollup import Rollup

from .circuits import batch_key, stand_in_batch

DEPTH = 4
ORACLE, OPERATOR, CAROL = (PrivateKey(bytes([i]) * 32) for i in (1, 2, 6))
RECIPIENT = 0x5B38DA6A701C568545DCFCB03FCB875F56BEDDC4


def _withdrawal_batch():
    btc = Market(0, "BTC-USD", tick_size=100_000, lot_size=100_000,
                 initial_margin_ppm=100_000, maintenance_margin_ppm=50_000,
                 oracle_price=30_000_000_000)  # fmt: skip
    ex = Exchange.open(":memory:", markets=[btc], depth=DEPTH, oracle_pubkey=ORACLE.public_key(),
                       operator_pubkey=OPERATOR.public_key())  # fmt: skip
    ex.cut_batch()
    c = ex.create_account(CAROL.public_key())
    ex.deposit(c, 5_000_000)
    ex.cut_batch()
    w = Withdrawal(c, 1_000_000, 0, RECIPIENT)
    ex.withdraw(w, sign_message(CAROL, w))
    return ex.cut_batch(max_txs=1)


def test_withdrawal_beyond_free_collateral_is_refused_by_name():
    batch = _withdrawal_batch()
    shape = Shape(1, DEPTH, ORACLE.public_key())
    honest = batch_witness(batch.to_dict(), 1)
    check(shape, honest)  # the engine's record proves
    forged = copy.deepcopy(honest)
    slot = forged["slots"][0]
    before = slot["a"]["before"]["collateral"]
    slot["tx"]["amount"] = before + 1  # one atom more than the account holds
    slot["a"]["after"]["collateral"] = (before - slot["tx"]["amount"]) % R
    with pytest.raises(BatchRefused) as info:
        check(shape, forged)
    seq = batch.txs[0]["seq"]
    assert str(info.value).startswith(f"slot 0 (record {seq}, withdraw) breaks the rule:")
    assert info.value.slot == 0 and "margin" in info.value.rule


def _world():
    chain = EmbeddedChain()
    operator, user, recipient = chain.accounts[:3]
    rollup, _ = Rollup.deploy(chain, batch_key().vk, genesis_root=77, n_slots=2,
                              atom_wei=1, sender=operator)  # fmt: skip
    return chain, rollup, operator, user, recipient


def test_random_proofs_are_refused():
    chain, rollup, operator, _, recipient = _world()
    to = bytes.fromhex(recipient.removeprefix("0x"))
    data = pd.encode(1, [pd.WithdrawalSlot(1, 10, to)], 2)
    rng = random.Random(5)
    honest = batch_key().prove(stand_in_batch(77, 88, pd.commitment(data)))
    randoms = [
        # points on the curves, unrelated to the key
        Proof(
            G1.generator() * rng.randrange(1, R),
            G2.generator() * rng.randrange(1, R),
            G1.generator() * rng.randrange(1, R),
        ),  # fmt: skip
        Proof(G1.identity(), G2.identity(), G1.identity()),
    ]
    calls = [ProofCalldata.from_proof(p, honest.public) for p in randoms]
    # and words that are not points at all
    calls.append(ProofCalldata((1, 2), ((3, 4), (5, 6)), (7, 8), honest.public))
    for calldata in calls:
        with pytest.raises(TransactionReverted) as info:
            rollup.submit_batch(88, data, calldata, sender=operator)
        assert info.value.reason == "rollup: invalid proof"
        assert (rollup.state_root, rollup.batch_number) == (77, 0)
        assert rollup.withdrawals_hash(1) == bytes(32)
    rollup.submit_batch(88, data, honest, sender=operator)
    assert rollup.state_root == 88
