"""Margin in R1CS: an account's equity and initial requirement at the oracle prices.

The rule of ``zkel.host.exchange.margin.health`` (quote atoms; sizes in base atoms,
prices in quote atoms per ``SIZE_SCALE`` base atoms, fractions in ppm)::

    equity  = collateral + Σ_m (size_m·price_m / SIZE_SCALE
                                - (size_m / lot_m)·(findex_market_m - findex_m))
    initial = Σ_m ceil(|size_m·price_m / SIZE_SCALE| · imr_m / 10^6)

Divisions by ``SIZE_SCALE`` and by the lot are exact for on-lot sizes and on-tick
prices; the circuit multiplies by the inverse and range-checks the quotient, so a
size off the lot cannot pass. The exchange's own check for withdrawals and
transfers also reserves margin for resting orders (which are not in the state);
the circuit enforces the state rule, which every engine-accepted request meets.
About 1,300 constraints for four markets, plus 111 for the final check.
"""

from __future__ import annotations

from zkel.circuits.bn254 import R
from zkel.circuits.gadgets.bits import div_rem, range_check, to_bits
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.transition.layout import PPM, SIZE_SCALE
from zkel.circuits.transition.state import AccountWires, MarketWires

NOTIONAL_BITS = 104
"""Signed width of a notional: |size·price / 10^8| < 2^63·2^64 / 2^26.5 < 2^103."""
MARGIN_BITS = 110
_INV_SCALE = pow(SIZE_SCALE, -1, R)


def _signed(v: int) -> int:
    return v - R if v > R // 2 else v


def equity_and_initial(
    cs: ConstraintSystem, account: AccountWires, markets: list[MarketWires], name: str
) -> tuple[LC, LC]:
    """``(equity, initial requirement)`` of ``account`` (signed field elements)."""
    equity = account.collateral
    initial = cs.constant(0)
    with cs.scope(name):
        for m, ((size, findex), market) in enumerate(zip(account.positions, markets, strict=True)):
            product = cs.mul(size, market["oracle_price"], f"m{m}.size·price")
            notional = product * _INV_SCALE
            bits = to_bits(
                cs, notional + (1 << (NOTIONAL_BITS - 1)), NOTIONAL_BITS, f"m{m}.notional"
            )
            nonneg = bits[-1]
            magnitude = cs.mul(notional, nonneg * 2 - 1, f"m{m}.|notional|")
            weighted = cs.mul(magnitude, market["initial_margin_ppm"], f"m{m}.|n|·imr")
            req, _ = div_rem(cs, weighted + (PPM - 1), PPM, NOTIONAL_BITS, f"m{m}.ceil")
            lots = cs.hint(
                f"m{m}.lots",
                lambda size=size, market=market: (
                    _signed(size.value) // market["lot_size"].value % R
                    if market["lot_size"].value
                    else 0
                ),
            )
            cs.enforce(lots, market["lot_size"], size, f"m{m}: lots·lot = size")
            to_bits(cs, lots + (1 << 63), 64, f"m{m}.lots range")
            owed = cs.mul(lots, market["funding_index"] - findex, f"m{m}.funding owed")
            equity = equity + notional - owed
            initial = initial + req
    return equity, initial


def assert_meets_initial(
    cs: ConstraintSystem,
    account: AccountWires,
    markets: list[MarketWires],
    enabled: LC,
    name: str = "margin",
) -> None:
    """When ``enabled`` (a bit) is 1: ``equity >= initial requirement``."""
    equity, initial = equity_and_initial(cs, account, markets, name)
    with cs.scope(name):
        gated = cs.mul(enabled, equity - initial, "enabled·(equity - initial)")
        range_check(cs, gated, MARGIN_BITS, "equity >= initial")
