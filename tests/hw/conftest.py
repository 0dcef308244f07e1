"""Fixtures of the board-flow tests: a quick Verilog stand-in and a fake ``vivado`` on PATH.

The real ``emit_verilog`` takes minutes here (it is tested once per board in the
slow suite); :func:`port_shell_verilog` writes a module ``zkel_top`` with the real
top's port names and widths and no body, which is all the block-design step reads.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from amaranth.hdl import Shape
from amaranth.lib.wiring import In

from zkel.gateware.config import AccelConfig
from zkel.gateware.top import ZkelTop

HERE = Path(__file__).parent


def port_shell_verilog(cfg: AccelConfig) -> str:
    """Module ``zkel_top`` with :class:`ZkelTop`'s ports for ``cfg`` and an empty body."""
    members = ZkelTop(cfg).signature.members
    lines = [f"module zkel_top({', '.join(members.keys())});"]
    for name, member in members.items():
        width = Shape.cast(member.shape).width
        bits = f"[{width - 1}:0] " if width > 1 else ""
        lines.append(f"  {'input' if member.flow == In else 'output'} {bits}{name};")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


@pytest.fixture
def quick_verilog(monkeypatch):
    """Make ``zkel.gateware.top.emit_verilog`` the port shell (seconds, not minutes)."""
    from zkel.gateware import top

    monkeypatch.setattr(top, "emit_verilog", port_shell_verilog)
    return port_shell_verilog


@pytest.fixture
def fake_vivado(tmp_path, monkeypatch):
    """A ``vivado`` on PATH that runs the Tcl against ``vivado_mock.tcl``; returns the trace
    file it appends Vivado calls to."""
    bindir = tmp_path / "fake-bin"
    bindir.mkdir()
    script = bindir / "vivado"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "fake_vivado.py"}" "$@"\n')
    script.chmod(0o755)
    trace = tmp_path / "vivado.trace"
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("MOCK_TRACE", str(trace))
    return trace


@pytest.fixture
def no_vivado(monkeypatch):
    """PATH without any ``vivado``."""
    paths = [p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "vivado").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(paths))
