"""snarkjs' Groth16 .zkey: byte-identical round trips, content, number forms, errors."""

import dataclasses
import random
import struct
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.circuits.snarkjs.conftest import BLS12_381_R, CIRCUITS, FIX, json_names, sections_of
from zkel.circuits.bn254 import Q, R
from zkel.circuits.snarkjs import (
    Coeff,
    FormatError,
    Zkey,
    read_r1cs,
    read_vkey,
    read_zkey,
    write_zkey,
)
from zkel.circuits.snarkjs.zkey import CONTRIBUTED_ORDER, SECTION_ORDER


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_round_trip_is_byte_identical(tmp_path, circuit):
    write_zkey(tmp_path / "x.zkey", read_zkey(FIX / f"{circuit}.zkey"))
    assert (tmp_path / "x.zkey").read_bytes() == (FIX / f"{circuit}.zkey").read_bytes()


def test_section_orders_are_snarkjs_own():
    # `groth16 setup` (no contribution) and `zkey beacon` (one) write different orders
    assert tuple(sections_of(FIX / "bits.zkey")) == SECTION_ORDER
    assert tuple(sections_of(FIX / "multiplier.zkey")) == CONTRIBUTED_ORDER
    contributions = read_zkey(FIX / "multiplier.zkey").contributions
    assert int.from_bytes(contributions[64:68], "little") == 1


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_content_matches_vkey_and_r1cs(circuit):
    z = read_zkey(FIX / f"{circuit}.zkey")
    vk = read_vkey(FIX / json_names(circuit)[0])
    r1cs = read_r1cs(FIX / f"{circuit}.r1cs")
    assert (z.n_public, z.alpha1, z.beta2, z.gamma2, z.delta2, z.ic) == (
        vk.n_public,
        vk.alpha1,
        vk.beta2,
        vk.gamma2,
        vk.delta2,
        vk.ic,
    )
    assert (z.q, z.r, z.n8q, z.n8r) == (Q, R, 32, 32)
    assert z.n_vars == r1cs.n_wires and z.n_public == r1cs.n_public
    n_rows = len(r1cs.constraints) + r1cs.n_public + 1
    assert z.domain_size == 1 << (n_rows - 1).bit_length()
    assert len(z.a) == len(z.b1) == len(z.b2) == z.n_vars
    assert len(z.c) == z.n_vars - z.n_public - 1 and len(z.h) == z.domain_size


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_coefficients_are_the_r1cs_a_and_b(circuit):
    # the double Montgomery encoding undone gives back circom's own coefficients
    z = read_zkey(FIX / f"{circuit}.zkey")
    r1cs = read_r1cs(FIX / f"{circuit}.r1cs")
    expected = [
        Coeff(m, row, wire, value)
        for m in (0, 1)
        for row, abc in enumerate(r1cs.constraints)
        for wire, value in abc[m].items()
        if value
    ]
    # then the public-input rows: A[n_constraints + i][i] = 1
    expected += [Coeff(0, len(r1cs.constraints) + i, i, 1) for i in range(z.n_public + 1)]
    assert sorted(z.coeffs) == sorted(expected)


def test_points_are_decoded_from_montgomery_form():
    z = read_zkey(FIX / "interop.zkey")
    raw = sections_of(FIX / "interop.zkey")[2]
    alpha_x_mont = int.from_bytes(raw[4 + 32 + 4 + 32 + 12 : 4 + 32 + 4 + 32 + 44], "little")
    assert alpha_x_mont == z.alpha1[0] * 2**256 % Q
    x, y = z.alpha1
    assert (y * y - x**3 - 3) % Q == 0  # on the curve: the decoding is right


def test_infinity_is_all_zero_bytes(tmp_path):
    z = read_zkey(FIX / "interop.zkey")
    # wire 0 never appears in C: snarkjs' A/B lists hold points at infinity somewhere
    assert None in z.b2 or None in z.b1 or None in z.a
    z2 = dataclasses.replace(z, a=[None] * z.n_vars, b2=[None] * z.n_vars)
    write_zkey(tmp_path / "i.zkey", z2)
    secs = sections_of(tmp_path / "i.zkey")
    assert secs[5] == bytes(64 * z.n_vars) and secs[7] == bytes(128 * z.n_vars)
    assert read_zkey(tmp_path / "i.zkey") == z2


def test_empty_contributions_leave_section_10_out(tmp_path):
    z = dataclasses.replace(read_zkey(FIX / "bits.zkey"), contributions=b"")
    write_zkey(tmp_path / "n.zkey", z)
    assert 10 not in sections_of(tmp_path / "n.zkey")
    assert read_zkey(tmp_path / "n.zkey") == z


