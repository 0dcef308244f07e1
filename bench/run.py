"""Run the benchmark suites: ``python -m bench.run [SUITE ...] [--quick]``.

Each suite is a module ``bench/<suite>.py`` with ``run(quick: bool) -> dict`` that
writes its own ``bench/results/<suite>.json`` and PNG plots and returns a summary.
The summaries are collected in ``bench/results/summary.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

from bench.common import RESULTS, machine

SUITES = [
    "kernels",
    "groth16",
    "poseidon",
    "exchange",
    "gateware",
    "settlement",
    "transition",
    "driver",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__)
    parser.add_argument("suites", nargs="*", help=f"suites to run (default: all of {SUITES})")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)
    unknown = [s for s in args.suites if s not in SUITES]
    if unknown:
        print(f"bench: unknown suite(s) {unknown}; known: {SUITES}", file=sys.stderr)
        return 2
    # running a subset keeps the other suites' last summaries
    previous = RESULTS / "summary.json"
    suites: dict[str, object] = {}
    if args.suites and previous.exists():
        suites = json.loads(previous.read_text()).get("suites", {})
    summary: dict[str, object] = {"machine": machine(), "suites": suites}
    for suite in args.suites or SUITES:
        try:
            module = importlib.import_module(f"bench.{suite}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{suite}":
                raise
            print(f"bench: suite {suite!r} not present yet, skipped")
            continue
        print(f"==> bench {suite}", flush=True)
        t0 = time.perf_counter()
        result = module.run(quick=args.quick)
        summary["suites"][suite] = {"seconds": round(time.perf_counter() - t0, 2), **result}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary["suites"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
