"""Errors of the file layer."""

from __future__ import annotations

from pathlib import Path


class FormatError(ValueError):
    """A file that is not what it claims: one line, ``<file name>: <problem>``.

    Attributes
    ----------
    path
        The file as given to the reader.
    problem
        The problem alone (``truncated: section 9 (H) needs 2048 bytes, file has 10``).
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        problem = " ".join(problem.split("\n"))
        super().__init__(f"{Path(path).name if path else '<data>'}: {problem}")
        self.path = str(path)
        self.problem = problem
