"""Suite-wide collection order: the long simulations start first.

``make test`` runs the suite on two pytest-xdist workers. The workers take tests in
collection order, so a few-minute cocotb bench collected last would run alone at
the end while the other worker idles. Moving the long-running modules to the
front lets the short tests fill in beside them.
"""

from __future__ import annotations

import pytest

#: modules (paths relative to tests/) whose tests take tens of seconds to minutes
LONG_FIRST = (
    "sim/test_top_bench.py",
    "sim/test_sim_cli.py",
    "circuits/transition/test_engine_agreement.py",
    "gateware/test_top.py",
    "circuits/transition/test_circuit.py",
)


def _rank(item: pytest.Item) -> int:
    path = item.path.as_posix()
    for rank, suffix in enumerate(LONG_FIRST):
        if path.endswith("tests/" + suffix):
            return rank
    return len(LONG_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: the order within each module is kept
