"""Host-side conversion and packing of the stream payloads, at C speed where it counts.

Every stream element is 256 bits, 32 little-endian bytes, value in the low 254
(:mod:`zkel.gateware.regmap`): a DMA buffer of ``n`` elements is ``32·n`` bytes,
which is the same bytes whatever the beat width (a beat is the next
``beat_bytes`` of them), so packing never looks at the beat width. Values are
canonical ints both ways: the NTT stream carries canonical Fr (the engine keeps
its Montgomery form inside), the MSM input stream canonical affine Fq
coordinates and canonical scalars, and the MSM output projective Fq with an
arbitrary per-bucket scale (normalised by
:func:`zkel.gateware.msm.finish.msm_from_buckets`).

Speed (the shared 2-core machine, ``python -m bench.run driver``, 2^16 items):
1.8 million elements per second to convert and pack MSM inputs (affine points,
scalars), 2.0 million to pack Fr vectors (``int.to_bytes`` mapped over the
list, joined once, viewed by numpy) and 2.0 million to unpack, against 0.23,
0.28 and 0.49 million for the plain-Python reference (``p.affine()`` and the
register map's per-beat :func:`zkel.gateware.regmap.pack_elements`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.config import ELEMENT_BITS

ELEMENT_BYTES = ELEMENT_BITS // 8
"""Bytes of one stream element (32)."""


def pack_elements(values: Sequence[int], modulus: int = R) -> np.ndarray:
    """Canonical ints (each ``0 <= v < modulus``) as a ``uint8`` DMA buffer, 32 bytes each."""
    if values and (min(values) < 0 or max(values) >= modulus):
        bad = next(v for v in values if not 0 <= v < modulus)
        name = "r" if modulus == R else "q" if modulus == Q else hex(modulus)
        raise ValueError(f"element {bad} is not a canonical value below {name}")
    raw = b"".join(map(int.to_bytes, values, repeat(ELEMENT_BYTES), repeat("little")))
    return np.frombuffer(raw, dtype=np.uint8)


def unpack_elements(buffer: np.ndarray) -> list[int]:
    """Ints from a received buffer of whole 32-byte elements (``uint8`` or wider)."""
    raw = np.ascontiguousarray(buffer).reshape(-1).view(np.uint8).tobytes()
    if len(raw) % ELEMENT_BYTES:
        raise ValueError(f"{len(raw)} bytes is not a whole number of {ELEMENT_BYTES}-byte elements")
    view = memoryview(raw)
    return list(
        map(
            int.from_bytes,
            (view[i : i + ELEMENT_BYTES] for i in range(0, len(raw), ELEMENT_BYTES)),
            repeat("little"),
        )
    )


def affine_xy(points: Sequence[G1]) -> tuple[list[int], list[int]]:
    """Affine canonical ``x`` and ``y`` lists of G1 points, ``(0, 0)`` for infinity.

    Points already affine (``z = 1``, as keys read from a ``.zkey`` are) cost a
    lookup; the others (Jacobian ``x/z², y/z³``) share one inversion
    (Montgomery's trick).
    """
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    zs = [p.z for p in points]
    pending = [i for i, z in enumerate(zs) if z != 1]
    if not pending:
        return xs, ys
    prefix = [1]
    for i in pending:
        prefix.append(prefix[-1] * (zs[i] or 1) % Q)
    inv = pow(prefix[-1], -1, Q)
    for j in range(len(pending) - 1, -1, -1):
        i = pending[j]
        z = zs[i] % Q
        if z == 0:
            xs[i] = ys[i] = 0
            continue
        z_inv = inv * prefix[j] % Q
        inv = inv * z % Q
        z_inv2 = z_inv * z_inv % Q
        xs[i] = xs[i] * z_inv2 % Q
        ys[i] = ys[i] * z_inv2 * z_inv % Q
    return xs, ys


def pack_msm_input(points: Sequence[G1], scalars: Sequence[int]) -> np.ndarray:
    """The MSM input stream (``x, y, k mod r`` per point, canonical) as a ``uint8`` buffer."""
    if len(points) != len(scalars):
        raise ValueError(f"MSM needs as many scalars as points ({len(scalars)} != {len(points)})")
    xs, ys = affine_xy(points)
    ks = [k % R for k in scalars]
    flat: list[int] = [0] * (3 * len(points))
    flat[0::3], flat[1::3], flat[2::3] = xs, ys, ks
    return pack_elements(flat, Q)
