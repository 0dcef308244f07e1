"""Errors of the file layer."""

from __future__ import annotations

from pathlib import Path


class FormatError(ValueError):
    """A file that is not what it claims: one line naming the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{Path(path).name if path else '<data>'}: {problem}")
        self.path = str(path)
        self.problem = problem