def test_progress_reports_every_point_section(tmp_path):
    seen = []
    z = read_zkey(FIX / "interop.zkey", progress=lambda s, d, t: seen.append((s, d, t)))
    assert ("H", z.domain_size, z.domain_size) in seen and ("B2", 0, z.n_vars) in seen
    seen.clear()
    write_zkey(tmp_path / "p.zkey", z, progress=lambda s, d, t: seen.append(s))
    assert {"IC", "A", "B1", "B2", "C", "H"} <= set(seen)


def test_writer_checks_counts(tmp_path):
    z = read_zkey(FIX / "multiplier.zkey")
    with pytest.raises(ValueError, match=r"Zkey.h has 3 points, the header needs 4"):
        write_zkey(tmp_path / "c.zkey", dataclasses.replace(z, h=z.h[:3]))


# --- errors -------------------------------------------------------------------------------
def _header2(**changes):
    """Section 2 of interop.zkey with fields replaced."""
    h = bytearray(sections_of(FIX / "interop.zkey")[2])
    offsets = {"q": 4, "r": 40, "n_vars": 72, "n_public": 76, "domain_size": 80, "alpha1": 84}
    for name, raw in changes.items():
        h[offsets[name] : offsets[name] + len(raw)] = raw
    return bytes(h)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"r": BLS12_381_R.to_bytes(32, "little")},
            r"prime 0x73eda753.* is not BN254's scalar field r",
        ),
        ({"q": R.to_bytes(32, "little")}, r"prime 0x30644e.* is not BN254's base field q"),
        ({"domain_size": struct.pack("<I", 48)}, r"domain size 48 is not a power of two"),
        ({"n_public": struct.pack("<I", 200)}, r"nPublic = 200 does not fit in nVars = 25"),
        ({"alpha1": Q.to_bytes(32, "little")}, r"header alpha1: coordinate 0 is not below q"),
    ],
)
def test_bad_groth16_header(rebuild, changes, message):
    p = rebuild(FIX / "interop.zkey", "circuit.zkey", replace={2: _header2(**changes)})
    with pytest.raises(FormatError, match=rf"^circuit.zkey: {message}"):
        read_zkey(p)


def test_not_groth16(rebuild):
    p = rebuild(FIX / "interop.zkey", "p.zkey", replace={1: struct.pack("<I", 2)})
    with pytest.raises(FormatError, match=r"^p.zkey: protocol 2 is not Groth16 \(1\)$"):
        read_zkey(p)


@pytest.mark.parametrize(
    ("section", "name", "points", "size"),
    [(3, "IC", 4, 64), (5, "A", 25, 64), (7, "B2", 25, 128), (8, "C", 21, 64), (9, "H", 32, 64)],
)
def test_section_of_the_wrong_size(rebuild, section, name, points, size):
    payload = sections_of(FIX / "interop.zkey")[section]
    p = rebuild(FIX / "interop.zkey", "s.zkey", replace={section: payload[:-size]})
    got = len(payload) - size
    with pytest.raises(FormatError) as exc:
        read_zkey(p)
    group = "G2" if size == 128 else "G1"
    assert str(exc.value) == (
        f"s.zkey: section {section} ({name}) has {got} bytes, "
        f"expected {points * size} ({points} {group} points)"
    )


def test_missing_section(rebuild):
    p = rebuild(FIX / "interop.zkey", "m.zkey", drop=(9,))
    with pytest.raises(FormatError, match=r"^m.zkey: missing section 9 \(H\)$"):
        read_zkey(p)


def test_coordinate_not_below_q(rebuild):
    payload = bytearray(sections_of(FIX / "interop.zkey")[6])
    payload[64 * 3 + 32 : 64 * 3 + 64] = (Q + 5).to_bytes(32, "little")
    p = rebuild(FIX / "interop.zkey", "q.zkey", replace={6: bytes(payload)})
    with pytest.raises(
        FormatError, match=r"^q.zkey: section 6 \(B1\): coordinate 7 is not below q$"
    ):
        read_zkey(p)


