"""Groth16 key generation, single party, into snarkjs' ``.zkey`` layout.

**This is not a trusted-setup ceremony.** The toxic waste ``τ, α, β, γ, δ`` is drawn
from the operating system's CSPRNG and discarded when the function returns, so the
keys are as trustworthy as the machine and process that made them. For production,
derive the key from a multi-party powers-of-tau ceremony (snarkjs ``groth16 setup``
with a ``.ptau`` and ``zkey contribute``); zkel proves and verifies with such keys.

Layout (what snarkjs ``zkey new`` writes, so snarkjs can prove with our keys):
``A_i = u_i(τ)·G1``, ``B1_i = v_i(τ)·G1``, ``B2_i = v_i(τ)·G2``,
``IC_i = (β u_i + α v_i + w_i)(τ)/γ·G1`` for public wires, ``C_i = (β u_i + α v_i +
w_i)(τ)/δ·G1`` for private wires, and ``H_j = L^{2n}_{2j+1}(τ)/δ·G1`` (see
:mod:`zkel.circuits.groth16.qap`). ``u, v`` include the public-input rows; a point
whose scalar is 0 is the point at infinity.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from zkel.circuits.bn254 import G1, G2, Q, R
from zkel.circuits.groth16.fixed_base import FixedBase, best_window
from zkel.circuits.groth16.qap import (
    MATRIX_A,
    domain_size_for,
    lagrange_at,
    qap_coefficients,
)
from zkel.circuits.snarkjs import R1cs, Zkey

# Section 10 as ``snarkjs zkey new`` leaves it: a 64-byte circuit hash, then a u32
# count of contributions (0). We write a zero hash: ``snarkjs zkey verify`` (which
# re-derives the key from a ceremony) does not apply to a single-party key anyway.
EMPTY_CONTRIBUTIONS = bytes(64) + (0).to_bytes(4, "little")

# progress(stage, done, total)
SetupProgress = Callable[[str, int, int], None]

NO_CEREMONY_WARNING = (
    "single-party setup from this machine's CSPRNG: NOT a trusted-setup ceremony; "
    "use it for tests and development, not to secure funds"
)


def _nonzero(rng: secrets.SystemRandom) -> int:
    return rng.randrange(1, R)


def setup(
    r1cs: R1cs,
    *,
    rng: secrets.SystemRandom | None = None,
    progress: SetupProgress | None = None,
) -> Zkey:
    """Generate a proving key (which embeds the verification key) for ``r1cs``."""
    if r1cs.prime != R:
        raise ValueError("the circuit is not over BN254's scalar field")
    rng = rng or secrets.SystemRandom()
    report = progress or (lambda _s, _d, _t: None)
    n_public = r1cs.n_pub_out + r1cs.n_pub_in
    n_vars = r1cs.n_wires
    n = domain_size_for(len(r1cs.constraints), n_public)

    tau, alpha, beta, gamma, delta = (_nonzero(rng) for _ in range(5))
    while pow(tau, 2 * n, R) == 1:  # τ must avoid the (doubled) domain
        tau = _nonzero(rng)

    report("qap", 0, 1)
    lag = lagrange_at(tau, n)
    coeffs = qap_coefficients(r1cs)
    u = [0] * n_vars
    v = [0] * n_vars
    w = [0] * n_vars
    for coeff in coeffs:
        target = u if coeff.matrix == MATRIX_A else v
        target[coeff.signal] += coeff.value * lag[coeff.constraint]
    for c, (_, _, c_lc) in enumerate(r1cs.constraints):
        for s, val in c_lc.items():
            w[s] += val * lag[c]
    u = [x % R for x in u]
    v = [x % R for x in v]
    w = [x % R for x in w]
    report("qap", 1, 1)

    gamma_inv = pow(gamma, -1, R)
    delta_inv = pow(delta, -1, R)
    combo = [(beta * u[i] + alpha * v[i] + w[i]) % R for i in range(n_vars)]
    ic_scalars = [combo[i] * gamma_inv % R for i in range(n_public + 1)]
    c_scalars = [combo[i] * delta_inv % R for i in range(n_public + 1, n_vars)]
    lag2 = lagrange_at(tau, 2 * n)
    h_scalars = [lag2[2 * j + 1] * delta_inv % R for j in range(n)]

    g1_total = 3 + len(ic_scalars) + 2 * n_vars + len(c_scalars) + n
    g2_total = 3 + n_vars
    g1_base = FixedBase(G1.generator(), best_window(g1_total))
    g2_base = FixedBase(G2.generator(), best_window(g2_total))
    done = {"G1": 0, "G2": 0}

    def tick(group: str, total: int) -> Callable[[int], None]:
        def inner(k: int) -> None:
            done[group] += k
            report(f"{group} points", done[group], total)

        return inner

    def g1_many(scalars: list[int]) -> list[tuple[int, int] | None]:
        return [p.affine() for p in g1_base.mul_many(scalars, tick("G1", g1_total))]

    def g2_many(scalars: list[int]) -> list:
        return [p.affine() for p in g2_base.mul_many(scalars, tick("G2", g2_total))]

    alpha1, beta1, delta1 = g1_many([alpha, beta, delta])
    beta2, gamma2, delta2 = g2_many([beta, gamma, delta])
    ic = g1_many(ic_scalars)
    a_pts = g1_many(u)
    b1_pts = g1_many(v)
    c_pts = g1_many(c_scalars)
    h_pts = g1_many(h_scalars)
    b2_pts = g2_many(v)

    return Zkey(
        n8q=32,
        q=Q,
        n8r=32,
        r=R,
        n_vars=n_vars,
        n_public=n_public,
        domain_size=n,
        alpha1=alpha1,
        beta1=beta1,
        beta2=beta2,
        gamma2=gamma2,
        delta1=delta1,
        delta2=delta2,
        ic=ic,
        coeffs=coeffs,
        a=a_pts,
        b1=b1_pts,
        b2=b2_pts,
        c=c_pts,
        h=h_pts,
        contributions=EMPTY_CONTRIBUTIONS,
    )
