"""A deployed contract seen through its ABI: encode calls, decode results and events.

Arguments and results are Python values as ``eth_abi`` takes them (ints for
``uint``, checksummed strings or 20-byte values for ``address``, bytes for
``bytes``, lists for fixed arrays); a function with one output returns it bare.
Decoded event addresses are checksummed strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from zkel.host.settlement.chain import DEFAULT_GAS, Chain, Receipt, Tx
from zkel.host.settlement.compiler import Compiled
from zkel.host.settlement.errors import SettlementError


def abi_type(param: dict[str, Any]) -> str:
    """The canonical ABI type string of one input/output entry (tuples expanded)."""
    kind = param["type"]
    if kind.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def _signature(entry: dict[str, Any]) -> str:
    return f"{entry['name']}({','.join(abi_type(p) for p in entry['inputs'])})"


def selector(entry: dict[str, Any]) -> bytes:
    """The 4-byte selector of an ABI function entry."""
    return keccak(text=_signature(entry))[:4]


@dataclass(frozen=True)
class Event:
    """A decoded event: its name and arguments by name."""

    name: str
    args: dict[str, Any]


class Contract:
    """A contract at ``address`` on ``chain`` with the ABI ``abi``."""

    def __init__(self, chain: Chain, address: str, abi: Sequence[dict[str, Any]]) -> None:
        self.chain = chain
        self.address = to_checksum_address(address)
        self.abi = tuple(abi)
        self._functions = {e["name"]: e for e in self.abi if e.get("type") == "function"}
        self._events = {e["name"]: e for e in self.abi if e.get("type") == "event"}

    def _function(self, name: str) -> dict[str, Any]:
        if name not in self._functions:
            raise SettlementError(f"contract has no function {name!r}")
        return self._functions[name]

    def calldata(self, name: str, *args: Any) -> bytes:
        """Selector and ABI-encoded arguments of a call to ``name``."""
        entry = self._function(name)
        types = [abi_type(p) for p in entry["inputs"]]
        if len(args) != len(types):
            raise SettlementError(f"{name} takes {len(types)} arguments, got {len(args)}")
        return selector(entry) + encode(types, list(args))

    def call(self, name: str, *args: Any, sender: str | None = None) -> Any:
        """Run ``name`` read-only and return its decoded result (bare if single)."""
        entry = self._function(name)
        raw = self.chain.call(
            Tx(sender or self.chain.accounts[0], self.address, self.calldata(name, *args))
        )
        values = decode([abi_type(p) for p in entry["outputs"]], raw)
        return values[0] if len(values) == 1 else values

    def transact(
        self, name: str, *args: Any, sender: str, value: int = 0, gas: int | None = None
    ) -> Receipt:
        """Send a transaction calling ``name`` (``value`` in wei); returns its receipt."""
        data = self.calldata(name, *args)
        return self.chain.send(Tx(sender, self.address, data, value, gas))

    def events(self, receipt: Receipt, name: str) -> list[Event]:
        """The ``name`` events this contract emitted in ``receipt``, decoded."""
        if name not in self._events:
            raise SettlementError(f"contract has no event {name!r}")
        entry = self._events[name]
        topic = keccak(text=_signature(entry))
        indexed = [p for p in entry["inputs"] if p.get("indexed")]
        plain = [p for p in entry["inputs"] if not p.get("indexed")]
        out = []
        for log in receipt.logs:
            if to_checksum_address(log.address) != self.address or log.topics[:1] != (topic,):
                continue
            args: dict[str, Any] = {}
            for p, t in zip(indexed, log.topics[1:], strict=True):
                args[p["name"]] = _checksummed(p, decode([abi_type(p)], t)[0])
            values = decode([abi_type(p) for p in plain], log.data)
            args.update({p["name"]: _checksummed(p, v) for p, v in zip(plain, values, strict=True)})
            out.append(Event(name, args))
        return out


def _checksummed(param: dict[str, Any], value: Any) -> Any:
    """An ``address`` value as a checksummed string (eth_abi decodes it lower-case)."""
    return to_checksum_address(value) if param["type"] == "address" else value


def deploy(
    chain: Chain,
    compiled: Compiled,
    *args: Any,
    sender: str,
    value: int = 0,
    gas: int | None = None,
) -> tuple[Contract, Receipt]:
    """Deploy ``compiled`` with constructor ``args``; the contract and the creation receipt."""
    ctor = next((e for e in compiled.abi if e.get("type") == "constructor"), None)
    types = [abi_type(p) for p in ctor["inputs"]] if ctor else []
    if len(args) != len(types):
        raise SettlementError(
            f"{compiled.name}: constructor takes {len(types)} arguments, got {len(args)}"
        )
    data = compiled.bytecode + encode(types, list(args))
    receipt = chain.send(Tx(sender, None, data, value, gas or DEFAULT_GAS))
    if not receipt.contract_address:
        raise SettlementError(f"{compiled.name}: deployment created no contract")
    return Contract(chain, receipt.contract_address, compiled.abi), receipt
