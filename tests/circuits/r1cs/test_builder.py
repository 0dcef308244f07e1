"""The R1CS builder: values, constraints, wire order, export, unsatisfied constraints."""

import pytest

from zkel.circuits.bn254 import R
from zkel.circuits.r1cs import LC, ConstraintSystem, UnsatisfiedConstraint
from zkel.circuits.r1cs.examples import cubic, random_circuit


def test_cubic_witness_and_satisfaction():
    cs = cubic(3)
    assert cs.is_satisfied()
    assert cs.public_values() == [35]
    assert cs.witness()[:3] == [1, 35, 3]  # one, public out, then private x
    assert cs.n_constraints == 3


def test_check_names_the_broken_constraint():
    cs = cubic(3)
    cs.values[cs.public[0]] = 36
    with pytest.raises(UnsatisfiedConstraint, match=r"constraint 2 \(out == x\^3 \+ x \+ 5\)"):
        cs.check()
    assert not cs.is_satisfied()


def test_scopes_prefix_names():
    cs = ConstraintSystem()
    a = cs.private_input("a", 2)
    with cs.scope("trade"), cs.scope("margin"):
        cs.mul(a, a, "square")
    assert cs.constraints[0].name == "trade/margin/square"


def test_linear_combination_arithmetic_mod_r():
    cs = ConstraintSystem()
    a = cs.private_input("a", R - 1)
    b = cs.private_input("b", 5)
    assert (a + b).value == 4
    assert (a - b).value == R - 6
    assert (3 * a).value == R - 3
    assert (a + 1).value == 0
    assert (1 - b).value == R - 4
    assert (a - a).terms == {}
    assert cs.mul(a, 7).value == R - 7  # constant factor: no constraint
    assert cs.n_constraints == 0


def test_product_of_variables_needs_a_constraint():
    cs = ConstraintSystem()
    a = cs.private_input("a", 2)
    with pytest.raises(TypeError, match="needs a constraint"):
        _ = a * a


def test_shape_mode_has_no_values_and_same_r1cs():
    with_vals = random_circuit(40, 3, seed=1)
    shape = random_circuit(40, 3, seed=1, with_values=False)
    assert shape.to_r1cs() == with_vals.to_r1cs()
    with pytest.raises(ValueError, match="without values"):
        shape.witness()


def test_export_puts_public_wires_first_and_satisfies():
    cs = random_circuit(60, 4, seed=7)
    r1cs, w = cs.to_r1cs(), cs.witness()
    assert r1cs.n_pub_in == 4 and r1cs.n_wires == len(w)
    assert w[1:5] == cs.public_values()

    def ev(lc):
        return sum(c * w[i] for i, c in lc.items()) % R

    for a, b, c in r1cs.constraints:
        assert ev(a) * ev(b) % R == ev(c)


def test_mixing_systems_is_refused():
    cs1, cs2 = ConstraintSystem(), ConstraintSystem()
    a = cs1.private_input("a", 1)
    b = cs2.private_input("b", 1)
    with pytest.raises(ValueError, match="different constraint systems"):
        _ = a + b
    with pytest.raises(ValueError, match="another constraint system"):
        cs2.enforce_equal(a, b)


def test_missing_value_is_refused():
    cs = ConstraintSystem()
    with pytest.raises(ValueError, match="needs a value"):
        cs.private_input("x")
    assert LC.constant(5).value == 5
