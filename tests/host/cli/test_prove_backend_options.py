"""`zkel groth16 prove` backend options: each goes with its backend, or exits 2 saying so."""

from __future__ import annotations

import pytest

from zkel.host.cli.main import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fallback", "cpu"], "--fallback goes with --backend sim or pynq"),
        (["--sim-config", "tiny"], "--sim-config goes with --backend sim"),
        (["--bitstream", "x.bit"], "--bitstream goes with --backend pynq"),
        (["--backend", "pynq", "--bitstream", "/no/such.bit"], "no such bitstream"),
        (["--backend", "sim", "--sim-config", "nonesuch"], "unknown accelerator configuration"),
    ],
)
def test_backend_options_exit_2_with_the_reason(tmp_path, capsys, args, message) -> None:
    files = [str(tmp_path / n) for n in ("c.zkey", "w.wtns", "proof.json", "public.json")]
    assert main(["groth16", "prove", *files, *args]) == 2
    assert message in capsys.readouterr().err
