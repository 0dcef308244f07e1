"""Errors an operator can cause, reported as one line and a non-zero exit code."""

from __future__ import annotations

import sys


class UserError(Exception):
    """A problem with the user's input (a file, an argument), not a bug.

    ``exit_code`` is 2 for bad input, 1 for a well-formed statement that is false
    (an invalid proof).
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def report(exc: BaseException) -> None:
    """Print ``exc`` as one ``zkel: error: ...`` line on standard error."""
    print(f"zkel: error: {exc}", file=sys.stderr)
