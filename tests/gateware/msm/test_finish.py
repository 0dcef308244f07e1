"""Host finishing (bucket reduction, window combination) and the stream word formats."""

from __future__ import annotations

import random

import pytest

from zkel.circuits.bn254.curve import G1
from zkel.circuits.bn254.fields import Q, R
from zkel.circuits.msm import accumulate_window_g1, msm_g1, msm_naive_g1, signed_digits
from zkel.gateware.config import MSMConfig
from zkel.gateware.ec.model import from_g1
from zkel.gateware.msm.finish import combine_windows, msm_from_buckets, normalise, reduce_window
from zkel.gateware.msm.recoding import top_window_layout
from zkel.gateware.msm.words import pack_inputs, unpack_buckets

G = G1.generator()


def engine_output_from_golden_model(points, scalars, cfg: MSMConfig, rng) -> list[int]:
    """What the engine streams out, built from circuits.msm's buckets with random scales."""
    live = [(p.affine(), k) for p, k in zip(points, scalars, strict=True) if not p.is_identity()]
    xs, ys = [a[0] for a, _ in live], [a[1] for a, _ in live]
    digits = [signed_digits(k, cfg.window_bits) for _, k in live]
    _, replicas = top_window_layout(cfg.window_bits, cfg.n_windows)
    out = []
    for w in range(cfg.n_windows):
        buckets = accumulate_window_g1(xs, ys, [d[w] for d in digits], cfg.buckets_per_window)
        slots = buckets[1:]
        if w == cfg.n_windows - 1:  # the top window's layout: bucket j in replica 0
            slots = [None] * len(slots)
            for j, b in enumerate(buckets[1:]):
                if b is not None:
                    slots[j * replicas] = b
        for b in slots:
            x, y, z = from_g1(G1.identity() if b is None else G1(b[0], b[1], 1))
            lam = rng.randrange(1, Q)
            out += [x * lam % Q, y * lam % Q, z * lam % Q]
    return out


@pytest.mark.parametrize("c", [2, 3, 5])
def test_msm_from_buckets_equals_the_msm(c):
    rng = random.Random(c)
    pts = [G * rng.randrange(1, R) for _ in range(10)] + [G1.identity()]
    ks = [rng.randrange(R) for _ in range(9)] + [0, 3]
    cfg = MSMConfig(c)
    out = engine_output_from_golden_model(pts, ks, cfg, rng)
    result = msm_from_buckets(out, cfg)
    assert result == msm_naive_g1(pts, ks)
    assert result == msm_g1(pts, ks)


def test_reduction_and_combination_laws():
    b = [G * 3, G1.identity(), G * 5]
    assert reduce_window(b) == G * (1 * 3 + 3 * 5)
    assert combine_windows([G, G * 2], 4) == G * (1 + 2 * 16)
    assert normalise([(0, 7, 0), from_g1(G * 9)]) == [G1.identity(), G * 9]


def test_pack_inputs():
    p = G * 5
    words = pack_inputs([p, G1.identity()], [R + 2, 7])
    assert words == [*p.affine(), 2, 0, 0, 7]
    with pytest.raises(ValueError, match=r"as many scalars as points \(1 != 2\)"):
        pack_inputs([p, p], [1])


def test_unpack_rejects_bad_output():
    cfg = MSMConfig(2)
    with pytest.raises(ValueError, match="MSM output has 3 elements, expected 768"):
        unpack_buckets([0, 1, 0], cfg)
    with pytest.raises(ValueError, match="is not below q"):
        unpack_buckets([Q] * 768, cfg)
    windows = unpack_buckets(list(range(768)), cfg)
    assert len(windows) == 128 and windows[1][0] == (6, 7, 8)
