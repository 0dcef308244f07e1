"""The iden3 binary container used by ``.r1cs``, ``.wtns`` and ``.zkey``.

Layout (all little-endian): 4-byte magic, u32 version, u32 number of sections,
then each section as u32 type, u64 size (bytes), payload. Section types may appear
in any order (circom writes .r1cs sections 2, 1, 3; snarkjs' zkey order depends on
the command); each type appears at most once in the files zkel reads, and nothing
may follow the last section.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zkel.circuits.snarkjs.errors import FormatError


@dataclass
class BinFile:
    """A parsed container: its version and the byte payload of each section."""

    path: str
    version: int
    sections: dict[int, memoryview]

    def section(self, kind: int, name: str) -> memoryview:
        """Payload of section ``kind``; FormatError naming it when missing."""
        try:
            return self.sections[kind]
        except KeyError:
            raise FormatError(self.path, f"missing section {kind} ({name})") from None


def read_binfile(
    path: str | Path,
    magic: bytes,
    versions: tuple[int, ...],
    names: Mapping[int, str] | None = None,
) -> BinFile:
    """Read and split a container, checking magic, version and section bounds.

    ``names`` maps section types to the names used in error messages
    (``section 9 (H)``).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_binfile(data, str(path), magic, versions, names)


def parse_binfile(
    data: bytes,
    path: str,
    magic: bytes,
    versions: tuple[int, ...],
    names: Mapping[int, str] | None = None,
) -> BinFile:
    """Split container bytes (see :func:`read_binfile`)."""
    kind = magic.decode()
    if len(data) < 12:
        raise FormatError(path, f"truncated: {len(data)} bytes is too short for a .{kind} header")
    if data[:4] != magic:
        raise FormatError(
            path, f"not a .{kind} file (magic {bytes(data[:4])!r}, expected {magic!r})"
        )
    version, n_sections = struct.unpack_from("<II", data, 4)
    if version not in versions:
        raise FormatError(path, f"unsupported .{kind} version {version} (supported: {versions})")
    view = memoryview(data)
    pos = 12
    sections: dict[int, memoryview] = {}
    for index in range(n_sections):
        if pos + 12 > len(data):
            raise FormatError(
                path,
                f"truncated: the header of section #{index + 1} of {n_sections} is missing",
            )
        stype, size = struct.unpack_from("<IQ", data, pos)
        pos += 12
        label = (
            f"section {stype} ({names[stype]})" if names and stype in names else f"section {stype}"
        )
        if pos + size > len(data):
            raise FormatError(
                path, f"truncated: {label} needs {size} bytes, file has {len(data) - pos}"
            )
        if stype in sections:
            raise FormatError(path, f"{label} appears twice")
        sections[stype] = view[pos : pos + size]
        pos += size
    if pos != len(data):
        raise FormatError(path, f"{len(data) - pos} unexpected bytes after the last section")
    return BinFile(path=path, version=version, sections=sections)


def write_binfile(
    path: str | Path, magic: bytes, version: int, sections: list[tuple[int, bytes]]
) -> None:
    """Write a container with the sections in the given order."""
    parts = [magic, struct.pack("<II", version, len(sections))]
    for stype, payload in sections:
        parts.append(struct.pack("<IQ", stype, len(payload)))
        parts.append(payload)
    Path(path).write_bytes(b"".join(parts))


class Reader:
    """Sequential little-endian reads from a section, with precise truncation errors."""

    def __init__(self, data: memoryview, path: str, what: str) -> None:
        self.data, self.path, self.what, self.pos = data, path, what, 0

    def take(self, n: int) -> memoryview:
        """The next ``n`` bytes; FormatError (``truncated: ...``) when they are not there."""
        if self.pos + n > len(self.data):
            raise FormatError(
                self.path,
                f"truncated: {self.what} needs {self.pos + n} bytes, has {len(self.data)}",
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u32(self) -> int:
        """Next little-endian u32."""
        return int.from_bytes(self.take(4), "little")

    def u64(self) -> int:
        """Next little-endian u64."""
        return int.from_bytes(self.take(8), "little")

    def integer(self, n8: int) -> int:
        """Next ``n8``-byte little-endian unsigned integer (a field element, as stored)."""
        return int.from_bytes(self.take(n8), "little")

    def end(self) -> None:
        """FormatError unless every byte of the section was consumed."""
        if self.pos != len(self.data):
            raise FormatError(
                self.path, f"{self.what}: {len(self.data) - self.pos} unexpected trailing bytes"
            )


def field_header(r: Reader, expected_prime: int, field_name: str) -> int:
    """Read ``n8`` and the prime; check it is ``expected_prime``. Returns n8."""
    n8 = r.u32()
    if n8 == 0 or n8 > 64 or n8 % 8:
        raise FormatError(r.path, f"{r.what}: invalid field size n8 = {n8}")
    prime = r.integer(n8)
    if prime != expected_prime:
        raise FormatError(
            r.path, f"prime {prime:#x} is not BN254's {field_name} (another curve or field?)"
        )
    return n8
