"""Reading and writing proof-system files for the CLI, with one-line errors.

Every failure becomes a :class:`~zkel.host.cli.errors.UserError` (exit 2) whose
message names the file and the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from zkel.circuits.groth16 import InvalidKey
from zkel.circuits.snarkjs import FormatError
from zkel.host.cli.errors import UserError

T = TypeVar("T")


def load(path: Path, reader: Callable[..., T], **kwargs: object) -> T:
    """``reader(path)`` with missing files and format errors turned into UserError."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a directory, expected a file")
    try:
        return reader(path, **kwargs)
    except FormatError as exc:
        msg = str(exc)
        raise UserError(msg if str(path) in msg or path.name in msg else f"{path}: {msg}") from None
    except InvalidKey as exc:
        raise UserError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read: {exc}") from None


def checked(path: Path, fn: Callable[[], T]) -> T:
    """Run a conversion of a file's content, naming ``path`` in any InvalidKey error."""
    try:
        return fn()
    except InvalidKey as exc:
        raise UserError(f"{path}: {exc}") from None


def save(path: Path, writer: Callable[..., None], *args: object, **kwargs: object) -> None:
    """``writer(path, *args)`` with OS errors turned into UserError."""
    try:
        if path.parent and not path.parent.exists():
            raise UserError(f"{path}: directory {path.parent} does not exist")
        writer(path, *args, **kwargs)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc}") from None
