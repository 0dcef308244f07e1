"""The settlement chain over JSON-RPC: any EVM node (geth, anvil, hardhat, a provider).

``RpcChain(url)`` sends from the node's unlocked accounts (``eth_accounts``,
``eth_sendTransaction``: dev nodes); ``RpcChain(url, private_key=KEY)`` signs locally
(legacy transactions with the node's chain id and gas price, ``eth_sendRawTransaction``)
and sends from the key's address only. Everything else is the
:class:`~zkel.host.settlement.chain.Chain` protocol, so :class:`Rollup` and the
contract wrapper run unchanged::

    chain = RpcChain("http://127.0.0.1:8545", private_key=bytes.fromhex(KEY_HEX))
    rollup, _ = Rollup.deploy(chain, vk, genesis_root=root, n_slots=4, atom_wei=10**12,
                              sender=chain.accounts[0])

Every wait has a limit: each HTTP request ``request_timeout_s``, the wait for a
receipt ``receipt_timeout_s`` (polled every ``poll_s``). Units as in :mod:`.chain`.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from typing import Any

from zkel.host.settlement.chain import Log, Receipt, Tx, decode_revert
from zkel.host.settlement.errors import SettlementError, TransactionReverted

#: the JSON-RPC error code nodes use for a reverted call or gas estimate
REVERT_CODE = 3


class RpcChain:
    """An EVM chain behind a JSON-RPC HTTP endpoint."""

    def __init__(
        self,
        url: str,
        *,
        private_key: bytes | None = None,
        request_timeout_s: float = 30.0,
        receipt_timeout_s: float = 120.0,
        poll_s: float = 0.5,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise SettlementError(f"RPC URL must start with http:// or https://, not {url!r}")
        self.url = url
        self.request_timeout_s = request_timeout_s
        self.receipt_timeout_s = receipt_timeout_s
        self.poll_s = poll_s
        self._ids = itertools.count(1)
        self._account = None
        if private_key is not None:
            from eth_account import Account

            if len(private_key) != 32:
                raise SettlementError("private key must be 32 bytes")
            self._account = Account.from_key(private_key)

    # -- transport ------------------------------------------------------------------
    def request(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call; errors raise SettlementError (TransactionReverted: reverts)."""
        body = json.dumps(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        ).encode()
        req = urllib.request.Request(
            self.url, body, {"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.request_timeout_s) as resp:
                answer = json.loads(resp.read())
        except urllib.error.URLError as exc:
            raise SettlementError(f"{self.url}: cannot reach the node: {exc.reason}") from None
        except (TimeoutError, json.JSONDecodeError, OSError) as exc:
            raise SettlementError(f"{self.url}: {method} failed: {exc}") from None
        if "error" in answer and answer["error"] is not None:
            error = answer["error"]
            message = str(error.get("message", error))
            data = error.get("data")
            if error.get("code") == REVERT_CODE or "revert" in message:
                reason = decode_revert(_unhex(data)) if isinstance(data, str) else ""
                raise TransactionReverted(reason or message.removeprefix("execution reverted: "))
            raise SettlementError(f"{self.url}: {method}: {message}")
        return answer.get("result")

    # -- Chain protocol ----------------------------------------------------------------
    @property
    def accounts(self) -> list[str]:
        if self._account is not None:
            return [self._account.address]
        return list(self.request("eth_accounts"))

    def balance(self, address: str) -> int:
        return int(self.request("eth_getBalance", address, "latest"), 16)

    def call(self, tx: Tx) -> bytes:
        return _unhex(self.request("eth_call", _tx_json(tx), "latest"))

    def send(self, tx: Tx) -> Receipt:
        if self._account is None:
            tx_hash = self.request("eth_sendTransaction", _tx_json(tx))
        else:
            tx_hash = self.request("eth_sendRawTransaction", self._sign(tx))
        receipt = self._wait(tx_hash)
        if not receipt.status:
            try:
                self.call(tx)
                reason = ""
            except TransactionReverted as exc:
                reason = exc.reason
            raise TransactionReverted(reason, receipt)
        return receipt

    # -- helpers --------------------------------------------------------------------------
    def _sign(self, tx: Tx) -> str:
        assert self._account is not None
        if tx.sender.lower() != self._account.address.lower():
            raise SettlementError(f"this chain signs for {self._account.address}, not {tx.sender}")
        gas = tx.gas or int(int(self.request("eth_estimateGas", _tx_json(tx)), 16) * 1.2)
        fields = {
            "nonce": int(self.request("eth_getTransactionCount", tx.sender, "pending"), 16),
            "gasPrice": int(self.request("eth_gasPrice"), 16),
            "gas": gas,
            "value": tx.value,
            "data": tx.data,
            "chainId": int(self.request("eth_chainId"), 16),
        }
        if tx.to is not None:
            fields["to"] = tx.to
        signed = self._account.sign_transaction(fields)
        return "0x" + bytes(signed.raw_transaction).hex()

    def _wait(self, tx_hash: str) -> Receipt:
        deadline = time.monotonic() + self.receipt_timeout_s
        while True:
            raw = self.request("eth_getTransactionReceipt", tx_hash)
            if raw is not None:
                return _receipt(raw)
            if time.monotonic() > deadline:
                raise SettlementError(
                    f"{self.url}: no receipt for {tx_hash} after {self.receipt_timeout_s} s"
                )
            time.sleep(self.poll_s)


def _unhex(value: str | None) -> bytes:
    return bytes.fromhex((value or "0x").removeprefix("0x"))


def _tx_json(tx: Tx) -> dict[str, str]:
    out = {"from": tx.sender, "data": "0x" + tx.data.hex(), "value": hex(tx.value)}
    if tx.to is not None:
        out["to"] = tx.to
    if tx.gas is not None:
        out["gas"] = hex(tx.gas)
    return out


def _receipt(raw: dict[str, Any]) -> Receipt:
    return Receipt(
        tx_hash=raw["transactionHash"],
        status=int(raw.get("status", "0x1"), 16) == 1,
        gas_used=int(raw["gasUsed"], 16),
        effective_gas_price=int(raw.get("effectiveGasPrice", "0x0"), 16),
        block_number=int(raw["blockNumber"], 16),
        contract_address=raw.get("contractAddress"),
        logs=tuple(
            Log(log["address"], tuple(_unhex(t) for t in log["topics"]), _unhex(log["data"]))
            for log in raw.get("logs", [])
        ),
    )
