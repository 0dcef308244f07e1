"""Auto-deleveraging in the batch circuit, on witnesses from the native model: a takeover
that leaves the fund with negative equity, then DELEVERAGE steps whose haircuts sum to
the deficit, satisfy it; each way a sequencer could cheat on a deleverage (the fund at
initial margin, a counterparty on the fund's side, a flip of either account, the fund's
position grown, a haircut off the rule, a price other than the oracle's) is caught by
the constraint named for it."""

from __future__ import annotations

import copy

import pytest

from zkel.circuits import eddsa
from zkel.circuits.r1cs import UnsatisfiedConstraint
from zkel.circuits.transition.check import BatchRefused, check
from zkel.circuits.transition.circuit import Shape, build

from .model import ORACLE, Model, batch_witness, health, market, snapshot

DEPTH = 4
OPERATOR = eddsa.PrivateKey(b"\x05" * 32)
K1, K2, K3, K4 = (eddsa.PrivateKey(bytes([i]) * 32) for i in (1, 2, 3, 4))
PRICE = 30_000 * 10**6
CRASH = 20_000 * 10**6
FUND, LONG, SHORT1, SHORT2, OTHER_LONG = 1, 3, 9, 6, 12


def _crashed(fund_deposit: int) -> Model:
    """LONG bought 2e5 base atoms (0.002 BTC) at 30,000 on 5 USD, 1e5 from each of SHORT1
    and SHORT2; OTHER_LONG bought 1e5 from SHORT2 on 50 USD; then the oracle fell to
    20,000 (LONG's equity: -15 USD). No fees but the liquidation fee (1 %)."""
    m = Model(depth=DEPTH)
    m.markets[0] = market(0, liquidation_fee_ppm=10_000)
    for index, key in ((0, OPERATOR), (FUND, OPERATOR), (LONG, K1), (SHORT1, K2), (SHORT2, K3),
                       (OTHER_LONG, K4)):  # fmt: skip
        m.create(index, key)
    m.deposit(FUND, fund_deposit)
    for index, amount in ((LONG, 5_000_000), (SHORT1, 5_000_000), (SHORT2, 10_000_000),
                          (OTHER_LONG, 50_000_000)):  # fmt: skip
        m.deposit(index, amount)
    buy = m.order(K1, LONG, 0, 0, PRICE, 2 * 10**5)
    m.fill(buy, m.order(K2, SHORT1, 0, 1, PRICE, 10**5), 10**5)
    m.fill(buy, m.order(K3, SHORT2, 0, 1, PRICE, 10**5), 10**5)
    m.fill(m.order(K4, OTHER_LONG, 0, 0, PRICE, 10**5), m.order(K3, SHORT2, 0, 1, PRICE, 10**5),
           10**5)  # fmt: skip
    m.oracle(0, CRASH, 9)
    return m


def _check(m: Model, snap: dict, n: int) -> None:
    w = batch_witness(None, snap, m, 2, n)
    build(Shape(n, DEPTH, ORACLE.public_key()), w).check()


def _broken(m: Model, snap: dict, n: int = 1) -> str:
    w = batch_witness(None, snap, m, 2, n)
    with pytest.raises(UnsatisfiedConstraint) as info:
        build(Shape(n, DEPTH, ORACLE.public_key()), w).check()
    return info.value.name


@pytest.fixture(scope="module")
def insolvent() -> Model:
    """The fund (1 USD) after the takeover: long 2e5 at 20,000, equity -14 USD."""
    m = _crashed(1_000_000)
    equity, _, maintenance = health(m.accounts[LONG], m.markets)
    assert equity == -15_000_000 and equity < maintenance
    m.liquidate(LONG)
    assert health(m.accounts[FUND], m.markets)[0] == -14_000_000
    return m


def _fresh(insolvent: Model) -> Model:
    return copy.deepcopy(insolvent)


def test_takeover_into_negative_equity_then_haircuts_that_sum_to_the_deficit() -> None:
    m = _crashed(1_000_000)
    snap = snapshot(m)
    m.liquidate(LONG)  # the fund pays the whole 15 USD deficit: equity -14 USD
    first = m.deleverage(SHORT1, 0, 10**5)
    second = m.deleverage(SHORT2, 0, 10**5)
    assert (first["tx"]["haircut"], second["tx"]["haircut"]) == (7_000_000, 7_000_000)
    assert health(m.accounts[FUND], m.markets)[0] == 0
    assert m.accounts[FUND]["positions"][0][0] == 0
    assert m.markets[0]["open_interest"] == 10**5  # OTHER_LONG's
    _check(m, snap, 3)


