"""The chains: the embedded py-evm chain, and the JSON-RPC chain against a local node.

The JSON-RPC node in these tests is eth-tester behind a small HTTP server
(``rpc_node.py``), so the RPC code path (HTTP, hex quantities, receipts, revert
data, local signing) runs for real; the rollup flow is the same code on both.
"""

from __future__ import annotations

import pytest

from zkel.circuits.transition import pubdata as pd
from zkel.host.settlement.chain import EmbeddedChain, Tx, decode_revert
from zkel.host.settlement.errors import SettlementError, TransactionReverted
from zkel.host.settlement.rollup import Rollup
from zkel.host.settlement.rpc import RpcChain

from .circuits import batch_key, stand_in_batch
from .rpc_node import LocalNode

#: explicit gas for submit_batch: the test node's gas estimate runs the pairing many times
GAS = 1_000_000


@pytest.fixture(scope="module")
def node():
    n = LocalNode()
    yield n
    n.close()


def test_embedded_transfer_and_fees():
    chain = EmbeddedChain()
    a, b = chain.accounts[:2]
    before_a, before_b = chain.balance(a), chain.balance(b)
    receipt = chain.send(Tx(a, b, value=12345, gas=21_000))
    assert receipt.status and receipt.gas_used == 21_000
    assert chain.balance(b) == before_b + 12345
    assert chain.balance(a) == before_a - 12345 - receipt.fee_wei
    with pytest.raises(SettlementError, match="transaction refused"):
        chain.send(Tx(a, b, value=10**40, gas=21_000))


def test_decode_revert():
    from eth_abi import encode

    assert decode_revert(bytes.fromhex("08c379a0") + encode(["string"], ["boom"])) == "boom"
    assert decode_revert(b"\x01\x02") == ""
    assert decode_revert(bytes.fromhex("08c379a0") + b"\xff") == ""


def _rollup_flow(chain, sender: str) -> None:
    rollup, deployment = Rollup.deploy(
        chain, batch_key().vk, genesis_root=77, n_slots=2, atom_wei=1000, sender=sender
    )
    assert deployment.verifier_gas > 0 and deployment.rollup_gas > 0
    rollup.deposit(4, 9, sender=sender)
    data = pd.encode(1, [pd.DepositSlot(4, 9)], 2)
    proof = batch_key().prove(stand_in_batch(77, 88, pd.commitment(data)))
    with pytest.raises(TransactionReverted) as info:
        rollup.submit_batch(
            88, pd.encode(2, [pd.DepositSlot(4, 9)], 2), proof, sender=sender, gas=GAS
        )
    assert info.value.reason == "rollup: wrong batch number"
    receipt = rollup.submit_batch(88, data, proof, sender=sender, gas=GAS)
    (event,) = rollup.contract.events(receipt, "BatchSubmitted")
    assert event.args["new_root"] == 88 and event.args["deposits_consumed"] == 1
    assert (rollup.state_root, rollup.batch_number, rollup.deposit_head) == (88, 1, 1)


def test_rpc_rollup_flow_with_node_accounts(node):
    chain = RpcChain(node.url)
    assert chain.accounts == list(node.tester.get_accounts())
    _rollup_flow(chain, chain.accounts[5])


def test_rpc_signs_locally(node):
    chain = RpcChain(node.url, private_key=(2).to_bytes(32, "big"))  # eth-tester's 2nd key
    (me,) = chain.accounts
    assert me == node.tester.get_accounts()[1]
    other = node.tester.get_accounts()[2]
    before = chain.balance(other)
    receipt = chain.send(Tx(me, other, value=5, gas=21_000))
    assert receipt.status and chain.balance(other) == before + 5
    with pytest.raises(SettlementError, match="signs for"):
        chain.send(Tx(other, me, value=1))
    _rollup_flow(chain, me)


def test_rpc_errors():
    with pytest.raises(SettlementError, match="must start with http"):
        RpcChain("localhost:8545")
    dead = RpcChain("http://127.0.0.1:9", request_timeout_s=2)
    with pytest.raises(SettlementError, match="cannot reach the node"):
        dead.balance("0x" + "00" * 20)
