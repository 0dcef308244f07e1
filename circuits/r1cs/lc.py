"""Linear combinations over BN254's scalar field Fr, the currency of the R1CS builder.

A :class:`LinearCombination` is a sparse map ``{variable index: coefficient}``
with coefficients canonical ints in ``[0, r)``. Variable 0 is the constant 1, so
``LC.constant(5)`` is ``{0: 5}``. Arithmetic (``+``, ``-``, scalar ``*``) builds new
combinations; multiplying two non-constant combinations needs a constraint and
is done by :meth:`zkel.circuits.r1cs.ConstraintSystem.mul`.

Each combination remembers the system it belongs to (``cs``), so that its value
under the witness being computed can be read with ``.value`` (``None`` when the
system runs without values, e.g. to build the circuit's shape for setup).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Union

from zkel.circuits.bn254 import R

if TYPE_CHECKING:
    from zkel.circuits.r1cs.builder import ConstraintSystem

Operand = Union["LinearCombination", int]


class LinearCombination:
    """A sparse linear combination ``Σ coeff_i · var_i`` (coefficients canonical mod r)."""

    __slots__ = ("cs", "terms")

    def __init__(self, cs: ConstraintSystem | None, terms: Mapping[int, int] | None = None) -> None:
        self.cs = cs
        self.terms: dict[int, int] = {}
        if terms:
            for var, coeff in terms.items():
                coeff %= R
                if coeff:
                    self.terms[var] = coeff

    # -- construction -------------------------------------------------------
    @classmethod
    def constant(cls, value: int, cs: ConstraintSystem | None = None) -> LinearCombination:
        """The constant ``value`` (reduced mod r) as a combination of variable 0."""
        return cls(cs, {0: value})

    def _coerce(self, other: Operand) -> LinearCombination:
        if isinstance(other, LinearCombination):
            if self.cs is not None and other.cs is not None and other.cs is not self.cs:
                raise ValueError("cannot combine variables of two different constraint systems")
            return other
        if isinstance(other, int):
            return LinearCombination(self.cs, {0: other})
        raise TypeError(f"cannot combine a linear combination with {type(other).__name__}")

    # -- arithmetic ---------------------------------------------------------
    def __add__(self, other: Operand) -> LinearCombination:
        other = self._coerce(other)
        out = LinearCombination(self.cs or other.cs)
        terms = dict(self.terms)
        for var, coeff in other.terms.items():
            c = (terms.get(var, 0) + coeff) % R
            if c:
                terms[var] = c
            else:
                terms.pop(var, None)
        out.terms = terms
        return out

    __radd__ = __add__

    def __neg__(self) -> LinearCombination:
        out = LinearCombination(self.cs)
        out.terms = {var: R - coeff for var, coeff in self.terms.items()}
        return out

    def __sub__(self, other: Operand) -> LinearCombination:
        return self + (-self._coerce(other))

    def __rsub__(self, other: Operand) -> LinearCombination:
        return self._coerce(other) + (-self)

    def __mul__(self, k: int) -> LinearCombination:
        if isinstance(k, LinearCombination):
            if k.is_constant():
                k = k.constant_value()
            elif self.is_constant():
                return k * self.constant_value()
            else:
                raise TypeError("product of two variables needs a constraint: use cs.mul(a, b)")
        if not isinstance(k, int):
            return NotImplemented
        k %= R
        out = LinearCombination(self.cs)
        if k:
            out.terms = {var: coeff * k % R for var, coeff in self.terms.items()}
        return out

    __rmul__ = __mul__

    # -- inspection ---------------------------------------------------------
    def is_constant(self) -> bool:
        """True when the combination involves no variable other than the constant 1."""
        return all(var == 0 for var in self.terms)

    def constant_value(self) -> int:
        """The coefficient of the constant 1 (canonical)."""
        return self.terms.get(0, 0)

    @property
    def value(self) -> int | None:
        """Value under the system's witness (canonical), or None when values are unknown."""
        if not self.terms:
            return 0
        if self.cs is None:
            return self.constant_value() if self.is_constant() else None
        values = self.cs.values
        total = 0
        for var, coeff in self.terms.items():
            v = values[var]
            if v is None:
                return None
            total += coeff * v
        return total % R

    def __repr__(self) -> str:
        inner = " + ".join(
            f"{c if c <= R // 2 else c - R}·v{var}" for var, c in sorted(self.terms.items())
        )
        return f"LC({inner or '0'})"


LC = LinearCombination
