"""Groth16 keys cached on disk, keyed by the SHA-256 of the circuit's ``.r1cs`` bytes.

Setup of a batch circuit takes minutes; a second run of the same shape (same
slots, depth, oracle key and circuit code, hence the same R1CS file) loads the
``.zkey`` instead. Files: ``<cache>/<sha256 of the .r1cs>.zkey`` in snarkjs' format
(points and field elements in Montgomery form, as snarkjs writes them), written
to a temporary name and renamed, so an interrupted run leaves no half key behind.
The key is a single-party setup (:data:`zkel.circuits.groth16.setup.NO_CEREMONY_WARNING`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zkel.circuits import groth16
from zkel.circuits.snarkjs import FormatError, R1cs, Zkey, read_zkey, write_r1cs, write_zkey

Progress = Callable[[str, int, int], None]


def default_cache_dir() -> Path:
    """``$ZKEL_CACHE``, else ``$XDG_CACHE_HOME/zkel``, else ``~/.cache/zkel``."""
    if os.environ.get("ZKEL_CACHE"):
        return Path(os.environ["ZKEL_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zkel"


def r1cs_sha256(r1cs: R1cs) -> str:
    """Hex SHA-256 of the circuit's ``.r1cs`` file as :func:`write_r1cs` writes it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "circuit.r1cs"
        write_r1cs(path, r1cs)
        return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Keys:
    """A circuit's keys: the proving key (with its verifying key), where the zkey
    lives, the R1CS hash it is filed under, and whether it came from the cache."""

    pk: groth16.ProvingKey
    path: Path
    r1cs_sha256: str
    cached: bool

    @property
    def vk(self) -> groth16.VerifyingKey:
        return self.pk.verifying_key()


def cached_setup(r1cs: R1cs, cache_dir: Path, progress: Progress | None = None) -> Keys:
    """The keys of ``r1cs``: read from ``cache_dir`` when filed there, else set up and filed.

    A cached file that does not read as a zkey is set up again (and overwritten).
    """
    digest = r1cs_sha256(r1cs)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{digest}.zkey"
    if path.exists():
        try:
            zkey = read_zkey(path)
            return Keys(groth16.ProvingKey.from_zkey(zkey), path, digest, cached=True)
        except (FormatError, groth16.InvalidKey):
            pass  # damaged: make it again
    zkey = groth16.setup(r1cs, progress=progress)
    _write_atomic(path, zkey)
    return Keys(groth16.ProvingKey.from_zkey(zkey), path, digest, cached=False)


def _write_atomic(path: Path, zkey: Zkey) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".zkey.part")
    os.close(fd)
    try:
        write_zkey(tmp, zkey)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
