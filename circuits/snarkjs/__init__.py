"""snarkjs 0.7 file formats: ``.r1cs``, ``.wtns``, Groth16 ``.zkey`` and the JSON files.

Plain data at this layer: field elements as canonical ints, points as affine int
tuples (G1 ``(x, y)``, G2 ``((x0, x1), (y0, y1))``) with ``None`` for infinity.
Every reader raises :class:`FormatError` (one line naming the file and the
problem) for truncated, corrupted or foreign files.
"""

from zkel.circuits.snarkjs.errors import FormatError
from zkel.circuits.snarkjs.jsonfmt import (
    Proof,
    VerificationKey,
    read_proof,
    read_public,
    read_vkey,
    write_proof,
    write_public,
    write_vkey,
)
from zkel.circuits.snarkjs.r1cs import R1cs, read_r1cs, write_r1cs
from zkel.circuits.snarkjs.wtns import read_wtns, write_wtns
from zkel.circuits.snarkjs.zkey import Coeff, Zkey, read_zkey, write_zkey

__all__ = [
    "Coeff",
    "FormatError",
    "Proof",
    "R1cs",
    "VerificationKey",
    "Zkey",
    "read_proof",
    "read_public",
    "read_r1cs",
    "read_vkey",
    "read_wtns",
    "read_zkey",
    "write_proof",
    "write_public",
    "write_r1cs",
    "write_vkey",
    "write_wtns",
    "write_zkey",
]
