"""Accelerator configurations: registry, validation, derived values."""

from __future__ import annotations

import pytest

from zkel.gateware.config import CONFIGS, XC7Z020, AccelConfig, NTTConfig, get_config


def test_registry_has_the_boards_and_tiny_configs():
    assert {"z7020", "zu7ev", "k26"} <= set(CONFIGS)
    assert any(c.tiny for c in CONFIGS.values())
    assert CONFIGS["z7020"].device.dsp == 220
    assert CONFIGS["zu7ev"].device.dsp == 1728
    assert CONFIGS["k26"].device.dsp == 1248
    assert CONFIGS["zu48dr"].device.dsp == 4272
    for name, cfg in CONFIGS.items():
        assert cfg.name == name
        assert cfg.beats_per_element * cfg.stream_bits == 256


def test_configs_are_frozen():
    with pytest.raises(AttributeError):
        CONFIGS["z7020"].stream_bits = 32


def test_min_size_is_two_words():
    assert NTTConfig(max_log_size=5, units=1).min_log_size == 1
    assert NTTConfig(max_log_size=5, units=4).min_log_size == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_log_size": 5, "units": 3}, "NTT units must be a power of two, not 3"),
        ({"max_log_size": 0}, "NTT max_log_size must be in 1..28, not 0"),
        ({"max_log_size": 2, "units": 4}, "smaller than two words of 4 elements"),
        ({"max_log_size": 5, "pipelined": 1}, "NTT pipelined must be True or False, not 1"),
    ],
)
def test_bad_ntt_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NTTConfig(**kwargs)


def test_bad_stream_width():
    with pytest.raises(ValueError, match="Stream width must be one of"):
        AccelConfig("x", XC7Z020, 100.0, stream_bits=48, limb_bits=17, ntt=NTTConfig(4))


def test_unknown_name():
    with pytest.raises(KeyError, match="unknown accelerator configuration 'nope'"):
        get_config("nope")
