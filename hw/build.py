"""A board build: generate the sources, run Vivado when there is one, record the manifest.

:func:`generate` writes into a directory the Verilog of ``zkel_top``, the XDC
(:mod:`zkel.hw.xdc`), the Tcl (:mod:`zkel.hw.tcl`), ``build.sh`` and
``manifest.json`` (:mod:`zkel.hw.manifest`, without bitstream digests).
:func:`run_vivado` runs the Tcl in batch mode, passing each ``zkel: step`` line
to a callback, and :func:`record` completes the manifest with the ``.bit`` and
``.hwh`` digests and copies the three files into ``bitstreams/<board>/``.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

from zkel.gateware.config import AccelConfig
from zkel.hw import manifest as mf
from zkel.hw.boards import ACCEL_IP, DMA_IP, Board
from zkel.hw.tcl import TCL_NAME, VERILOG_NAME, XDC_NAME, build_tcl
from zkel.hw.xdc import build_xdc

SCRIPT_NAME = "build.sh"
LOG_NAME = "vivado.log"
SOURCE_ROOT = Path(__file__).resolve().parent.parent
"""The zkel source tree (the git checkout when installed editable)."""

Progress = Callable[[str], None]


class VivadoError(RuntimeError):
    """Vivado ran and failed; the message names its last error and the log."""


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote.

    Members
    -------
    out : Path
        The build directory.
    manifest : mf.Manifest
        The manifest written there (no bitstream digests yet).
    """

    out: Path
    manifest: mf.Manifest

    @property
    def bit(self) -> Path:
        """Where the Tcl puts the ``.bit``."""
        return self.out / f"{self.manifest.bitstream}.bit"

    @property
    def hwh(self) -> Path:
        """Where the Tcl puts the ``.hwh``."""
        return self.out / f"{self.manifest.bitstream}.hwh"


