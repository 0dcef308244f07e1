"""BN254 (alt_bn128): fields Fq, Fr, Fq2; groups G1 and G2; the pairing.

Public API::

    from zkel.circuits.bn254 import G1, G2, Fr, Q, R
    P = G1.generator() * 5
    P.affine()              # (x, y) ints, or None for infinity
    G1.from_affine(x, y)    # ValueError when not on the curve
"""

from zkel.circuits.bn254.curve import G1, G2
from zkel.circuits.bn254.fields import Fq, Fq2, Fr, Q, R

__all__ = ["G1", "G2", "Q", "R", "Fq", "Fq2", "Fr"]
