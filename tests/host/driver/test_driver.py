"""The driver over SimBus: identity checks, NTT jobs, four-step, faults and recovery.

Each job runs the RTL top in Amaranth's simulator (a few hundred clocks per
second), so sizes are small; the golden model is :mod:`zkel.circuits.ntt`.
"""

from __future__ import annotations

import random

import pytest

from zkel.circuits import ntt
from zkel.circuits.bn254.fields import R
from zkel.gateware import regmap
from zkel.host.driver.driver import Accelerator, describe_status
from zkel.host.driver.errors import DriverError
from zkel.host.driver.packing import pack_elements


class AlteredBus:
    """The simulated bus with one register's reads replaced: a different bitstream's answer."""

    def __init__(self, bus, name, value):
        self._bus, self._offset, self._value = bus, regmap.offset(name), value

    def __getattr__(self, attr):
        return getattr(self._bus, attr)

    def read(self, offset):
        return self._value if offset == self._offset else self._bus.read(offset)


@pytest.fixture(scope="module")
def accel(tiny_bus):
    return Accelerator(tiny_bus, timeout_s=120)


def fr_values(seed, n):
    rng = random.Random(seed)
    return [rng.choice([0, 1, R - 1, rng.randrange(R), rng.randrange(R)]) for _ in range(n)]


def test_identity_and_build_parameters(accel):
    assert accel.info.version == (regmap.VERSION_MAJOR, regmap.VERSION_MINOR)
    assert (accel.info.ntt_max_log, accel.info.ntt_min_log) == (5, 1)
    assert accel.info.stream_bytes == 8 and accel.info.clock_khz == 100_000


def test_wrong_id_is_refused(tiny_bus):
    with pytest.raises(DriverError, match=r"ID register reads 0x12345678, expected 0x5A4B454C"):
        Accelerator(AlteredBus(tiny_bus, "ID", 0x12345678))


def test_other_major_version_is_refused(tiny_bus):
    other = regmap.encode("VERSION", MAJOR=regmap.VERSION_MAJOR + 1, MINOR=3)
    with pytest.raises(
        DriverError,
        match=rf"bitstream reports register-map version {regmap.VERSION_MAJOR + 1}\.3, "
        rf"this driver speaks {regmap.VERSION_MAJOR}\.{regmap.VERSION_MINOR}",
    ):
        Accelerator(AlteredBus(tiny_bus, "VERSION", other))


def test_ntt_and_intt_equal_the_model(accel):
    values = fr_values(1, 8)
    assert accel.ntt(values) == ntt.ntt(values)
    assert accel.intt(values) == ntt.intt(values)


def test_coset_transforms_equal_the_model(accel):
    values = fr_values(2, 4)
    g = random.Random(3).randrange(2, R)
    assert accel.coset_ntt(values, g) == ntt.coset_ntt(values, g)
    assert accel.coset_intt(values, g) == ntt.coset_intt(values, g)


def test_four_step_split_equals_the_direct_transform(tiny_bus):
    seen = []
    small = Accelerator(tiny_bus, timeout_s=120, max_ntt_log=2, progress=lambda *a: seen.append(a))
    values = fr_values(5, 8)
    g = 7
    assert small.ntt(values) == ntt.ntt(values)
    assert small.stats.jobs == 6  # 2 columns of 4, then 4 rows of 2
    assert seen[-1] == ("NTT 2^3 (four-step)", 6, 6)
    assert small.coset_intt(values, g) == ntt.coset_intt(values, g)


def test_sizes_below_the_engine_run_on_the_host(accel):
    jobs = accel.stats.jobs
    assert accel.ntt([5]) == [5]
    assert accel.coset_intt([5], 3) == ntt.coset_intt([5], 3)
    assert accel.stats.jobs == jobs


def test_early_tlast_times_out_then_the_core_recovers(tiny_bus):
    accel = Accelerator(tiny_bus, timeout_s=0.5)
    short = pack_elements([1, 2])  # LENGTH says 4: TLAST comes two elements early
    with pytest.raises(DriverError, match=r"DMA receive timed out after 0\.5 s") as info:
        accel.run_job(regmap.Mode.NTT, 4, short, 4)
    assert "ERR_TLAST (input TLAST early" in str(info.value)
    assert "core reset" in str(info.value)
    accel.timeout_s = 120
    assert accel.ntt([1, 2, 3, 4]) == ntt.ntt([1, 2, 3, 4])


def test_engine_error_bits_are_named(accel):
    with pytest.raises(DriverError, match=r"refused at START; STATUS DONE, ERR_LENGTH \(LENGTH is"):
        accel.run_job(regmap.Mode.NTT, 3, pack_elements([1, 2, 3]), 3)
    with pytest.raises(DriverError, match=r"ERR_MODE \(MODE names an engine this build lacks\)"):
        accel.run_job(3, 1, pack_elements([1, 2, 3]), 3)  # no engine has mode 3


def test_back_pressure_on_the_output(tiny_bus):
    accel = Accelerator(tiny_bus, timeout_s=120)
    values = fr_values(6, 8)
    tiny_bus.backpressure = 0.5
    try:
        assert accel.intt(values) == ntt.intt(values)
    finally:
        tiny_bus.backpressure = 0.0


def test_progress_counts_the_stream_beats(tiny_bus):
    seen = []
    tiny_bus.progress = lambda *a: seen.append(a)
    try:
        values = fr_values(7, 4)
        assert Accelerator(tiny_bus, timeout_s=120).ntt(values) == ntt.ntt(values)
    finally:
        tiny_bus.progress = None
    beats = 2 * 4 * 256 // tiny_bus.cfg.stream_bits  # 4 elements in, 4 out
    assert seen and all(stage == "simulated DMA beats" for stage, _, _ in seen)
    assert all(total == beats and 0 <= done <= total for _, done, total in seen)
    assert seen[-1] == ("simulated DMA beats", beats, beats)
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)


def test_describe_status_names_bits():
    status = regmap.decode("STATUS", regmap.encode("STATUS", BUSY=1, ERR_TLAST=1))
    assert describe_status(status).startswith("BUSY, ERR_TLAST (input TLAST")
    assert describe_status(regmap.decode("STATUS", 0)) == "idle (no bits set)"
