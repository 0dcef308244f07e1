"""The exchange examples of README.md and host/exchange/README.md run as written."""

import json
import re
from pathlib import Path

import pytest

from zkel.circuits.transition import pubdata
from zkel.host.exchange import Batch

ROOT = Path(__file__).resolve().parents[3]


def _example(readme: Path, heading: str) -> str:
    """The first python block after ``heading`` in ``readme``."""
    text = readme.read_text()
    start = text.index(heading)
    match = re.search(r"```python\n(.*?)```", text[start:], re.S)
    assert match, f"no python example after {heading!r} in {readme}"
    return match.group(1)


@pytest.mark.parametrize(
    "readme, heading",
    [("README.md", "## The exchange ("), ("host/exchange/README.md", "## Example")],
)
def test_example_runs(readme, heading, tmp_path, monkeypatch, capsys):
    code = _example(ROOT / readme, heading)
    monkeypatch.chdir(tmp_path)  # the example writes exchange.db and batch-0.json
    namespace: dict = {}
    exec(compile(code, readme, "exec"), namespace)
    ex = namespace["ex"]
    batch = Batch.from_dict(json.loads((tmp_path / "batch-0.json").read_text()))
    assert batch.n_slots == 16 and batch.txs[-1]["kind"] == "withdraw"
    # the funding tick at the end starts the next batch (the circuit's rule)
    rest = ex.cut_batch(max_txs=16)
    assert [r["kind"] for r in rest.txs] == ["funding"]
    assert rest.old_root == batch.new_root and rest.new_root == ex.root
    withdrawal = pubdata.WithdrawalSlot(
        namespace["a"], 1_000_000_000, namespace["w"].recipient_bytes
    )
    assert withdrawal in batch.slots
    assert str(batch.public_inputs) in capsys.readouterr().out
    ex.close()
