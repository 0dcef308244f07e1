"""circom's ``.r1cs`` (version 1), read and written.

Sections: 1 header (u32 n8, prime, u32 nWires, nPubOut, nPubIn, nPrvIn, u64 nLabels,
u32 nConstraints), 2 constraints (per constraint A, B, C, each a u32 term count and
(u32 wire, n8-byte coefficient) terms; coefficients canonical), 3 wire-to-label map
(u64 per wire). Custom-gate sections (4, 5) are ignored when reading.
Wire order: 0 is the constant 1, then public outputs, public inputs, private inputs.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from zkel.circuits.bn254.fields import R
from zkel.circuits.snarkjs.binfile import Reader, field_header, read_binfile, write_binfile
from zkel.circuits.snarkjs.errors import FormatError

LinearCombination = dict[int, int]
SECTION_NAMES = {
    1: "header",
    2: "constraints",
    3: "wire-to-label map",
    4: "custom gates list",
    5: "custom gates uses",
}


@dataclass(frozen=True)
class R1cs:
    """A rank-1 constraint system: ``(A·w)(B·w) = C·w`` per constraint, over ``prime``.

    Attributes
    ----------
    prime, n8
        The field (BN254's r when read) and its byte width in the file (32).
    n_wires
        Wires, the constant-1 wire 0 included.
    n_pub_out, n_pub_in, n_prv_in
        Public outputs (wires ``1..n_pub_out``), then public inputs, then private
        inputs, in that wire order.
    n_labels
        Signals of the source circuit (``wire_to_label`` points into them).
    constraints
        ``(A, B, C)`` per constraint, each a ``{wire: coefficient}`` dict with
        canonical coefficients below ``prime``, in file order.
    wire_to_label
        For each wire, its label (u64).
    """

    prime: int
    n8: int
    n_wires: int
    n_pub_out: int
    n_pub_in: int
    n_prv_in: int
    n_labels: int
    constraints: list[tuple[LinearCombination, LinearCombination, LinearCombination]]
    wire_to_label: list[int]

    @property
    def n_public(self) -> int:
        """Public signals (outputs then inputs), the constant 1 not counted."""
        return self.n_pub_out + self.n_pub_in


def read_r1cs(path: str | Path) -> R1cs:
    """Parse a circom ``.r1cs`` (version 1) over BN254's scalar field.

    Custom-gate sections (4 and 5, from circom's ``--O2`` PLONK output) are ignored:
    they do not exist for Groth16, and :func:`write_r1cs` does not write them.

    Raises
    ------
    FormatError
        For a truncated or corrupted file, another field's prime, wires or
        coefficients out of range, naming the file and the problem.
    """
    path = str(path)
    bf = read_binfile(path, b"r1cs", (1,), SECTION_NAMES)
    h = Reader(bf.section(1, "header"), path, "section 1 (header)")
    n8 = field_header(h, R, "scalar field r")
    n_wires, n_pub_out, n_pub_in, n_prv_in = (h.u32() for _ in range(4))
    n_labels = h.u64()
    n_constraints = h.u32()
    h.end()
    if n_pub_out + n_pub_in + n_prv_in >= max(n_wires, 1):
        raise FormatError(
            path,
            f"header: {n_pub_out + n_pub_in + n_prv_in} inputs/outputs "
            f"do not fit in {n_wires} wires",
        )
    constraints = _read_constraints(bf.section(2, "constraints"), path, n8, n_wires, n_constraints)
    if 3 in bf.sections:
        labels = bytes(bf.sections[3])
        if len(labels) != 8 * n_wires:
            raise FormatError(
                path,
                f"section 3 (wire-to-label map) has {len(labels)} bytes, "
                f"expected {8 * n_wires} ({n_wires} wires)",
            )
        wire_to_label = [v for (v,) in struct.iter_unpack("<Q", labels)]
    else:
        wire_to_label = list(range(n_wires))
    return R1cs(R, n8, n_wires, n_pub_out, n_pub_in, n_prv_in, n_labels, constraints, wire_to_label)


def _read_constraints(
    data: memoryview, path: str, n8: int, n_wires: int, n_constraints: int
) -> list[tuple[LinearCombination, LinearCombination, LinearCombination]]:
    """Section 2: per constraint, A, B and C as (u32 count, (u32 wire, n8-byte coeff)*)."""
    buf = bytes(data)
    size, pos, step = len(buf), 0, 4 + n8
    constraints = []
    for index in range(n_constraints):
        triple = []
        for part in "ABC":
            if pos + 4 > size:
                raise FormatError(
                    path, f"truncated: section 2 (constraints) ends inside constraint {index}"
                )
            n_terms = int.from_bytes(buf[pos : pos + 4], "little")
            pos += 4
            if pos + n_terms * step > size:
                raise FormatError(
                    path, f"truncated: section 2 (constraints) ends inside constraint {index}"
                )
            lc: LinearCombination = {}
            for _ in range(n_terms):
                wire = int.from_bytes(buf[pos : pos + 4], "little")
                coeff = int.from_bytes(buf[pos + 4 : pos + step], "little")
                pos += step
                if wire >= n_wires:
                    raise FormatError(
                        path, f"constraint {index} ({part}): wire {wire} is not below {n_wires}"
                    )
                if coeff >= R:
                    raise FormatError(path, f"constraint {index} ({part}): coefficient not below r")
                # a wire listed twice (circom never does this) means the sum of its terms
                lc[wire] = (lc[wire] + coeff) % R if wire in lc else coeff
            triple.append(lc)
        constraints.append((triple[0], triple[1], triple[2]))
    if pos != size:
        raise FormatError(
            path, f"section 2 (constraints): {size - pos} bytes after the last constraint"
        )
    return constraints


def _lc_bytes(lc: LinearCombination, n8: int, prime: int) -> bytes:
    parts = [struct.pack("<I", len(lc))]
    for wire in lc:  # insertion order: a read-then-write round trip is byte-identical
        parts.append(struct.pack("<I", wire))
        parts.append((lc[wire] % prime).to_bytes(n8, "little"))
    return b"".join(parts)


def write_r1cs(path: str | Path, r1cs: R1cs) -> None:
    """Write ``r1cs`` byte for byte as circom does (sections 2, 1, 3).

    Coefficients are written reduced modulo ``r1cs.prime`` (so ``-1`` is fine).

    Raises
    ------
    ValueError
        When ``wire_to_label`` does not have ``n_wires`` entries or a constraint
        names a wire not below ``n_wires``.
    """
    n8 = r1cs.n8
    if len(r1cs.wire_to_label) != r1cs.n_wires:
        raise ValueError(
            f"wire_to_label has {len(r1cs.wire_to_label)} entries, n_wires is {r1cs.n_wires}"
        )
    for index, abc in enumerate(r1cs.constraints):
        for lc in abc:
            bad = [w for w in lc if not 0 <= w < r1cs.n_wires]
            if bad:
                raise ValueError(f"constraint {index}: wire {bad[0]} is not below {r1cs.n_wires}")
    p = r1cs.prime
    header = b"".join(
        [
            struct.pack("<I", n8),
            r1cs.prime.to_bytes(n8, "little"),
            struct.pack("<IIII", r1cs.n_wires, r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in),
            struct.pack("<Q", r1cs.n_labels),
            struct.pack("<I", len(r1cs.constraints)),
        ]
    )
    cons = b"".join(
        _lc_bytes(a, n8, p) + _lc_bytes(b, n8, p) + _lc_bytes(c, n8, p)
        for a, b, c in r1cs.constraints
    )
    labels = b"".join(struct.pack("<Q", label) for label in r1cs.wire_to_label)
    # circom writes the constraints before the header; snarkjs accepts any order
    write_binfile(path, b"r1cs", 1, [(2, cons), (1, header), (3, labels)])
