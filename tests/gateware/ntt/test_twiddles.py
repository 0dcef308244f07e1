"""Twiddle ROM contents and reads (forward and negate-and-swap inverse)."""

from __future__ import annotations

from amaranth.sim import Simulator

from zkel.circuits.bn254.fields import R
from zkel.circuits.ntt import root_of_unity
from zkel.gateware.ntt.twiddles import TwiddleROM, inverse_size_values, rom_values, twiddle

MONT_R = 1 << 256


def test_rom_values_are_montgomery_powers():
    values = rom_values(5, MONT_R)
    w = root_of_unity(32)
    assert len(values) == 16
    r_inv = pow(MONT_R, -1, R)
    assert [v * r_inv % R for v in values] == [pow(w, e, R) for e in range(16)]


def test_inverse_sizes():
    r_inv = pow(MONT_R, -1, R)
    for k, v in enumerate(inverse_size_values(6, MONT_R)):
        assert v * r_inv * (1 << k) % R == 1


def test_model_negate_trick():
    n = 1 << 5
    w_inv = pow(root_of_unity(n), -1, R)
    for e in range(n // 2):
        value, negate = twiddle(5, e, inverse=True)
        assert (-value if negate else value) % R == pow(w_inv, e, R)


def test_rom_reads_match_model():
    dut = TwiddleROM(4, ports=2, mont_r=MONT_R)
    r_inv = pow(MONT_R, -1, R)
    seen = []

    async def tb(ctx):
        for inverse in (0, 1):
            for e in range(8):
                ctx.set(dut.inverse, inverse)
                ctx.set(dut.exponent[0], e)
                ctx.set(dut.exponent[1], 7 - e)
                await ctx.tick()
                for port, exp in ((0, e), (1, 7 - e)):
                    got = (ctx.get(dut.value[port]) * r_inv % R, ctx.get(dut.negate[port]))
                    seen.append((got, twiddle(4, exp, bool(inverse))))

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(tb)
    sim.run()
    assert len(seen) == 32
    for (value, negate), (model_value, model_negate) in seen:
        assert value == model_value and bool(negate) == model_negate
