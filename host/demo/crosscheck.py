"""Another verifier on the demo's files: ``snarkjs groth16 verify`` (installed by
``make tools`` into ``tools/node_modules``), when node and snarkjs are present."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SNARKJS = Path(__file__).resolve().parents[2] / "tools" / "node_modules" / ".bin" / "snarkjs"


def snarkjs_available() -> bool:
    """Whether ``snarkjs`` and ``node`` can run here."""
    return SNARKJS.exists() and shutil.which("node") is not None


def snarkjs_verify(vkey: Path, public: Path, proof: Path, timeout_s: float = 300) -> bool:
    """``snarkjs groth16 verify vkey public proof``: True when it says OK (exit 0)."""
    result = subprocess.run(
        [str(SNARKJS), "groth16", "verify", str(vkey), str(public), str(proof)],
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    return result.returncode == 0 and "OK" in result.stdout
