"""Build and run the cocotb bench of ``zkel_top`` (``sim/test_zkel_top.py``) on Icarus Verilog.

:func:`run_top_bench` emits the Verilog of a configuration with
:func:`zkel.gateware.top.emit_verilog`, compiles it with ``cocotb_tools.runner``
in a temporary directory (never the working tree) and runs the bench's tests;
:func:`run_ntt_job` runs the bench's single-job test and returns its figures.
Seeds go to the bench in ``ZKEL_SEED`` (and cocotb's ``COCOTB_RANDOM_SEED``) and
each test logs the seed it used, so a failure is replayed with ``--seed``::

    python sim/runner.py --config tiny --seed 7 [--testcase random_ntts] [--keep]

Icarus Verilog 11 (Debian's ``iverilog``, installed by ``make sim-tools``) is the
simulator: it needs no C++ build per design and runs this bench in about a
minute on ``tiny``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SIM_DIR = Path(__file__).resolve().parent
REPO = SIM_DIR.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

from cocotb_tools.runner import get_results, get_runner  # noqa: E402

from zkel.gateware.config import get_config  # noqa: E402
from zkel.gateware.ntt.butterfly import MultiplierFactory  # noqa: E402
from zkel.gateware.top import TOP_NAME, emit_verilog  # noqa: E402

TEST_MODULE = "test_zkel_top"
SIMULATOR = "icarus"
EXECUTABLE = "iverilog"

ICARUS_ARGS = ["-g2005"]
"""Verilog-2005 semantics: a variable's initialiser is an event at time 0. Yosys'
``write_verilog`` relies on it to run each combinational ``always @*`` block once
at start-up; under cocotb's default ``-g2012`` those blocks stay X until one of
their inputs changes, and the X leaks into the multiplier pipelines."""

Progress = Callable[[str], None]
"""Called with the name of each step as it starts (``"emit Verilog"``, ...)."""


class SimulatorMissing(RuntimeError):
    """No HDL simulator is installed."""


class BenchFailed(RuntimeError):
    """The bench ran but a test failed (the message holds the log's tail)."""


@dataclass
class BenchResult:
    """Outcome of one bench run: tests run, failed, and the ``run_ntt`` figures if any."""

    tests: int
    failed: int
    seconds: float
    log_tail: str = ""
    result: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.tests > 0 and self.failed == 0


def simulator_available() -> bool:
    """True when Icarus Verilog's ``iverilog`` is on ``PATH``."""
    return shutil.which(EXECUTABLE) is not None


@contextmanager
def _work_dir(build_dir: Path | None) -> Iterator[Path]:
    if build_dir is not None:
        build_dir.mkdir(parents=True, exist_ok=True)
        yield build_dir.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="zkel-sim-") as tmp:
        yield Path(tmp)


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def run_top_bench(
    config: str,
    *,
    testcase: str | list[str] | None = None,
    seed: int = 1,
    env: dict[str, str] | None = None,
    make_multiplier: MultiplierFactory | None = None,
    build_dir: Path | None = None,
    progress: Progress | None = None,
) -> BenchResult:
    """Run tests of ``sim/test_zkel_top.py`` on configuration ``config``.

    ``make_multiplier`` defaults to the project's Montgomery multiplier
    (:func:`zkel.gateware.ntt.butterfly.real_multiplier`). ``build_dir`` keeps the
    build (Verilog, ``sim.vvp``, ``sim.log``, ``results.xml``); by default it goes in
    a temporary directory removed afterwards. The simulator's output goes to
    ``sim.log``; its last lines are in the result.
    """
    if not simulator_available():
        raise SimulatorMissing(
            f"{EXECUTABLE} (Icarus Verilog) is not installed; `make sim-tools` installs it"
        )
    cfg = get_config(config)
    say = progress or (lambda step: None)
    t0 = time.perf_counter()
    with _work_dir(build_dir) as work:
        say(f"emit Verilog ({cfg.name})")
        source = work / f"{TOP_NAME}.v"
        source.write_text(emit_verilog(cfg, make_multiplier))
        result_file = work / "result.json"
        log = work / "sim.log"
        runner = get_runner(SIMULATOR)
        say("compile (iverilog)")
        runner.build(
            sources=[source],
            hdl_toplevel=TOP_NAME,
            build_dir=work,
            always=True,
            timescale=("1ns", "1ps"),
            build_args=ICARUS_ARGS,
            log_file=work / "build.log",
        )
        full_env = {
            "ZKEL_CONFIG": cfg.name,
            "ZKEL_SEED": str(seed),
            "ZKEL_RESULT": str(result_file),
            **(env or {}),
        }
        say("simulate (cocotb)")
        if str(SIM_DIR) not in sys.path:  # the runner hands sys.path to the simulator
            sys.path.append(str(SIM_DIR))
        xml = work / "results.xml"
        try:
            runner.test(
                test_module=TEST_MODULE,
                hdl_toplevel=TOP_NAME,
                testcase=testcase,
                seed=seed,
                extra_env=full_env,
                build_dir=work,
                test_dir=work,
                results_xml=str(xml),
                timescale=("1ns", "1ps"),
                log_file=log,
            )
        except SystemExit:  # the runner exits on failures under pytest; the XML tells
            pass
        if not xml.exists():
            raise BenchFailed(f"the simulation left no results; its log ends:\n{_tail(log)}")
        tests, failed = get_results(xml)
        result = json.loads(result_file.read_text()) if result_file.exists() else {}
        return BenchResult(tests, failed, time.perf_counter() - t0, _tail(log), result)


def run_ntt_job(
    config: str,
    size: int,
    *,
    inverse: bool = False,
    coset: bool = False,
    seed: int = 1,
    make_multiplier: MultiplierFactory | None = None,
    progress: Progress | None = None,
) -> dict:
    """One NTT of ``size`` random elements through ``zkel_top``, checked against the model.

    Returns the bench's figures: ``ok``, ``cycles`` (clocks from START to DONE),
    ``compute_cycles``, ``status`` and the job's parameters. Raises
    :class:`BenchFailed` when the job produced no figures.
    """
    env = {"ZKEL_SIZE": str(size), "ZKEL_INVERSE": str(int(inverse)), "ZKEL_COSET": str(int(coset))}
    res = run_top_bench(
        config,
        testcase="run_ntt",
        seed=seed,
        env=env,
        make_multiplier=make_multiplier,
        progress=progress,
    )
    if not res.result:
        errors = [line.strip() for line in res.log_tail.splitlines() if "Error" in line]
        reason = errors[-1] if errors else "see the log"
        raise BenchFailed(f"the simulation gave no result: {reason}\n{res.log_tail}")
    return res.result | {"seconds": round(res.seconds, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="tiny", help="accelerator configuration")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random choices")
    parser.add_argument("--testcase", default=None, help="comma-separated test names")
    parser.add_argument("--jobs", type=int, default=2, help="jobs per variant in random_ntts")
    parser.add_argument("--keep", type=Path, default=None, help="build directory to keep")
    args = parser.parse_args(argv)
    res = run_top_bench(
        args.config,
        testcase=args.testcase,
        seed=args.seed,
        env={"ZKEL_JOBS": str(args.jobs)},
        build_dir=args.keep,
        progress=lambda step: print(f"runner: {step}", file=sys.stderr),
    )
    print(res.log_tail)
    print(f"{res.tests} tests, {res.failed} failed, seed {args.seed}, {res.seconds:.1f} s")
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())
