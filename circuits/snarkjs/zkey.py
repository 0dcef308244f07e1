"""snarkjs' Groth16 ``.zkey`` (version 1), read and written.

Sections (little-endian): 1 header (u32 protocol, 1 = Groth16); 2 Groth16 header
(u32 n8q, q, u32 n8r, r, u32 nVars, u32 nPublic, u32 domainSize, α₁, β₁, β₂, γ₂,
δ₁, δ₂); 3 IC (nPublic + 1 G1); 4 coefficients (u32 count, then u32 matrix
(0 = A, 1 = B), u32 constraint, u32 signal, n8r-byte value); 5 A (nVars G1);
6 B1 (nVars G1); 7 B2 (nVars G2); 8 C (nVars - nPublic - 1 G1: private wires only);
9 H (domainSize G1); 10 contributions (kept as bytes).

Number forms in the file: every point coordinate is in Montgomery form over Fq
(``x·2^256 mod q``), G2 coordinates as ``(c0, c1)``, the point at infinity as all
zeros; coefficient values are Montgomery-encoded twice (``v·2^512 mod r``).
In :class:`Zkey` everything is canonical: points as affine int tuples
(``None`` for infinity), coefficients as ``v``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from zkel.circuits.bn254.fields import Q, R
from zkel.circuits.snarkjs.binfile import Reader, field_header, read_binfile, write_binfile
from zkel.circuits.snarkjs.errors import FormatError

try:
    from gmpy2 import mpz as _num
except ImportError:  # pragma: no cover
    _num = int

G1Affine = tuple[int, int] | None
G2Affine = tuple[tuple[int, int], tuple[int, int]] | None
Progress = Callable[[str, int, int], None]

MONT_Q = pow(2, 256, Q)
MONT_Q_INV = pow(MONT_Q, -1, Q)
MONT_R2 = pow(2, 512, R)
MONT_R2_INV = pow(MONT_R2, -1, R)
PROTOCOL_GROTH16 = 1
SECTION_ORDER = (1, 2, 4, 3, 9, 8, 5, 6, 7, 10)  # as `snarkjs zkey new` writes them


class Coeff(NamedTuple):
    """One QAP matrix entry: ``matrix`` (0 = A, 1 = B), row, wire, canonical value."""

    matrix: int
    constraint: int
    signal: int
    value: int


@dataclass(frozen=True)
class Zkey:
    """A Groth16 proving key in snarkjs' model (canonical numbers, affine points).

    ``c`` holds the private wires' points only (``n_vars - n_public - 1``), as the
    file does; ``h`` has ``domain_size`` points; ``contributions`` is section 10 raw.
    """

    n8q: int
    q: int
    n8r: int
    r: int
    n_vars: int
    n_public: int
    domain_size: int
    alpha1: G1Affine
    beta1: G1Affine
    beta2: G2Affine
    gamma2: G2Affine
    delta1: G1Affine
    delta2: G2Affine
    ic: list[G1Affine]
    coeffs: list[Coeff]
    a: list[G1Affine]
    b1: list[G1Affine]
    b2: list[G2Affine]
    c: list[G1Affine]
    h: list[G1Affine]
    contributions: bytes = b""


# --- points ------------------------------------------------------------------------
def _decode_coords(data: memoryview, count: int, path: str, what: str) -> list[int]:
    """``count`` Montgomery Fq coordinates → canonical ints."""
    out = []
    inv = _num(MONT_Q_INV)
    for i in range(count):
        v = int.from_bytes(data[32 * i : 32 * i + 32], "little")
        if v >= Q:
            raise FormatError(path, f"{what}: coordinate {i} is not below q")
        out.append(int(v * inv % Q))
    return out


def _g1_points(data: memoryview, n: int, path: str, what: str) -> list[G1Affine]:
    if len(data) != 64 * n:
        raise FormatError(
            path, f"section {what} has {len(data)} bytes, expected {64 * n} ({n} G1 points)"
        )
    c = _decode_coords(data, 2 * n, path, what)
    return [
        None if c[2 * i] == 0 and c[2 * i + 1] == 0 else (c[2 * i], c[2 * i + 1]) for i in range(n)
    ]


def _g2_points(data: memoryview, n: int, path: str, what: str) -> list[G2Affine]:
    if len(data) != 128 * n:
        raise FormatError(
            path, f"section {what} has {len(data)} bytes, expected {128 * n} ({n} G2 points)"
        )
    c = _decode_coords(data, 4 * n, path, what)
    out: list[G2Affine] = []
    for i in range(n):
        x0, x1, y0, y1 = c[4 * i : 4 * i + 4]
        out.append(None if not (x0 or x1 or y0 or y1) else ((x0, x1), (y0, y1)))
    return out


def _encode_coord(v: int) -> bytes:
    return (v * MONT_Q % Q).to_bytes(32, "little")


def g1_bytes(points: Sequence[G1Affine]) -> bytes:
    """G1 points in the file's form (Montgomery, infinity as zeros)."""
    zero = bytes(64)
    return b"".join(
        zero if p is None else _encode_coord(p[0]) + _encode_coord(p[1]) for p in points
    )


def g2_bytes(points: Sequence[G2Affine]) -> bytes:
    """G2 points in the file's form (Montgomery, (c0, c1) per coordinate)."""
    zero = bytes(128)
    return b"".join(
        zero if p is None else b"".join(_encode_coord(v) for v in (*p[0], *p[1])) for p in points
    )


