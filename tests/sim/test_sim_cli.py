"""``zkel sim``: argument checks, the MSM placeholder, and one NTT through the RTL."""

from __future__ import annotations

import json
import shutil

import pytest

from zkel.host.cli.main import main
from zkel.host.cli.sim import butterflies


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


def test_msm_says_the_engine_is_not_in_the_top(capsys):
    assert main(["sim", "msm", "--config", "tiny", "--points", "4"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "MSM engine is not in the accelerator top yet" in err
    assert main(["sim", "msm", "--config", "nope", "--points", "4"]) == 2


def test_butterfly_count():
    assert [butterflies(n) for n in (2, 4, 8, 1024)] == [1, 4, 12, 5120]


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
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
