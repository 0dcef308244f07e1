"""``zkel demo --rpc URL``: the story settled on a JSON-RPC node instead of the embedded
chain. The node is the settlement tests' eth-tester behind HTTP; the proofs are the
stand-in circuit's (as in test_demo.py), so the chain's checks run in full.
"""

from __future__ import annotations

import pytest

from tests.host.settlement.circuits import batch_key, stand_in_batch
from tests.host.settlement.rpc_node import LocalNode
from zkel.circuits.transition.circuit import Shape
from zkel.host.cli.main import main
from zkel.host.demo.pipeline import Settler
from zkel.host.demo.run import L1_ACCOUNTS, settlement_chain
from zkel.host.demo.story import ATOM_WEI, Cast, Story, StoryError, markets
from zkel.host.exchange import Exchange
from zkel.host.settlement.chain import EmbeddedChain
from zkel.host.settlement.rollup import Rollup
from zkel.host.settlement.rpc import RpcChain

SLOTS, DEPTH = 4, 4


class StandIn(Settler):
    def prove_and_settle(self, batch):  # noqa: ANN201
        proof = batch_key().prove(stand_in_batch(batch.old_root, batch.new_root, batch.commitment))
        return self._settle(batch, proof)


@pytest.fixture(scope="module")
def node():
    n = LocalNode()
    yield n
    n.close()


class FewAccounts(LocalNode):
    """A node that unlocks only one account (as ``geth --dev`` does)."""

    def dispatch(self, method, params):  # noqa: ANN201
        if method == "eth_accounts":
            return super().dispatch(method, params)[:1]
        return super().dispatch(method, params)


def test_embedded_is_the_default():
    assert isinstance(settlement_chain(None), EmbeddedChain)


def test_story_settles_over_json_rpc(node):
    chain = settlement_chain(node.url)
    assert isinstance(chain, RpcChain) and len(chain.accounts) >= L1_ACCOUNTS
    cast = Cast.make(0, chain.accounts)
    ex = Exchange.open(":memory:", markets=markets(), depth=DEPTH,
                       oracle_pubkey=cast.oracle.public_key(),
                       operator_pubkey=cast.operator.public_key())  # fmt: skip
    genesis = ex.cut_batch()
    operator = cast.l1["operator"]
    rollup, _ = Rollup.deploy(chain, batch_key().vk, genesis_root=genesis.new_root,
                              n_slots=SLOTS, atom_wei=ATOM_WEI, sender=operator)  # fmt: skip
    settler = StandIn(Shape(SLOTS, DEPTH, cast.oracle.public_key()), None, None, rollup, chain,
                      operator)  # fmt: skip
    story = Story(ex, rollup, cast, seed=0)
    reports = []
    for _title, act in story.acts():
        act()
        while (batch := ex.cut_batch(SLOTS)) is not None:
            reports.append(settler.prove_and_settle(batch))
            assert rollup.state_root == batch.new_root == reports[-1].chain_root
    assert rollup.state_root == ex.root
    assert rollup.deposit_head == rollup.deposit_tail > 0
    paid = [p for r in reports for p in r.paid]
    assert paid and all(p.wei == p.amount * ATOM_WEI for p in paid)
    ex.close()


def test_node_with_too_few_accounts_is_refused():
    few = FewAccounts()
    try:
        with pytest.raises(StoryError, match=r"1 unlocked account\(s\); the story sends from 4"):
            settlement_chain(few.url)
    finally:
        few.close()


@pytest.mark.parametrize(
    ("rpc", "code", "message"),
    [
        ("ftp://127.0.0.1:8545", 2, "--rpc must be an http:// or https:// URL"),
        ("http://127.0.0.1:9", 1, "demo stopped: http://127.0.0.1:9: cannot reach the node"),
    ],
)
def test_bad_rpc_is_one_line(rpc, code, message, capsys):
    assert main(["demo", "--rpc", rpc, "--cache", "/nonexistent-not-used"]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
