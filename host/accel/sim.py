"""``kernels("sim")``: the accelerator's RTL in Amaranth's simulator, through the real driver.

The prover's NTTs (and G1 MSMs, when the configuration's top has the MSM engine)
run as jobs of :class:`~zkel.host.driver.driver.Accelerator` over a
:class:`~zkel.host.driver.simbus.SimBus`: the register map, the DMA transfers,
the four-step split and the MSM finish are the code a board runs. G2 MSMs run
on the CPU backend, which the backend says once. The simulator is built at the
first call (elaborating the top takes seconds) and kept for every later job.

Options (``kernels("sim", ...)``; where the CLI passes none, the environment):

``config``
    Accelerator configuration (:data:`zkel.gateware.config.CONFIGS`);
    ``$ZKEL_SIM_CONFIG`` or ``"tiny"``.
``backpressure``, ``seed``
    Random TREADY stalls on the output stream (probability per clock) and their seed.
``timeout_s``
    Wall seconds one job may take (simulation runs a few hundred clocks per second).
``msm``
    ``"engine"`` (default) runs G1 MSMs on the simulated MSM engine when the top
    has one; ``"cpu"`` sends them to the CPU backend (the simulated engine runs
    at about 100 clocks per second: minutes for a few dozen points);
    ``$ZKEL_SIM_MSM``.
``max_ntt_log``
    Split NTTs above ``2^max_ntt_log`` four-step even if the engine takes them.
``bus``
    An existing :class:`~zkel.host.driver.simbus.SimBus` to drive instead of a new
    one (``config``, ``backpressure`` and ``seed`` are then its own).
``fallback``
    A backend name (``"cpu"``) to continue on if the simulation fails;
    ``$ZKEL_FALLBACK``.
``progress``
    ``progress(stage, done, total)`` while split work runs, and while a simulated
    job's streams move (beats in and out, about twice a second).
"""

from __future__ import annotations

import os

from zkel.host.accel.kernels import Kernels, kernels

SIM_CONFIG_ENV = "ZKEL_SIM_CONFIG"
FALLBACK_ENV = "ZKEL_FALLBACK"
MSM_ENV = "ZKEL_SIM_MSM"


def sim_kernels(
    *,
    config: str | None = None,
    backpressure: float = 0.0,
    seed: int = 0,
    timeout_s: float = 600.0,
    max_ntt_log: int | None = None,
    msm: str | None = None,
    bus: object = None,
    fallback: str | None = None,
    progress: object = None,
) -> Kernels:
    """The ``sim`` backend (see the module docs for the options)."""
    from zkel.gateware.config import CONFIGS
    from zkel.host.driver.driver import Accelerator
    from zkel.host.driver.kernels import AcceleratorKernels, FallbackKernels
    from zkel.host.driver.simbus import SimBus

    name = config or os.environ.get(SIM_CONFIG_ENV) or "tiny"
    cfg = CONFIGS.get(name)
    if cfg is None:
        raise ValueError(f"unknown accelerator configuration {name!r}; known: {sorted(CONFIGS)}")

    def open_accelerator() -> Accelerator:
        sim_bus = bus or SimBus(cfg, backpressure=backpressure, seed=seed, progress=progress)
        return Accelerator(sim_bus, timeout_s=timeout_s, progress=progress, max_ntt_log=max_ntt_log)

    msm = msm or os.environ.get(MSM_ENV) or "engine"
    if msm not in ("engine", "cpu"):
        raise ValueError(f"sim backend: msm must be 'engine' or 'cpu', not {msm!r}")
    backend = AcceleratorKernels("sim", open_accelerator, msm_on_cpu=msm == "cpu")
    fallback = fallback or os.environ.get(FALLBACK_ENV)
    if fallback:
        return FallbackKernels("sim", backend, kernels(fallback))
    return backend
