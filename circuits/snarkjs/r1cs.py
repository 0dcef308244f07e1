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


@dataclass(frozen=True)
class R1cs:
    """A rank-1 constraint system: ``(A·w)(B·w) = C·w`` per constraint, over ``prime``."""

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
    """Parse a ``.r1cs``; FormatError for anything malformed or not over BN254's Fr."""
    path = str(path)
    bf = read_binfile(path, b"r1cs", (1,))
    h = Reader(bf.section(1, "header"), path, "header section")
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
    c = Reader(bf.section(2, "constraints"), path, "constraints section")
    constraints = []
    for _ in range(n_constraints):
        triple = []
        for _ in range(3):
            lc: LinearCombination = {}
            for _ in range(c.u32()):
                wire = c.u32()
                coeff = c.integer(n8)
                if wire >= n_wires:
                    raise FormatError(
                        path,
                        f"constraint {len(constraints)}: wire {wire} "
                        f"out of range ({n_wires} wires)",
                    )
                if coeff >= R:
                    raise FormatError(
                        path, f"constraint {len(constraints)}: coefficient not below r"
                    )
                lc[wire] = coeff
            triple.append(lc)
        constraints.append((triple[0], triple[1], triple[2]))
    c.end()
    if 3 in bf.sections:
        m = Reader(bf.sections[3], path, "wire-to-label section")
        if len(bf.sections[3]) != 8 * n_wires:
            raise FormatError(
                path,
                f"wire-to-label section has {len(bf.sections[3])} bytes, expected {8 * n_wires}",
            )
        wire_to_label = [m.u64() for _ in range(n_wires)]
    else:
        wire_to_label = list(range(n_wires))
    return R1cs(R, n8, n_wires, n_pub_out, n_pub_in, n_prv_in, n_labels, constraints, wire_to_label)


def _lc_bytes(lc: LinearCombination, n8: int) -> bytes:
    parts = [struct.pack("<I", len(lc))]
    for wire in lc:  # insertion order: a read-then-write round trip is byte-identical
        parts.append(struct.pack("<I", wire))
        parts.append((lc[wire] % R).to_bytes(n8, "little"))
    return b"".join(parts)


def write_r1cs(path: str | Path, r1cs: R1cs) -> None:
    """Write ``r1cs`` byte for byte as circom does (sections 2, 1, 3)."""
    n8 = r1cs.n8
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
        _lc_bytes(a, n8) + _lc_bytes(b, n8) + _lc_bytes(c, n8) for a, b, c in r1cs.constraints
    )
    labels = b"".join(struct.pack("<Q", label) for label in r1cs.wire_to_label)
    # circom writes the constraints before the header; snarkjs accepts any order
    write_binfile(path, b"r1cs", 1, [(2, cons), (1, header), (3, labels)])
