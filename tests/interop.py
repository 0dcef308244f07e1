"""Helpers for tests that run the npm tools (snarkjs 0.7, circom2) live.

The tools live in ``tools/node_modules`` (``make tools``); every helper needs them
and ``node`` on PATH. Tests guard themselves with :data:`needs_tools` (a skip mark)
or :func:`require_tools` (skips from inside a fixture), so a checkout without node
skips them cleanly with a reason instead of failing.

Typical use::

    from tests.interop import circom_compile, needs_tools, snarkjs

    pytestmark = needs_tools

    def test_x(tmp_path):
        built = circom_compile(FIX / "multiplier.circom", tmp_path)
        snarkjs("r1cs", "info", built.r1cs, cwd=tmp_path)
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tools" / "node_modules"
BIN = NODE_MODULES / ".bin"
#: seconds any one tool run may take before it is counted a failure
TIMEOUT_S = 300
SKIP_REASON = "node tools not installed (run `make tools`): needs node, snarkjs and circom2"


class ToolError(AssertionError):
    """A tool exited with a non-zero status; the message carries its output."""


def tools_available() -> bool:
    """True when ``node`` is on PATH and snarkjs and circom2 are in tools/node_modules."""
    return (
        shutil.which("node") is not None
        and (BIN / "snarkjs").exists()
        and (BIN / "circom2").exists()
    )


#: skip mark for one test that runs the tools (``@skip_without_tools``)
skip_without_tools = pytest.mark.skipif(not tools_available(), reason=SKIP_REASON)
#: marks for a module that runs the tools (``pytestmark = needs_tools``): skip and ``interop``
needs_tools = [pytest.mark.interop, skip_without_tools]


def require_tools() -> None:
    """Skip the calling test (or fixture) when the tools are absent."""
    if not tools_available():
        pytest.skip(SKIP_REASON)


def run_tool(
    argv: list[str | Path], *, cwd: str | Path, check: bool = True, timeout: float = TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` and capture its text output.

    Raises
    ------
    ToolError
        When ``check`` and the exit status is not 0 (stdout and stderr included).
    """
    argv = [str(a) for a in argv]
    res = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and res.returncode != 0:
        name = Path(argv[0]).name
        raise ToolError(
            f"{name} {' '.join(argv[1:3])} exited with {res.returncode}\n"
            f"--- stdout\n{res.stdout[-4000:]}\n--- stderr\n{res.stderr[-4000:]}"
        )
    return res


def snarkjs(
    *args: str | Path | int, cwd: str | Path, check: bool = True, timeout: float = TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run ``snarkjs ARGS...`` in ``cwd`` (see :func:`run_tool` for ``check``).

    snarkjs exits 1 for a proof that does not verify (``groth16 verify``) and for a
    witness that does not satisfy the circuit (``wtns check``), so ``check=False``
    and ``.returncode`` tell acceptance from rejection.
    """
    return run_tool([BIN / "snarkjs", *map(str, args)], cwd=cwd, check=check, timeout=timeout)


def node(
    *args: str | Path, cwd: str | Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``node ARGS...`` in ``cwd`` (see :func:`run_tool`)."""
    return run_tool(["node", *map(str, args)], cwd=cwd, check=check)


@dataclass(frozen=True)
class Compiled:
    """What :func:`circom_compile` produced for circuit ``name`` in ``outdir``."""

    name: str
    outdir: Path

    @property
    def r1cs(self) -> Path:
        """``<name>.r1cs``."""
        return self.outdir / f"{self.name}.r1cs"

    @property
    def wasm(self) -> Path:
        """``<name>_js/<name>.wasm``: the witness calculator."""
        return self.outdir / f"{self.name}_js" / f"{self.name}.wasm"

    def witness(self, input_json: str | Path, wtns: str | Path) -> Path:
        """Compute the witness for ``input_json`` (circom's generator) into ``wtns``."""
        js = self.outdir / f"{self.name}_js" / "generate_witness.js"
        node(js, self.wasm, Path(input_json).resolve(), Path(wtns).resolve(), cwd=self.outdir)
        return Path(wtns)


def circom_compile(circuit_path: str | Path, outdir: str | Path) -> Compiled:
    """Compile a circom 2 circuit to ``.r1cs`` and a WASM witness calculator.

    ``circomlib`` is on the include path (``include "circomlib/circuits/...";``).
    """
    circuit_path, outdir = Path(circuit_path).resolve(), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    run_tool(
        [BIN / "circom2", circuit_path, "--r1cs", "--wasm", "-o", ".", "-l", NODE_MODULES],
        cwd=outdir,
    )
    return Compiled(circuit_path.stem, outdir)


def groth16_setup(r1cs: str | Path, outdir: str | Path, *, power: int = 8) -> Path:
    """A snarkjs Groth16 zkey for ``r1cs`` from a fresh small powers-of-tau.

    The ceremony is deterministic (one beacon contribution with a fixed hash), so the
    same circuit always gives the same zkey. ``power`` bounds the circuit to
    ``2**power`` constraints plus public signals. Returns ``outdir/<stem>.zkey``.
    """
    outdir = Path(outdir)
    ptau = outdir / f"pot{power}.ptau"
    if not ptau.exists():
        snarkjs("powersoftau", "new", "bn128", power, "pot_0.ptau", cwd=outdir)
        snarkjs("powersoftau", "beacon", "pot_0.ptau", "pot_1.ptau", BEACON, 10, cwd=outdir)
        snarkjs("powersoftau", "prepare", "phase2", "pot_1.ptau", ptau.name, cwd=outdir)
    zkey = outdir / f"{Path(r1cs).stem}.zkey"
    snarkjs("groth16", "setup", Path(r1cs).resolve(), ptau.name, zkey.name, cwd=outdir)
    return zkey


#: the fixed beacon hash of the test ceremonies (hex, 32 bytes)
BEACON = "7a6b656c207465737420636572656d6f6e7920626561636f6e20686173682121"
