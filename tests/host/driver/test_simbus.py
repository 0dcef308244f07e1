"""SimBus: register access and DMA against the RTL top, as a board's PS and AXI DMA do."""

from __future__ import annotations

import numpy as np
import pytest

from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import ntt
from zkel.gateware import regmap
from zkel.gateware.config import get_config
from zkel.host.driver.errors import DMATimeout, DriverError


def elements_bytes(values):
    return np.frombuffer(b"".join(v.to_bytes(32, "little") for v in values), dtype=np.uint8)


def test_config_registers_read_as_the_register_map_says(tiny_bus):
    words = regmap.config_words(get_config("tiny"))
    for name, value in words.items():
        assert tiny_bus.read(regmap.offset(name)) == value


def test_written_register_reads_back_and_clocks_advance(tiny_bus):
    before = tiny_bus.clocks
    tiny_bus.write(regmap.offset("SHIFT3"), 0xDEADBEEF)
    assert tiny_bus.read(regmap.offset("SHIFT3")) == 0xDEADBEEF
    tiny_bus.write(regmap.offset("SHIFT3"), 0)
    assert tiny_bus.clocks > before


def test_one_ntt_job_by_hand(tiny_bus):
    values = [0, 1, R - 1, 12345]
    tiny_bus.write(regmap.offset("LENGTH"), 4)
    tiny_bus.write(regmap.offset("CTRL"), regmap.encode("CTRL", START=1))
    tiny_bus.recv(4 * 4)
    tiny_bus.send(elements_bytes(values))
    raw = tiny_bus.wait(30).tobytes()
    got = [int.from_bytes(raw[i : i + 32], "little") for i in range(0, len(raw), 32)]
    assert got == ntt(values)


def test_receive_with_nothing_coming_times_out(tiny_bus):
    tiny_bus.recv(4)
    with pytest.raises(DMATimeout, match=r"DMA receive timed out after 0.2 s \(0 of 4 beats"):
        tiny_bus.wait(0.2)
    assert tiny_bus.wait(1) is None  # abandoned: nothing left to wait for


def test_bad_buffers_are_refused(tiny_bus):
    with pytest.raises(ValueError, match="not a whole number of 8-byte beats"):
        tiny_bus.send(np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="numpy array of uint8, uint32 or uint64"):
        tiny_bus.send(np.zeros(4, dtype=np.int64))
    tiny_bus.recv(1)
    with pytest.raises(DriverError, match="already in progress"):
        tiny_bus.recv(1)
    with pytest.raises(DMATimeout):
        tiny_bus.wait(0.05)
