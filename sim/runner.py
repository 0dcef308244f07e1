"""Build and run the cocotb bench of ``zkel_top`` (``sim/test_zkel_top.py``,
``sim/test_zkel_top_msm.py``) on Icarus Verilog.

:func:`run_top_bench` emits the Verilog of a configuration with
:func:`zkel.gateware.top.emit_verilog`, compiles it with ``cocotb_tools.runner``
in a temporary directory (never the working tree) and runs the bench's tests;
:func:`run_ntt_job` and :func:`run_msm_job` run one job and return its figures.
Emitting and compiling the top takes about a minute on ``tiny``, so a build with
the configuration's own multipliers is kept for the life of the process and
reused by the next run of the same configuration.
Seeds go to the bench in ``ZKEL_SEED`` (and cocotb's ``COCOTB_RANDOM_SEED``) and
each test logs the seed it used, so a failure is replayed with ``--seed``::

    python sim/runner.py --config tiny --seed 7 [--testcase random_ntts] [--keep]

Icarus Verilog 11 (Debian's ``iverilog``, installed by ``make sim-tools``) is the
simulator: it needs no C++ build per design and runs this bench in about a
minute on ``tiny``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import re
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

from zkel.gateware.config import AccelConfig, get_config  # noqa: E402
from zkel.gateware.ntt.butterfly import MultiplierFactory  # noqa: E402
from zkel.gateware.top import TOP_NAME, emit_verilog  # noqa: E402

TEST_MODULES = ["test_zkel_top", "test_zkel_top_msm"]
NTT_TESTS = [
    "registers_describe_the_build",
    "random_ntts",
    "soft_reset_mid_job",
    "tlast_in_the_wrong_place",
    "bad_length_and_mode",
]
"""Tests of ``test_zkel_top.py`` (``run_ntt`` aside): registers and NTT jobs."""
MSM_TESTS = ["msm_config_register", "random_msms", "soft_reset_mid_msm", "msm_and_ntt_in_turn"]
"""Tests of ``test_zkel_top_msm.py`` with 8 to 32 points per MSM: minutes per job with the
real iterative Fq multiplier in Icarus, seconds with a fast stand-in."""
QUICK_MSM_TESTS = ["msm_config_register", "few_digit_msm"]
"""MSM tests short enough for the real multipliers (a few bucket additions)."""
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
    make_fq_multiplier: MultiplierFactory | None = None,
    build_dir: Path | None = None,
    cache_as: str | None = None,
    progress: Progress | None = None,
) -> BenchResult:
    """Run tests of the bench modules (:data:`TEST_MODULES`) on configuration ``config``.

    ``make_multiplier`` (NTT, over Fr) and ``make_fq_multiplier`` (MSM, over Fq)
    default to the configuration's choice (:func:`zkel.gateware.top.choose_multiplier`,
    :func:`zkel.gateware.top.choose_msm_multiplier`). ``build_dir`` keeps the build
    (Verilog, ``sim.vvp``, ``sim.log``, ``results.xml``); by default the run goes in
    a temporary directory removed afterwards, and the compiled build is reused
    within this process when the multipliers are the defaults or the caller names
    the build (``cache_as``: the same name must mean the same multipliers). The
    simulator's output goes to ``sim.log``; its last lines are in the result.
    """
    if not simulator_available():
        raise SimulatorMissing(
            f"{EXECUTABLE} (Icarus Verilog) is not installed; `make sim-tools` installs it"
        )
    cfg = get_config(config)
    say = progress or (lambda step: None)
    t0 = time.perf_counter()
    defaults = make_multiplier is None and make_fq_multiplier is None
    key = f"{cfg.name}/{cache_as}" if cache_as else cfg.name if defaults else None
    with _work_dir(build_dir) as work:
        sim_dir = _BUILDS.get(key) if key and build_dir is None else None
        if sim_dir is None:
            sim_dir = _scratch_dir() if key and build_dir is None else work
            _build(cfg, sim_dir, make_multiplier, make_fq_multiplier, say)
            if key and build_dir is None:
                _BUILDS[key] = sim_dir
        result_file = work / "result.json"
        log = work / "sim.log"
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
            get_runner(SIMULATOR).test(
                test_module=TEST_MODULES,
                hdl_toplevel=TOP_NAME,
                hdl_toplevel_lang="verilog",  # the build may come from another runner object
                test_filter=_test_filter(testcase),
                seed=seed,
                extra_env=full_env,
                build_dir=sim_dir,
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


def _test_filter(testcase: str | list[str] | None) -> str | None:
    """cocotb's test filter for test names (comma-separated or a list): each name with
    its parametrized variants (``random_ntts/inverse=False/coset=True``)."""
    if testcase is None:
        return None
    names = testcase.split(",") if isinstance(testcase, str) else list(testcase)
    alternatives = "|".join(re.escape(name.strip()) for name in names if name.strip())
    return rf"\.({alternatives})(/.*)?$"


_BUILDS: dict[str, Path] = {}
"""Compiled builds of this process: ``config`` (default multipliers) or ``config/name``."""


def _scratch_dir() -> Path:
    """A temporary directory removed when the process exits."""
    tmp = tempfile.TemporaryDirectory(prefix="zkel-sim-build-")
    atexit.register(tmp.cleanup)
    return Path(tmp.name)


def _build(
    cfg: AccelConfig,
    work: Path,
    make_multiplier: MultiplierFactory | None,
    make_fq_multiplier: MultiplierFactory | None,
    say: Progress,
) -> None:
    """Emit ``cfg``'s top as Verilog into ``work`` and compile it there (``sim.vvp``)."""
    say(f"emit Verilog ({cfg.name})")
    source = work / f"{TOP_NAME}.v"
    source.write_text(emit_verilog(cfg, make_multiplier, make_fq_multiplier))
    say("compile (iverilog)")
    get_runner(SIMULATOR).build(
        sources=[source],
        hdl_toplevel=TOP_NAME,
        build_dir=work,
        always=True,
        timescale=("1ns", "1ps"),
        build_args=ICARUS_ARGS,
        log_file=work / "build.log",
    )


