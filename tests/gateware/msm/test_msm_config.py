"""MSMConfig: validation, derived sizes, a value in every registered configuration."""

from __future__ import annotations

import pytest

from zkel.circuits.msm import n_windows
from zkel.gateware.config import CONFIGS, MSMConfig


def test_every_configuration_has_an_msm_engine_that_fits_its_device():
    for cfg in CONFIGS.values():
        msm = cfg.msm
        assert msm.n_windows == n_windows(msm.window_bits)
        assert msm.bucket_entries == msm.n_windows << (msm.window_bits - 1)
        # bucket RAM within the device's block RAM plus UltraRAM
        capacity = cfg.device.bram36 * 36 * 1024 + cfg.device.uram * 288 * 1024
        assert msm.bucket_ram_bits < capacity, cfg.name


def test_sizes():
    cfg = MSMConfig(window_bits=4)
    assert (cfg.n_windows, cfg.buckets_per_window, cfg.bucket_entries) == (64, 8, 512)
    assert cfg.bucket_ram_bits == 512 * 768


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window_bits": 1}, "MSM window_bits must be in 2..16, not 1"),
        ({"window_bits": 17}, "MSM window_bits must be in 2..16, not 17"),
        ({"window_bits": 3, "multipliers": 3}, r"MSM multipliers must be one of \(2, 4, 6, 12\)"),
        ({"window_bits": 3, "queue_depth": 0}, "MSM queue_depth must be in 1..64, not 0"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MSMConfig(**kwargs)
