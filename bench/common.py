"""Shared helpers for benchmarks: timing, JSON results, PNG plots.

A timing is reported beside a reference measured in the same run (machines are
noisy), so every suite records ratios, not only seconds.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def best_of(fn: Callable[[], Any], repeat: int = 3, min_time: float = 0.0) -> float:
    """Best wall time in seconds of ``repeat`` calls of ``fn`` (at least one call)."""
    best = float("inf")
    spent = 0.0
    runs = 0
    while runs < max(1, repeat) or spent < min_time:
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best = min(best, dt)
        spent += dt
        runs += 1
        if runs >= 50:
            break
    return best


def machine() -> dict[str, Any]:
    """A short description of the machine the benchmark ran on."""
    import os

    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_json(name: str, data: dict[str, Any], results: Path = RESULTS) -> Path:
    """Write ``results/<name>.json`` (with the machine description) and return its path."""
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{name}.json"
    payload = {"suite": name, "machine": machine(), **data}
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    return path


def plot_lines(
    name: str,
    title: str,
    xlabel: str,
    ylabel: str,
    series: dict[str, tuple[list[float], list[float]]],
    *,
    logx: bool = True,
    logy: bool = True,
    results: Path = RESULTS,
) -> Path:
    """Plot named ``(xs, ys)`` series to ``results/<name>.png`` and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, (xs, ys) in series.items():
        ax.plot(xs, ys, marker="o", label=label)
    if logx:
        ax.set_xscale("log", base=2)
    if logy:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = results / f"{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
