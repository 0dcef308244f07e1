"""circom's .r1cs: byte-identical round trips, content, and precise errors."""

import dataclasses
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.circuits.snarkjs.conftest import BLS12_381_R, CIRCUITS, FIX, sections_of
from zkel.circuits.bn254 import R
from zkel.circuits.snarkjs import FormatError, R1cs, read_r1cs, read_wtns, write_r1cs


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_round_trip_is_byte_identical(tmp_path, circuit):
    write_r1cs(tmp_path / "x.r1cs", read_r1cs(FIX / f"{circuit}.r1cs"))
    assert (tmp_path / "x.r1cs").read_bytes() == (FIX / f"{circuit}.r1cs").read_bytes()


@pytest.mark.parametrize(
    ("circuit", "shape"),
    [
        # (n_pub_out, n_pub_in, n_prv_in, constraints)
        ("multiplier", (1, 0, 2, 1)),
        ("interop", (1, 2, 1, 21)),
        ("bits", (1, 3, 1, 99)),
    ],
)
def test_header_and_witness_satisfies_constraints(circuit, shape):
    r1cs = read_r1cs(FIX / f"{circuit}.r1cs")
    assert (r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in, len(r1cs.constraints)) == shape
    assert r1cs.prime == R and r1cs.n8 == 32 and r1cs.n_public == shape[0] + shape[1]
    assert len(r1cs.wire_to_label) == r1cs.n_wires and r1cs.wire_to_label[0] == 0
    w = read_wtns(FIX / f"{circuit}.wtns")
    assert len(w) == r1cs.n_wires and w[0] == 1

    def ev(lc):
        return sum(c * w[i] for i, c in lc.items()) % R

    assert all(ev(a) * ev(b) % R == ev(c) for a, b, c in r1cs.constraints)
    # a wrong witness value breaks some constraint: the check above means something
    w[-1] = (w[-1] + 1) % R
    assert not all(ev(a) * ev(b) % R == ev(c) for a, b, c in r1cs.constraints)


def test_multiplier_constraint_is_a_times_b():
    (a, b, c) = read_r1cs(FIX / "multiplier.r1cs").constraints[0]
    # circom writes -a * b = -c: wires 2 (a), 3 (b), 1 (output c)
    assert (a, b, c) == ({2: R - 1}, {3: 1}, {1: R - 1})


def test_written_from_scratch_reads_back(tmp_path):
    r1cs = R1cs(R, 32, 4, 1, 1, 1, 4, [({1: -1, 2: 5}, {3: 1}, {0: 7})], [0, 1, 2, 3])
    write_r1cs(tmp_path / "s.r1cs", r1cs)
    back = read_r1cs(tmp_path / "s.r1cs")
    assert back.constraints == [({1: R - 1, 2: 5}, {3: 1}, {0: 7})]
    assert dataclasses.replace(back, constraints=r1cs.constraints) == r1cs


def test_writer_rejects_bad_wires(tmp_path):
    base = read_r1cs(FIX / "multiplier.r1cs")
    with pytest.raises(ValueError, match="constraint 0: wire 9 is not below 4"):
        write_r1cs(tmp_path / "x.r1cs", dataclasses.replace(base, constraints=[({9: 1}, {}, {})]))
    with pytest.raises(ValueError, match="wire_to_label has 3 entries, n_wires is 4"):
        write_r1cs(tmp_path / "x.r1cs", dataclasses.replace(base, wire_to_label=[0, 1, 2]))


def test_header_for_another_prime(tmp_path):
    base = read_r1cs(FIX / "multiplier.r1cs")
    write_r1cs(tmp_path / "bls.r1cs", dataclasses.replace(base, prime=BLS12_381_R))
    with pytest.raises(
        FormatError, match=r"^bls.r1cs: prime 0x73eda753.* is not BN254's scalar field r"
    ):
        read_r1cs(tmp_path / "bls.r1cs")


def _constraint_payload(lcs):
    out = b""
    for lc in lcs:
        out += struct.pack("<I", len(lc))
        for wire, coeff in lc:
            out += struct.pack("<I", wire) + coeff.to_bytes(32, "little")
    return out


@pytest.mark.parametrize(
    ("lcs", "message"),
    [
        ([[(9, 1)], [], []], r"constraint 0 \(A\): wire 9 is not below 4"),
        ([[], [(1, R)], []], r"constraint 0 \(B\): coefficient not below r"),
        ([[], [], [(1, 1)]] + [[]], r"section 2 \(constraints\): 4 bytes after the last"),
        ([[], [(1, 1)]], r"truncated: section 2 \(constraints\) ends inside constraint 0"),
    ],
)
def test_bad_constraints(rebuild, lcs, message):
    p = rebuild(FIX / "multiplier.r1cs", "b.r1cs", replace={2: _constraint_payload(lcs)})
    with pytest.raises(FormatError, match=rf"^b.r1cs: {message}"):
        read_r1cs(p)


def test_wire_listed_twice_means_the_sum(rebuild):
    p = rebuild(
        FIX / "multiplier.r1cs",
        "d.r1cs",
        replace={2: _constraint_payload([[(2, 3), (2, R - 1)], [(3, 1)], [(1, 1)]])},
    )
    assert read_r1cs(p).constraints[0][0] == {2: 2}


def test_header_counts(rebuild):
    header = sections_of(FIX / "multiplier.r1cs")[1]
    bad = header[:36] + struct.pack("<IIII", 3, 1, 1, 1) + header[52:]
    p = rebuild(FIX / "multiplier.r1cs", "h.r1cs", replace={1: bad})
    with pytest.raises(
        FormatError, match=r"^h.r1cs: header: 3 inputs/outputs do not fit in 3 wires"
    ):
        read_r1cs(p)
    p = rebuild(FIX / "multiplier.r1cs", "l.r1cs", replace={3: bytes(8)})
    with pytest.raises(
        FormatError, match=r"section 3 \(wire-to-label map\) has 8 bytes, expected 32"
    ):
        read_r1cs(p)
    p = rebuild(FIX / "multiplier.r1cs", "m.r1cs", drop=(2,))
    with pytest.raises(FormatError, match=r"^m.r1cs: missing section 2 \(constraints\)$"):
        read_r1cs(p)


def test_custom_gate_sections_are_ignored(rebuild):
    p = rebuild(FIX / "multiplier.r1cs", "g.r1cs", replace={4: b"\x00" * 4, 5: b"\x00" * 4})
    assert read_r1cs(p) == read_r1cs(FIX / "multiplier.r1cs")


_lc = st.dictionaries(st.integers(0, 9), st.integers(0, R - 1), max_size=4)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    constraints=st.lists(st.tuples(_lc, _lc, _lc), max_size=6),
    labels=st.lists(st.integers(0, 2**64 - 1), min_size=10, max_size=10),
)
def test_any_r1cs_round_trips(tmp_path_factory, constraints, labels):
    r1cs = R1cs(R, 32, 10, 2, 3, 1, 12, constraints, labels)
    p = tmp_path_factory.mktemp("prop") / "p.r1cs"
    write_r1cs(p, r1cs)
    assert read_r1cs(p) == r1cs
