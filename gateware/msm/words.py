"""The MSM engine's stream word formats, host side: pack the inputs, unpack the buckets.

Input (host to engine), three 256-bit elements per point, in point order:

1. ``x``: affine x, canonical form, below q;
2. ``y``: affine y, canonical form, below q (``x = y = 0`` encodes the point at
   infinity, which is not on the curve; the engine skips it);
3. ``k``: the scalar, canonical, below r (the host reduces mod r).

``last`` (TLAST) is set on the scalar of the final point only.

Output (engine to host), three elements per bucket: projective ``X``, ``Y``,
``Z`` below q with an arbitrary common scale (affine ``x = X/Z``, ``y = Y/Z``;
``Z = 0`` for an empty bucket), window 0 first, within a window bucket 1 to
``2^(c-1)`` (the top window holds replicas instead: slot ``(j - 1)·K + m`` is
replica ``m`` of bucket ``j``, see :mod:`zkel.gateware.msm.recoding`); ``last`` on
the final ``Z``. Elements go on the AXI stream as in
:mod:`zkel.gateware.regmap` (least significant beat first).
"""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q, R
from zkel.gateware.config import MSMConfig
from zkel.gateware.ec.model import Projective

ELEMENTS_PER_POINT = 3
ELEMENTS_PER_BUCKET = 3


def pack_inputs(points: Sequence[G1], scalars: Sequence[int]) -> list[int]:
    """Input elements for ``points`` and ``scalars`` (``x, y, k mod r`` per point)."""
    if len(points) != len(scalars):
        raise ValueError(f"MSM needs as many scalars as points ({len(scalars)} != {len(points)})")
    out: list[int] = []
    for p, k in zip(points, scalars, strict=True):
        aff = p.affine()
        x, y = (0, 0) if aff is None else aff
        out += [x, y, k % R]
    return out


def unpack_buckets(elements: Sequence[int], cfg: MSMConfig) -> list[list[Projective]]:
    """Output elements as ``buckets[w][j - 1]`` = bucket ``j`` of window ``w``."""
    expected = cfg.bucket_entries * ELEMENTS_PER_BUCKET
    if len(elements) != expected:
        raise ValueError(
            f"MSM output has {len(elements)} elements, expected {expected} "
            f"({cfg.n_windows} windows x {cfg.buckets_per_window} buckets x 3)"
        )
    for v in elements:
        if not 0 <= v < Q:
            raise ValueError(f"MSM output element {v!r} is not below q")
    triples = [tuple(elements[i : i + 3]) for i in range(0, expected, 3)]
    nb = cfg.buckets_per_window
    return [list(triples[w * nb : (w + 1) * nb]) for w in range(cfg.n_windows)]  # type: ignore[misc]
