"""Progress display for long CLI steps (rich, on standard error, quiet when not a TTY)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

stderr = Console(stderr=True)


class StepReporter:
    """Prints ``label: step ... done in 1.23 s`` lines, and drives bars for counted stages."""

    def __init__(self, label: str, progress: Progress) -> None:
        self.label = label
        self._progress = progress
        self._tasks: dict[str, int] = {}
        self._last: tuple[str, float] | None = None

    def step(self, name: str) -> None:
        """Start a named step (closes the previous one)."""
        self._close()
        self._last = (name, time.perf_counter())
        self._progress.console.print(f"[dim]{self.label}:[/] {name} …")

    def count(self, stage: str, done: int, total: int) -> None:
        """Update a counted stage's bar."""
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=max(total, 1))
        self._progress.update(self._tasks[stage], completed=done, total=max(total, 1))

    def _close(self) -> None:
        if self._last is not None:
            name, t0 = self._last
            self._progress.console.print(
                f"[dim]{self.label}:[/] {name} done in {time.perf_counter() - t0:.2f} s"
            )
            self._last = None

    def finish(self) -> None:
        self._close()


@contextmanager
def reporter(label: str) -> Iterator[StepReporter]:
    """A :class:`StepReporter` writing to standard error."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=not sys.stderr.isatty(),
        disable=not sys.stderr.isatty(),
    )
    with progress:
        rep = StepReporter(label, progress)
        try:
            yield rep
        finally:
            rep.finish()
