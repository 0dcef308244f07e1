"""circom's ``.wtns`` (version 2): the witness, canonical field elements.

Sections: 1 header (u32 n8, prime, u32 nWitness), 2 values (n8 bytes each, LE).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

from zkel.circuits.bn254.fields import R
from zkel.circuits.snarkjs.binfile import Reader, field_header, read_binfile, write_binfile
from zkel.circuits.snarkjs.errors import FormatError


def read_wtns(path: str | Path) -> list[int]:
    """The witness values (index 0 is the constant 1), canonical ints below r."""
    path = str(path)
    bf = read_binfile(path, b"wtns", (1, 2))
    h = Reader(bf.section(1, "header"), path, "header section")
    n8 = field_header(h, R, "scalar field r")
    n = h.u32()
    h.end()
    data = bf.section(2, "witness values")
    if len(data) != n * n8:
        raise FormatError(
            path, f"truncated: {n} values need {n * n8} bytes, section has {len(data)}"
        )
    values = [int.from_bytes(data[i : i + n8], "little") for i in range(0, n * n8, n8)]
    for i, v in enumerate(values):
        if v >= R:
            raise FormatError(path, f"witness value {i} is not below r")
    return values


def write_wtns(path: str | Path, values: Sequence[int], prime: int = R) -> None:
    """Write a ``.wtns`` (version 2) holding ``values`` (reduced mod ``prime``)."""
    n8 = 32
    header = struct.pack("<I", n8) + prime.to_bytes(n8, "little") + struct.pack("<I", len(values))
    body = b"".join((v % prime).to_bytes(n8, "little") for v in values)
    write_binfile(path, b"wtns", 2, [(1, header), (2, body)])
