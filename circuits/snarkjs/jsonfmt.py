"""snarkjs' JSON files: ``verification_key.json``, ``proof.json``, ``public.json``.

Numbers are decimal strings; points are projective triples with z = 1
(``[x, y, "1"]`` for G1, ``[[x0, x1], [y0, y1], ["1", "0"]]`` for G2) and the point
at infinity ``["0", "1", "0"]`` (G2: ``[["0","0"],["1","0"],["0","0"]]``).
Files are written as snarkjs writes them (``JSON.stringify(v, null, 1)``).
Readers check the structure, that every coordinate is below q and every public
value below r; curve membership is checked by :mod:`zkel.circuits.groth16.keys`.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zkel.circuits.bn254.fields import Q, R
from zkel.circuits.snarkjs.errors import FormatError

G1Affine = tuple[int, int] | None
G2Affine = tuple[tuple[int, int], tuple[int, int]] | None
_DECIMAL = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class VerificationKey:
    """snarkjs' Groth16 verification key (canonical ints, affine points, None = ∞).

    Attributes
    ----------
    n_public
        Public signals (outputs then inputs), the constant 1 not counted.
    alpha1, beta2, gamma2, delta2
        α·G1, β·G2, γ·G2, δ·G2; G2 coordinates as ``(c0, c1)`` of c0 + c1·u.
    ic
        ``n_public + 1`` G1 points: IC[0] + Σ public_i · IC[i] is the public part.
    alphabeta_12
        e(α, β) as snarkjs' nested Fq12 ints ``[i][j] = [c0, c1]``, or None.
    """

    n_public: int
    alpha1: G1Affine
    beta2: G2Affine
    gamma2: G2Affine
    delta2: G2Affine
    ic: list[G1Affine]
    alphabeta_12: list | None = None


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof as in ``proof.json``: A, C in G1 and B in G2 (affine, None = ∞)."""

    a: G1Affine
    b: G2Affine
    c: G1Affine


