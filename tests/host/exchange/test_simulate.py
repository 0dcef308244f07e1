"""The randomized market with a crash: invariants hold after every step (the
simulation's checker raises otherwise), and liquidations by takeover are followed by
deleverage steps where they leave the fund below initial margin."""

import pytest

from zkel.host.exchange.simulate import price_path_factor, simulate, tree_depth


def test_price_path_has_a_crash():
    factors = [price_path_factor(s, 1000) for s in range(1000)]
    assert min(factors) < 0.7 * max(factors)


def test_tree_depth_is_even_and_fits():
    for accounts in (2, 10_000, 40_000, 300_000):
        depth = tree_depth(accounts)
        assert depth % 2 == 0 and 16 <= depth <= 32 and accounts + 2 <= 2**depth


def test_small_market_with_crash():
    r = simulate(accounts=300, orders=2000, seed=1)
    assert r.trades > 1000 and r.orders_rejected < r.orders_accepted
    assert r.liquidations_takeover == r.liquidations > 0 and r.liquidations_adl > 0
    assert r.deleverage_steps >= r.liquidations_adl
    assert r.rejections_checked > 0 and r.invariant_checks > r.orders
    assert r.root_verified and r.batches > 0
    assert r.fee_collections > 0 and r.fee_account > 0


@pytest.mark.slow
def test_ten_thousand_accounts_twenty_thousand_orders():
    r = simulate(accounts=10_000, orders=20_000, seed=0)
    assert r.orders_accepted + r.orders_rejected == 20_000
    assert r.liquidations > 0 and r.root_verified
