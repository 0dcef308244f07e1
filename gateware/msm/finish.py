"""Host finishing of an MSM from the engine's buckets: bucket reduction, window combination.

Per window ``w`` the engine leaves buckets ``B_{w,j}`` (``j = 1..2^(c-1)``) with
``Σ_i d_{i,w}·P_i = Σ_j j·B_{w,j}``; the host computes that sum by running sums
(``Σ_j j·B_j = Σ_j Σ_{l≥j} B_l``: ``2·2^(c-1)`` additions) and then
``Σ_w 2^(c·w)·S_w`` by Horner's rule (``c`` doublings per window). Buckets are
first normalised to affine with one field inversion for all of them
(Montgomery's trick). The top window's replicated buckets are folded first
(:func:`fold_top_window`).
"""

from __future__ import annotations

from collections.abc import Sequence

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q
from zkel.gateware.config import MSMConfig
from zkel.gateware.ec.model import Projective
from zkel.gateware.msm.recoding import top_window_layout
from zkel.gateware.msm.words import unpack_buckets


def normalise(points: Sequence[Projective]) -> list[G1]:
    """Projective ``(X : Y : Z)`` (any scale) to G1 points, one inversion for all."""
    zs = [p[2] % Q for p in points]
    prefix = [1]
    for z in zs:
        prefix.append(prefix[-1] * (z or 1) % Q)
    inv = pow(prefix[-1], -1, Q)
    out: list[G1] = [G1.identity()] * len(points)
    for i in range(len(points) - 1, -1, -1):
        z = zs[i] or 1
        z_inv = inv * prefix[i] % Q
        inv = inv * z % Q
        if zs[i]:
            x, y, _ = points[i]
            out[i] = G1(x * z_inv % Q, y * z_inv % Q, 1)
    return out


def fold_top_window(slots: Sequence[G1], cfg: MSMConfig) -> list[G1]:
    """The top window's buckets 1..2^(c-1) from its slots: bucket ``j`` is the sum of
    slots ``(j - 1)·K .. j·K - 1`` (see :mod:`zkel.gateware.msm.recoding`)."""
    top_digit, replicas = top_window_layout(cfg.window_bits, cfg.n_windows)
    buckets = [G1.identity()] * len(slots)
    for j in range(top_digit):
        total = G1.identity()
        for rep in range(replicas):
            total = total + slots[j * replicas + rep]
        buckets[j] = total
    return buckets


def reduce_window(buckets: Sequence[G1]) -> G1:
    """``Σ_j j·B_j`` for ``buckets[j - 1] = B_j``, by running sums."""
    running = G1.identity()
    total = G1.identity()
    for b in reversed(buckets):
        running = running + b
        total = total + running
    return total


def combine_windows(sums: Sequence[G1], c: int) -> G1:
    """``Σ_w 2^(c·w)·S_w`` by Horner's rule, most significant window first."""
    result = G1.identity()
    for s in reversed(sums):
        for _ in range(c):
            result = result.double()
        result = result + s
    return result


def msm_from_buckets(elements: Sequence[int], cfg: MSMConfig) -> G1:
    """The MSM result from the engine's output elements (see :mod:`zkel.gateware.msm.words`)."""
    windows = unpack_buckets(elements, cfg)
    flat = normalise([b for window in windows for b in window])
    nb = cfg.buckets_per_window
    windows_g1 = [flat[w * nb : (w + 1) * nb] for w in range(cfg.n_windows)]
    windows_g1[-1] = fold_top_window(windows_g1[-1], cfg)
    sums = [reduce_window(b) for b in windows_g1]
    return combine_windows(sums, cfg.window_bits)
