"""Bitstream manifests: what a ``.bit``/``.hwh`` pair was built from, and a check of it.

A manifest is ``manifest.json`` beside the bitstream (``bitstreams/<board>/``, or
a build directory). :func:`write` writes one, :func:`load` reads one back (a
one-line :class:`ManifestError` for a missing, unreadable or incomplete file),
and :meth:`Manifest.verify` (or the module-level :func:`verify`) checks a
bitstream against it before a driver trusts it:

1. the ``.bit`` file and the ``.hwh`` beside it (same basename, as PYNQ needs)
   have the SHA-256 digests the manifest records;
2. the register map the bitstream was built with has the running code's major
   version (:data:`zkel.gateware.regmap.VERSION_MAJOR`) and the ``ID`` magic;
3. the configuration is one this code knows, and its read-only configuration
   registers (:func:`zkel.gateware.regmap.config_words`) are the ones recorded,
   so a configuration redefined since the build is caught.

The driver then compares the recorded ``registers`` with what the board's
``ID``/``VERSION``/``NTT_CONFIG``/... registers read back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from zkel.gateware import regmap
from zkel.gateware.config import CONFIGS

SCHEMA = 1
"""Manifest format version (``schema`` in the JSON)."""

MANIFEST_NAME = "manifest.json"
"""File name of a manifest beside its bitstream."""


class ManifestError(ValueError):
    """A manifest is missing, malformed, or does not match the bitstream or the code."""


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, as 64 lowercase hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def regmap_version() -> str:
    """The running code's register-map version, ``"MAJOR.MINOR"``."""
    return f"{regmap.VERSION_MAJOR}.{regmap.VERSION_MINOR}"


@dataclass(frozen=True)
class Manifest:
    """One build of the accelerator for one board.

    Members
    -------
    board : str
        Board name in :data:`zkel.hw.boards.BOARDS` (``"pynq-z2"``, ...).
    part : str
        Xilinx part the bitstream is for (``"xc7z020clg400-1"``).
    config : str
        Accelerator configuration in :data:`zkel.gateware.config.CONFIGS`.
    regmap_version : str
        Register-map version built in, ``"MAJOR.MINOR"``.
    registers : dict[str, int]
        Values of the read-only configuration registers (``ID``, ``VERSION``,
        ``NTT_CONFIG``, ``MSM_CONFIG``, ``CLOCK``) as 32-bit unsigned integers; the
        ``ID`` register reads :data:`zkel.gateware.regmap.MAGIC`.
    source_revision : str or None
        ``git rev-parse HEAD`` of the source tree the files were generated from
        (None outside a git checkout).
    source_dirty : bool or None
        True when that tree had uncommitted changes to tracked files.
    files : dict[str, str]
        Generated file name (relative to the manifest) -> SHA-256 hex digest:
        the Verilog, XDC, Tcl and ``build.sh``.
    bitstream : str or None
        Basename of the ``.bit``/``.hwh`` pair without extension (``"zkel_pynq_z2"``).
    bit_sha256, hwh_sha256 : str or None
        Digests of the ``.bit`` and ``.hwh``; None until Vivado has produced them.
    created : str
        UTC time the manifest was first written, ISO 8601 to the second.
    schema : int
        :data:`SCHEMA`.
    """

    board: str
    part: str
    config: str
    regmap_version: str
    registers: dict[str, int]
    source_revision: str | None
    source_dirty: bool | None
    files: dict[str, str] = field(default_factory=dict)
    bitstream: str | None = None
    bit_sha256: str | None = None
    hwh_sha256: str | None = None
    created: str = ""
    schema: int = SCHEMA

    @property
    def built(self) -> bool:
        """True when the ``.bit`` and ``.hwh`` digests are recorded."""
        return self.bit_sha256 is not None and self.hwh_sha256 is not None

    @property
    def id_register(self) -> int:
        """The ``ID`` register value built in (32-bit)."""
        return self.registers.get("ID", -1)

    def with_bitstream(self, bit_path: Path, hwh_path: Path) -> Manifest:
        """This manifest with the digests of a Vivado-built ``.bit`` and ``.hwh``;
        ``bitstream`` becomes the ``.bit``'s basename without extension."""
        return replace(
            self,
            bitstream=Path(bit_path).stem,
            bit_sha256=sha256_file(bit_path),
            hwh_sha256=sha256_file(hwh_path),
        )

    def to_json(self) -> str:
        """The manifest as indented JSON (keys in field order), ending in a newline."""
        return json.dumps(asdict(self), indent=2) + "\n"

    def verify(self, bit_path: Path) -> None:
        """Check ``bit_path`` (and the ``.hwh`` beside it) and this code against the manifest.

        Raises :class:`ManifestError` with one line naming the first mismatch.
        """
        bit_path = Path(bit_path)
        hwh_path = bit_path.with_suffix(".hwh")
        if not self.built:
            raise ManifestError(
                f"manifest for {self.board} records no bitstream digests "
                "(Vivado has not run, or `zkel hw manifest` was not used to record it)"
            )
        for path, expected in ((bit_path, self.bit_sha256), (hwh_path, self.hwh_sha256)):
            if not path.is_file():
                raise ManifestError(
                    f"{path}: no such file (PYNQ needs the .bit and .hwh side by side)"
                )
            if sha256_file(path) != expected:
                raise ManifestError(f"{path}: SHA-256 differs from the manifest's (file changed)")
        self.check_code()

    def check_code(self) -> None:
        """Check the register-map version, ``ID`` and configuration against the running code.

        Raises :class:`ManifestError` naming the mismatch.
        """
        major = self.regmap_version.split(".")[0]
        if major != str(regmap.VERSION_MAJOR):
            raise ManifestError(
                f"bitstream register map is version {self.regmap_version}, this code speaks "
                f"{regmap_version()} (major versions differ: rebuild the bitstream)"
            )
        if self.id_register != regmap.MAGIC:
            raise ManifestError(
                f"manifest ID register 0x{self.id_register & 0xFFFFFFFF:08X} is not "
                f"0x{regmap.MAGIC:08X} (not a zkel bitstream)"
            )
        cfg = CONFIGS.get(self.config)
        if cfg is None:
            raise ManifestError(
                f"bitstream configuration {self.config!r} is unknown to this code; "
                f"known: {', '.join(sorted(CONFIGS))}"
            )
        expected = regmap.config_words(cfg)
        changed = sorted(k for k, v in expected.items() if self.registers.get(k) != v)
        if changed:
            raise ManifestError(
                f"configuration {self.config!r} has changed since the build "
                f"(registers {', '.join(changed)} differ): rebuild the bitstream"
            )