def _figures(res: BenchResult) -> dict:
    """The single-job test's figures, or :class:`BenchFailed` with the log's reason."""
    if not res.result:
        errors = [line.strip() for line in res.log_tail.splitlines() if "Error" in line]
        reason = errors[-1] if errors else "see the log"
        raise BenchFailed(f"the simulation gave no result: {reason}\n{res.log_tail}")
    return res.result | {"seconds": round(res.seconds, 2)}


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
    return _figures(res)


def run_msm_job(
    config: str,
    points: int,
    *,
    seed: int = 1,
    make_fq_multiplier: MultiplierFactory | None = None,
    progress: Progress | None = None,
) -> dict:
    """One MSM of ``points`` random points and scalars through ``zkel_top``, the host
    finish of its buckets checked against :mod:`zkel.circuits.msm`.

    Returns the bench's figures: ``ok``, ``cycles`` (clocks from START to DONE),
    ``compute_cycles`` (accumulation and drain), ``additions`` (bucket additions the
    engine issued) and ``expected_additions``, ``collisions``, ``status``, and the
    job's parameters. Raises :class:`BenchFailed` when the job produced no figures.
    """
    res = run_top_bench(
        config,
        testcase="run_msm",
        seed=seed,
        env={"ZKEL_POINTS": str(points)},
        make_fq_multiplier=make_fq_multiplier,
        progress=progress,
    )
    return _figures(res)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="tiny", help="accelerator configuration")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random choices")
    parser.add_argument("--testcase", default=None, help="comma-separated test names")
    parser.add_argument("--jobs", type=int, default=2, help="jobs per variant in random_ntts")
    parser.add_argument("--msm-jobs", type=int, default=2, help="jobs in random_msms")
    parser.add_argument("--msm-points", type=int, default=32, help="most points per MSM job")
    parser.add_argument("--keep", type=Path, default=None, help="build directory to keep")
    args = parser.parse_args(argv)
    res = run_top_bench(
        args.config,
        testcase=args.testcase,
        seed=args.seed,
        env={
            "ZKEL_JOBS": str(args.jobs),
            "ZKEL_MSM_JOBS": str(args.msm_jobs),
            "ZKEL_MSM_POINTS": str(args.msm_points),
        },
        build_dir=args.keep,
        progress=lambda step: print(f"runner: {step}", file=sys.stderr),
    )
    print(res.log_tail)
    print(f"{res.tests} tests, {res.failed} failed, seed {args.seed}, {res.seconds:.1f} s")
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())
