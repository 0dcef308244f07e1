"""A point on the G2 twist curve outside the order-r subgroup, for rejection tests."""

from zkel.circuits.bn254 import G2, Q
from zkel.circuits.bn254.curve import _TWIST_B
from zkel.circuits.bn254.fields import f2_add, f2_mul, f2_sqr


def _fq_sqrt(x: int) -> int | None:
    r = pow(x, (Q + 1) // 4, Q)  # q ≡ 3 (mod 4)
    return r if r * r % Q == x % Q else None


def _fq2_sqrt(a: tuple[int, int]) -> tuple[int, int] | None:
    """Square root in Fq2 = Fq[u]/(u² + 1) through the norm, or None."""
    a0, a1 = a
    n = _fq_sqrt((a0 * a0 + a1 * a1) % Q)
    if n is None:
        return None
    half = pow(2, -1, Q)
    for cand in ((a0 + n) * half % Q, (a0 - n) * half % Q):
        x0 = _fq_sqrt(cand)
        if x0:
            return (x0, a1 * pow(2 * x0, -1, Q) % Q)
    return None


def twist_point_off_subgroup() -> tuple:
    """The smallest-x point ``(x0 + 0u, y)`` of ``y² = x³ + 3/(9+u)`` outside the subgroup."""
    for x0 in range(1, 200):
        x = (x0, 0)
        y = _fq2_sqrt(f2_add(f2_mul(f2_sqr(x), x), _TWIST_B))
        if y is not None and f2_sqr(y) == f2_add(f2_mul(f2_sqr(x), x), _TWIST_B):
            if not G2.from_affine(x, y).in_subgroup():
                return (x, y)
    raise AssertionError("no off-subgroup twist point found")
