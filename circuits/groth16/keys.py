"""Groth16 keys and proofs as curve objects, and their checked conversion from files.

The file layer (:mod:`zkel.circuits.snarkjs`) speaks plain ints: affine points in
canonical form, ``None`` for infinity. This module turns them into
:class:`~zkel.circuits.bn254.G1`/:class:`~zkel.circuits.bn254.G2` objects and
checks what a file cannot promise: every point on its curve, and the G2 points of a
verification key and of a proof in the prime-order subgroup (G1 has cofactor 1).
A failed check raises :class:`InvalidKey` naming the field (``pi_b: not in the G2
subgroup``); callers prefix the file name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from zkel.circuits.bn254 import G1, G2, Q, R
from zkel.circuits.snarkjs import Proof as SnarkjsProof
from zkel.circuits.snarkjs import VerificationKey as SnarkjsVkey
from zkel.circuits.snarkjs import Zkey

G1Affine = tuple[int, int] | None
G2Affine = tuple[tuple[int, int], tuple[int, int]] | None


class InvalidKey(ValueError):
    """A key or proof that is well-formed but not a valid curve object; names the field."""


def g1_point(affine: G1Affine, what: str) -> G1:
    """A G1 point from affine ints (``None`` = infinity); on-curve checked."""
    if affine is None:
        return G1.identity()
    try:
        return G1.from_affine(*affine)
    except ValueError as exc:
        raise InvalidKey(f"{what}: not a point of G1 ({exc})") from None


def g2_point(affine: G2Affine, what: str, *, subgroup: bool = True) -> G2:
    """A G2 point from affine ints (``None`` = infinity); on-curve and subgroup checked."""
    if affine is None:
        return G2.identity()
    try:
        point = G2.from_affine(*affine)
    except ValueError as exc:
        raise InvalidKey(f"{what}: not a point of the G2 twist ({exc})") from None
    if subgroup and not point.in_subgroup():
        raise InvalidKey(f"{what}: not in the G2 subgroup of order r")
    return point


def _g1_affine(p: G1) -> G1Affine:
    return p.affine()


def _g2_affine(p: G2) -> G2Affine:
    return p.affine()


@dataclass(frozen=True)
class VerifyingKey:
    """Groth16 verification key.

    ``alpha1 = α·G1``, ``beta2 = β·G2``, ``gamma2 = γ·G2``, ``delta2 = δ·G2``,
    ``ic[i] = (β·u_i(τ) + α·v_i(τ) + w_i(τ))/γ · G1`` for wire ``i`` in ``0..n_public``.
    """

    alpha1: G1
    beta2: G2
    gamma2: G2
    delta2: G2
    ic: tuple[G1, ...]

    @property
    def n_public(self) -> int:
        return len(self.ic) - 1

    @classmethod
    def from_snarkjs(cls, vk: SnarkjsVkey) -> VerifyingKey:
        """Checked conversion from the file model (raises :class:`InvalidKey`)."""
        if len(vk.ic) != vk.n_public + 1:
            raise InvalidKey(f"IC has {len(vk.ic)} points, nPublic + 1 = {vk.n_public + 1}")
        return cls(
            alpha1=g1_point(vk.alpha1, "vk_alpha_1"),
            beta2=g2_point(vk.beta2, "vk_beta_2"),
            gamma2=g2_point(vk.gamma2, "vk_gamma_2"),
            delta2=g2_point(vk.delta2, "vk_delta_2"),
            ic=tuple(g1_point(p, f"IC[{i}]") for i, p in enumerate(vk.ic)),
        )

    @classmethod
    def from_zkey(cls, zkey: Zkey) -> VerifyingKey:
        """The verification key embedded in a proving key."""
        return cls(
            alpha1=g1_point(zkey.alpha1, "alpha1"),
            beta2=g2_point(zkey.beta2, "beta2"),
            gamma2=g2_point(zkey.gamma2, "gamma2"),
            delta2=g2_point(zkey.delta2, "delta2"),
            ic=tuple(g1_point(p, f"IC[{i}]") for i, p in enumerate(zkey.ic)),
        )

    def to_snarkjs(self, *, with_alphabeta: bool = True) -> SnarkjsVkey:
        """The file model; ``vk_alphabeta_12 = e(α, β)`` in snarkjs' Fq12 layout."""
        alphabeta = None
        if with_alphabeta:
            from zkel.circuits.bn254.pairing import fq12_to_snarkjs, pairing_snarkjs

            alphabeta = fq12_to_snarkjs(pairing_snarkjs(self.alpha1, self.beta2))
        return SnarkjsVkey(
            n_public=self.n_public,
            alpha1=_g1_affine(self.alpha1),
            beta2=_g2_affine(self.beta2),
            gamma2=_g2_affine(self.gamma2),
            delta2=_g2_affine(self.delta2),
            ic=[_g1_affine(p) for p in self.ic],
            alphabeta_12=alphabeta,
        )


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof ``(A, B, C)`` with ``A, C ∈ G1`` and ``B ∈ G2``."""

    a: G1
    b: G2
    c: G1

    @classmethod
    def from_snarkjs(cls, proof: SnarkjsProof) -> Proof:
        """Checked conversion from the file model (raises :class:`InvalidKey`)."""
        return cls(
            a=g1_point(proof.a, "pi_a"),
            b=g2_point(proof.b, "pi_b"),
            c=g1_point(proof.c, "pi_c"),
        )

    def to_snarkjs(self) -> SnarkjsProof:
        return SnarkjsProof(a=_g1_affine(self.a), b=_g2_affine(self.b), c=_g1_affine(self.c))


def check_public(values: Sequence[int], n_public: int) -> list[int]:
    """Public signals as canonical ints: exactly ``n_public`` of them, each in ``[0, r)``."""
    if len(values) != n_public:
        raise InvalidKey(f"expected {n_public} public signals, got {len(values)}")
    out = []
    for i, v in enumerate(values):
        if not isinstance(v, int) or not 0 <= v < R:
            raise InvalidKey(f"public signal {i} is not a field element below r")
        out.append(v)
    return out


@dataclass
class ProvingKey:
    """A Groth16 proving key (snarkjs ``.zkey`` model) with its points as curve objects.

    Built once per key: every point is checked to be on its curve (a corrupted key
    is refused here rather than producing an invalid proof).

    Members
    -------
    zkey : Zkey
        The file model (points affine canonical, coefficients canonical).
    a, b1, c, h : list[G1]
        ``u_i(τ)·G1``, ``v_i(τ)·G1``, ``(β·u_i + α·v_i + w_i)/δ·G1`` for private wires
        ``i > n_public``, and ``L^{2n}_{2j+1}(τ)/δ·G1`` for ``j < n`` (odd coset points).
    b2 : list[G2]
        ``v_i(τ)·G2``.
    """

    zkey: Zkey
    a: list[G1] = field(default_factory=list)
    b1: list[G1] = field(default_factory=list)
    b2: list[G2] = field(default_factory=list)
    c: list[G1] = field(default_factory=list)
    h: list[G1] = field(default_factory=list)

    @classmethod
    def from_zkey(cls, zkey: Zkey) -> ProvingKey:
        """Convert and check every point (raises :class:`InvalidKey` naming the section)."""
        if zkey.q != Q or zkey.r != R:
            raise InvalidKey("the key is not over BN254")
        if len(zkey.ic) != zkey.n_public + 1:
            raise InvalidKey(f"IC has {len(zkey.ic)} points, nPublic + 1 = {zkey.n_public + 1}")
        private_c = zkey.c[zkey.n_public + 1 :] if len(zkey.c) == zkey.n_vars else zkey.c
        if len(private_c) != zkey.n_vars - zkey.n_public - 1:
            raise InvalidKey(f"section C has {len(zkey.c)} points for {zkey.n_vars} wires")
        for name, pts, n in (
            ("A", zkey.a, zkey.n_vars),
            ("B1", zkey.b1, zkey.n_vars),
            ("B2", zkey.b2, zkey.n_vars),
            ("H", zkey.h, zkey.domain_size),
        ):
            if len(pts) != n:
                raise InvalidKey(f"section {name} has {len(pts)} points, expected {n}")
        return cls(
            zkey=zkey,
            a=_g1_list(zkey.a, "A"),
            b1=_g1_list(zkey.b1, "B1"),
            b2=[g2_point(p, f"B2[{i}]", subgroup=False) for i, p in enumerate(zkey.b2)],
            c=_g1_list(private_c, "C"),
            h=_g1_list(zkey.h, "H"),
        )

    @property
    def n_public(self) -> int:
        return self.zkey.n_public

    @property
    def n_vars(self) -> int:
        return self.zkey.n_vars

    @property
    def domain_size(self) -> int:
        return self.zkey.domain_size

    def verifying_key(self) -> VerifyingKey:
        return VerifyingKey.from_zkey(self.zkey)


def _g1_list(points: Sequence[G1Affine], section: str) -> list[G1]:
    """G1 objects for a key section, with a fast on-curve check (y² = x³ + 3)."""
    out = []
    identity = G1.identity()
    for i, p in enumerate(points):
        if p is None:
            out.append(identity)
            continue
        x, y = p
        if (y * y - x * x * x - 3) % Q or not (0 <= x < Q and 0 <= y < Q):
            raise InvalidKey(f"section {section}: point {i} is not on the curve")
        out.append(G1.from_affine_unchecked(x, y))
    return out
