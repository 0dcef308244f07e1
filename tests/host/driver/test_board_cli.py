"""``zkel board selftest``: over the simulated RTL, and without a board."""

from __future__ import annotations

import json

from zkel.host.cli.main import main


def test_selftest_over_the_simulation_passes(tiny_bus, monkeypatch, capsys):
    import zkel.host.driver.simbus as simbus

    class Shared:  # the session's simulator: elaborating the top again costs seconds
        def __new__(cls, cfg, **_options):
            assert cfg.name == "tiny"
            return tiny_bus

    monkeypatch.setattr(tiny_bus, "close", lambda: None)
    monkeypatch.setattr(simbus, "SimBus", Shared)
    assert main(["board", "selftest", "--sim", "tiny", "--skip-msm", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    names = [c["name"] for c in report["checks"]]
    assert names == ["load", "id", "registers", "ntt", "intt", "coset ntt"]
    assert all(c["ok"] for c in report["checks"])


def test_selftest_without_a_board_is_one_line(tmp_path, capsys):
    code = main(["board", "selftest", "--bitstream", str(tmp_path / "zkel.bit")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("zkel: error: ")
    assert "no such bitstream" in err[0] or "pip install 'zkel[pynq]'" in err[0]


def test_selftest_needs_exactly_one_target(capsys):
    assert main(["board", "selftest"]) == 2
    assert "exactly one of --bitstream" in capsys.readouterr().err


def test_unknown_sim_config(capsys):
    assert main(["board", "selftest", "--sim", "nope"]) == 2
    assert "unknown configuration 'nope'" in capsys.readouterr().err
