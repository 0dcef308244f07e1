"""A settlement chain: the ``Chain`` protocol and an embedded EVM chain (py-evm).

The contracts only need four things from a chain: send a transaction and get its
receipt, run a read-only call, read an account's balance, and list the accounts that
can sign. :class:`EmbeddedChain` does this in-process on py-evm through
``eth-tester`` (a fresh post-merge chain, ten accounts holding 1,000,000 ETH each);
:class:`zkel.host.settlement.rpc.RpcChain` does the same against any EVM JSON-RPC
node (``RpcChain("http://127.0.0.1:8545")``), so the same deployment and rollup code
runs on both.

Units: values and balances in wei; gas in gas units; addresses as checksummed
``0x`` strings; call data and return data as raw bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from zkel.host.settlement.errors import SettlementError, TransactionReverted

#: gas limit used when a transaction names none (under the embedded chain's block limit)
DEFAULT_GAS = 10_000_000


@dataclass(frozen=True)
class Tx:
    """A transaction or call: ``to=None`` creates a contract from ``data``."""

    sender: str
    to: str | None
    data: bytes = b""
    value: int = 0
    gas: int | None = None


@dataclass(frozen=True)
class Log:
    """An event log: emitting contract, topics (32 bytes each), data."""

    address: str
    topics: tuple[bytes, ...]
    data: bytes


@dataclass(frozen=True)
class Receipt:
    """A mined transaction. ``gas_used`` in gas, ``effective_gas_price`` in wei per gas."""

    tx_hash: str
    status: bool
    gas_used: int
    effective_gas_price: int
    block_number: int
    contract_address: str | None = None
    logs: tuple[Log, ...] = field(default=())

    @property
    def fee_wei(self) -> int:
        """What the sender paid for gas, in wei."""
        return self.gas_used * self.effective_gas_price


class Chain(Protocol):
    """What the settlement code needs from an EVM chain."""

    @property
    def accounts(self) -> list[str]:
        """Addresses this chain object can send from."""
        ...

    def send(self, tx: Tx) -> Receipt:
        """Send and mine ``tx``; raises :class:`TransactionReverted` if it reverts."""
        ...

    def call(self, tx: Tx) -> bytes:
        """Run ``tx`` read-only on the latest state; raises :class:`TransactionReverted`."""
        ...

    def balance(self, address: str) -> int:
        """Balance of ``address`` in wei."""
        ...


def decode_revert(data: bytes) -> str:
    """The reason string of ``Error(string)`` revert data ('' for anything else)."""
    from eth_abi import decode

    if data[:4] != bytes.fromhex("08c379a0"):
        return ""
    try:
        return decode(["string"], data[4:])[0]
    except Exception:  # malformed revert data carries no reason
        return ""


class EmbeddedChain:
    """An in-process EVM chain: py-evm behind eth-tester, every transaction mined at once.

    ``accounts`` are eth-tester's ten funded keys (private keys 1..10), 10^6 ETH each.
    """

    def __init__(self) -> None:
        from eth_tester import EthereumTester, PyEVMBackend

        self._tester = EthereumTester(PyEVMBackend())
        self._accounts = list(self._tester.get_accounts())

    @property
    def accounts(self) -> list[str]:
        return list(self._accounts)

    def send(self, tx: Tx) -> Receipt:
        from eth_utils import ValidationError

        try:
            raw = self._tester.send_transaction(self._tx_dict(tx))
        except ValidationError as exc:  # refused before execution: funds, nonce, gas limit
            raise SettlementError(f"transaction refused: {exc}") from None
        receipt = self._receipt(self._tester.get_transaction_receipt(raw))
        if not receipt.status:
            raise TransactionReverted(self._replay_reason(tx), receipt)
        return receipt

    def call(self, tx: Tx) -> bytes:
        from eth_tester.exceptions import TransactionFailed

        try:
            out = self._tester.call(self._tx_dict(tx))
        except TransactionFailed as exc:
            raise TransactionReverted(_reason(exc)) from None
        return bytes.fromhex(out.removeprefix("0x"))

    def balance(self, address: str) -> int:
        return int(self._tester.get_balance(address))

    def code(self, address: str) -> bytes:
        """Deployed code at ``address`` (empty for an account without code)."""
        return bytes.fromhex(self._tester.get_code(address).removeprefix("0x"))

    def fund(self, address: str, wei: int) -> Receipt:
        """Send ``wei`` from the first account to ``address``."""
        return self.send(Tx(self._accounts[0], address, value=wei, gas=21_000))

    def snapshot(self) -> int:
        """A snapshot id to :meth:`revert_to` (undo everything mined since)."""
        return self._tester.take_snapshot()

    def revert_to(self, snapshot: int) -> None:
        self._tester.revert_to_snapshot(snapshot)

    # -- helpers ---------------------------------------------------------------
    @staticmethod
    def _tx_dict(tx: Tx) -> dict:
        out = {
            "from": tx.sender,
            "data": "0x" + tx.data.hex(),
            "value": tx.value,
            "gas": tx.gas or DEFAULT_GAS,
        }
        if tx.to is not None:
            out["to"] = tx.to
        return out

    def _replay_reason(self, tx: Tx) -> str:
        """Why ``tx`` reverted: the same transaction as a call on the unchanged state."""
        try:
            self.call(tx)
        except TransactionReverted as exc:
            return exc.reason
        return ""

    @staticmethod
    def _receipt(r: dict) -> Receipt:
        logs = tuple(
            Log(
                log["address"],
                tuple(
                    bytes.fromhex(t.removeprefix("0x")) if isinstance(t, str) else t
                    for t in log["topics"]
                ),
                log["data"]
                if isinstance(log["data"], bytes)
                else bytes.fromhex(log["data"].removeprefix("0x")),
            )
            for log in r["logs"]
        )
        return Receipt(
            tx_hash=r["transaction_hash"],
            status=bool(r["status"]),
            gas_used=int(r["gas_used"]),
            effective_gas_price=int(r["effective_gas_price"]),
            block_number=int(r["block_number"]),
            contract_address=r["contract_address"],
            logs=logs,
        )


def revert_data(exc: BaseException) -> bytes | str:
    """What eth-tester's TransactionFailed carries: a reason string, or raw revert data
    (bytes, possibly wrapped in py-evm's ``Revert`` exception)."""
    arg: object = exc.args[0] if exc.args else ""
    while isinstance(arg, BaseException):
        arg = arg.args[0] if arg.args else ""
    return arg if isinstance(arg, bytes | str) else str(arg)


def _reason(exc: BaseException) -> str:
    data = revert_data(exc)
    return decode_revert(data) if isinstance(data, bytes) else data
