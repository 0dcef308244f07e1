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

G1Affine = tuple[int, int] | None
G2Affine = tuple[tuple[int, int], tuple[int, int]] | None
Progress = Callable[[str, int, int], None]

MONT_Q = pow(2, 256, Q)
MONT_Q_INV = pow(MONT_Q, -1, Q)
MONT_R2 = pow(2, 512, R)
MONT_R2_INV = pow(MONT_R2, -1, R)
PROTOCOL_GROTH16 = 1
SECTION_ORDER = (1, 2, 4, 3, 9, 8, 5, 6, 7, 10)  # as `snarkjs zkey new` writes them
CONTRIBUTED_ORDER = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)  # as `zkey contribute`/`beacon` do
SECTION_NAMES = {
    1: "header",
    2: "Groth16 header",
    3: "IC",
    4: "coefficients",
    5: "A",
    6: "B1",
    7: "B2",
    8: "C",
    9: "H",
    10: "contributions",
}


class Coeff(NamedTuple):
    """One QAP matrix entry: ``matrix`` (0 = A, 1 = B), row, wire, canonical value."""

    matrix: int
    constraint: int
    signal: int
    value: int


@dataclass(frozen=True)
class Zkey:
    """A Groth16 proving key in snarkjs' model (canonical numbers, affine points).

    With u_i, v_i, w_i the QAP polynomials of wire i (from the A, B, C matrices) and
    τ, α, β, γ, δ the setup's secrets (G1, G2 the generators):

    Attributes
    ----------
    n8q, q, n8r, r
        Byte widths (32) and the primes: BN254's base field q and scalar field r.
    n_vars, n_public
        Wires (constant 1 included) and public signals (outputs then inputs, the
        constant not counted).
    domain_size
        Power of two ≥ constraints + n_public + 1: the QAP evaluation domain.
    alpha1, beta1, beta2, gamma2, delta1, delta2
        α·G1, β·G1, β·G2, γ·G2, δ·G1, δ·G2.
    ic
        ``n_public + 1`` points: (β·u_i(τ) + α·v_i(τ) + w_i(τ))/γ · G1 for the
        public wires i = 0..n_public.
    coeffs
        The non-zero entries of the A and B matrices (C is implied), then one
        entry ``A[n_constraints + i][i] = 1`` per public wire i (snarkjs' way of
        making the public inputs independent), in file order.
    a, b1, b2
        ``n_vars`` points each: u_i(τ)·G1, v_i(τ)·G1, v_i(τ)·G2 (None where zero).
    c
        The private wires only, as the file holds them: ``c[j]`` belongs to wire
        ``n_public + 1 + j`` and is (β·u_i(τ) + α·v_i(τ) + w_i(τ))/δ · G1.
    h
        ``domain_size`` points: δ⁻¹·L_{2j+1}(τ)·G1 for the Lagrange basis of the
        doubled domain at odd j (so h(X) is evaluated on the odd coset).
    contributions
        Section 10 as raw bytes (circuit hash, count, the MPC contributions), or
        ``b""`` when the file has none; kept byte for byte.
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
def _decode_coords(data: bytes, count: int, path: str, what: str) -> list[int]:
    """``count`` 32-byte Montgomery Fq coordinates (LE) → canonical ints.

    One multiplication by ``2^-256 mod q`` per coordinate. Python's own ints beat
    gmpy2 here: converting to and from ``mpz`` costs more than it saves at 256 bits.
    """
    vals = [int.from_bytes(data[i : i + 32], "little") for i in range(0, 32 * count, 32)]
    if vals and max(vals) >= Q:
        first = next(i for i, v in enumerate(vals) if v >= Q)
        raise FormatError(path, f"{what}: coordinate {first} is not below q")
    inv = MONT_Q_INV
    return [v * inv % Q for v in vals]


def _g1_points(data: bytes | memoryview, n: int, path: str, what: str) -> list[G1Affine]:
    if len(data) != 64 * n:
        raise FormatError(path, f"{what} has {len(data)} bytes, expected {64 * n} ({n} G1 points)")
    c = _decode_coords(bytes(data), 2 * n, path, what)
    xs, ys = c[0::2], c[1::2]
    return [None if x == 0 and y == 0 else (x, y) for x, y in zip(xs, ys, strict=True)]


def _g2_points(data: bytes | memoryview, n: int, path: str, what: str) -> list[G2Affine]:
    if len(data) != 128 * n:
        raise FormatError(path, f"{what} has {len(data)} bytes, expected {128 * n} ({n} G2 points)")
    c = _decode_coords(bytes(data), 4 * n, path, what)
    out: list[G2Affine] = []
    for i in range(0, 4 * n, 4):
        x0, x1, y0, y1 = c[i : i + 4]
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
    """Parse a Groth16 ``.zkey`` over BN254 into canonical numbers and affine points.

    Checks the structure (magic, version, presence and exact size of sections 1-9,
    BN254's q and r, every value below its modulus, counts consistent with the
    header); curve and subgroup membership are left to the Groth16 layer.
    ``progress(stage, done, total)`` is told about each point section.

    Raises
    ------
    FormatError
        For anything malformed, naming the file, the section and the problem.
    """
    path = str(path)
    say = progress or (lambda _s, _d, _t: None)
    bf = read_binfile(path, b"zkey", (1,), SECTION_NAMES)
    h1 = Reader(bf.section(1, "header"), path, "section 1 (header)")
    protocol = h1.u32()
    h1.end()
    if protocol != PROTOCOL_GROTH16:
        raise FormatError(path, f"protocol {protocol} is not Groth16 (1)")
    h = Reader(bf.section(2, "Groth16 header"), path, "section 2 (Groth16 header)")
    n8q = field_header(h, Q, "base field q")
    n8r = field_header(h, R, "scalar field r")
    if n8q != 32 or n8r != 32:
        raise FormatError(path, f"field sizes n8q = {n8q}, n8r = {n8r}: BN254 needs 32")
    n_vars, n_public, domain_size = h.u32(), h.u32(), h.u32()
    if domain_size == 0 or domain_size & (domain_size - 1):
        raise FormatError(path, f"domain size {domain_size} is not a power of two")
    if n_public + 1 > n_vars:
        raise FormatError(path, f"nPublic = {n_public} does not fit in nVars = {n_vars}")
    alpha1, beta1 = (_g1_points(h.take(64), 1, path, f"header {n}")[0] for n in ("alpha1", "beta1"))
    beta2, gamma2 = (
        _g2_points(h.take(128), 1, path, f"header {n}")[0] for n in ("beta2", "gamma2")
    )
    delta1 = _g1_points(h.take(64), 1, path, "header delta1")[0]
    delta2 = _g2_points(h.take(128), 1, path, "header delta2")[0]
    h.end()

    say("coefficients", 0, 1)
    coeffs = _read_coeffs(bf.section(4, "coefficients"), path, n_vars, domain_size)
    say("coefficients", 1, 1)
    points = {}
    for num, n, reader in (
        (3, n_public + 1, _g1_points),
        (5, n_vars, _g1_points),
        (6, n_vars, _g1_points),
        (7, n_vars, _g2_points),
        (8, n_vars - n_public - 1, _g1_points),
        (9, domain_size, _g1_points),
    ):
        name = SECTION_NAMES[num]
        say(name, 0, n)
        points[num] = reader(bf.section(num, name), n, path, f"section {num} ({name})")
        say(name, n, n)
    contributions = bytes(bf.sections.get(10, b""))
    if contributions and len(contributions) < 68:
        raise FormatError(
            path,
            f"section 10 (contributions) has {len(contributions)} bytes, "
            "needs at least 68 (circuit hash and count)",
        )
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
        ic=points[3],
        coeffs=coeffs,
        a=points[5],
        b1=points[6],
        b2=points[7],
        c=points[8],
        h=points[9],
        contributions=contributions,
    )


def _read_coeffs(data: memoryview, path: str, n_vars: int, domain_size: int) -> list[Coeff]:
    """Section 4: u32 count, then 44-byte entries; values ``v·2^512 mod r`` → ``v``."""
    what = "section 4 (coefficients)"
    count = Reader(data, path, what).u32()
    if len(data) != 4 + count * 44:
        raise FormatError(
            path, f"{what} has {len(data)} bytes, {count} entries need {4 + count * 44}"
        )
    inv = MONT_R2_INV
    out = []
    for i, (matrix, row, signal, raw_bytes) in enumerate(
        struct.iter_unpack("<III32s", bytes(data[4:]))
    ):
        raw = int.from_bytes(raw_bytes, "little")
        if matrix > 1 or row >= domain_size or signal >= n_vars or raw >= R:
            problem = (
                f"matrix {matrix} is not 0 (A) or 1 (B)"
                if matrix > 1
                else f"constraint {row} is outside the domain of {domain_size}"
                if row >= domain_size
                else f"signal {signal} is not below nVars = {n_vars}"
                if signal >= n_vars
                else "value is not below r"
            )
            raise FormatError(path, f"{what}: entry {i}: {problem}")
        out.append(Coeff(matrix, row, signal, raw * inv % R))
    return out


# --- writing -------------------------------------------------------------------------
def _section_order(contributions: bytes) -> tuple[int, ...]:
    """snarkjs' order: ``zkey new`` for a key without contributions, else 1..10."""
    if len(contributions) >= 68 and int.from_bytes(contributions[64:68], "little") > 0:
        return CONTRIBUTED_ORDER
    return SECTION_ORDER


