"""Resource report: counting rules, parsing, verdicts, and the z7020 build through Yosys."""

from __future__ import annotations

import json

import pytest

from zkel.gateware.config import get_config
from zkel.host.cli.main import main
from zkel.hw import report
from zkel.hw.report import (
    ResourceReport,
    Usage,
    count_resources,
    parse_stat_json,
    render,
    yosys_script,
)


def test_count_resources_rules():
    cells = {
        "LUT2": 10,
        "LUT6": 5,
        "INV": 2,
        "RAM64M": 3,  # 4 LUTs each
        "SRLC32E": 7,
        "FDRE": 100,
        "FDSE": 1,
        "DSP48E1": 9,
        "RAMB36E1": 2,
        "RAMB18E1": 3,  # half a BRAM36 each
        "URAM288": 4,
        "CARRY4": 50,  # counted in no column
        "IBUF": 8,
    }
    assert count_resources(cells) == {
        "lut": 10 + 5 + 2 + 12 + 7,
        "ff": 101,
        "dsp": 9,
        "bram36": 3.5,
        "uram": 4,
    }


def test_parse_stat_json_design_totals_and_single_module():
    with_design = {"modules": {}, "design": {"num_cells_by_type": {"LUT3": 4, "FDRE": 2}}}
    assert parse_stat_json(json.dumps(with_design)) == {"LUT3": 4, "FDRE": 2}
    one_module = {"modules": {"\\zkel_top": {"num_cells_by_type": {"DSP48E2": 7}}}}
    assert parse_stat_json(json.dumps(one_module)) == {"DSP48E2": 7}


@pytest.mark.parametrize(
    ("text", "message"),
    [("not json", "not JSON"), ('{"modules": {"a": {}, "b": {}}}', "2 modules")],
)
def test_parse_stat_json_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_stat_json(text)


def test_usage_percent_and_fit():
    assert Usage("dsp", 110, 220).percent == 50.0
    assert Usage("dsp", 221, 220).fits is False
    assert Usage("uram", 0, 0).fits and Usage("uram", 0, 0).percent == 0.0
    assert Usage("uram", 1, 0).percent == float("inf") and not Usage("uram", 1, 0).fits


def fake_report(dsp_used: float) -> ResourceReport:
    usage = (
        Usage("lut", 1000, 53_200),
        Usage("ff", 2000, 106_400),
        Usage("dsp", dsp_used, 220),
        Usage("bram36", 43.5, 140),
        Usage("uram", 0, 0),
    )
    return ResourceReport("z7020", "xc7z020clg400-1", "xc7", "iterative", usage, {}, 1.0)


def test_render_table_and_verdicts():
    text = render(fake_report(29))
    assert "DSP" in text and "13.2%" in text and "43.5" in text
    assert text.splitlines()[-1].startswith("verdict: fits")
    over = render(fake_report(300))
    assert "does NOT fit (DSP over)" in over and "  over" in over


def test_script_targets_the_family_and_uses_relative_paths():
    script = yosys_script(get_config("zu7ev"))
    assert "synth_xilinx -flatten -noiopad -noclkbuf -family xcup -uram -top zkel_top" in script
    # 7-series has no UltraRAM: no -uram there
    assert "-family xc7 -top zkel_top" in yosys_script(get_config("z7020"))
    assert "read_rtlil top.il" in script and "stat.json" in script and "/" not in script


def test_cli_exit_code_follows_the_verdict(monkeypatch, capsys):
    monkeypatch.setattr(report, "synthesize", lambda cfg, progress=None: fake_report(300))
    assert main(["hw", "report", "--config", "z7020", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["fits"] is False and data["resources"]["dsp"]["used"] == 300
    monkeypatch.setattr(report, "synthesize", lambda cfg, progress=None: fake_report(29))
    assert main(["hw", "report", "--config", "z7020"]) == 0
    assert "verdict: fits" in capsys.readouterr().out


def test_cli_unknown_config(capsys):
    assert main(["hw", "report", "--config", "z9999"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown configuration 'z9999'" in err


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_z7020_fits_through_yosys(capsys, tmp_path, monkeypatch):
    """The real synthesis (about 16 minutes here, 11 of them ABC9, which needs the deeper
    WebAssembly stack of zkel.gateware.yowasp_stack): the PYNQ-Z2 build fits its Zynq-7020."""
    monkeypatch.chdir(tmp_path)  # scratch goes under ./build
    assert main(["hw", "report", "--config", "z7020", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    res = data["resources"]
    assert data["fits"] is True and data["ntt_multiplier"] == "iterative"
    assert res["dsp"]["available"] == 220 and 0 < res["dsp"]["used"] <= 220
    # two banks of 2048 x 256 bits and the 2048-entry twiddle ROM: at least 1.5 Mbit of BRAM
    assert res["bram36"]["used"] * 36 * 1024 >= 3 * 2048 * 256
    assert 0 < res["lut"]["used"] <= 53_200 and 0 < res["ff"]["used"] <= 106_400
    assert data["cells"].get("IBUF", 0) == 0  # a core: no I/O buffers
    assert list((tmp_path / "build").iterdir()) == []  # scratch removed
