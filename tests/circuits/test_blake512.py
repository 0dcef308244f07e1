"""BLAKE-512 against circomlibjs' blake-hash, across the padding boundaries."""

import json
from pathlib import Path

import pytest

from zkel.circuits.blake512 import blake512

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures/circomlibjs/vectors.json").read_text()
)


def test_empty_message():
    assert blake512(b"").hex().startswith("a8cfbbd73726062df0c6864dda65defe")


@pytest.mark.parametrize("case", VECTORS["blake512"], ids=lambda c: f"{len(c['hex']) // 2}B")
def test_blake_hash_vectors(case):
    assert blake512(bytes.fromhex(case["hex"])).hex() == case["digest"]
