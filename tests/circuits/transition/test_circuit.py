"""The batch circuit on witnesses from a native model: honest batches satisfy it; each
rule broken by a tampered witness is caught by the constraint named for that rule."""

from __future__ import annotations

import copy

import pytest

from zkel.circuits import eddsa
from zkel.circuits.bn254 import R
from zkel.circuits.r1cs import UnsatisfiedConstraint
from zkel.circuits.transition.circuit import Shape, build
from zkel.circuits.transition.layout import TxType

from .model import ORACLE, Model, batch_witness, snapshot

DEPTH = 4
K1, K2 = eddsa.PrivateKey(b"\x01" * 32), eddsa.PrivateKey(b"\x02" * 32)


def _shape(n: int) -> Shape:
    return Shape(n, DEPTH, ORACLE.public_key())


def _funded() -> Model:
    m = Model(depth=DEPTH)
    m.create(3, K1)
    m.create(9, K2)
    m.deposit(3, 5_000_000)
    return m


def _broken_rule(w: dict, n: int) -> str:
    cs = build(_shape(n), w)
    with pytest.raises(UnsatisfiedConstraint) as info:
        cs.check()
    return info.value.name


def test_honest_batch_of_every_type_satisfies_and_matches_the_shape() -> None:
    m = Model(depth=DEPTH)
    snap = snapshot(m)
    m.create(3, K1)
    m.create(9, K2)
    m.deposit(3, 5_000_000)
    m.transfer(K1, 3, 9, 1_000_000)
    m.withdraw(K2, 9, 400_000, 0xABCDEF)
    m.oracle(1, 31_000 * 10**6, 5)
    m.order(K1, 3, 0, 0, 30_000 * 10**6, 10**4)
    m.cancel(K1, 3, 0)
    w = batch_witness(None, snap, m, 7, 8)
    cs = build(_shape(8), w)
    cs.check()
    assert cs.public_values() == [w["old_root"], w["new_root"], w["commitment"]]
    shape_only = build(_shape(8))
    assert shape_only.n_constraints == cs.n_constraints
    assert shape_only.n_variables == cs.n_variables


def _one(m: Model, act) -> tuple[dict, int]:
    snap = snapshot(m)
    act(m)
    return batch_witness(None, snap, m, 1, 1), 1


def test_forged_withdrawal_signature() -> None:
    w, n = _one(_funded(), lambda m: m.withdraw(K2, 3, 1_000, 5))  # K2 signs for account 3
    assert "signature" in _broken_rule(w, n)


def test_replayed_nonce() -> None:
    m = _funded()
    w, n = _one(m, lambda m: m.withdraw(K1, 3, 1_000, 5))
    slot = w["slots"][0]
    slot["tx"]["nonce"] += 1  # a message for another nonce
    assert "nonce" in _broken_rule(w, n)


def test_forged_cancel() -> None:
    m = _funded()
    m.order(K1, 3, 0, 1, 30_000 * 10**6, 10**4)
    w, n = _one(m, lambda m: m.cancel(K2, 3, 0))
    assert "signature" in _broken_rule(w, n)


def test_withdrawal_beyond_collateral() -> None:
    w, n = _one(_funded(), lambda m: m.withdraw(K1, 3, 6_000_000, 5))
    assert "margin" in _broken_rule(w, n)


def test_transfer_to_self_and_beyond_collateral() -> None:
    w, n = _one(_funded(), lambda m: m.transfer(K1, 3, 9, 7_000_000))
    assert "margin" in _broken_rule(w, n)


def test_creation_with_collateral() -> None:
    m = Model(depth=DEPTH)
    w, n = _one(m, lambda m: m.create(5, K1))
    w = copy.deepcopy(w)
    w["slots"][0]["a"]["after"]["collateral"] = 10**6
    assert "zero" in _broken_rule(w, n)


def test_deposit_amount_differs_from_the_leaf() -> None:
    w, n = _one(_funded(), lambda m: m.deposit(9, 1_000))
    w["slots"][0]["tx"]["amount"] = 2_000  # public data and leaf disagree
    assert "collateral" in _broken_rule(w, n)


def test_stale_and_forged_oracle_prices() -> None:
    m = _funded()
    w, n = _one(m, lambda m: m.oracle(0, 29_000 * 10**6, 1))  # not after time 1
    assert "timestamp" in _broken_rule(w, n)
    w, n = _one(_funded(), lambda m: m.oracle(0, 29_000 * 10**6, 9, key=K1))
    assert "signature" in _broken_rule(w, n)


def test_tampered_public_inputs() -> None:
    w, n = _one(_funded(), lambda m: m.deposit(9, 1_000))
    for key, rule in (
        ("commitment", "commitment"),
        ("new_root", "new state"),
        ("old_root", "old state"),
    ):
        bad = copy.deepcopy(w)
        bad[key] = (bad[key] + 1) % R
        assert rule in _broken_rule(bad, n)


def test_type_bits_are_one_hot() -> None:
    w, n = _one(_funded(), lambda m: m.noop())
    w["slots"][0]["type"] = int(TxType.DEPOSIT)  # a deposit slot with no update
    name = _broken_rule(w, n)
    assert name.startswith("slot0/")
