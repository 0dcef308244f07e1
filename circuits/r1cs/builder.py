"""A small R1CS builder: allocate variables, combine them linearly, add constraints,
and compute the witness while the circuit is built.

Wire layout follows circom/snarkjs, so a built system exports to a ``.r1cs`` and a
``.wtns`` that snarkjs accepts: wire 0 is the constant 1, then the public signals
in declaration order, then the private ones. Variables may be declared in any
order; the builder keeps its own allocation order and renumbers on export.

Values are optional. A system built with values (``ConstraintSystem()``, inputs
given) computes every variable's value as it goes, so building the circuit *is*
witness generation. A system built with ``with_values=False`` records only the
shape (enough for setup); hints are then not evaluated.

Example::

    cs = ConstraintSystem()
    x = cs.private_input("x", 3)
    out = cs.public_input("out", 35)
    x2 = cs.mul(x, x, name="x^2")
    x3 = cs.mul(x2, x, name="x^3")
    cs.enforce_equal(x3 + x + 5, out, name="x^3 + x + 5 == out")
    r1cs, witness = cs.to_r1cs(), cs.witness()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zkel.circuits.bn254 import R
from zkel.circuits.r1cs.lc import LC, LinearCombination, Operand
from zkel.circuits.snarkjs import R1cs


class UnsatisfiedConstraint(ValueError):
    """A witness breaks a constraint; the message names the constraint."""

    def __init__(self, index: int, name: str, a: int, b: int, c: int) -> None:
        super().__init__(
            f"constraint {index} ({name or 'unnamed'}) is not satisfied: "
            f"A·w = {a}, B·w = {b}, A·w·B·w ≠ C·w = {c}"
        )
        self.index = index
        self.name = name


@dataclass(frozen=True)
class Constraint:
    """``a · b = c`` over Fr, with a name for error messages."""

    a: LinearCombination
    b: LinearCombination
    c: LinearCombination
    name: str = ""


class ConstraintSystem:
    """Builds a rank-1 constraint system over BN254's Fr and, optionally, its witness.

    Members
    -------
    values : list[int | None]
        Value of every variable in allocation order (index 0 is the constant 1),
        canonical ints in ``[0, r)``; ``None`` throughout when ``with_values`` is False.
    constraints : list[Constraint]
        The constraints in the order they were added.
    """

    def __init__(self, *, with_values: bool = True) -> None:
        self.with_values = with_values
        self.values: list[int | None] = [1]
        self.names: list[str] = ["one"]
        self.public: list[int] = []  # allocation indices of public signals, in order
        self._is_public: list[bool] = [False]
        self.constraints: list[Constraint] = []
        self._scopes: list[str] = []

    # -- naming -------------------------------------------------------------
    def scope(self, name: str) -> _Scope:
        """Context manager that prefixes constraint and variable names (``trade/sig/...``)."""
        return _Scope(self, name)

    def _qualify(self, name: str) -> str:
        return "/".join([*self._scopes, name]) if self._scopes else name

    # -- variables ----------------------------------------------------------
    @property
    def one(self) -> LinearCombination:
        """The constant 1."""
        return LC(self, {0: 1})

    def constant(self, value: int) -> LinearCombination:
        """The constant ``value`` (mod r)."""
        return LC(self, {0: value})

    def _alloc(self, name: str, value: int | Callable[[], int] | None, public: bool) -> LC:
        if self.with_values:
            if callable(value):
                value = value()
            if value is None:
                raise ValueError(f"variable {self._qualify(name)!r} needs a value")
            if not isinstance(value, int):
                raise TypeError(f"variable {self._qualify(name)!r}: value must be an int")
            value %= R
        else:
            value = None
        index = len(self.values)
        self.values.append(value)
        self.names.append(self._qualify(name))
        self._is_public.append(public)
        if public:
            self.public.append(index)
        return LC(self, {index: 1})

    def public_input(self, name: str, value: int | Callable[[], int] | None = None) -> LC:
        """Allocate a public signal (a public input of the proof)."""
        return self._alloc(name, value, public=True)

    def private_input(self, name: str, value: int | Callable[[], int] | None = None) -> LC:
        """Allocate a private signal (part of the witness only)."""
        return self._alloc(name, value, public=False)

    alloc = private_input

    def hint(self, name: str, fn: Callable[[], int]) -> LC:
        """Allocate a private variable whose value ``fn()`` computes (not evaluated without values).

        A hint is unconstrained until the caller constrains it.
        """
        return self._alloc(name, fn, public=False)

    # -- constraints --------------------------------------------------------
    def enforce(self, a: Operand, b: Operand, c: Operand, name: str = "") -> None:
        """Add the constraint ``a · b = c``."""
        lc_a, lc_b, lc_c = (self._lc(x) for x in (a, b, c))
        self.constraints.append(Constraint(lc_a, lc_b, lc_c, self._qualify(name)))

    def enforce_equal(self, a: Operand, b: Operand, name: str = "") -> None:
        """Add ``(a - b) · 1 = 0``."""
        self.enforce(self._lc(a) - self._lc(b), self.one, LC(self), name)

    def mul(self, a: Operand, b: Operand, name: str = "") -> LC:
        """A new variable constrained to ``a · b``; free when one side is constant."""
        lc_a, lc_b = self._lc(a), self._lc(b)
        if lc_a.is_constant():
            return lc_b * lc_a.constant_value()
        if lc_b.is_constant():
            return lc_a * lc_b.constant_value()

        def product() -> int:
            return lc_a.value * lc_b.value % R

        out = self._alloc(name or "mul", product if self.with_values else None, public=False)
        self.enforce(lc_a, lc_b, out, name or "mul")
        return out

    def _lc(self, x: Operand) -> LinearCombination:
        if isinstance(x, LinearCombination):
            if x.cs is not None and x.cs is not self:
                raise ValueError("variable belongs to another constraint system")
            if x.cs is None:
                return LC(self, x.terms)
            return x
        if isinstance(x, int):
            return LC(self, {0: x})
        raise TypeError(f"expected a linear combination or an int, not {type(x).__name__}")

    # -- inspection and export ------------------------------------------------
    @property
    def n_constraints(self) -> int:
        return len(self.constraints)

    @property
    def n_variables(self) -> int:
        """Number of wires, the constant 1 included."""
        return len(self.values)

    def wire_order(self) -> list[int]:
        """Allocation indices in snarkjs wire order: constant, publics, then privates."""
        privates = [i for i in range(1, len(self.values)) if not self._is_public[i]]
        return [0, *self.public, *privates]

    def check(self) -> None:
        """Raise :class:`UnsatisfiedConstraint` for the first constraint the values break."""
        if not self.with_values:
            raise ValueError("this constraint system was built without values")
        for index, con in enumerate(self.constraints):
            a, b, c = con.a.value, con.b.value, con.c.value
            if a * b % R != c:
                raise UnsatisfiedConstraint(index, con.name, a, b, c)

    def is_satisfied(self) -> bool:
        """True when every constraint holds under the values."""
        try:
            self.check()
        except UnsatisfiedConstraint:
            return False
        return True

    def witness(self) -> list[int]:
        """The full witness in wire order (canonical ints; ``witness[0] == 1``)."""
        if not self.with_values:
            raise ValueError("this constraint system was built without values")
        return [self.values[i] for i in self.wire_order()]  # type: ignore[misc]

    def public_values(self) -> list[int]:
        """The public signals' values, in order (what ``public.json`` holds)."""
        return [self.values[i] for i in self.public]  # type: ignore[misc]

    def to_r1cs(self) -> R1cs:
        """Export in snarkjs' ``.r1cs`` model (all public signals as public inputs)."""
        order = self.wire_order()
        position = {alloc: wire for wire, alloc in enumerate(order)}

        def remap(lc: LinearCombination) -> dict[int, int]:
            return {position[var]: coeff for var, coeff in lc.terms.items()}

        constraints = [(remap(c.a), remap(c.b), remap(c.c)) for c in self.constraints]
        n = len(order)
        return R1cs(
            prime=R,
            n8=32,
            n_wires=n,
            n_pub_out=0,
            n_pub_in=len(self.public),
            n_prv_in=0,
            n_labels=n,
            constraints=constraints,
            wire_to_label=list(range(n)),
        )


class _Scope:
    def __init__(self, cs: ConstraintSystem, name: str) -> None:
        self.cs, self.name = cs, name

    def __enter__(self) -> ConstraintSystem:
        self.cs._scopes.append(self.name)
        return self.cs

    def __exit__(self, *exc: object) -> None:
        self.cs._scopes.pop()
