"""Rank-1 constraint systems over BN254's Fr: a builder with witness computation.

``ConstraintSystem`` builds constraints ``A·w ∘ B·w = C·w`` and the witness ``w``;
``to_r1cs()`` exports snarkjs' ``.r1cs`` model and ``witness()`` the ``.wtns`` values.
"""

from zkel.circuits.r1cs.builder import Constraint, ConstraintSystem, UnsatisfiedConstraint
from zkel.circuits.r1cs.lc import LC, LinearCombination

__all__ = ["LC", "Constraint", "ConstraintSystem", "LinearCombination", "UnsatisfiedConstraint"]
