"""Fixtures for the snarkjs format tests: the committed snarkjs files and a helper
that rebuilds a container with some sections replaced, dropped or cut."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from zkel.circuits.snarkjs.binfile import parse_binfile, write_binfile

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "snarkjs"
#: the three fixture circuits (make_fixtures.sh): 1, 21 and 99 constraints
CIRCUITS = ("multiplier", "interop", "bits")
BLS12_381_R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001


def json_names(circuit: str) -> tuple[str, str, str]:
    """(vkey, proof, public) file names of a fixture circuit."""
    if circuit == "interop":  # snarkjs' default names, kept for older tests
        return "verification_key.json", "proof.json", "public.json"
    return f"{circuit}.vkey.json", f"{circuit}.proof.json", f"{circuit}.public.json"


def sections_of(path: Path) -> dict[int, bytes]:
    """Section payloads of a container, in file order."""
    data = path.read_bytes()
    bf = parse_binfile(data, path.name, data[:4], (1, 2))
    return {k: bytes(v) for k, v in bf.sections.items()}


def section_offsets(path: Path) -> list[tuple[int, int, int]]:
    """(type, offset of the section's 12-byte header, payload size) in file order."""
    data = path.read_bytes()
    out, pos = [], 12
    for stype, payload in sections_of(path).items():
        out.append((stype, pos, len(payload)))
        pos += 12 + len(payload)
    assert pos == len(data)
    return out


@pytest.fixture
def rebuild(tmp_path: Path) -> Callable[..., Path]:
    """``rebuild(src, name, replace={type: bytes}, drop=(type,), version=None)``: a copy
    of the container ``src`` under ``tmp_path/name`` with sections changed."""

    def make(
        src: Path,
        name: str,
        replace: dict[int, bytes] | None = None,
        drop: tuple[int, ...] = (),
        version: int | None = None,
    ) -> Path:
        data = src.read_bytes()
        secs = sections_of(src)
        secs.update(replace or {})
        out = tmp_path / name
        ver = version if version is not None else int.from_bytes(data[4:8], "little")
        write_binfile(out, data[:4], ver, [(k, v) for k, v in secs.items() if k not in drop])
        return out

    return make
