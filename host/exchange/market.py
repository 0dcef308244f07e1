"""Markets: static parameters and the per-market state (oracle, funding index, interest,
fee pool)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from zkel.host.exchange.errors import InvalidRequest, OffLot, OffTick
from zkel.host.exchange.scales import PPM, SIZE_SCALE, check_amount


@dataclass(frozen=True)
class Market:
    """One perpetual market; immutable, transitions return a new one.

    Parameters
    ----------
    market_id : int
        Slot ``0 .. MARKETS_PER_ACCOUNT - 1``; also the position slot in every leaf.
    symbol : str
        Display name (``"BTC-USD"``); not part of any hash.
    tick_size : int
        Price increment, quote atoms per whole base unit.
    lot_size : int
        Size increment, base atoms. ``lot_size * tick_size % SIZE_SCALE == 0``.
    initial_margin_ppm, maintenance_margin_ppm : int
        Margin fractions of the notional at the oracle price, ppm
        (``0 < maintenance < initial <= 10**6``).
    liquidation_fee_ppm : int
        Fraction of a liquidated notional paid to the insurance fund, ppm.
    maker_fee_ppm, taker_fee_ppm : int
        Trading fees on the fill notional, ppm (rounded up), paid into ``fees``.
    funding_cap_ppm : int
        Largest funding rate per funding tick, ppm of the oracle price.
    funding_damping : int
        The premium ``(mark - oracle) / oracle`` is divided by this to give the rate.
    oracle_price : int
        Last signed oracle price (quote atoms per base unit, on tick).
    oracle_time : int
        Timestamp (seconds) of that oracle message; a new one must be later.
    mark_price : int
        Price of the last trade, or the oracle price when there was none since the
        last funding tick.
    funding_index : int
        Cumulative funding, signed quote atoms per lot.
    open_interest : int
        Sum of the long position sizes, base atoms.
    fees : int
        The market's fee pool: trading fees of its fills not yet collected, quote
        atoms (u64). ``Exchange.collect_fees`` moves it to the fee account.
    """

    market_id: int
    symbol: str
    tick_size: int
    lot_size: int
    initial_margin_ppm: int
    maintenance_margin_ppm: int
    liquidation_fee_ppm: int = 5_000
    maker_fee_ppm: int = 200
    taker_fee_ppm: int = 500
    funding_cap_ppm: int = 1_000
    funding_damping: int = 8
    oracle_price: int = 0
    oracle_time: int = 0
    mark_price: int = 0
    funding_index: int = 0
    open_interest: int = 0
    fees: int = 0

    def __post_init__(self) -> None:
        check_amount("tick_size", self.tick_size, positive=True)
        check_amount("lot_size", self.lot_size, positive=True)
        if (self.lot_size * self.tick_size) % SIZE_SCALE:
            raise InvalidRequest(
                f"market {self.symbol}: lot_size * tick_size must be a multiple of {SIZE_SCALE}"
            )
        if not 0 < self.maintenance_margin_ppm < self.initial_margin_ppm <= PPM:
            raise InvalidRequest(
                f"market {self.symbol}: need 0 < maintenance_margin_ppm < initial_margin_ppm <= 1e6"
            )
        for name in ("liquidation_fee_ppm", "maker_fee_ppm", "taker_fee_ppm", "funding_cap_ppm"):
            if not 0 <= getattr(self, name) < PPM:
                raise InvalidRequest(f"market {self.symbol}: {name} must lie in [0, 1e6)")
        if self.funding_damping < 1:
            raise InvalidRequest(f"market {self.symbol}: funding_damping must be >= 1")
        if self.oracle_price:
            self.check_price(self.oracle_price)
        check_amount("fees", self.fees)

    def check_price(self, price: int) -> int:
        """Return ``price`` if it is positive, in range and on tick, else raise."""
        check_amount("price", price, positive=True)
        if price % self.tick_size:
            raise OffTick(f"price {price} is not a multiple of tick {self.tick_size}")
        return price

    def check_size(self, size: int) -> int:
        """Return ``size`` (base atoms, unsigned) if positive, in range and on lot, else raise."""
        check_amount("size", size, positive=True)
        if size % self.lot_size:
            raise OffLot(f"size {size} is not a multiple of lot {self.lot_size}")
        return size

    def lots(self, size: int) -> int:
        """Signed number of lots in a signed, on-lot size."""
        return size // self.lot_size

    def with_oracle(self, price: int, timestamp: int) -> Market:
        """This market after a new oracle price (checked on tick)."""
        self.check_price(price)
        return replace(self, oracle_price=price, oracle_time=timestamp)

    def to_dict(self) -> dict[str, int | str]:
        """All fields, JSON-ready."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> Market:  # noqa: D102
        return cls(**data)