# --- reading -------------------------------------------------------------------------
def read_zkey(path: str | Path, *, progress: Progress | None = None) -> Zkey:
    """Parse a Groth16 ``.zkey`` over BN254; FormatError for anything malformed."""
    path = str(path)
    say = progress or (lambda _s, _d, _t: None)
    bf = read_binfile(path, b"zkey", (1,))
    h1 = Reader(bf.section(1, "header"), path, "header section")
    protocol = h1.u32()
    h1.end()
    if protocol != PROTOCOL_GROTH16:
        raise FormatError(path, f"protocol {protocol} is not Groth16 (1)")
    h = Reader(bf.section(2, "Groth16 header"), path, "Groth16 header section")
    n8q = field_header(h, Q, "base field q")
    n8r = field_header(h, R, "scalar field r")
    if n8q != 32 or n8r != 32:
        raise FormatError(path, f"field sizes n8q = {n8q}, n8r = {n8r}: expected 32")
    n_vars, n_public, domain_size = h.u32(), h.u32(), h.u32()
    if domain_size == 0 or domain_size & (domain_size - 1):
        raise FormatError(path, f"domain size {domain_size} is not a power of two")
    if n_public + 1 > n_vars:
        raise FormatError(path, f"nPublic = {n_public} does not fit in nVars = {n_vars}")
    alpha1, beta1 = (_g1_points(h.take(64), 1, path, n)[0] for n in ("alpha1", "beta1"))
    beta2, gamma2 = (_g2_points(h.take(128), 1, path, n)[0] for n in ("beta2", "gamma2"))
    delta1 = _g1_points(h.take(64), 1, path, "delta1")[0]
    delta2 = _g2_points(h.take(128), 1, path, "delta2")[0]
    h.end()

    n_private = n_vars - n_public - 1
    say("IC", 0, 1)
    ic = _g1_points(bf.section(3, "IC"), n_public + 1, path, "3 (IC)")
    say("coefficients", 0, 1)
    coeffs = _read_coeffs(bf.section(4, "coefficients"), path, n_vars, domain_size)
    sections = {}
    for num, name, n, reader in (
        (5, "A", n_vars, _g1_points),
        (6, "B1", n_vars, _g1_points),
        (7, "B2", n_vars, _g2_points),
        (8, "C", n_private, _g1_points),
        (9, "H", domain_size, _g1_points),
    ):
        say(name, 0, n)
        sections[name] = reader(bf.section(num, name), n, path, f"{num} ({name})")
        say(name, n, n)
    contributions = bytes(bf.sections.get(10, b""))
    return Zkey(
        n8q=n8q,
        q=Q,
        n8r=n8r,
        r=R,
        n_vars=n_vars,
        n_public=n_public,
        domain_size=domain_size,
        alpha1=alpha1,
        beta1=beta1,
        beta2=beta2,
        gamma2=gamma2,
        delta1=delta1,
        delta2=delta2,
        ic=ic,
        coeffs=coeffs,
        a=sections["A"],
        b1=sections["B1"],
        b2=sections["B2"],
        c=sections["C"],
        h=sections["H"],
        contributions=contributions,
    )


def _read_coeffs(data: memoryview, path: str, n_vars: int, domain_size: int) -> list[Coeff]:
    r = Reader(data, path, "section 4 (coefficients)")
    count = r.u32()
    if len(data) != 4 + count * 44:
        raise FormatError(
            path,
            f"section 4 (coefficients) has {len(data)} bytes, "
            f"{count} entries need {4 + count * 44}",
        )
    inv = _num(MONT_R2_INV)
    out = []
    for i in range(count):
        base = 4 + 44 * i
        matrix, row, signal = struct.unpack_from("<III", data, base)
        raw = int.from_bytes(data[base + 12 : base + 44], "little")
        if matrix > 1 or row >= domain_size or signal >= n_vars or raw >= R:
            raise FormatError(
                path,
                f"section 4 (coefficients): entry {i} is out of range "
                f"(matrix {matrix}, row {row}, signal {signal})",
            )
        out.append(Coeff(matrix, row, signal, int(raw * inv % R)))
    return out


# --- writing -------------------------------------------------------------------------
def write_zkey(path: str | Path, zkey: Zkey, *, progress: Progress | None = None) -> None:
    """Write ``zkey`` in snarkjs' layout and section order."""
    say = progress or (lambda _s, _d, _t: None)
    header = b"".join(
        [
            struct.pack("<I", 32),
            Q.to_bytes(32, "little"),
            struct.pack("<I", 32),
            R.to_bytes(32, "little"),
            struct.pack("<III", zkey.n_vars, zkey.n_public, zkey.domain_size),
            g1_bytes([zkey.alpha1, zkey.beta1]),
            g2_bytes([zkey.beta2, zkey.gamma2]),
            g1_bytes([zkey.delta1]),
            g2_bytes([zkey.delta2]),
        ]
    )
    coeff_parts = [struct.pack("<I", len(zkey.coeffs))]
    for cf in zkey.coeffs:
        coeff_parts.append(struct.pack("<III", cf.matrix, cf.constraint, cf.signal))
        coeff_parts.append((cf.value * MONT_R2 % R).to_bytes(32, "little"))
    payloads = {
        1: struct.pack("<I", PROTOCOL_GROTH16),
        2: header,
        3: g1_bytes(zkey.ic),
        4: b"".join(coeff_parts),
    }
    for num, name, pts, enc in (
        (5, "A", zkey.a, g1_bytes),
        (6, "B1", zkey.b1, g1_bytes),
        (7, "B2", zkey.b2, g2_bytes),
        (8, "C", zkey.c, g1_bytes),
        (9, "H", zkey.h, g1_bytes),
    ):
        say(name, 0, len(pts))
        payloads[num] = enc(pts)
    payloads[10] = zkey.contributions
    write_binfile(path, b"zkey", 1, [(s, payloads[s]) for s in SECTION_ORDER])
