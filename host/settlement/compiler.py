"""Vyper compilation of the settlement contracts, memoised by source hash.

Compiling a contract takes tens of milliseconds (measured: ~50 ms for the rollup,
under 0.3 s for a verifier with 5 public inputs), so there is no on-disk cache:
each process compiles a source once (``functools.lru_cache`` on its text).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zkel.host.settlement.errors import SettlementError

CONTRACTS = Path(__file__).resolve().parent / "contracts"


@dataclass(frozen=True)
class Compiled:
    """A compiled contract: its ABI (JSON list), creation bytecode, and the hash of its source.

    ``source_sha256`` is the hex SHA-256 of the UTF-8 source; ``vyper`` the compiler version.
    """

    name: str
    abi: tuple[dict[str, Any], ...]
    bytecode: bytes
    source_sha256: str
    vyper: str


def compile_vyper(source: str, name: str = "contract") -> Compiled:
    """Compile Vyper ``source`` (raises :class:`SettlementError` with the compiler's message)."""
    return _compile(source, name)


@functools.lru_cache(maxsize=64)
def _compile(source: str, name: str) -> Compiled:
    import vyper
    from vyper.exceptions import VyperException

    try:
        out = vyper.compile_code(source, output_formats=["bytecode", "abi"])
    except VyperException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SettlementError(f"{name}: Vyper compilation failed: {first}") from None
    return Compiled(
        name=name,
        abi=tuple(out["abi"]),
        bytecode=bytes.fromhex(out["bytecode"].removeprefix("0x")),
        source_sha256=hashlib.sha256(source.encode()).hexdigest(),
        vyper=vyper.__version__,
    )


def contract_source(filename: str) -> str:
    """The text of one of the package's Vyper sources (``contracts/<filename>``)."""
    return (CONTRACTS / filename).read_text()
