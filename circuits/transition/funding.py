"""The funding tick in R1CS, the rule of ``zkel.host.exchange.funding.tick`` per market::

    mark        = mark_price if mark_price != 0 else oracle_price
    premium_ppm = floor((mark - oracle) · 10^6 / oracle)
    rate_ppm    = clamp(floor(premium_ppm / damping), -cap, +cap)   (0 when oracle = 0)
    per_lot     = floor(oracle · lot_size / 10^8)
    delta       = sign(rate) · floor(per_lot · |rate| / 10^6)
    funding_index += delta;  mark_price := oracle_price

Signed values are field elements ``x mod r``; the market fields are u64 (the index
signed 64-bit). About 800 constraints per market.
"""

from __future__ import annotations

from zkel.circuits.bn254 import R
from zkel.circuits.gadgets.bits import div_rem, is_zero, less_than, range_check, select, to_bits
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.transition.layout import PPM, SIZE_SCALE
from zkel.circuits.transition.state import MarketWires

PREMIUM_BITS = 88
"""Signed width of the premium and the rate: |mark - oracle|·10^6 < 2^84."""


def _signed(v: int) -> int:
    return v - R if v > R // 2 else v


def floor_div_signed(cs: ConstraintSystem, n: LC, d: LC, q_bits: int, name: str) -> LC:
    """``floor(n / d)`` for a signed ``n`` (|n / d| < 2^(q_bits-1)) and ``1 <= d < 2^64``."""
    q = cs.hint(f"{name}.q", lambda: _signed(n.value) // d.value % R if d.value else 0)
    rem = n - cs.mul(q, d, f"{name}.q·d")
    range_check(cs, rem, 64, f"{name}.rem >= 0")
    range_check(cs, d - 1 - rem, 64, f"{name}.rem < d")
    to_bits(cs, q + (1 << (q_bits - 1)), q_bits, f"{name}.q range")
    return q


def tick(cs: ConstraintSystem, market: MarketWires, on: LC, name: str) -> MarketWires:
    """``market`` after a funding tick when ``on`` (a bit) is 1, else unchanged."""
    with cs.scope(name):
        oracle, mark = market["oracle_price"], market["mark_price"]
        oracle_zero = is_zero(cs, oracle, "oracle=0")
        mark = select(cs, is_zero(cs, mark, "mark=0"), oracle, mark, "mark or oracle")
        divisor = oracle + oracle_zero
        premium = floor_div_signed(cs, (mark - oracle) * PPM, divisor, PREMIUM_BITS, "premium")
        damping = market["funding_damping"]
        damping = damping + is_zero(cs, damping, "damping=0")  # 0 only in an absent market
        rate = floor_div_signed(cs, premium, damping, PREMIUM_BITS, "rate")
        cap = market["funding_cap_ppm"]
        shift = 1 << (PREMIUM_BITS - 1)
        above = less_than(cs, cap + shift, rate + shift, PREMIUM_BITS, "rate > cap")
        below = less_than(cs, rate + shift, shift - cap, PREMIUM_BITS, "rate < -cap")
        rate = select(cs, above, cap, rate, "clamp high")
        rate = select(cs, below, cs.constant(0) - cap, rate, "clamp low")
        rate = rate - cs.mul(oracle_zero, rate, "no oracle, no rate")
        sign_bits = to_bits(cs, rate + (1 << 20), 21, "rate range")
        nonneg = sign_bits[-1]
        magnitude_rate = cs.mul(rate, nonneg * 2 - 1, "|rate|")
        per_lot, _ = div_rem(cs, cs.mul(oracle, market["lot_size"], "oracle·lot"), SIZE_SCALE,
                             104, "per lot")  # fmt: skip
        magnitude, _ = div_rem(cs, cs.mul(per_lot, magnitude_rate, "per_lot·|rate|"), PPM,
                               104, "magnitude")  # fmt: skip
        delta = cs.mul(magnitude, nonneg * 2 - 1, "delta")
        fields = dict(market.fields)
        fields["funding_index"] = market["funding_index"] + cs.mul(on, delta, "index step")
        fields["mark_price"] = market["mark_price"] + cs.mul(
            on, oracle - market["mark_price"], "mark reset"
        )
        to_bits(cs, fields["funding_index"] + (1 << 63), 64, "index in range")
    return MarketWires(fields, market.exists)