def _coeff_section(entries):
    return struct.pack("<I", len(entries)) + b"".join(
        struct.pack("<III", m, row, sig) + raw.to_bytes(32, "little")
        for m, row, sig, raw in entries
    )


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([(0, 0, 0, 1), (2, 0, 0, 1)], r"entry 1: matrix 2 is not 0 \(A\) or 1 \(B\)"),
        ([(1, 32, 0, 1)], r"entry 0: constraint 32 is outside the domain of 32"),
        ([(1, 0, 25, 1)], r"entry 0: signal 25 is not below nVars = 25"),
        ([(0, 0, 1, R)], r"entry 0: value is not below r"),
    ],
)
def test_bad_coefficients(rebuild, entries, message):
    p = rebuild(FIX / "interop.zkey", "c.zkey", replace={4: _coeff_section(entries)})
    with pytest.raises(FormatError, match=rf"^c.zkey: section 4 \(coefficients\): {message}$"):
        read_zkey(p)


def test_coefficient_count_disagrees(rebuild):
    p = rebuild(FIX / "interop.zkey", "c.zkey", replace={4: _coeff_section([(0, 0, 1, 1)])[:-1]})
    with pytest.raises(FormatError, match=r"has 47 bytes, 1 entries need 48$"):
        read_zkey(p)


def test_short_contributions(rebuild):
    p = rebuild(FIX / "interop.zkey", "t.zkey", replace={10: bytes(10)})
    with pytest.raises(FormatError, match=r"section 10 \(contributions\) has 10 bytes"):
        read_zkey(p)


# --- size -----------------------------------------------------------------------------------
def synthetic_zkey(log_n: int, seed: int = 1) -> Zkey:
    """A structurally valid zkey of 2^log_n points per section (not on the curve: this
    layer does not check membership), built from a pool of random coordinates."""
    rng = random.Random(seed)
    n = 1 << log_n
    pool = [(rng.randrange(1, Q), rng.randrange(Q)) for _ in range(1024)]
    pool2 = [(pool[i], pool[(i + 1) % 1024]) for i in range(1024)]
    return Zkey(
        32,
        Q,
        32,
        R,
        n,
        3,
        n,
        pool[0],
        pool[1],
        pool2[0],
        pool2[1],
        pool[2],
        pool2[2],
        ic=pool[:4],
        coeffs=[Coeff(i & 1, i % n, (7 * i) % n, rng.randrange(R)) for i in range(2 * n)],
        a=[pool[i % 1024] for i in range(n)],
        b1=[pool[(3 * i) % 1024] for i in range(n)],
        b2=[None if i % 5 == 0 else pool2[i % 1024] for i in range(n)],
        c=[pool[(5 * i) % 1024] for i in range(n - 4)],
        h=[pool[(7 * i) % 1024] for i in range(n)],
        contributions=bytes(68),
    )


def test_synthetic_round_trip(tmp_path):
    z = synthetic_zkey(8)
    write_zkey(tmp_path / "s.zkey", z)
    assert read_zkey(tmp_path / "s.zkey") == z


@pytest.mark.slow
def test_2_16_points_read_in_seconds(tmp_path):
    z = synthetic_zkey(16)
    write_zkey(tmp_path / "big.zkey", z)
    t0 = time.perf_counter()
    back = read_zkey(tmp_path / "big.zkey")
    elapsed = time.perf_counter() - t0
    assert back == z
    assert elapsed < 15, f"reading a 2^16 zkey took {elapsed:.1f} s"


_fq = st.integers(0, Q - 1)
_g1 = st.one_of(st.none(), st.tuples(st.integers(1, Q - 1), _fq))
_g2 = st.one_of(st.none(), st.tuples(st.tuples(st.integers(1, Q - 1), _fq), st.tuples(_fq, _fq)))


@settings(max_examples=25, derandomize=True, deadline=None)
@given(data=st.data())
def test_any_zkey_round_trips(tmp_path_factory, data):
    # n_vars = 5, n_public = 2, domain 4: every list drawn at the size the header needs
    def g1s(n):
        return data.draw(st.lists(_g1, min_size=n, max_size=n))

    coeff = st.builds(
        Coeff, st.integers(0, 1), st.integers(0, 3), st.integers(0, 4), st.integers(0, R - 1)
    )
    z = Zkey(
        32,
        Q,
        32,
        R,
        5,
        2,
        4,
        *data.draw(st.tuples(_g1, _g1, _g2, _g2, _g1, _g2)),
        ic=g1s(3),
        coeffs=data.draw(st.lists(coeff, max_size=8)),
        a=g1s(5),
        b1=g1s(5),
        b2=data.draw(st.lists(_g2, min_size=5, max_size=5)),
        c=g1s(2),
        h=g1s(4),
        contributions=data.draw(
            st.sampled_from([b"", bytes(68), bytes(64) + b"\x02\0\0\0" + b"x" * 9])
        ),
    )
    p = tmp_path_factory.mktemp("prop") / "p.zkey"
    write_zkey(p, z)
    assert read_zkey(p) == z
