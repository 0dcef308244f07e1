"""``zkel circuit stats``: counts add up, grow with depth and slots, bad shapes exit 2."""

from __future__ import annotations

import json

from zkel.host.cli.main import main


def _stats(capsys, *args: str) -> dict:
    assert main(["circuit", "stats", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_add_up_and_scale(capsys) -> None:
    small = _stats(capsys, "--slots", "1", "--depth", "2")
    assert small["constraints"] == sum(small["batch_parts"].values())
    assert small["per_slot"] == sum(small["slot_parts"].values())
    assert small["batch_parts"]["slots"] == small["per_slot"]
    assert small["per_type"]["noop"] < small["per_type"]["deposit"] < small["per_type"]["transfer"]
    deeper = _stats(capsys, "--slots", "1", "--depth", "4")
    # one more 4-ary level on four paths (A and B, old and new: placing the node and a
    # Poseidon(4), 301 each) and two more index bits per update
    assert deeper["per_slot"] - small["per_slot"] == 4 * 301 + 2 * 2
    two = _stats(capsys, "--slots", "2", "--depth", "2")
    assert two["batch_parts"]["slots"] == 2 * small["per_slot"]


def test_stats_bad_shape_exits_2(capsys) -> None:
    assert main(["circuit", "stats", "--slots", "0"]) == 2
    assert "--slots" in capsys.readouterr().err
    assert main(["circuit", "stats", "--depth", "5"]) == 2
    assert "--depth must be even" in capsys.readouterr().err
