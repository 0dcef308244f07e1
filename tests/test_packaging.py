"""The two installs stay installable: the default one (``make setup``, numpy 2) and a
board's (``.[pynq]``, pynq 4.0 needs numpy<2), each from its constraints file.

These read pyproject.toml and the constraints files as data; pip itself resolves
them in ``make setup`` and on the board.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins(name: str) -> dict[str, Version]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{name}: {line!r} is not an exact pin"
        pins[req.name.lower().replace("_", "-")] = Version(spec.version)
    return pins


def _requirements(extra: str | None) -> list[Requirement]:
    project = _project()
    reqs = [Requirement(r) for r in project["dependencies"]]
    if extra:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return reqs


@pytest.mark.parametrize(
    ("constraints", "extra"), [("constraints.txt", "dev"), ("constraints-pynq.txt", "pynq")]
)
def test_constraints_satisfy_the_project(constraints, extra):
    pins = _pins(constraints)
    for req in _requirements(extra):
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{constraints} does not pin {req.name}"
        assert req.specifier.contains(pins[name]), f"{constraints}: {name} {pins[name]} vs {req}"


def test_numpy_range_admits_both_installs():
    (numpy,) = [r for r in _requirements(None) if r.name == "numpy"]
    assert numpy.specifier.contains(_pins("constraints.txt")["numpy"])
    board = _pins("constraints-pynq.txt")["numpy"]
    assert numpy.specifier.contains(board)
    assert board < Version("2"), "pynq 4.0 requires numpy<2"


def test_only_numpy_is_a_range():
    loose = [str(r) for r in _requirements("dev") if not str(r.specifier).startswith("==")]
    assert loose == [r for r in loose if r.startswith("numpy")] and loose, loose
