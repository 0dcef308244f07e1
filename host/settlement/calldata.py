"""Groth16 proofs as contract call arguments (the role of ``snarkjs zkey export soliditycalldata``).

``proof.json`` + ``public.json`` → the arguments of ``verifyProof(pA, pB, pC,
pubSignals)`` (see :mod:`zkel.host.settlement.verifier` for the layout): canonical
ints, G2 coordinates imaginary part first, the point at infinity as zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from zkel.circuits.bn254 import R
from zkel.circuits.groth16 import Proof as CurveProof
from zkel.circuits.snarkjs import Proof, read_proof, read_public

G1Words = tuple[int, int]
G2Words = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class ProofCalldata:
    """``verifyProof`` arguments: ``a = (x, y)``, ``b = ((x1, x0), (y1, y0))``, ``c = (x, y)``,
    ``public`` the public signals (canonical, < r). All coordinates canonical, < q."""

    a: G1Words
    b: G2Words
    c: G1Words
    public: tuple[int, ...]

    @classmethod
    def from_proof(cls, proof: Proof | CurveProof, public: Sequence[int]) -> ProofCalldata:
        """From a file-model proof (affine ints) or a curve-object proof, and public signals."""
        if isinstance(proof, CurveProof):
            proof = proof.to_snarkjs()
        for i, v in enumerate(public):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < R:
                raise ValueError(f"public signal {i} is not a field element below r")
        (bx0, bx1), (by0, by1) = proof.b if proof.b is not None else ((0, 0), (0, 0))
        return cls(
            a=_g1(proof.a),
            b=((int(bx1), int(bx0)), (int(by1), int(by0))),
            c=_g1(proof.c),
            public=tuple(int(v) for v in public),
        )

    @classmethod
    def from_files(cls, proof_path: str | Path, public_path: str | Path) -> ProofCalldata:
        """From ``proof.json`` and ``public.json`` (raises the readers' ``FormatError``)."""
        return cls.from_proof(read_proof(proof_path), read_public(public_path))

    def proof_args(self) -> tuple[list[int], list[list[int]], list[int]]:
        """``(pA, pB, pC)`` as lists, ready for ABI encoding."""
        return list(self.a), [list(self.b[0]), list(self.b[1])], list(self.c)

    def args(self) -> tuple[list[int], list[list[int]], list[int], list[int]]:
        """``(pA, pB, pC, pubSignals)``; with no public signals, the last list is empty."""
        return (*self.proof_args(), list(self.public))

    def format(self) -> str:
        """One line as snarkjs' ``soliditycalldata`` prints it (quoted 0x-hex, 64 digits; a point's
        coordinates separated by ``", "``, public signals by ``","``)."""
        a, b, c = self.proof_args()
        points = f"[{_hex(a)}],[[{_hex(b[0])}],[{_hex(b[1])}]],[{_hex(c)}]"
        return f"{points},[{_hex(list(self.public), ',')}]"


def _g1(p: tuple[int, int] | None) -> G1Words:
    return (0, 0) if p is None else (int(p[0]), int(p[1]))


def _hex(values: Sequence[int], sep: str = ", ") -> str:
    return sep.join(f'"0x{v:064x}"' for v in values)
