"""The QAP reduction against naive polynomial arithmetic on small domains."""

import random

from zkel.circuits.bn254 import R
from zkel.circuits.groth16.qap import (
    AbcEvaluations,
    batch_inverse,
    domain_size_for,
    lagrange_at,
    odd_coset_quotient,
)
from zkel.circuits.ntt import idft, root_of_unity
from zkel.host.accel import kernels


def poly_eval(coeffs, x):
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % R
    return acc


def poly_mul(a, b):
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] = (out[i + j] + x * y) % R
    return out


def test_domain_size_counts_public_rows():
    assert domain_size_for(3, 1) == 8  # 3 + 1 + 1 = 5 -> 8
    assert domain_size_for(6, 1) == 8
    assert domain_size_for(7, 1) == 16
    assert domain_size_for(0, 0) == 1


def test_lagrange_basis_interpolates():
    rng = random.Random(3)
    n = 8
    tau = rng.randrange(R)
    lag = lagrange_at(tau, n)
    values = [rng.randrange(R) for _ in range(n)]
    coeffs = idft(values)
    assert sum(v * l for v, l in zip(values, lag, strict=False)) % R == poly_eval(coeffs, tau)
    assert sum(lag) % R == 1


def test_batch_inverse():
    vals = [1, 2, R - 1, 12345678901234567890]
    assert [v * i % R for v, i in zip(vals, batch_inverse(vals), strict=False)] == [1, 1, 1, 1]


def test_odd_coset_quotient_matches_naive_polynomials():
    rng = random.Random(5)
    n = 8
    a_ev = [rng.randrange(R) for _ in range(n)]
    b_ev = [rng.randrange(R) for _ in range(n)]
    c_ev = [x * y % R for x, y in zip(a_ev, b_ev, strict=False)]
    got = odd_coset_quotient(AbcEvaluations(a_ev, b_ev, c_ev), kernels("cpu"))
    a, b, c = idft(a_ev), idft(b_ev), idft(c_ev)
    p = poly_mul(a, b)
    for i, ci in enumerate(c):
        p[i] = (p[i] - ci) % R
    w2n = root_of_unity(2 * n)
    expected = [poly_eval(p, pow(w2n, 2 * j + 1, R)) for j in range(n)]
    assert got == expected
    # p vanishes on the domain itself, so it is divisible by Z = x^n - 1
    wn = root_of_unity(n)
    assert all(poly_eval(p, pow(wn, j, R)) == 0 for j in range(n))
