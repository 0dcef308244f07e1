"""Transaction types: signed messages for withdrawals, transfers and oracle prices, the
pure transitions of the simple transactions, and the named results the engine returns.

Message layouts (Poseidon inputs, tag first; see :mod:`zkel.host.exchange.orders`)::

    withdrawal: [Tag.WITHDRAW, account, amount, nonce, recipient]
    transfer:   [Tag.TRANSFER, sender, recipient, amount, nonce]
    oracle:     [Tag.ORACLE, market, price, timestamp]        (signed by the oracle key)

Amounts are quote atoms in ``(0, 2**64)``, prices quote atoms per base unit; a
withdrawal's ``recipient`` is the 160-bit L1 address paid, as an unsigned int
(the big-endian value of its 20 bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from zkel.circuits.eddsa import PrivateKey
from zkel.circuits.poseidon import poseidon
from zkel.host.exchange.account import Account
from zkel.host.exchange.deleverage import DeleverageResult
from zkel.host.exchange.errors import InsufficientMargin, InvalidRequest, OutOfRange
from zkel.host.exchange.liquidation import LiquidationResult
from zkel.host.exchange.orders import Signature, Tag, sign
from zkel.host.exchange.scales import check_amount, check_signed
from zkel.host.exchange.trade import Fill

ADDRESS_BYTES = 20
ADDRESS_LIMIT = 1 << (8 * ADDRESS_BYTES)


def check_address(name: str, value: int | bytes) -> int:
    """A 160-bit L1 address as an int in ``[0, 2**160)``; ``bytes`` of length 20 are read
    big-endian. Raises :class:`OutOfRange` (bad int) or :class:`InvalidRequest` (bad type)."""
    if isinstance(value, bytes | bytearray):
        if len(value) != ADDRESS_BYTES:
            raise InvalidRequest(f"{name} must be {ADDRESS_BYTES} bytes, not {len(value)}")
        return int.from_bytes(value, "big")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidRequest(
            f"{name} must be an int or {ADDRESS_BYTES} bytes, not {type(value).__name__}"
        )
    if not 0 <= value < ADDRESS_LIMIT:
        raise OutOfRange(f"{name} {value} out of range [0, 2**160)")
    return value


@dataclass(frozen=True)
class Withdrawal:
    """Move ``amount`` quote atoms out of ``account`` to the L1 address ``recipient``.

    ``recipient`` is an int in ``[0, 2**160)`` or its 20 bytes (big-endian; stored
    as the int).
    """

    account: int
    amount: int
    nonce: int
    recipient: int

    def __post_init__(self) -> None:
        check_amount("account", self.account)
        check_amount("withdrawal amount", self.amount, positive=True)
        check_amount("nonce", self.nonce)
        object.__setattr__(self, "recipient", check_address("recipient", self.recipient))

    @property
    def recipient_bytes(self) -> bytes:
        """The recipient address as 20 bytes, big-endian."""
        return self.recipient.to_bytes(ADDRESS_BYTES, "big")

    def hash(self) -> int:
        """``poseidon([Tag.WITHDRAW, account, amount, nonce, recipient])``."""
        return poseidon([Tag.WITHDRAW, self.account, self.amount, self.nonce, self.recipient])


@dataclass(frozen=True)
class Transfer:
    """Move ``amount`` quote atoms from ``sender`` to ``recipient`` (signed by the sender)."""

    sender: int
    recipient: int
    amount: int
    nonce: int

    def __post_init__(self) -> None:
        check_amount("sender", self.sender)
        check_amount("recipient", self.recipient)
        check_amount("transfer amount", self.amount, positive=True)
        check_amount("nonce", self.nonce)
        if self.sender == self.recipient:
            raise InvalidRequest(f"transfer from account {self.sender} to itself")

    def hash(self) -> int:
        return poseidon([Tag.TRANSFER, self.sender, self.recipient, self.amount, self.nonce])


@dataclass(frozen=True)
class OraclePrice:
    """An oracle price for ``market`` at ``timestamp`` (seconds); signed by the oracle key."""

    market: int
    price: int
    timestamp: int

    def __post_init__(self) -> None:
        check_amount("market", self.market)
        check_amount("oracle price", self.price, positive=True)
        check_amount("timestamp", self.timestamp)

    def hash(self) -> int:
        return poseidon([Tag.ORACLE, self.market, self.price, self.timestamp])


def sign_message(key: PrivateKey, message: Withdrawal | Transfer | OraclePrice) -> Signature:
    """Sign a withdrawal, transfer or oracle message with ``key``."""
    return sign(key, message.hash())


# -- pure transitions -------------------------------------------------------------------


def deposit(account: Account, amount: int) -> Account:
    """``account`` after a deposit of ``amount`` quote atoms (range-checked)."""
    check_amount("deposit amount", amount, positive=True)
    return replace(account, collateral=check_signed("collateral", account.collateral + amount))


def withdraw(account: Account, amount: int, free: int) -> Account:
    """``account`` after withdrawing ``amount``, given its free collateral ``free``."""
    if amount > free:
        raise InsufficientMargin(
            f"withdrawal of {amount} exceeds free collateral {max(free, 0)} of account "
            f"{account.index}"
        )
    return replace(account, collateral=account.collateral - amount, nonce=account.nonce + 1)


def transfer(
    sender: Account, recipient: Account, amount: int, free: int
) -> tuple[Account, Account]:
    """Both accounts after a transfer, given the sender's free collateral ``free``."""
    if amount > free:
        raise InsufficientMargin(
            f"transfer of {amount} exceeds free collateral {max(free, 0)} of account {sender.index}"
        )
    new_recipient = replace(
        recipient, collateral=check_signed("collateral", recipient.collateral + amount)
    )
    return replace(sender, collateral=sender.collateral - amount, nonce=sender.nonce + 1), (
        new_recipient
    )


# -- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """An acknowledged transaction: its log sequence numbers and the state root after it."""

    kind: str
    seqs: tuple[int, ...]
    root: int


@dataclass(frozen=True)
class OrderReceipt(Receipt):
    """A placed order: its id, the fills, and what became of makers and the remainder.

    ``resting`` is the size (base atoms) left in the book; ``dropped`` the size not
    rested because the taker ran out of margin mid-match; ``cancelled_makers``
    the resting orders removed on the way (expired, self-trade or failing margin).
    """

    order_hash: int = 0
    fills: tuple[Fill, ...] = ()
    resting: int = 0
    dropped: int = 0
    cancelled_makers: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class SweepResult:
    """What a liquidation sweep did: the takeovers, then every deleverage step, in order."""

    liquidations: tuple[LiquidationResult, ...] = ()
    deleverages: tuple[DeleverageResult, ...] = ()


@dataclass(frozen=True)
class PriceReceipt(Receipt):
    """An oracle update or funding tick with the liquidations (takeovers) and the
    deleverage steps of the fund it triggered, each in the order applied."""

    liquidations: tuple[LiquidationResult, ...] = field(default=())
    deleverages: tuple[DeleverageResult, ...] = field(default=())
