"""The README's batch-circuit examples run as written (the proof only in the slow run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEADING = "## The batch circuit and settlement"


def _blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    start = text.index(HEADING)
    end = text.index("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], re.S)


def test_circuit_example_builds_a_satisfied_witness(capsys) -> None:
    namespace: dict = {}
    exec(compile(_blocks()[0], "README.md", "exec"), namespace)
    n, match = capsys.readouterr().out.split()
    assert int(n) == namespace["cs"].n_constraints > 0 and match == "True"


@pytest.mark.slow
def test_circuit_example_proves() -> None:
    namespace: dict = {}
    for block in _blocks()[:2]:
        exec(compile(block, "README.md", "exec"), namespace)
    assert list(namespace["result"].public) == namespace["batch"].public_inputs
