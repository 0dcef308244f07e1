"""circom's ``.wtns`` (version 2): the witness, canonical field elements.

Sections: 1 header (u32 n8, prime as n8 bytes LE, u32 nWitness), 2 values (nWitness
values, n8 bytes each, little-endian, canonical form, not Montgomery). snarkjs also
reads version 1 files, which have the same layout; so does :func:`read_wtns`.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

from zkel.circuits.bn254.fields import R
from zkel.circuits.snarkjs.binfile import Reader, field_header, read_binfile, write_binfile
from zkel.circuits.snarkjs.errors import FormatError

SECTION_NAMES = {1: "header", 2: "witness values"}


def read_wtns(path: str | Path) -> list[int]:
    """The witness values of a ``.wtns`` over BN254's scalar field.

    Returns
    -------
    list[int]
        Canonical ints below r, in wire order; index 0 is the constant 1.

    Raises
    ------
    FormatError
        For a truncated or corrupted file, another field's prime, or a value not
        below r, naming the file and the problem.
    """
    path = str(path)
    bf = read_binfile(path, b"wtns", (1, 2), SECTION_NAMES)
    h = Reader(bf.section(1, "header"), path, "section 1 (header)")
    n8 = field_header(h, R, "scalar field r")
    n = h.u32()
    h.end()
    data = bytes(bf.section(2, "witness values"))
    if len(data) != n * n8:
        raise FormatError(
            path,
            f"section 2 (witness values) has {len(data)} bytes, {n} values need {n * n8}",
        )
    values = [int.from_bytes(data[i : i + n8], "little") for i in range(0, n * n8, n8)]
    if values and max(values) >= R:
        first = next(i for i, v in enumerate(values) if v >= R)
        raise FormatError(path, f"witness value {first} is not below r")
    return values


def write_wtns(path: str | Path, values: Sequence[int], prime: int = R) -> None:
    """Write a ``.wtns`` (version 2) as circom's witness generators do.

    ``values`` are written reduced modulo ``prime`` (so ``-1`` is ``prime - 1``);
    the field width ``n8`` is the prime's size rounded up to 8 bytes (32 for BN254).
    ``prime`` other than r exists for tests of foreign files.
    """
    if prime < 2:
        raise ValueError(f"prime must be at least 2, not {prime!r}")
    n8 = ((prime.bit_length() - 1) // 64 + 1) * 8
    header = struct.pack("<I", n8) + prime.to_bytes(n8, "little") + struct.pack("<I", len(values))
    body = b"".join((v % prime).to_bytes(n8, "little") for v in values)
    write_binfile(path, b"wtns", 2, [(1, header), (2, body)])
