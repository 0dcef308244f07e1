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
About 1,300 constraints for four markets (about 1,800 with the maintenance
requirement); the comparisons (``MARGIN_BITS`` range checks) are the slot's.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkel.circuits.bn254 import R
from zkel.circuits.gadgets.bits import div_rem, to_bits
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.transition.layout import PPM, SIZE_SCALE
from zkel.circuits.transition.state import AccountWires, MarketWires

NOTIONAL_BITS = 104
"""Signed width of a notional: |size·price / 10^8| < 2^63·2^64 / 2^26.5 < 2^103."""
MARGIN_BITS = 110
_INV_SCALE = pow(SIZE_SCALE, -1, R)


def _signed(v: int) -> int:
    return v - R if v > R // 2 else v


@dataclass
class Margin:
    """An account's margin figures (signed field elements, quote atoms) and per-market parts.

    ``notionals[m]`` is ``size·price / SIZE_SCALE`` (signed), ``magnitudes[m]`` its
    absolute value, ``owed`` the unsettled funding ``Σ lots·(findex_market - findex)``,
    ``longs[m]`` is ``max(size_m, 0)`` (base atoms; what open interest counts).
    ``maintenance`` is None unless asked for.
    """

    equity: LC
    initial: LC
    maintenance: LC | None
    owed: LC
    notionals: list[LC]
    magnitudes: list[LC]
    longs: list[LC]


def _lots(cs: ConstraintSystem, size: LC, market: MarketWires, name: str) -> tuple[LC, LC]:
    """``(size / lot, max(size, 0))``: the exact quotient (64-bit signed) and the long part."""
    lots = cs.hint(
        f"{name}.lots",
        lambda: (
            _signed(size.value) // market["lot_size"].value % R if market["lot_size"].value else 0
        ),
    )
    cs.enforce(lots, market["lot_size"], size, f"{name}: lots·lot = size")
    bits = to_bits(cs, lots + (1 << 63), 64, f"{name}.lots range")
    return lots, cs.mul(bits[-1], size, f"{name}.long")


def funding_owed(
    cs: ConstraintSystem, account: AccountWires, markets: list[MarketWires], name: str
) -> tuple[LC, list[LC]]:
    """``(unsettled funding owed, longs per market)`` of ``account`` (about 68 per market)."""
    owed = cs.constant(0)
    longs = []
    with cs.scope(name):
        for m, ((size, findex), market) in enumerate(zip(account.positions, markets, strict=True)):
            lots, long = _lots(cs, size, market, f"m{m}")
            owed = owed + cs.mul(lots, market["funding_index"] - findex, f"m{m}.owed")
            longs.append(long)
    return owed, longs


def margin(
    cs: ConstraintSystem,
    account: AccountWires,
    markets: list[MarketWires],
    name: str,
    *,
    maintenance: bool = False,
) -> Margin:
    """Equity, initial (and maintenance) requirement of ``account`` at the oracle prices."""
    equity = account.collateral
    initial = cs.constant(0)
    maint = cs.constant(0)
    owed = cs.constant(0)
    notionals, magnitudes, longs = [], [], []
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
            if maintenance:
                weighted = cs.mul(magnitude, market["maintenance_margin_ppm"], f"m{m}.|n|·mmr")
                mreq, _ = div_rem(cs, weighted + (PPM - 1), PPM, NOTIONAL_BITS, f"m{m}.mceil")
                maint = maint + mreq
            lots, long = _lots(cs, size, market, f"m{m}")
            owed_m = cs.mul(lots, market["funding_index"] - findex, f"m{m}.funding owed")
            equity = equity + notional - owed_m
            owed = owed + owed_m
            initial = initial + req
            notionals.append(notional)
            magnitudes.append(magnitude)
            longs.append(long)
    return Margin(
        equity, initial, maint if maintenance else None, owed, notionals, magnitudes, longs
    )
