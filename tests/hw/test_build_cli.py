"""``zkel hw build`` / ``manifest`` / ``boards``: without Vivado, with a fake one, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.hw.conftest import HERE
from zkel.gateware import regmap
from zkel.host.cli.main import main
from zkel.hw import build
from zkel.hw import manifest as mf
from zkel.hw.boards import BOARDS

GENERATED = ("zkel_top.v", "zkel.xdc", "build.tcl", "build.sh")


def test_without_vivado_generates_and_exits_3(tmp_path, capsys, quick_verilog, no_vivado):
    out = tmp_path / "pynq"
    assert main(["hw", "build", "--board", "pynq-z2", "--out", str(out)]) == 3
    captured = capsys.readouterr()
    err_lines = [line for line in captured.err.splitlines() if line.startswith("zkel: error")]
    assert err_lines == [
        f"zkel: error: no vivado on PATH: files generated in {out}, build them where Vivado is"
    ]
    assert "Traceback" not in captured.err
    assert "vivado -mode batch -source build.tcl" in captured.out
    assert f"zkel hw manifest --board pynq-z2 --out {out}" in captured.out
    for name in GENERATED:
        assert (out / name).stat().st_size > 0
    assert (out / "build.sh").stat().st_mode & 0o111
    m = mf.load(out)
    assert not m.built and m.bitstream == "zkel_pynq_z2"
    assert (m.board, m.part, m.config) == ("pynq-z2", "xc7z020clg400-1", "z7020")
    assert m.registers["ID"] == regmap.MAGIC and m.regmap_version == mf.regmap_version()
    assert m.files == {name: mf.sha256_file(out / name) for name in GENERATED}
    assert m.source_revision is None or len(m.source_revision) == 40
    assert "module zkel_top(" in (out / "zkel_top.v").read_text()


def test_with_fake_vivado_builds_and_records(tmp_path, capsys, quick_verilog, fake_vivado):
    out, shelf = tmp_path / "kv", tmp_path / "bitstreams"
    args = ["hw", "build", "--board", "kv260", "--out", str(out), "--bitstreams", str(shelf)]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert f"log: {out / 'vivado.log'}" in captured.out
    assert "vivado: create project" in captured.err and "vivado: implementation" in captured.err
    dest = shelf / "kv260"
    assert sorted(p.name for p in dest.iterdir()) == [
        "manifest.json",
        "zkel_kv260.bit",
        "zkel_kv260.hwh",
    ]
    m = mf.verify(dest / "zkel_kv260.bit")
    assert m.built and m.config == "k26"
    assert m.bit_sha256 == mf.sha256_file(out / "zkel_kv260.bit")
    assert mf.load(out) == m  # the build directory's manifest is completed too
    assert "create_bd_cell -type module -reference zkel_top zkel_top_0" in fake_vivado.read_text()


def test_vivado_failure_names_the_log(tmp_path, capsys, quick_verilog, fake_vivado, monkeypatch):
    real = build.build_tcl
    monkeypatch.setattr(build, "build_tcl", lambda board: real(board).replace("s_axil/reg0", "x/y"))
    out = tmp_path / "z2"
    args = ["hw", "build", "--board", "pynq-z2", "--out", str(out)]
    args += ["--bitstreams", str(tmp_path / "shelf")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "zkel: error: Vivado failed (1): ERROR: [fake vivado] cell zkel_top_0" in err
    assert f"(log: {out / 'vivado.log'})" in err
    assert not (tmp_path / "shelf").exists()


def test_manifest_records_a_bitstream_built_elsewhere(tmp_path, capsys, quick_verilog, no_vivado):
    out, shelf = tmp_path / "zcu", tmp_path / "shelf"
    assert main(["hw", "build", "--board", "zcu104", "--out", str(out)]) == 3
    # "elsewhere": the generated directory built by the mock Vivado
    done = subprocess.run(
        [sys.executable, str(HERE / "fake_vivado.py"), "-mode", "batch", "-source", "build.tcl"],
        cwd=out,
        env={"MOCK_TRACE": str(tmp_path / "trace"), "PATH": "/usr/bin:/bin"},
        check=False,
        capture_output=True,
    )
    assert done.returncode == 0
    bit, hwh = out / "zkel_zcu104.bit", out / "zkel_zcu104.hwh"
    args = ["hw", "manifest", "--board", "zcu104", "--out", str(out), "--bitstreams", str(shelf)]
    assert main([*args, "--bit", str(bit), "--hwh", str(hwh)]) == 0
    assert "recorded zkel_zcu104.bit/.hwh" in capsys.readouterr().out
    assert mf.verify(shelf / "zcu104" / "zkel_zcu104.bit").board == "zcu104"

    other = tmp_path / "other.hwh"
    other.write_text("<EDKSYSTEM><MODULES><MODULE INSTANCE='axi_dma_0'/></MODULES></EDKSYSTEM>")
    assert main([*args, "--bit", str(bit), "--hwh", str(other)]) == 2
    assert "no instance zkel_top_0 (not a zkel design)" in capsys.readouterr().err
    wrong_board = ["hw", "manifest", "--board", "kv260", "--out", str(out)]
    assert main([*wrong_board, "--bit", str(bit), "--hwh", str(hwh)]) == 2
    assert "manifest is for board zcu104, not kv260" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--board", "zybo"], "unknown board 'zybo'; known: kv260, pynq-z2, rfsoc4x2, zcu104"),
        (["--board", "pynq-z2", "--config", "nope"], "unknown configuration 'nope'"),
        (["--board", "pynq-z2", "--config", "zu7ev"], "zu7ev targets xczu7ev-ffvc1156-2-e"),
    ],
)
def test_bad_arguments_exit_2(tmp_path, capsys, args, message):
    assert main(["hw", "build", *args, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "x").exists()


def test_manifest_without_a_build_exits_2(tmp_path, capsys):
    bit = tmp_path / "a.bit"
    bit.write_bytes(b"x")
    args = ["hw", "manifest", "--board", "pynq-z2", "--out", str(tmp_path / "none")]
    assert main([*args, "--bit", str(bit), "--hwh", str(bit)]) == 2
    assert "no manifest (build with `zkel hw build`)" in capsys.readouterr().err


def test_a_test_configuration_builds_for_its_part(tmp_path, quick_verilog, no_vivado):
    out = tmp_path / "tiny"
    assert main(["hw", "build", "--board", "pynq-z2", "--config", "tiny", "--out", str(out)]) == 3
    assert json.loads((out / "manifest.json").read_text())["config"] == "tiny"


def test_boards_lists_every_board(capsys):
    assert main(["hw", "boards"]) == 0
    out = capsys.readouterr().out
    for board in BOARDS.values():
        assert board.part in out and board.name in out


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("name", sorted(BOARDS))
def test_each_board_design_elaborates(tmp_path, name):
    """The real top for each board's configuration through emit_verilog (1 to 4 min each),
    and the block design built on its real ports by the mock Vivado."""
    from zkel.gateware.top import emit_verilog

    board = BOARDS[name]
    generated = build.generate(board, board.config, tmp_path, verilog=emit_verilog)
    text = (tmp_path / "zkel_top.v").read_text()
    assert "module zkel_top(" in text
    assert generated.manifest.files["zkel_top.v"] == mf.sha256_file(tmp_path / "zkel_top.v")
    done = subprocess.run(
        [sys.executable, str(HERE / "fake_vivado.py"), "-mode", "batch", "-source", "build.tcl"],
        cwd=tmp_path,
        env={"MOCK_TRACE": str(tmp_path / "trace"), "PATH": "/usr/bin:/bin"},
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout  # every zkel_top_0 pin the Tcl names exists
    assert (tmp_path / f"{board.bitstream_name}.hwh").exists()
