"""Example circuits built with the R1CS builder: for tests, benchmarks and the docs."""

from __future__ import annotations

import random

from zkel.circuits.bn254 import R
from zkel.circuits.r1cs import ConstraintSystem


def cubic(x: int = 3, *, with_values: bool = True) -> ConstraintSystem:
    """Public ``out = x³ + x + 5`` with private ``x``."""
    cs = ConstraintSystem(with_values=with_values)
    out = cs.public_input("out", (x**3 + x + 5) % R if with_values else None)
    xv = cs.private_input("x", x if with_values else None)
    x2 = cs.mul(xv, xv, "x^2")
    x3 = cs.mul(x2, xv, "x^3")
    cs.enforce_equal(x3 + xv + 5, out, "out == x^3 + x + 5")
    return cs


def random_circuit(
    n_constraints: int, n_public: int, seed: int, *, with_values: bool = True
) -> ConstraintSystem:
    """A random satisfiable circuit: products of random linear combinations.

    Public signals are declared after some private ones, to exercise the wire
    reordering; values are large random field elements (inputs include 0 and 1).
    """
    rng = random.Random(seed)
    cs = ConstraintSystem(with_values=with_values)

    def val(v: int) -> int | None:
        return v if with_values else None

    # inputs 0, 1 and a random element: the 0 exercises zero wires, the others keep
    # the products (and so the MSM scalars) full-width
    inputs = [0, 1, rng.randrange(2, R)]
    variables = [cs.private_input(f"in{i}", val(v)) for i, v in enumerate(inputs)]
    pending_public = n_public
    while cs.n_constraints < n_constraints:
        k = rng.randrange(1, 4)
        a = sum((rng.randrange(R) * rng.choice(variables) for _ in range(k)), cs.constant(0))
        b = rng.choice(variables) + rng.randrange(3)
        prod = cs.mul(a, b, f"prod{cs.n_constraints}")
        variables.append(prod)
        if pending_public and rng.random() < 0.3:
            pub = cs.public_input(
                f"pub{pending_public}", (lambda p=prod: p.value) if with_values else None
            )
            cs.enforce_equal(pub, prod, f"publish{pending_public}")
            variables.append(pub)
            pending_public -= 1
    while pending_public:
        pub = cs.public_input(f"pub{pending_public}", val(7))
        cs.enforce(pub, 1, 7, f"pub{pending_public} == 7")
        pending_public -= 1
    return cs
