"""Signed messages: orders and cancels, their Poseidon hashes and EdDSA signing helpers.

Every signed message is hashed as ``poseidon([tag, field, field, ...])`` with a
domain tag first (``Tag``), all fields canonical field elements (unsigned ints
below ``2**64``), and signed with EdDSA-Poseidon on Baby Jubjub over that hash.
The order hash is also the order's id in the book.

Order layout (8 inputs): ``[Tag.ORDER, account, market, side, price, size, expiry, nonce]``
with ``side`` 0 for buy, 1 for sell; ``price`` in quote atoms per base unit,
``size`` in base atoms, ``expiry`` in seconds of the exchange clock.
Cancel layout (4 inputs): ``[Tag.CANCEL, account, order_hash, nonce]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from zkel.circuits.eddsa import PrivateKey, verify_poseidon
from zkel.circuits.poseidon import poseidon
from zkel.circuits.transition.layout import Tag  # one definition, shared with the circuit
from zkel.host.exchange.errors import BadSignature, InvalidRequest
from zkel.host.exchange.scales import check_amount


class Side(IntEnum):
    """Order side as hashed: 0 buy (goes long), 1 sell (goes short)."""

    BUY = 0
    SELL = 1


@dataclass(frozen=True)
class Signature:
    """EdDSA-Poseidon signature: the point ``R8 = (r8x, r8y)`` and the scalar ``s``."""

    r8x: int
    r8y: int
    s: int

    def to_list(self) -> list[str]:
        """``[r8x, r8y, s]`` as decimal strings (JSON)."""
        return [str(self.r8x), str(self.r8y), str(self.s)]

    @classmethod
    def from_seq(cls, values: list | tuple) -> Signature:
        """From ``(r8x, r8y, s)`` ints or decimal strings."""
        if len(values) != 3:
            raise InvalidRequest("a signature has three parts (r8x, r8y, s)")
        return cls(*(int(v) for v in values))


def check_signature(pubkey: tuple[int, int], message: int, sig: Signature, what: str) -> None:
    """Raise :class:`BadSignature` naming ``what`` unless ``sig`` signs ``message``."""
    if not verify_poseidon(pubkey, message, (sig.r8x, sig.r8y, sig.s)):
        raise BadSignature(f"bad signature on {what}")


def sign(key: PrivateKey, message: int) -> Signature:
    """Sign a message hash (a field element) with ``key``."""
    return Signature(*key.sign_poseidon(message))


@dataclass(frozen=True)
class Order:
    """A limit order as signed; ``price`` quote atoms per base unit, ``size`` base atoms."""

    account: int
    market: int
    side: Side
    price: int
    size: int
    expiry: int
    nonce: int

    def __post_init__(self) -> None:
        for name in ("account", "market", "price", "size", "expiry", "nonce"):
            check_amount(name, getattr(self, name))
        object.__setattr__(self, "side", Side(self.side))

    def fields(self) -> list[int]:
        """The Poseidon inputs, tag first."""
        return [
            Tag.ORDER,
            self.account,
            self.market,
            int(self.side),
            self.price,
            self.size,
            self.expiry,
            self.nonce,
        ]

    def hash(self) -> int:
        """The message hash that is signed; also the order id (computed once per object,
        from the object's own immutable fields, never taken from outside)."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = self.__dict__["_hash"] = poseidon(self.fields())
        return cached

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        return {
            "account": self.account,
            "market": self.market,
            "side": int(self.side),
            "price": self.price,
            "size": self.size,
            "expiry": self.expiry,
            "nonce": self.nonce,
        }


@dataclass(frozen=True)
class SignedOrder:
    """An order with its signature; ``order_hash`` is cached at construction."""

    order: Order
    signature: Signature
    order_hash: int = 0

    def __post_init__(self) -> None:
        if not self.order_hash:
            object.__setattr__(self, "order_hash", self.order.hash())


@dataclass(frozen=True)
class Cancel:
    """A signed request to remove a resting order."""

    account: int
    order_hash: int
    nonce: int

    def fields(self) -> list[int]:
        """The Poseidon inputs, tag first."""
        return [Tag.CANCEL, self.account, self.order_hash, self.nonce]

    def hash(self) -> int:
        """The message hash that is signed."""
        return poseidon(self.fields())


def sign_order(key: PrivateKey, order: Order) -> SignedOrder:
    """Hash and sign ``order``."""
    order_hash = order.hash()
    return SignedOrder(order, sign(key, order_hash), order_hash)


def sign_cancel(key: PrivateKey, cancel: Cancel) -> tuple[Cancel, Signature]:
    """Hash and sign ``cancel``."""
    return cancel, sign(key, cancel.hash())
