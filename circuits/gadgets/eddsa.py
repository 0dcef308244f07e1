"""EdDSA-Poseidon verification in R1CS, the rule of :func:`zkel.circuits.eddsa.verify_poseidon`.

Accepts ``(R8, S)`` for message ``M`` under public key ``A`` when
``S·B8 = R8 + (8·h)·A`` with ``h = poseidon([R8x, R8y, Ax, Ay, M])``, ``S`` a
253-bit value and ``R8`` on the curve. Differences from the native check,
documented: ``S < l`` is not enforced (``S`` and ``S + l`` give the same point, a
malleability that nothing here keys on: orders are identified by their message
hash and nonces, never by signature bytes), and ``h`` is decomposed into 254 bits
without the alias check (a prover may use ``h + r`` when it fits, which still
requires the signer's key). ``A`` must be on the curve; callers check it where
the key enters the state (account creation).

Cost: about 4,660 constraints (S bits 254, Poseidon(5) 321, h bits 255, R8 on
curve 3, 8·A 15, h·(8A) ~2,900, S·B8 844, one addition 6, two equalities).
"""

from __future__ import annotations

from zkel.circuits import babyjub as native
from zkel.circuits.gadgets import babyjub
from zkel.circuits.gadgets.bits import to_bits
from zkel.circuits.gadgets.poseidon import poseidon
from zkel.circuits.r1cs import ConstraintSystem
from zkel.circuits.r1cs.lc import Operand


def verify(
    cs: ConstraintSystem,
    public_key: tuple[Operand, Operand],
    message: Operand,
    signature: tuple[Operand, Operand, Operand],
    name: str = "eddsa",
    enabled: Operand | None = None,
) -> None:
    """Constrain ``signature = (R8x, R8y, S)`` to sign ``message`` under ``public_key``.

    With ``enabled`` (a bit), the final equation is only enforced when it is 1 (two
    more constraints); the rest must still be satisfiable, so a disabled check takes
    an on-curve key and ``R8`` (the identity ``(0, 1)`` and ``S = 0`` will do).
    """
    ax, ay = babyjub.point(cs, public_key)
    r8x, r8y, s = (cs._lc(v) for v in signature)
    with cs.scope(name):
        s_bits = to_bits(cs, s, 253, "S")
        babyjub.assert_on_curve(cs, (r8x, r8y), "R8")
        h = poseidon(cs, [r8x, r8y, ax, ay, cs._lc(message)], "h")
        h_bits = to_bits(cs, h, 254, "h")
        a8 = (ax, ay)
        for i in range(3):
            a8 = babyjub.double(cs, a8, f"8A.{i}")
        right = babyjub.add(cs, (r8x, r8y), babyjub.mul_var(cs, h_bits, a8, "hA"), "R8+hA")
        left = babyjub.mul_fixed(cs, s_bits, native.BASE8, "SB8")
        if enabled is None:
            cs.enforce_equal(left[0], right[0], "S·B8 = R8 + 8h·A (x)")
            cs.enforce_equal(left[1], right[1], "S·B8 = R8 + 8h·A (y)")
        else:
            cs.enforce(enabled, left[0] - right[0], 0, "S·B8 = R8 + 8h·A (x)")
            cs.enforce(enabled, left[1] - right[1], 0, "S·B8 = R8 + 8h·A (y)")
