"""circom's .wtns: byte-identical round trips and precise errors."""

import struct

import pytest

from tests.circuits.snarkjs.conftest import BLS12_381_R, CIRCUITS, FIX, sections_of
from zkel.circuits.bn254 import R
from zkel.circuits.snarkjs import FormatError, read_wtns, write_wtns


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_round_trip_is_byte_identical(tmp_path, circuit):
    write_wtns(tmp_path / "x.wtns", read_wtns(FIX / f"{circuit}.wtns"))
    assert (tmp_path / "x.wtns").read_bytes() == (FIX / f"{circuit}.wtns").read_bytes()


def test_multiplier_values():
    # wires: 1, c (public output), a, b with a = 3, b = 11 (multiplier_input.json)
    assert read_wtns(FIX / "multiplier.wtns") == [1, 33, 3, 11]


def test_values_are_reduced_when_written(tmp_path):
    write_wtns(tmp_path / "w.wtns", [1, -1, R + 2])
    assert read_wtns(tmp_path / "w.wtns") == [1, R - 1, 2]


def test_version_1_is_read(rebuild):
    p = rebuild(FIX / "multiplier.wtns", "v1.wtns", version=1)
    assert read_wtns(p) == [1, 33, 3, 11]


def test_another_prime(tmp_path):
    write_wtns(tmp_path / "witness.wtns", [1, 2, 3], prime=BLS12_381_R)
    with pytest.raises(
        FormatError, match=r"^witness.wtns: prime 0x73eda753.* is not BN254's scalar field r"
    ):
        read_wtns(tmp_path / "witness.wtns")


def test_value_not_below_r(tmp_path):
    write_wtns(tmp_path / "w.wtns", [1, 2, 3])
    data = bytearray((tmp_path / "w.wtns").read_bytes())
    data[-32:] = (R + 1).to_bytes(32, "little")
    (tmp_path / "w.wtns").write_bytes(bytes(data))
    with pytest.raises(FormatError, match=r"^w.wtns: witness value 2 is not below r$"):
        read_wtns(tmp_path / "w.wtns")


def test_count_disagrees_with_section(rebuild):
    header = sections_of(FIX / "multiplier.wtns")[1]
    p = rebuild(FIX / "multiplier.wtns", "n.wtns", replace={1: header[:-4] + struct.pack("<I", 5)})
    with pytest.raises(
        FormatError,
        match=r"^n.wtns: section 2 \(witness values\) has 128 bytes, 5 values need 160$",
    ):
        read_wtns(p)


def test_bad_field_size(rebuild):
    header = sections_of(FIX / "multiplier.wtns")[1]
    p = rebuild(FIX / "multiplier.wtns", "s.wtns", replace={1: struct.pack("<I", 7) + header[4:]})
    with pytest.raises(
        FormatError, match=r"^s.wtns: section 1 \(header\): invalid field size n8 = 7"
    ):
        read_wtns(p)


def test_writer_rejects_a_silly_prime(tmp_path):
    with pytest.raises(ValueError, match="prime must be at least 2"):
        write_wtns(tmp_path / "w.wtns", [1], prime=0)
