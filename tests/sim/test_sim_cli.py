"""``zkel sim``: argument checks, one NTT and one MSM through the RTL."""

from __future__ import annotations

import json
import shutil

import pytest

from zkel.host.cli.main import main
from zkel.host.cli.sim import MAX_SIM_POINTS, adder_interval, butterflies


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "tiny", "--size", "12"], "--size must be a power of two, not 12"),
        (["--config", "tiny", "--size", "64"], "--size must be in 2..32 for configuration tiny"),
        (["--config", "tiny2", "--size", "2"], "--size must be in 4..32 for configuration tiny2"),
        (["--config", "nope", "--size", "8"], "unknown configuration 'nope'"),
        (["--config", "tiny", "--size", "8", "--seed", "-1"], "--seed must be non-negative"),
    ],
)
def test_ntt_bad_arguments(args, message, capsys):
    assert main(["sim", "ntt", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "tiny", "--points", "0"], f"--points must be in 1..{MAX_SIM_POINTS}, not 0"),
        (["--config", "tiny", "--points", "5000"], "--points must be in 1..1024, not 5000"),
        (["--config", "nope", "--points", "4"], "unknown configuration 'nope'"),
        (["--config", "tiny", "--points", "4", "--seed", "-3"], "--seed must be non-negative"),
    ],
)
def test_msm_bad_arguments(args, message, capsys):
    assert main(["sim", "msm", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_adder_interval():
    # 12 products over m multipliers, each taking one product per 1 or 16 clocks
    assert [adder_interval(m, 1) for m in (12, 6, 4, 2)] == [1, 2, 3, 6]
    assert adder_interval(2, 16) == 96


def test_butterfly_count():
    assert [butterflies(n) for n in (2, 4, 8, 1024)] == [1, 4, 12, 5120]


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
@pytest.mark.slow  # about 3 minutes (the top now carries the MSM engine); the bench covers NTTs
@pytest.mark.timeout(600)
def test_ntt_runs_the_rtl_and_reports_cycles(capsys):
    assert main(["sim", "ntt", "--config", "tiny", "--size", "8", "--inverse", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["wrong_outputs"] == 0
    assert (data["size"], data["inverse"], data["coset"]) == (8, True, False)
    assert data["butterflies"] == 12 and data["ntt_multiplier"] == "iterative"
    assert 0 < data["compute_cycles"] < data["cycles"]
    # one butterfly per 16 clocks at best with the iterative multiplier
    assert 0 < data["butterflies_per_clock"] <= 1 / 16


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
@pytest.mark.timeout(900)
def test_msm_runs_the_rtl_and_reports_cycles(capsys):
    """One point on the real iterative multipliers (about 60 additions at 16 clocks each)."""
    assert main(["sim", "msm", "--config", "tiny", "--points", "1", "--seed", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["points"] == 1 and data["seed"] == 2
    assert data["additions"] == data["expected_additions"] > 0
    assert data["msm_multiplier"] == "iterative" and data["adder_interval"] == 16
    assert 0 < data["compute_cycles"] < data["cycles"]
    assert 0 < data["additions_per_clock"] <= 1 / 16  # one addition per 16 clocks at best
    assert data["collisions"] >= 0 and data["window_bits"] == 3
