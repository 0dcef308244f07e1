"""Poseidon hash: circomlibjs' vectors for 1..16 inputs, poseidonEx, input checks, live node."""

import json
import random
from pathlib import Path

import pytest

from tests.interop import NODE_MODULES, node, skip_without_tools
from zkel.circuits.bn254 import R
from zkel.circuits.poseidon import permute, permute_reference, poseidon, poseidon_ex

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "poseidon"
VECTORS = json.loads((FIXTURES / "vectors.json").read_text())


def test_known_vectors():
    assert poseidon([1, 2]) == (
        7853200120776062878684798364095072458815029376092732009249414926327459813530
    )
    assert poseidon([1]) == (
        18586133768512220936620570745912940619677854269274689475585506675881198879027
    )


def test_vectors_cover_every_width():
    assert sorted({len(c["inputs"]) for c in VECTORS["poseidon"]}) == list(range(1, 17))


@pytest.mark.parametrize(
    "case",
    VECTORS["poseidon"],
    ids=lambda c: f"{len(c['inputs'])}in-{c['inputs'][0][:6]}",
)
def test_circomlibjs_vectors(case):
    assert poseidon([int(x) for x in case["inputs"]]) == int(case["hash"])


@pytest.mark.parametrize("case", VECTORS["poseidon_ex"], ids=lambda c: f"{len(c['inputs'])}in")
def test_poseidon_ex_vectors(case):
    inputs = [int(x) for x in case["inputs"]]
    outs = [int(x) for x in case["outs"]]
    assert poseidon_ex(inputs, int(case["init"]), len(outs)) == outs
    assert poseidon_ex(inputs, int(case["init"])) == outs[:1]


def test_poseidon_is_poseidon_ex_with_zero_init_and_the_permutation():
    inputs = [5, 6, 7]
    state = permute([0, *inputs])
    assert poseidon_ex(inputs, 0, 4) == state == permute_reference([0, *inputs])
    assert poseidon(inputs) == state[0]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([], "1 to 16 inputs"),
        (list(range(17)), "1 to 16 inputs"),
        ([R], "poseidon input 0 is not a field element"),
        ([1, -1], "poseidon input 1"),
        ([1, 2, R + 5], "poseidon input 2"),
        ([True], "poseidon input 0"),
        ([1.0], "poseidon input 0"),
        (["1"], "poseidon input 0"),
    ],
)
def test_bad_inputs_are_rejected(inputs, message):
    with pytest.raises(ValueError, match=message):
        poseidon(inputs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"init_state": R}, "init_state 0"),
        ({"init_state": -1}, "init_state 0"),
        ({"n_outs": 0}, "n_outs must be 1..3"),
        ({"n_outs": 4}, "n_outs must be 1..3"),
        ({"n_outs": 1.5}, "n_outs must be an int"),
    ],
)
def test_poseidon_ex_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        poseidon_ex([1, 2], **kwargs)


@pytest.mark.parametrize(
    ("state", "message"),
    [([1], "width must be 2..17"), ([0] * 18, "width must be 2..17"), ([0, R], "element 1")],
)
def test_permute_rejects(state, message):
    with pytest.raises(ValueError, match=message):
        permute(state)


def test_top_of_field_inputs_are_accepted():
    assert poseidon([R - 1]) == permute_reference([0, R - 1])[0]


def test_distinct_inputs_distinct_hashes():
    rng = random.Random(3)
    hashes = {poseidon([rng.randrange(R), i]) for i in range(50)}
    assert len(hashes) == 50


@pytest.mark.interop
@skip_without_tools
def test_live_circomlibjs_agrees(tmp_path):
    rng = random.Random(11)
    cases = [[rng.randrange(R) for _ in range(n)] for n in (1, 2, 3, 5, 8, 16)]
    script = f"""
const {{ buildPoseidon }} = require({json.dumps(str(NODE_MODULES / "circomlibjs"))});
(async () => {{
  const p = await buildPoseidon();
  const cases = {json.dumps([[str(x) for x in c] for c in cases])};
  console.log(JSON.stringify(cases.map((c) => p.F.toObject(p(c.map(BigInt))).toString())));
}})();
"""
    (tmp_path / "hash.js").write_text(script)
    got = json.loads(node(tmp_path / "hash.js", cwd=tmp_path).stdout)
    assert [int(h) for h in got] == [poseidon(c) for c in cases]
