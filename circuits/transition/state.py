"""Wires of the state the circuit carries: account leaves and the markets.

An :class:`AccountWires` is one account's leaf contents (``exists`` a bit;
when 0 the leaf is the empty leaf 0 and the fields are constrained to zero by
whoever needs them). :class:`MarketWires` are the 15 market fields of
:data:`~zkel.circuits.transition.layout.MARKET_FIELDS`; the batch carries them
from slot to slot and hashes them only at the batch's ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkel.circuits.gadgets.poseidon import poseidon
from zkel.circuits.r1cs import LC, ConstraintSystem
from zkel.circuits.transition.layout import MARKET_FIELDS, MARKETS, ORDER_SLOTS


@dataclass
class AccountWires:
    """Leaf fields: ``exists`` (bit), ``pubkey`` (x, y), ``collateral`` (signed, mod r),
    ``nonce``, ``positions``: M pairs ``(size, funding_index)`` (signed, mod r), and
    ``orders``: K pairs ``(order_hash, remaining)`` (the open-order table)."""

    exists: LC
    pubkey: tuple[LC, LC]
    collateral: LC
    nonce: LC
    positions: list[tuple[LC, LC]]
    orders: list[tuple[LC, LC]]

    @classmethod
    def alloc(cls, cs: ConstraintSystem, name: str, values: dict | None) -> AccountWires:
        """Private inputs from ``values`` (``{"exists", "pubkey", "collateral", "nonce",
        "positions", "orders"}``, canonical ints) or shape-only when ``values`` is None."""

        def get(key: str, *path: int) -> int | None:
            if values is None:
                return None
            v = values[key]
            for p in path:
                v = v[p]
            return v

        return cls(
            cs.private_input(f"{name}.exists", get("exists")),
            (
                cs.private_input(f"{name}.pubx", get("pubkey", 0)),
                cs.private_input(f"{name}.puby", get("pubkey", 1)),
            ),
            cs.private_input(f"{name}.collateral", get("collateral")),
            cs.private_input(f"{name}.nonce", get("nonce")),
            [
                (
                    cs.private_input(f"{name}.size{m}", get("positions", m, 0)),
                    cs.private_input(f"{name}.findex{m}", get("positions", m, 1)),
                )
                for m in range(MARKETS)
            ],
            [
                (
                    cs.private_input(f"{name}.order{j}", get("orders", j, 0)),
                    cs.private_input(f"{name}.remaining{j}", get("orders", j, 1)),
                )
                for j in range(ORDER_SLOTS)
            ],
        )

    def leaf(self, cs: ConstraintSystem, name: str) -> LC:
        """``exists · poseidon([pubx, puby, collateral, nonce, positions_hash, orders_hash])``."""
        with cs.scope(name):
            flat = [v for pair in self.positions for v in pair]
            positions_hash = poseidon(cs, flat, "positions")
            orders_hash = poseidon(cs, [v for pair in self.orders for v in pair], "orders")
            body = poseidon(
                cs,
                [*self.pubkey, self.collateral, self.nonce, positions_hash, orders_hash],
                "leaf",
            )
            return cs.mul(self.exists, body, "exists·leaf")


@dataclass
class MarketWires:
    """One market's 15 leaf fields (by name) and whether the market exists (a constant
    of the batch: markets are listed at genesis)."""

    fields: dict[str, LC]
    exists: LC

    @classmethod
    def alloc(cls, cs: ConstraintSystem, name: str, values: dict | None) -> MarketWires:
        """Private inputs from ``values`` (``{"exists", field: int, ...}``) or shape only."""
        fields = {
            f: cs.private_input(f"{name}.{f}", None if values is None else values[f])
            for f in MARKET_FIELDS
        }
        exists = cs.private_input(f"{name}.exists", None if values is None else values["exists"])
        cs.enforce(exists, exists - 1, 0, f"{name}.exists is a bit")
        return cls(fields, exists)

    def __getitem__(self, key: str) -> LC:
        return self.fields[key]

    def leaf(self, cs: ConstraintSystem, name: str) -> LC:
        with cs.scope(name):
            body = poseidon(cs, [self.fields[f] for f in MARKET_FIELDS], "leaf")
            return cs.mul(self.exists, body, "exists·leaf")


def markets_root(cs: ConstraintSystem, markets: list[MarketWires], name: str) -> LC:
    """``poseidon([leaf_0, ..., leaf_{M-1}])``."""
    with cs.scope(name):
        return poseidon(cs, [m.leaf(cs, f"m{i}") for i, m in enumerate(markets)], "root")