def test_deleverage_of_a_fund_below_initial_with_no_deficit() -> None:
    m = _crashed(20_000_000)  # 20 USD: equity 5 USD after the takeover, initial 4 USD
    m.liquidate(LONG)
    m.oracle(0, CRASH - 10**9, 10)  # 19,000: equity 3 USD against 3.80 USD of initial
    snap = snapshot(m)
    step = m.deleverage(SHORT2, 0, 10**5)
    assert step["tx"]["haircut"] == 0
    _check(m, snap, 1)


def test_deleverage_while_the_fund_meets_initial_margin() -> None:
    m = _crashed(50_000_000)  # 50 USD: the fund still meets initial after the takeover
    m.liquidate(LONG)
    equity, initial, _ = health(m.accounts[FUND], m.markets)
    assert equity >= initial
    snap = snapshot(m)
    m.deleverage(SHORT1, 0, 10**5)
    assert "deleveraged fund is below initial margin" in _broken(m, snap)


def test_counterparty_on_the_funds_side(insolvent) -> None:
    m = _fresh(insolvent)
    snap = snapshot(m)
    m.deleverage(OTHER_LONG, 0, 10**5)  # a long, like the fund
    assert "B holds a position opposite A's" in _broken(m, snap)


def test_flip_of_the_counterparty(insolvent) -> None:
    m = _fresh(insolvent)
    snap = snapshot(m)
    m.deleverage(SHORT1, 0, 2 * 10**5)  # SHORT1 is short 1e5 only: it would end long
    assert "no flip: size at most B's position" in _broken(m, snap)


def test_flip_of_the_fund_is_refused_naming_record_and_rule(insolvent) -> None:
    m = _fresh(insolvent)
    snap = snapshot(m)
    m.deleverage(SHORT2, 0, 3 * 10**5)  # the fund is long 2e5 only: it would end short
    w = batch_witness(None, snap, m, 2, 1)
    w["records"] = [{"seq": 77, "kind": "deleverage"}]
    with pytest.raises(BatchRefused) as info:
        check(Shape(1, DEPTH, ORACLE.public_key()), w)
    assert str(info.value).startswith("slot 0 (record 77, deleverage) breaks the rule: ")
    assert info.value.rule.startswith("deleverage/no flip: size at most A's position")


def test_the_funds_position_grown(insolvent) -> None:
    m = _fresh(insolvent)
    snap = snapshot(m)
    m.deleverage(OTHER_LONG, 0, -(10**5))  # the fund buys more from a long
    assert "A's position is on the side the step closes" in _broken(m, snap)


@pytest.mark.parametrize(
    "cut, rule",
    [(7_000_001, "rounded up"), (6_999_999, "covers the pro-rata deficit"), (0, "covers")],
)
def test_haircut_off_the_rule(insolvent, cut: int, rule: str) -> None:
    m = _fresh(insolvent)
    snap = snapshot(m)
    m.deleverage(SHORT1, 0, 10**5, haircut=cut)  # the rule: ceil(14 USD · 20 / 40) = 7 USD
    assert rule in _broken(m, snap)


def test_deleverage_away_from_the_oracle_price(insolvent) -> None:
    m = _fresh(insolvent)
    snap = snapshot(m)
    m.markets[0]["oracle_price"] -= 10**8  # the model trades at 19,900 ...
    m.deleverage(SHORT1, 0, 10**5)
    m.markets[0]["oracle_price"] += 10**8  # ... while the market says 20,000
    assert "at the market's oracle price" in _broken(m, snap)


@pytest.mark.slow
def test_deleverage_with_haircut_proves_and_verifies(insolvent) -> None:
    """A real Groth16 proof of a one-slot DELEVERAGE batch (setup and proof: minutes)."""
    from zkel.circuits import groth16
    from zkel.host.accel import kernels

    m = _fresh(insolvent)
    snap = snapshot(m)
    assert m.deleverage(SHORT1, 0, 10**5)["tx"]["haircut"] == 7_000_000
    w = batch_witness(None, snap, m, 2, 1)
    cs = build(Shape(1, DEPTH, ORACLE.public_key()), w)
    zkey = groth16.setup(cs.to_r1cs())
    result = groth16.prove(groth16.ProvingKey.from_zkey(zkey), cs.witness(), kernels("cpu"))
    vk = groth16.VerifyingKey.from_zkey(zkey)
    assert list(result.public) == [w["old_root"], w["new_root"], w["commitment"]]
    assert groth16.verify(vk, result.public, result.proof)
    forged = list(result.public)
    forged[1] = (forged[1] + 1) % (1 << 250)  # another new root
    assert not groth16.verify(vk, forged, result.proof)
