"""Poseidon's parameters: the generated tables against our Grain LFSR and circomlibjs'
tables; the optimized form (compiled and plain) against the round loop."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.interop import NODE_MODULES
from zkel.circuits.bn254 import R
from zkel.circuits.poseidon import (
    N_ROUNDS_P,
    optimized_parameters,
    parameters,
    permute,
    permute_reference,
)
from zkel.circuits.poseidon.generate import render
from zkel.circuits.poseidon.grain import generate
from zkel.circuits.poseidon.optimized import permute_optimized
from zkel.circuits.poseidon.permutation import _compiled

CIRCOMLIBJS_TABLES = NODE_MODULES / "circomlibjs" / "src" / "poseidon_constants.json"
WIDTHS = range(2, 18)
states = st.integers(2, 17).flatmap(
    lambda t: st.lists(st.integers(0, R - 1), min_size=t, max_size=t)
)


@pytest.mark.parametrize("t", [2, 3])
def test_tables_equal_a_fresh_grain_generation(t):
    constants, mds = generate(t)
    p = parameters(t)
    assert [c for row in p.round_constants for c in row] == list(constants)
    assert p.mds == mds


@pytest.mark.slow
def test_tables_module_is_what_the_generator_writes():
    from zkel.circuits.poseidon import generate as gen_module

    assert render() == gen_module.TABLES.read_text()


@pytest.mark.skipif(not CIRCOMLIBJS_TABLES.exists(), reason="circomlibjs not installed")
def test_tables_equal_circomlibjs_tables_for_every_width():
    tables = json.loads(CIRCOMLIBJS_TABLES.read_text())
    for t in WIDTHS:
        p = parameters(t)
        assert [c for row in p.round_constants for c in row] == [
            int(x, 16) for x in tables["C"][t - 2]
        ], t
        assert p.mds == tuple(tuple(int(x, 16) for x in row) for row in tables["M"][t - 2]), t


@pytest.mark.parametrize("t", WIDTHS)
def test_round_structure(t):
    p = parameters(t)
    assert (p.t, p.n_rounds_f, p.n_rounds_p) == (t, 8, N_ROUNDS_P[t - 2])
    assert len(p.round_constants) == p.n_rounds and all(len(c) == t for c in p.round_constants)
    assert [p.is_full_round(r) for r in range(p.n_rounds)].count(True) == 8
    assert not p.is_full_round(4) and p.is_full_round(4 + p.n_rounds_p)
    assert all(0 <= x < R for row in (*p.round_constants, *p.mds) for x in row)


@pytest.mark.parametrize("t", [1, 18, True, "3"])
def test_bad_width(t):
    with pytest.raises(ValueError, match="width must be 2..17"):
        parameters(t)


@pytest.mark.parametrize("t", [3, 6])
def test_optimized_parameters_shapes(t):
    p = optimized_parameters(t)
    r_p = N_ROUNDS_P[t - 2]
    assert len(p.full_constants) == 8 and len(p.partial_constants) == r_p
    assert all(len(row) == t for row in p.sparse_rows)
    assert all(len(col) == t - 1 for col in p.sparse_cols)
    assert len(p.basis) == t - 1 and all(len(row) == t - 1 for row in p.basis)


@settings(max_examples=24, derandomize=True, deadline=None)
@given(states)
def test_compiled_permutation_equals_round_loop(state):
    assert permute(state) == permute_reference(state)


@settings(max_examples=8, derandomize=True, deadline=None)
@given(states)
def test_plain_optimized_loop_and_python_ints_equal_round_loop(state):
    expected = permute_reference(state)
    assert permute_optimized(state) == expected
    assert _compiled(len(state), int)(list(state)) == expected


@pytest.mark.parametrize("t", WIDTHS)
def test_every_width_on_edge_states(t):
    for state in ([0] * t, [R - 1] * t, list(range(t))):
        assert permute(state) == permute_reference(state)
