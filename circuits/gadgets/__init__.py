"""R1CS gadgets over BN254's Fr, built with :class:`zkel.circuits.r1cs.ConstraintSystem`.

Each gadget takes the constraint system and linear combinations (``LC``), adds its
constraints, and returns linear combinations; with values it also computes the
witness as it goes. Values are canonical field elements (never Montgomery form).

=====================  =============================================================
module                 what it holds
=====================  =============================================================
``bits``               booleans, bit decomposition and range checks, comparisons,
                       zero tests, selection, integer division with remainder
``poseidon``           Poseidon (circomlib's parameters) in the optimized form
``merkle``             4-ary Merkle paths and updates (Poseidon(4)) of :mod:`zkel.circuits.smt`
``babyjub``            Baby Jubjub points: add, double, on-curve, scalar multiples
``eddsa``              EdDSA-Poseidon verification (circomlibjs' ``verifyPoseidon``)
``sha256``             SHA-256 over bits (the public-data commitment)
=====================  =============================================================

Constraint counts of each gadget are listed in its docstring and checked by the
tests (``tests/circuits/gadgets``), so a change that makes one dearer shows up.
"""