def source_revision(root: Path = SOURCE_ROOT) -> tuple[str | None, bool | None]:
    """``(git rev-parse HEAD, dirty)`` of ``root``; dirty means tracked files differ from
    HEAD. ``(None, None)`` when ``root`` is not a git checkout or git is missing."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, None
    return head, bool(status.strip())


def build_script() -> str:
    """``build.sh``: run the Tcl in Vivado's batch mode from the script's directory."""
    return "\n".join(
        [
            "#!/bin/sh",
            "# zkel: build the bitstream on a machine with Vivado on PATH (see hw/README.md).",
            "# ZKEL_JOBS sets Vivado's parallel jobs (default 4).",
            "set -e",
            'cd "$(dirname "$0")"',
            f"exec vivado -mode batch -notrace -source {TCL_NAME} -log {LOG_NAME} "
            '-journal vivado.jou "$@"',
            "",
        ]
    )


def generate(
    board: Board,
    cfg: AccelConfig,
    out: Path,
    *,
    verilog: Callable[[AccelConfig], str],
    progress: Progress | None = None,
) -> Generated:
    """Write the sources of ``board``'s build of ``cfg`` and a manifest into ``out``.

    ``verilog`` makes the Verilog of module ``zkel_top`` for ``cfg``
    (:func:`zkel.gateware.top.emit_verilog`). ``cfg`` must target the board's part.
    """
    if cfg.device.part != board.part:
        raise ValueError(
            f"configuration {cfg.name} targets {cfg.device.part}, board {board.name} "
            f"has {board.part}"
        )
    say = progress or (lambda step: None)
    out.mkdir(parents=True, exist_ok=True)
    say(f"emit Verilog of zkel_top ({cfg.name})")
    texts = {VERILOG_NAME: verilog(cfg)}
    say("write XDC, Tcl and build.sh")
    texts[XDC_NAME] = build_xdc(board)
    texts[TCL_NAME] = build_tcl(board)
    texts[SCRIPT_NAME] = build_script()
    for name, text in texts.items():
        (out / name).write_text(text)
    script = out / SCRIPT_NAME
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    revision, dirty = source_revision()
    manifest = mf.new_manifest(
        board.name,
        board.part,
        cfg.name,
        source_revision=revision,
        source_dirty=dirty,
        files={name: mf.sha256_file(out / name) for name in texts},
    )
    manifest = replace(manifest, bitstream=board.bitstream_name)
    mf.write(manifest, out / mf.MANIFEST_NAME)
    return Generated(out, manifest)


def vivado_command() -> list[str]:
    """The Vivado batch command :func:`run_vivado` runs (in the build directory)."""
    return ["vivado", "-mode", "batch", "-notrace", "-source", TCL_NAME, "-log", LOG_NAME]


def run_vivado(out: Path, progress: Progress | None = None) -> Path:
    """Run the build Tcl in ``out`` with the ``vivado`` on PATH; returns the log's path.

    Each ``zkel: step NAME`` line goes to ``progress``. Raises :class:`VivadoError`
    with the last ``ERROR`` line and the log path when Vivado exits non-zero.
    """
    say = progress or (lambda step: None)
    tail: deque[str] = deque(maxlen=40)
    with subprocess.Popen(
        vivado_command(), cwd=out, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip()
            tail.append(line)
            if line.startswith("zkel: step "):
                say(line.removeprefix("zkel: step "))
        code = proc.wait()
    log = out / LOG_NAME
    if code:
        errors = [line for line in tail if "ERROR" in line]
        last = errors[-1] if errors else (tail[-1] if tail else "no output")
        raise VivadoError(f"Vivado failed ({code}): {last.strip()} (log: {log})")
    return log


def check_hwh(hwh: Path) -> None:
    """Check that ``hwh`` is a hardware handoff naming :data:`~zkel.hw.boards.ACCEL_IP` and
    :data:`~zkel.hw.boards.DMA_IP` (the instances the driver looks up); raises
    :class:`zkel.hw.manifest.ManifestError` otherwise."""
    try:
        root = ElementTree.parse(hwh).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise mf.ManifestError(f"{hwh}: not a hardware handoff (.hwh) file: {exc}") from None
    instances = {m.get("INSTANCE") for m in root.iter("MODULE")}
    missing = [name for name in (ACCEL_IP, DMA_IP) if name not in instances]
    if missing:
        raise mf.ManifestError(f"{hwh}: no instance {', '.join(missing)} (not a zkel design)")


def record(
    generated_dir: Path, bit: Path, hwh: Path, bitstreams: Path, board: Board
) -> tuple[mf.Manifest, Path]:
    """Complete the manifest in ``generated_dir`` with ``bit``/``hwh`` digests and copy
    the three files to ``bitstreams/<board>/`` as ``<bitstream_name>.bit|.hwh`` and
    ``manifest.json``. Returns the manifest and the directory.

    Raises :class:`zkel.hw.manifest.ManifestError` when the generated manifest is
    missing or for another board, a file is missing, or the ``.hwh`` lacks the
    accelerator or DMA instance (:func:`check_hwh`).
    """
    manifest = mf.load(generated_dir)
    if manifest.board != board.name:
        raise mf.ManifestError(
            f"{generated_dir}: manifest is for board {manifest.board}, not {board.name}"
        )
    for path in (bit, hwh):
        if not path.is_file():
            raise mf.ManifestError(f"{path}: no such file")
    check_hwh(hwh)
    dest = bitstreams / board.name
    dest.mkdir(parents=True, exist_ok=True)
    name = board.bitstream_name
    shutil.copyfile(bit, dest / f"{name}.bit")
    shutil.copyfile(hwh, dest / f"{name}.hwh")
    manifest = manifest.with_bitstream(dest / f"{name}.bit", dest / f"{name}.hwh")
    mf.write(manifest, generated_dir / mf.MANIFEST_NAME)
    mf.write(manifest, dest / mf.MANIFEST_NAME)
    return manifest, dest
