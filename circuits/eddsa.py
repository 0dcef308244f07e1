"""EdDSA-Poseidon on Baby Jubjub, compatible with circomlibjs' ``eddsa``.

Key derivation (``prv2pub``): ``h = BLAKE-512(key)``; prune ``h[0:32]`` (clear the
3 low bits, clear bit 255, set bit 254) into the scalar ``s``; ``A = (s >> 3)·Base8``.
Signing a field element ``msg``: ``r = BLAKE-512(h[32:64] ‖ msg as 32 bytes LE) mod l``,
``R8 = r·Base8``, ``hm = Poseidon(R8x, R8y, Ax, Ay, msg)``, ``S = (r + hm·s) mod l``.
Verification: ``S·Base8 == R8 + (8·hm)·A`` with ``R8`` and ``A`` on the curve and
``S < l`` (the checks of circomlibjs' ``verifyPoseidon``; neither point is required
to lie in the order-l subgroup). Public keys and ``R8`` are affine ``(x, y)``
canonical ints in [0, r); ``S`` an int in [0, l). BLAKE-512 is the original BLAKE
(:mod:`zkel.circuits.blake512`), as circomlibjs' ``blake-hash``. Signing and
verifying each take about 1 ms (one or two Baby Jubjub scalar multiplications,
one Poseidon hash; BLAKE-512 when signing).
"""

from __future__ import annotations

from zkel.circuits import babyjub
from zkel.circuits.blake512 import blake512
from zkel.circuits.bn254.fields import R
from zkel.circuits.poseidon import poseidon

Signature = tuple[int, int, int]  # (R8x, R8y, S)


def _prune(h: bytes) -> bytes:
    b = bytearray(h)
    b[0] &= 0xF8
    b[31] &= 0x7F
    b[31] |= 0x40
    return bytes(b)


class PrivateKey:
    """A 32-byte EdDSA private key, as circomlibjs takes it."""

    __slots__ = ("_h", "_s", "_public")

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes | bytearray) or len(key) != 32:
            raise ValueError("an EdDSA private key is exactly 32 bytes")
        self._h = _prune(blake512(bytes(key)))
        self._s = int.from_bytes(self._h[:32], "little")
        self._public: tuple[int, int] | None = None

    def public_key(self) -> tuple[int, int]:
        """``A = (s >> 3)·Base8`` as ``(x, y)``."""
        if self._public is None:
            self._public = babyjub.mul(babyjub.BASE8, self._s >> 3)
        return self._public

    def sign_poseidon(self, msg: int) -> Signature:
        """Sign a field element (0 ≤ msg < r); returns ``(R8x, R8y, S)``."""
        if isinstance(msg, bool) or not isinstance(msg, int) or not 0 <= msg < R:
            raise ValueError("the message must be a field element in [0, r)")
        r = int.from_bytes(blake512(self._h[32:] + msg.to_bytes(32, "little")), "little")
        r %= babyjub.SUBORDER
        r8 = babyjub.mul(babyjub.BASE8, r)
        ax, ay = self.public_key()
        hm = poseidon([r8[0], r8[1], ax, ay, msg])
        s = (r + hm * self._s) % babyjub.SUBORDER
        return (r8[0], r8[1], s)


def verify_poseidon(public_key: tuple[int, int], msg: int, signature: Signature) -> bool:
    """True iff ``signature`` signs ``msg`` under ``public_key``; False for any bad input."""
    try:
        ax, ay = public_key
        r8x, r8y, s = signature
    except (TypeError, ValueError):
        return False
    if not (babyjub.on_curve((ax, ay)) and babyjub.on_curve((r8x, r8y))):
        return False
    if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s < babyjub.SUBORDER:
        return False
    if isinstance(msg, bool) or not isinstance(msg, int) or not 0 <= msg < R:
        return False
    hm = poseidon([r8x, r8y, ax, ay, msg])
    left = babyjub.mul(babyjub.BASE8, s)
    right = babyjub.add((r8x, r8y), babyjub.mul((ax, ay), 8 * hm))
    return left == right


def pack_signature(signature: Signature) -> bytes:
    """circomlibjs' ``packSignature``: packed R8 (32 bytes) then S (32 bytes LE)."""
    r8x, r8y, s = signature
    return babyjub.pack((r8x, r8y)) + s.to_bytes(32, "little")


def unpack_signature(data: bytes) -> Signature:
    """circomlibjs' ``unpackSignature``: ``(R8x, R8y, S)`` from 64 bytes.

    Raises
    ------
    ValueError
        When ``data`` is not 64 bytes or R8 does not unpack to a curve point.
        ``S`` is returned as stored; :func:`verify_poseidon` rejects S ≥ l.
    """
    if not isinstance(data, bytes | bytearray) or len(data) != 64:
        raise ValueError("a packed EdDSA signature is exactly 64 bytes")
    r8x, r8y = babyjub.unpack(bytes(data[:32]))
    return (r8x, r8y, int.from_bytes(data[32:], "little"))