def write_zkey(path: str | Path, zkey: Zkey, progress: Progress | None = None) -> None:
    """Write ``zkey`` as snarkjs does, byte for byte.

    Points are encoded in Montgomery form, coefficients as ``v·2^512 mod r``. Sections
    go in the order ``snarkjs zkey new`` uses (1, 2, 4, 3, 9, 8, 5, 6, 7, 10) when
    section 10 records no contribution, else in the order a contribution rewrites
    them (1 to 10); section 10 is left out when ``zkey.contributions`` is empty.

    Raises
    ------
    ValueError
        When a list's length disagrees with the header counts.
    """
    say = progress or (lambda _s, _d, _t: None)
    _check_counts(zkey)
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
    say("coefficients", 0, 1)
    coeff_parts = [struct.pack("<I", len(zkey.coeffs))]
    pack = struct.Struct("<III").pack
    for cf in zkey.coeffs:
        coeff_parts.append(pack(cf.matrix, cf.constraint, cf.signal))
        coeff_parts.append((cf.value * MONT_R2 % R).to_bytes(32, "little"))
    say("coefficients", 1, 1)
    payloads = {
        1: struct.pack("<I", PROTOCOL_GROTH16),
        2: header,
        4: b"".join(coeff_parts),
    }
    for num, pts, enc in (
        (3, zkey.ic, g1_bytes),
        (5, zkey.a, g1_bytes),
        (6, zkey.b1, g1_bytes),
        (7, zkey.b2, g2_bytes),
        (8, zkey.c, g1_bytes),
        (9, zkey.h, g1_bytes),
    ):
        say(SECTION_NAMES[num], 0, len(pts))
        payloads[num] = enc(pts)
        say(SECTION_NAMES[num], len(pts), len(pts))
    payloads[10] = zkey.contributions
    order = [s for s in _section_order(zkey.contributions) if s != 10 or zkey.contributions]
    write_binfile(path, b"zkey", 1, [(s, payloads[s]) for s in order])


def _check_counts(zkey: Zkey) -> None:
    n_private = zkey.n_vars - zkey.n_public - 1
    for name, pts, n in (
        ("ic", zkey.ic, zkey.n_public + 1),
        ("a", zkey.a, zkey.n_vars),
        ("b1", zkey.b1, zkey.n_vars),
        ("b2", zkey.b2, zkey.n_vars),
        ("c", zkey.c, n_private),
        ("h", zkey.h, zkey.domain_size),
    ):
        if len(pts) != n:
            raise ValueError(f"Zkey.{name} has {len(pts)} points, the header needs {n}")
