"""``kernels("sim")`` in the prover, the CPU fallback, and the pynq backend without a board."""

from __future__ import annotations

import random

import pytest

from zkel.circuits import groth16, ntt
from zkel.circuits.r1cs.examples import random_circuit
from zkel.gateware import regmap
from zkel.host.accel import Kernels, KernelsUnavailable, kernels
from zkel.host.accel.pynq import PynqBus
from zkel.host.driver.driver import Accelerator
from zkel.host.driver.kernels import AcceleratorKernels, FallbackKernels


def test_groth16_proof_on_sim_equals_the_cpu_proof(tiny_bus):
    """8 constraints (domain 16): three iNTTs and three coset NTTs on the RTL; with
    the same randomness the proof is bit-identical to the CPU backend's."""
    cs = random_circuit(8, 1, seed=3)
    zkey = groth16.setup(cs.to_r1cs(), rng=random.Random(1))
    pk = groth16.ProvingKey.from_zkey(zkey)
    notes = []
    sim = kernels("sim", bus=tiny_bus, msm="cpu")
    sim._say = notes.append
    assert isinstance(sim, Kernels) and sim.name == "sim"
    jobs = sim.accelerator.stats.by_mode.get("NTT", 0)
    on_sim = groth16.prove(pk, cs.witness(), sim, rng=random.Random(7))
    on_cpu = groth16.prove(pk, cs.witness(), kernels("cpu"), rng=random.Random(7))
    assert sim.accelerator.stats.by_mode["NTT"] == jobs + 6
    assert groth16.verify(pk.verifying_key(), on_sim.public, on_sim.proof)
    assert on_sim.proof.to_snarkjs() == on_cpu.proof.to_snarkjs()
    assert any("G2 MSMs run on the CPU backend" in n for n in notes)
    assert len([n for n in notes if "G2" in n]) == 1  # said once


class WrongCore:
    """The simulated bus answering another core's ID: the device fails on first use."""

    def __init__(self, bus):
        self._bus = bus

    def __getattr__(self, attr):
        return getattr(self._bus, attr)

    def read(self, offset):
        return 0xBADC0DE if offset == regmap.offset("ID") else self._bus.read(offset)


def test_fallback_continues_on_cpu_and_says_so_once(tiny_bus):
    said = []
    device = AcceleratorKernels("sim", lambda: Accelerator(WrongCore(tiny_bus)))
    k = FallbackKernels("sim", device, kernels("cpu"), say=said.append)
    assert k.name == "sim+cpu"
    values = [1, 2, 3, 4]
    assert k.ntt(values) == ntt.ntt(values)
    assert k.intt(values) == ntt.intt(values)
    assert k.name == "cpu"
    assert len(said) == 1
    assert said[0].startswith("warning: sim backend failed (no zkel core at this address")
    assert said[0].endswith("continuing on the cpu backend")


def test_unknown_sim_config_is_refused():
    with pytest.raises(ValueError, match="unknown accelerator configuration 'nope'"):
        kernels("sim", config="nope")


def test_pynq_bus_without_pynq_says_how_to_install(tmp_path):
    pytest.importorskip("numpy")
    try:
        import pynq  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pynq is installed here: this test is for machines without it")
    bit = tmp_path / "zkel.bit"
    bit.write_bytes(b"\0")
    bit.with_suffix(".hwh").write_text("<hwh/>")
    with pytest.raises(KernelsUnavailable, match=r"pip install 'zkel\[pynq\]' on the board"):
        PynqBus(bit)


def test_pynq_backend_refuses_a_bitstream_without_manifest(tmp_path):
    bit = tmp_path / "zkel.bit"
    bit.write_bytes(b"\0")
    with pytest.raises(KernelsUnavailable, match=r"no manifest"):
        kernels("pynq", bitstream=bit)
    with pytest.raises(KernelsUnavailable, match="no such bitstream"):
        kernels("pynq", bitstream=tmp_path / "missing.bit")
    with pytest.raises(KernelsUnavailable, match="needs a bitstream"):
        kernels("pynq")


def test_pynq_fallback_proves_on_cpu(tmp_path):
    said = []
    k = kernels("pynq", bitstream=tmp_path / "missing.bit", fallback="cpu")
    k._say = said.append
    assert k.ntt([5, 6]) == ntt.ntt([5, 6])
    assert k.name == "cpu" and "pynq backend failed" in said[0]