# --- reading helpers ------------------------------------------------------------
def _load(path: str | Path) -> Any:
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise FormatError(path, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FormatError(path, "not a text (JSON) file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(path, f"malformed JSON at line {exc.lineno}: {exc.msg}") from None


def _int(v: Any, path: str | Path, what: str, bound: int, bound_name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise FormatError(path, f"{what}: expected a decimal string, got {type(v).__name__}")
    if isinstance(v, str):
        if not _DECIMAL.fullmatch(v):
            raise FormatError(path, f"{what}: {v[:40]!r} is not a decimal number")
        v = int(v)
    if not 0 <= v < bound:
        raise FormatError(path, f"{what}: value not below {bound_name}")
    return v


def _list(v: Any, n: int, path: str | Path, what: str) -> list:
    if not isinstance(v, list) or len(v) != n:
        raise FormatError(path, f"{what}: expected a list of {n} entries")
    return v


def _g1(v: Any, path: str | Path, what: str) -> G1Affine:
    x, y, z = (_int(c, path, what, Q, "q") for c in _list(v, 3, path, what))
    if z == 0:
        return None
    if z != 1:
        raise FormatError(path, f"{what}: z coordinate must be 1 or 0")
    return (x, y)


def _g2(v: Any, path: str | Path, what: str) -> G2Affine:
    coords = [
        tuple(_int(c, path, what, Q, "q") for c in _list(pair, 2, path, what))
        for pair in _list(v, 3, path, what)
    ]
    if coords[2] == (0, 0):
        return None
    if coords[2] != (1, 0):
        raise FormatError(path, f"{what}: z coordinate must be [1, 0] or [0, 0]")
    return (coords[0], coords[1])  # type: ignore[return-value]


def _field(obj: dict, key: str, path: str | Path) -> Any:
    if key not in obj:
        raise FormatError(path, f"missing key {key!r}")
    return obj[key]


def _header(obj: Any, path: str | Path) -> dict:
    if not isinstance(obj, dict):
        raise FormatError(path, "expected a JSON object")
    protocol = obj.get("protocol", "groth16")
    if protocol != "groth16":
        raise FormatError(path, f"protocol {protocol!r} is not groth16")
    curve = obj.get("curve", "bn128")
    if curve not in ("bn128", "bn254", "alt_bn128"):
        raise FormatError(path, f"curve {curve!r} is not bn128 (BN254)")
    return obj


def _fq12(v: Any, path: str | Path, what: str) -> list[list[list[int]]]:
    """snarkjs' Fq12 layout: 2 × 3 × 2 decimal strings below q → nested ints."""
    return [
        [
            [
                _int(c, path, f"{what}[{i}][{j}][{k}]", Q, "q")
                for k, c in enumerate(_list(pair, 2, path, what))
            ]
            for j, pair in enumerate(_list(half, 3, path, what))
        ]
        for i, half in enumerate(_list(v, 2, path, what))
    ]


# --- writing helpers ------------------------------------------------------------
def _dec(v: int, bound: int, what: str) -> str:
    """``v`` (any int-like: int, gmpy2 mpz) as a decimal string, checked in [0, bound)."""
    try:
        n = operator.index(v) if not isinstance(v, bool) else None
    except TypeError:
        n = None
    if n is None or not 0 <= n < bound:
        name = "q" if bound == Q else "r"
        raise ValueError(f"{what}: {v!r} is not an integer in [0, {name})")
    return str(n)


def _fq12_json(v: Any) -> list[list[list[str]]]:
    what = "vk_alphabeta_12"
    shape_ok = (
        isinstance(v, Sequence)
        and len(v) == 2
        and all(isinstance(h, Sequence) and len(h) == 3 for h in v)
        and all(isinstance(p, Sequence) and len(p) == 2 for h in v for p in h)
    )
    if not shape_ok:
        raise ValueError(f"{what}: expected 2 x 3 x 2 nested coordinates (snarkjs' Fq12)")
    return [[[_dec(c, Q, what) for c in pair] for pair in half] for half in v]


def _g1_json(p: G1Affine, what: str = "G1 point") -> list[str]:
    if p is None:
        return ["0", "1", "0"]
    return [_dec(p[0], Q, what), _dec(p[1], Q, what), "1"]


def _g2_json(p: G2Affine, what: str = "G2 point") -> list[list[str]]:
    if p is None:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    (x0, x1), (y0, y1) = p
    return [
        [_dec(x0, Q, what), _dec(x1, Q, what)],
        [_dec(y0, Q, what), _dec(y1, Q, what)],
        ["1", "0"],
    ]


def _dump(path: str | Path, obj: Any) -> None:
    Path(path).write_text(json.dumps(obj, indent=1))


# --- verification key -----------------------------------------------------------------
def read_vkey(path: str | Path) -> VerificationKey:
    """Read snarkjs' Groth16 ``verification_key.json``.

    ``vk_alphabeta_12`` (the pairing e(α, β) in snarkjs' Fq12 layout, see
    :func:`zkel.circuits.bn254.pairing.fq12_to_snarkjs`) is optional; it is read as
    nested canonical ints ``[i][j] = [c0, c1]`` and not checked against α and β.

    Raises
    ------
    FormatError
        Malformed JSON, a missing key, another protocol or curve, a non-decimal
        number, a coordinate not below q, or an IC list that disagrees with nPublic.
    """
    obj = _header(_load(path), path)
    n_public = _field(obj, "nPublic", path)
    if isinstance(n_public, bool) or not isinstance(n_public, int) or n_public < 0:
        raise FormatError(path, "nPublic: expected a non-negative integer")
    ic_raw = _field(obj, "IC", path)
    if not isinstance(ic_raw, list) or len(ic_raw) != n_public + 1:
        raise FormatError(path, f"IC: expected nPublic + 1 = {n_public + 1} points")
    alphabeta = obj.get("vk_alphabeta_12")
    if alphabeta is not None:
        alphabeta = _fq12(alphabeta, path, "vk_alphabeta_12")
    return VerificationKey(
        n_public=n_public,
        alpha1=_g1(_field(obj, "vk_alpha_1", path), path, "vk_alpha_1"),
        beta2=_g2(_field(obj, "vk_beta_2", path), path, "vk_beta_2"),
        gamma2=_g2(_field(obj, "vk_gamma_2", path), path, "vk_gamma_2"),
        delta2=_g2(_field(obj, "vk_delta_2", path), path, "vk_delta_2"),
        ic=[_g1(p, path, f"IC[{i}]") for i, p in enumerate(ic_raw)],
        alphabeta_12=alphabeta,
    )


def write_vkey(path: str | Path, vk: VerificationKey) -> None:
    """Write ``verification_key.json`` with snarkjs' keys, order and layout.

    Raises
    ------
    ValueError
        For a coordinate that is not an int in [0, q).
    """
    obj: dict[str, Any] = {
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.n_public,
        "vk_alpha_1": _g1_json(vk.alpha1, "vk_alpha_1"),
        "vk_beta_2": _g2_json(vk.beta2, "vk_beta_2"),
        "vk_gamma_2": _g2_json(vk.gamma2, "vk_gamma_2"),
        "vk_delta_2": _g2_json(vk.delta2, "vk_delta_2"),
    }
    if vk.alphabeta_12 is not None:
        obj["vk_alphabeta_12"] = _fq12_json(vk.alphabeta_12)
    if len(vk.ic) != vk.n_public + 1:
        raise ValueError(f"IC has {len(vk.ic)} points, nPublic + 1 = {vk.n_public + 1}")
    obj["IC"] = [_g1_json(p, f"IC[{i}]") for i, p in enumerate(vk.ic)]
    _dump(path, obj)


# --- proof and public signals ---------------------------------------------------------
def read_proof(path: str | Path) -> Proof:
    """Read a Groth16 ``proof.json`` (``pi_a``, ``pi_b``, ``pi_c``; projective, z = 1).

    Raises
    ------
    FormatError
        As :func:`read_vkey`, naming the field (``pi_a: value not below q``).
    """
    obj = _header(_load(path), path)
    return Proof(
        a=_g1(_field(obj, "pi_a", path), path, "pi_a"),
        b=_g2(_field(obj, "pi_b", path), path, "pi_b"),
        c=_g1(_field(obj, "pi_c", path), path, "pi_c"),
    )


def write_proof(path: str | Path, proof: Proof) -> None:
    """Write ``proof.json`` as ``snarkjs groth16 prove`` does (ValueError for bad coordinates)."""
    _dump(
        path,
        {
            "pi_a": _g1_json(proof.a, "pi_a"),
            "pi_b": _g2_json(proof.b, "pi_b"),
            "pi_c": _g1_json(proof.c, "pi_c"),
            "protocol": "groth16",
            "curve": "bn128",
        },
    )


def read_public(path: str | Path) -> list[int]:
    """Read ``public.json``: the public signals (outputs, then inputs) as ints below r.

    Raises
    ------
    FormatError
        Malformed JSON, not a list, a non-decimal entry or a value not below r.
    """
    obj = _load(path)
    if not isinstance(obj, list):
        raise FormatError(path, "expected a JSON list of decimal strings")
    return [_int(v, path, f"public signal {i}", R, "r") for i, v in enumerate(obj)]


def write_public(path: str | Path, values: Sequence[int]) -> None:
    """Write ``public.json`` (decimal strings); ValueError for a value not in [0, r)."""
    _dump(path, [_dec(v, R, f"public signal {i}") for i, v in enumerate(values)])
