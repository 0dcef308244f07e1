"""Settlement gas: ``submit_batch`` on the embedded EVM, the verifier alone, deployments.

Gas is deterministic (no reference needed); the wall time of a py-evm submission is
recorded for orientation only (py-evm runs the pairing precompile in pure Python).

* ``submit_batch`` with 4 slots, three mixes: two deposits + one withdrawal + one
  oracle price (the goal: < 350,000 gas), all slots empty, four withdrawals to
  four fresh recipients. Each is the first batch of a fresh rollup (``batch_number``
  written from zero: the dearest case). A batch stores one hash for all its
  withdrawals, so four cost no more storage than one.
* ``claim`` of each of those four withdrawals (paid by the recipient's claim, not
  by the batch): the first claim of a batch sets its claimed-bits word from zero.
* ``verifyProof`` sent as a transaction for keys with 1, 3 and 5 public inputs
  (21,000 base gas and calldata included): the verifier's share of a batch.
* deployment gas of the verifier (3 public inputs) and of the rollup.

The batch proofs come from the stand-in circuit of the settlement tests (the same
three public inputs as the transition circuit); the contract's gas does not depend
on the circuit beyond its number of public inputs.
"""

from __future__ import annotations

import time

from bench.common import write_json

N_SLOTS = 4
ATOM_WEI = 10**12
GOAL = 350_000


def _submit_gas(kind: str) -> tuple[int, float, list[int]]:
    """Gas and py-evm seconds of one submission of ``kind``, and the gas of claiming
    each of its withdrawals."""
    from tests.host.settlement.circuits import batch_key, stand_in_batch
    from zkel.circuits.transition import pubdata as pd
    from zkel.host.settlement.chain import EmbeddedChain
    from zkel.host.settlement.rollup import Rollup, withdrawal_words

    chain = EmbeddedChain()
    operator, user = chain.accounts[:2]
    rollup, _ = Rollup.deploy(
        chain, batch_key().vk, genesis_root=1, n_slots=N_SLOTS, atom_wei=ATOM_WEI, sender=operator
    )
    recipients = [bytes.fromhex(a.removeprefix("0x")) for a in chain.accounts[2:6]]
    if kind == "mixed":
        rollup.deposit(1, 100, sender=user)
        rollup.deposit(2, 200, sender=user)
        slots = [
            pd.DepositSlot(1, 100),
            pd.WithdrawalSlot(1, 50, recipients[0]),
            pd.DepositSlot(2, 200),
            pd.OracleSlot(0, 30_000_000_000, 1_700_000_000),
        ]
    elif kind == "empty":
        slots = []
    else:
        rollup.deposit(9, 1_000, sender=user)  # wei for the claims; left in the queue
        slots = [pd.WithdrawalSlot(i, 10 + i, r) for i, r in enumerate(recipients)]
    data = pd.encode(1, slots, N_SLOTS)
    proof = batch_key().prove(stand_in_batch(1, 2, pd.commitment(data)))
    t0 = time.perf_counter()
    receipt = rollup.submit_batch(2, data, proof, sender=operator)
    seconds = time.perf_counter() - t0
    found = withdrawal_words(data)
    claims = [rollup.claim(1, found, w.position, sender=user).gas_used for w in found]
    return receipt.gas_used, seconds, claims


def _verifier_gas(n_public: int) -> tuple[int, int]:
    from tests.host.settlement.circuits import cubes, cubes_key
    from zkel.host.settlement.chain import EmbeddedChain
    from zkel.host.settlement.contract import deploy
    from zkel.host.settlement.rollup import verifier_contract

    chain = EmbeddedChain()
    key = cubes_key(n_public)
    contract, created = deploy(chain, verifier_contract(key.vk), sender=chain.accounts[0])
    calldata = key.prove(cubes(list(range(2, 2 + n_public))))
    receipt = contract.transact("verifyProof", *calldata.args(), sender=chain.accounts[0])
    return receipt.gas_used, created.gas_used


def run(quick: bool = False) -> dict:
    from tests.host.settlement.circuits import batch_key
    from zkel.host.settlement.chain import EmbeddedChain
    from zkel.host.settlement.rollup import Rollup

    submit = {}
    for kind in ("mixed", "empty", "withdrawals") if not quick else ("mixed",):
        gas, seconds, claims = _submit_gas(kind)
        submit[kind] = {"gas": gas, "py_evm_seconds": round(seconds, 2), "claim_gas": claims}
        print(
            f"  submit_batch ({N_SLOTS} slots, {kind}): {gas:,} gas, {seconds:.2f} s on py-evm;"
            f" claims {claims}"
        )
    verify = {}
    for n in (1, 3, 5) if not quick else (3,):
        gas, deploy_gas = _verifier_gas(n)
        verify[str(n)] = {"verify_tx_gas": gas, "deploy_gas": deploy_gas}
        print(f"  verifyProof, {n} public inputs: {gas:,} gas (deploy {deploy_gas:,})")
    chain = EmbeddedChain()
    _, deployment = Rollup.deploy(
        chain, batch_key().vk, genesis_root=1, n_slots=N_SLOTS, atom_wei=ATOM_WEI,
        sender=chain.accounts[0],
    )  # fmt: skip
    data = {
        "n_slots": N_SLOTS,
        "goal_gas": GOAL,
        "submit_batch": submit,
        "verify_proof": verify,
        "deploy_gas": {"verifier": deployment.verifier_gas, "rollup": deployment.rollup_gas},
    }
    write_json("settlement", data)
    return {
        "submit_batch_gas": submit["mixed"]["gas"],
        "submit_batch_gas_max": max(v["gas"] for v in submit.values()),
        "goal_gas": GOAL,
    }