def new_manifest(
    board: str,
    part: str,
    config: str,
    *,
    source_revision: str | None,
    source_dirty: bool | None,
    files: dict[str, str],
) -> Manifest:
    """A manifest for a fresh build of ``config``: register values from the running code,
    ``created`` now (UTC), no bitstream yet. ``config`` must be registered."""
    cfg = CONFIGS.get(config)
    if cfg is None:
        known = ", ".join(sorted(CONFIGS))
        raise ManifestError(f"unknown configuration {config!r}; known: {known}")
    return Manifest(
        board=board,
        part=part,
        config=config,
        regmap_version=regmap_version(),
        registers=regmap.config_words(cfg),
        source_revision=source_revision,
        source_dirty=source_dirty,
        files=dict(files),
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def write(manifest: Manifest, path: Path) -> Path:
    """Write ``manifest`` to ``path`` (a file, or a directory to hold ``manifest.json``);
    returns the file written."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    path.write_text(manifest.to_json())
    return path


def load(path: Path) -> Manifest:
    """Read a manifest from ``path`` (a file, or a directory holding ``manifest.json``).

    Raises :class:`ManifestError` with one line for a missing file, bad JSON, a
    missing or mistyped field, or an unknown schema.
    """
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ManifestError(f"{path}: no manifest (build with `zkel hw build`)") from None
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read manifest: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not a JSON manifest ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: manifest is not a JSON object")
    return _from_dict(data, path)


_REQUIRED = ("board", "part", "config", "regmap_version", "registers")


def _from_dict(data: dict, path: Path) -> Manifest:
    if data.get("schema", SCHEMA) != SCHEMA:
        raise ManifestError(f"{path}: manifest schema {data.get('schema')!r}, expected {SCHEMA}")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise ManifestError(f"{path}: manifest lacks {', '.join(missing)}")
    known = {f.name for f in fields(Manifest)}
    values = {k: v for k, v in data.items() if k in known}
    values.setdefault("source_revision", None)
    values.setdefault("source_dirty", None)
    registers = values["registers"]
    if not isinstance(registers, dict) or not all(
        isinstance(v, int) and 0 <= v < 1 << 32 for v in registers.values()
    ):
        raise ManifestError(f"{path}: manifest registers must map names to 32-bit integers")
    for name in ("board", "part", "config", "regmap_version"):
        if not isinstance(values[name], str):
            raise ManifestError(f"{path}: manifest field {name} must be a string")
    return Manifest(**values)


def verify(bit_path: Path, manifest: Manifest | None = None) -> Manifest:
    """Check ``bit_path`` against ``manifest`` (default: ``manifest.json`` beside it);
    returns the manifest. Raises :class:`ManifestError` on any mismatch (see
    :meth:`Manifest.verify`)."""
    bit_path = Path(bit_path)
    if manifest is None:
        manifest = load(bit_path.parent / MANIFEST_NAME)
    manifest.verify(bit_path)
    return manifest
