"""Transaction types: signed messages for withdrawals, transfers and oracle prices, the
pure transitions of the simple transactions, and the named results the engine returns.

Message layouts (Poseidon inputs, tag first; see :mod:`zkel.host.exchange.orders`)::

    withdrawal: [Tag.WITHDRAW, account, amount, nonce]
    transfer:   [Tag.TRANSFER, sender, recipient, amount, nonce]
    oracle:     [Tag.ORACLE, market, price, timestamp]        (signed by the oracle key)

Amounts are quote atoms in ``(0, 2**64)``, prices quote atoms per base unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from zkel.circuits.eddsa import PrivateKey
from zkel.circuits.poseidon import poseidon
from zkel.host.exchange.account import Account
from zkel.host.exchange.errors import InsufficientMargin, InvalidRequest
from zkel.host.exchange.liquidation import LiquidationResult
from zkel.host.exchange.orders import Signature, Tag, sign
from zkel.host.exchange.scales import check_amount, check_signed
from zkel.host.exchange.trade import Fill


@dataclass(frozen=True)
class Withdrawal:
    """Move ``amount`` quote atoms out of ``account`` to the settlement layer."""

    account: int
    amount: int
    nonce: int

    def __post_init__(self) -> None:
        check_amount("account", self.account)
        check_amount("withdrawal amount", self.amount, positive=True)
        check_amount("nonce", self.nonce)

    def hash(self) -> int:
        return poseidon([Tag.WITHDRAW, self.account, self.amount, self.nonce])


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
class PriceReceipt(Receipt):
    """An oracle update or funding tick with the liquidations it triggered."""

    liquidations: tuple[LiquidationResult, ...] = field(default=())
