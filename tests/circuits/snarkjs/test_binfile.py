"""The iden3 container: magic, version, section bounds, precise truncation errors."""

import struct

import pytest

from tests.circuits.snarkjs.conftest import FIX, section_offsets
from zkel.circuits.snarkjs import FormatError, read_r1cs, read_wtns, read_zkey
from zkel.circuits.snarkjs.binfile import parse_binfile, read_binfile, write_binfile

READERS = {"r1cs": read_r1cs, "wtns": read_wtns, "zkey": read_zkey}
FILES = ["multiplier.r1cs", "bits.wtns", "interop.zkey", "multiplier.zkey"]


def test_write_then_parse():
    data = b"abcd" + struct.pack("<II", 3, 2) + struct.pack("<IQ", 7, 2) + b"xy"
    data += struct.pack("<IQ", 1, 0)
    bf = parse_binfile(data, "f.abcd", b"abcd", (3,))
    assert bf.version == 3 and {k: bytes(v) for k, v in bf.sections.items()} == {7: b"xy", 1: b""}


def test_write_binfile_layout(tmp_path):
    write_binfile(tmp_path / "f", b"wtns", 2, [(2, b"\x01\x02"), (1, b"")])
    assert (tmp_path / "f").read_bytes() == (
        b"wtns" + struct.pack("<II", 2, 2) + struct.pack("<IQ", 2, 2) + b"\x01\x02"
    ) + struct.pack("<IQ", 1, 0)


def _cuts(path):
    """Every section boundary, each section header's middle, each payload's middle."""
    cuts = {0, 3, 4, 8, 11}
    for _stype, off, size in section_offsets(path):
        cuts |= {off, off + 6, off + 12, off + 12 + size // 2, off + 12 + size - 1}
    return sorted(c for c in cuts if c < path.stat().st_size)


@pytest.mark.parametrize("name", FILES)
def test_truncated_at_every_boundary_and_mid_section(tmp_path, name):
    data = (FIX / name).read_bytes()
    reader = READERS[name.rsplit(".", 1)[1]]
    for cut in _cuts(FIX / name):
        p = tmp_path / f"cut{cut}_{name}"
        p.write_bytes(data[:cut])
        with pytest.raises(FormatError, match=rf"^cut{cut}_{name}: truncated: "):
            reader(p)


def test_truncated_message_names_section_and_sizes(tmp_path):
    data = (FIX / "interop.zkey").read_bytes()
    (_, off, size) = next(s for s in section_offsets(FIX / "interop.zkey") if s[0] == 9)
    (tmp_path / "circuit.zkey").write_bytes(data[: off + 12 + 1000])
    with pytest.raises(FormatError) as exc:
        read_zkey(tmp_path / "circuit.zkey")
    assert str(exc.value) == (
        f"circuit.zkey: truncated: section 9 (H) needs {size} bytes, file has 1000"
    )


def test_truncated_between_sections(tmp_path):
    data = (FIX / "multiplier.r1cs").read_bytes()
    (_, off, _) = section_offsets(FIX / "multiplier.r1cs")[1]
    (tmp_path / "c.r1cs").write_bytes(data[:off])
    with pytest.raises(
        FormatError, match=r"^c.r1cs: truncated: the header of section #2 of 3 is missing$"
    ):
        read_r1cs(tmp_path / "c.r1cs")


@pytest.mark.parametrize("name", FILES)
def test_flipped_magic(tmp_path, name):
    data = bytearray((FIX / name).read_bytes())
    data[0] ^= 0x20
    (tmp_path / name).write_bytes(bytes(data))
    kind = name.rsplit(".", 1)[1]
    with pytest.raises(FormatError, match=rf"^{name}: not a \.{kind} file \(magic b'"):
        READERS[kind](tmp_path / name)


@pytest.mark.parametrize(
    ("name", "version"),
    [("multiplier.r1cs", 2), ("bits.wtns", 3), ("interop.zkey", 0), ("interop.zkey", 2)],
)
def test_wrong_version(tmp_path, name, version):
    data = bytearray((FIX / name).read_bytes())
    data[4:8] = struct.pack("<I", version)
    (tmp_path / name).write_bytes(bytes(data))
    kind = name.rsplit(".", 1)[1]
    with pytest.raises(FormatError, match=rf"^{name}: unsupported \.{kind} version {version} "):
        READERS[kind](tmp_path / name)


def test_another_kind_of_file():
    with pytest.raises(FormatError, match=r"^bits.wtns: not a \.r1cs file \(magic b'wtns'"):
        read_r1cs(FIX / "bits.wtns")


def test_trailing_bytes(tmp_path):
    (tmp_path / "g.wtns").write_bytes((FIX / "bits.wtns").read_bytes() + b"xx")
    with pytest.raises(FormatError, match=r"^g.wtns: 2 unexpected bytes after the last section$"):
        read_wtns(tmp_path / "g.wtns")


def test_duplicate_section(tmp_path):
    write_binfile(tmp_path / "d.wtns", b"wtns", 2, [(1, b""), (2, b""), (2, b"")])
    with pytest.raises(FormatError, match=r"^d.wtns: section 2 \(witness values\) appears twice"):
        read_wtns(tmp_path / "d.wtns")


def test_missing_file(tmp_path):
    with pytest.raises(FormatError, match=r"^nope.zkey: cannot read: "):
        read_binfile(tmp_path / "nope.zkey", b"zkey", (1,))


def test_format_error_is_one_line_and_a_value_error():
    err = FormatError("/some/dir/circuit.zkey", "first\nsecond")
    assert str(err) == "circuit.zkey: first second" and isinstance(err, ValueError)
    assert (err.path, err.problem) == ("/some/dir/circuit.zkey", "first second")
