"""The engine's memory layout: every pass touches every element once, banks never clash."""

from __future__ import annotations

import pytest

from zkel.gateware.ntt.addressing import model_pass_pairs


def bank(i: int, units: int) -> int:
    return bin(i // units).count("1") & 1


@pytest.mark.parametrize("units", [1, 2, 4, 8])
@pytest.mark.parametrize("log_n", [4, 6])
def test_passes_cover_all_pairs_without_bank_conflicts(units, log_n):
    n = 1 << log_n
    for s in range(log_n):
        seen = []
        for slot in model_pass_pairs(n, units, s):
            words = {i // units for pair in slot for i in pair}
            assert len(words) == 2  # one word from each bank
            assert {bank(i, units) for pair in slot for i in pair} == {0, 1}
            seen += [i for pair in slot for i in pair]
        assert sorted(seen) == list(range(n))
