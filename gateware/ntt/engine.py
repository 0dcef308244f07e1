"""Streaming NTT engine over Fr: forward, inverse and coset, up to 2^max_log_size points.

A job (``start`` with ``length = n``, a power of two the build supports) runs:

1. **Load.** ``n`` elements stream in (natural order) and are written to the
   banked memory (:mod:`zkel.gateware.ntt.addressing`) at bit-reversed positions,
   each through butterfly unit 0 as a scaling: by 1, or by ``1/n`` for an inverse.
2. **Forward coset.** Element ``j`` must be scaled by ``g^j``: for each bit ``t`` of
   ``j``, one pass multiplies the elements whose index has bit ``t`` set by
   ``g^(2^t)`` (``log2 n`` passes of ``n/2`` products; ``g`` converted to Montgomery
   form and squared between passes by one multiplication each).
3. **Stages.** ``log2 n`` radix-2 decimation-in-time stages, ``n/2`` butterflies
   each, P per clock (one per unit); inverse transforms use ``ω^-1`` by the ROM's
   negate-and-swap trick (:mod:`zkel.gateware.ntt.twiddles`).
4. **Inverse coset.** Output ``j`` is scaled by ``SHIFT^j`` (the driver writes
   ``g^-1``): the same passes, on natural-order positions.
5. **Unload.** ``n`` elements stream out in natural order, ``last`` on the final one.

Every pass ends with the pipeline drained (``latency`` clocks), so a size-n
forward transform takes about ``(n/2P + latency + 2)·log2 n`` compute clocks
(coset doubles it), plus ``n`` clocks (or beats) each way to load and unload.
Values are whatever form the stream carries, each < r; the output is in the form
of the input (see :mod:`zkel.gateware.regmap`).

Larger transforms split four-step with the host. For ``n = n1·n2`` write input
indices ``j = n2·j1 + j2`` and output indices ``k = k1 + n1·k2``; then
``X[k] = Σ_j2 ω_n^(j2·k1)·ω_n2^(j2·k2)·Y[k1, j2]`` with
``Y[k1, j2] = Σ_j1 a[n2·j1 + j2]·ω_n1^(j1·k1)``. So the host sends the ``n2``
strided columns as size-``n1`` NTTs (giving ``Y``), then for each ``k1`` sends the
row ``Y[k1, ·]`` as a size-``n2`` *coset* NTT with ``SHIFT = ω_n^k1`` (the twiddle
multiplication happens in the engine's coset passes), and places row ``k1``'s
outputs at ``k1 + n1·k2``. The engine never holds more than ``2^max_log_size``
elements; the host only transposes.
"""

from __future__ import annotations

from amaranth.hdl import Const, Module, Mux, Signal
from amaranth.lib import data, fifo, memory, wiring
from amaranth.lib.wiring import In, Out

from zkel.circuits.bn254.fields import R as FR_MODULUS
from zkel.gateware.axi.stream import element_stream
from zkel.gateware.config import ELEMENT_BITS, NTTConfig, ram_attrs
from zkel.gateware.ntt.addressing import bit_reverse, insert_zero, parity, unit_lanes
from zkel.gateware.ntt.butterfly import BUTTERFLY, SCALE, Butterfly, MultiplierFactory
from zkel.gateware.ntt.twiddles import TwiddleROM, inverse_size_values

KIND_PAIR, KIND_ELEM, KIND_CAPTURE = 0, 1, 2

OUT_FIFO_DEPTH = 5
"""Entries of the unload FIFO: four in flight or stored keep one element per clock
going out at full ``o.ready``."""


class NTTEngine(wiring.Component):
    """The NTT engine (see the module docs for the algorithm and timing).

    Members
    -------
    i : In(element_stream())
        Input elements (256 bits, < r), natural order; ``last`` expected on the n-th.
    o : Out(element_stream())
        Output elements, natural order, ``last`` on the n-th.
    start : In(1)
        Pulse: begin a job with ``length``, ``inverse``, ``coset`` and ``shift``.
    length : In(32)
        n, the number of elements.
    inverse, coset : In(1)
        Transform variant.
    shift : In(256)
        Coset base, canonical form, < r.
    busy : Out(1)
        A job is running.
    computing : Out(1)
        Between the end of load and the start of unload.
    done : Out(1)
        Pulse at the end of a job (also after a rejected length).
    err_length : Out(1)
        Pulse: ``length`` rejected at ``start``; nothing is read or written.
    err_tlast : Out(1)
        Pulse: an input element's ``last`` disagreed with its position.

    Parameters
    ----------
    cfg : NTTConfig
        Largest on-chip size and butterfly units.
    make_multiplier : MultiplierFactory
        Builds each butterfly's Fr Montgomery multiplier.
    uram : bool
        The target part has UltraRAM: each of the ``2 * units`` data memories
        (``2^(max_log_size - 1) / units`` words of 256 bits) of 1 Mbit or more goes
        there (:func:`zkel.gateware.config.ram_attrs`); the twiddle ROM, which needs
        initial contents, stays in block RAM.

    Attributes
    ----------
    data_memories : list of Memory
        The ``2 * units`` data memories (bank-major), set when the engine is
        elaborated.
    twiddle_rom : TwiddleROM
        The twiddle ROM (block RAM: it has initial contents), set likewise.
    out_fifo : SyncFIFOBuffered
        The unload FIFO (:data:`OUT_FIFO_DEPTH` entries of 257 bits), set when the
        engine is elaborated, so tests can watch it.
    """

    def __init__(
        self, cfg: NTTConfig, make_multiplier: MultiplierFactory, *, uram: bool = False
    ) -> None:
        self.cfg = cfg
        self.K = cfg.max_log_size
        self.P = cfg.units
        self.p = cfg.units.bit_length() - 1
        self.depth = 1 << (self.K - self.p - 1)
        self.ram_attrs = ram_attrs(uram, self.depth, ELEMENT_BITS)
        self.tag_layout = data.StructLayout(
            {
                "addr_a": range(self.depth),
                "addr_b": range(self.depth),
                "a_bank": 1,
                "lane": max(self.p, 1),
                "kind": 2,
            }
        )
        self.units = [Butterfly(make_multiplier, tag_bits=self.tag_layout.size)]
        self.units += [Butterfly(make_multiplier) for _ in range(self.P - 1)]
        self.latency = self.units[0].latency
        self.mont_r = self.units[0].mont_r
        super().__init__(
            {
                "i": In(element_stream()),
                "o": Out(element_stream()),
                "start": In(1),
                "length": In(32),
                "inverse": In(1),
                "coset": In(1),
                "shift": In(ELEMENT_BITS),
                "busy": Out(1),
                "computing": Out(1),
                "done": Out(1),
                "err_length": Out(1),
                "err_tlast": Out(1),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        s = _State(self, m)
        s.memories()
        s.units_and_rom()
        s.control()
        s.operands()
        s.write_back()
        s.unload()
        return m


class _State:
    """Signals shared by the parts of the engine's elaboration."""

    def __init__(self, eng: NTTEngine, m: Module) -> None:
        self.eng, self.m = eng, m
        K, P = eng.K, eng.P
        self.word_bits = K - eng.p
        self.log_n = Signal(range(K + 1))
        self.count = Signal(K + 1)  # issue slot m, load index or unload index
        self.stage = Signal(range(K))  # s for stages, t for coset passes
        self.pat = Signal(range(K))  # pattern of the current pass
        self.inv = Signal()
        self.cos = Signal()
        self.shift = Signal(ELEMENT_BITS)
        self.c = Signal(ELEMENT_BITS)  # coset factor, Montgomery form
        self.pass_op = Signal()  # BUTTERFLY or SCALE for pair passes
        self.inflight = Signal(range(eng.latency + 4))
        # issue (cycle c) and operand (cycle c+1) controls
        self.issue_pair = Signal()
        self.issue_single = Signal()
        self.issue_load = Signal()
        self.pair_d = Signal()
        self.single_d = Signal()
        self.load_d = Signal()
        self.single_b = Signal(ELEMENT_BITS)
        self.single_w = Signal(ELEMENT_BITS)
        self.single_b_d = Signal(ELEMENT_BITS)
        self.single_w_d = Signal(ELEMENT_BITS)
        self.load_elem_d = Signal(ELEMENT_BITS)
        self.load_w = Signal(ELEMENT_BITS)
        self.tag = Signal(eng.tag_layout)
        self.tag_d = Signal(eng.tag_layout)
        self.wa = Signal(self.word_bits)
        self.wb = Signal(self.word_bits)
        self.bank_a_d = Signal()
        self.pipe_idle = Signal()
        self.n_words_half = Signal(K + 1)  # issue slots per pass: n / 2P
        ii = eng.units[0].initiation_interval
        self.ii_count = Signal(range(ii + 1))
        self.ii = ii
        self.mem = [[None] * P for _ in range(2)]
        self.rd = [[None] * P for _ in range(2)]
        self.wr = [[None] * P for _ in range(2)]
        self.unload_issue = Signal()
        self.unload_addr = Signal(range(eng.depth))

    # -- storage and arithmetic -----------------------------------------------------

    def memories(self) -> None:
        m, eng = self.m, self.eng
        eng.data_memories = []
        for bank in range(2):
            for lane in range(eng.P):
                mem = memory.Memory(
                    shape=ELEMENT_BITS, depth=eng.depth, init=[], attrs=eng.ram_attrs
                )
                m.submodules[f"mem_b{bank}_l{lane}"] = mem
                self.mem[bank][lane] = mem
                eng.data_memories.append(mem)
                self.rd[bank][lane] = mem.read_port()
                self.wr[bank][lane] = mem.write_port()

    def units_and_rom(self) -> None:
        m, eng = self.m, self.eng
        for u, unit in enumerate(eng.units):
            m.submodules[f"unit{u}"] = unit
        m.submodules.rom = self.rom = eng.twiddle_rom = TwiddleROM(eng.K, eng.P, eng.mont_r)
        m.d.comb += self.rom.inverse.eq(self.inv)
        ninv = inverse_size_values(eng.K, eng.mont_r)
        one_mont = eng.mont_r % FR_MODULUS
        m.d.comb += self.load_w.eq(Mux(self.inv, Const(0, ELEMENT_BITS), one_mont))
        with m.If(self.inv):
            with m.Switch(self.log_n):
                for k, value in enumerate(ninv):
                    with m.Case(k):
                        m.d.comb += self.load_w.eq(value)

    # -- control --------------------------------------------------------------------

    def control(self) -> None:
        m, eng = self.m, self.eng
        K, cfg = eng.K, eng.cfg
        r2 = eng.mont_r * eng.mont_r % FR_MODULUS
        last_slot = self.count == self.n_words_half - 1
        ii_ok = self.ii_count == 0
        m.d.comb += self.pipe_idle.eq(
            (self.inflight == 0) & ~self.pair_d & ~self.single_d & ~self.load_d
        )
        m.d.sync += [eng.done.eq(0), eng.err_length.eq(0), eng.err_tlast.eq(0)]
        issuing = self.issue_pair | self.issue_single | self.issue_load
        with m.If(issuing):
            m.d.sync += self.ii_count.eq(self.ii - 1)
        with m.Elif(~ii_ok):
            m.d.sync += self.ii_count.eq(self.ii_count - 1)
        n = Signal(K + 1)
        m.d.comb += n.eq(Const(1, K + 1) << self.log_n)
        m.d.comb += self.n_words_half.eq(n >> (eng.p + 1))
        fwd_pat = (self.log_n - 1 - self.stage)[: len(self.pat)]

        with m.FSM() as fsm:
            with m.State("IDLE"):
                with m.If(eng.start):
                    ok = Signal()
                    for k in range(cfg.min_log_size, K + 1):
                        with m.If(eng.length == (1 << k)):
                            m.d.comb += ok.eq(1)
                            m.d.sync += self.log_n.eq(k)
                    with m.If(ok):
                        m.d.sync += [
                            self.inv.eq(eng.inverse),
                            self.cos.eq(eng.coset),
                            self.shift.eq(eng.shift),
                            self.count.eq(0),
                        ]
                        m.next = "LOAD"
                    with m.Else():
                        m.d.sync += [eng.err_length.eq(1), eng.done.eq(1)]
            with m.State("LOAD"):
                m.d.comb += eng.i.ready.eq(ii_ok)
                with m.If(eng.i.valid & ii_ok):
                    m.d.comb += self.issue_load.eq(1)
                    is_last = self.count == n - 1
                    with m.If(eng.i.payload.last != is_last):
                        m.d.sync += eng.err_tlast.eq(1)
                    m.d.sync += self.count.eq(self.count + 1)
                    with m.If(is_last):
                        m.next = "LOAD_DRAIN"
            with m.State("LOAD_DRAIN"):
                with m.If(self.pipe_idle):
                    m.d.sync += [self.count.eq(0), self.stage.eq(0)]
                    with m.If(self.cos & ~self.inv):
                        m.next = "CONVERT"
                    with m.Else():
                        m.next = "STAGE"
            with m.State("CONVERT"):  # c = shift in Montgomery form
                m.d.comb += [
                    self.issue_single.eq(ii_ok),
                    self.single_b.eq(self.shift),
                    self.single_w.eq(r2),
                ]
                with m.If(ii_ok):
                    m.next = "CONVERT_WAIT"
            with m.State("CONVERT_WAIT"):
                with m.If(self.pipe_idle):
                    m.d.sync += [self.count.eq(0), self.stage.eq(0)]
                    m.next = "SCALE"
            with m.State("SCALE"):
                m.d.comb += [self.pass_op.eq(SCALE), self.issue_pair.eq(ii_ok)]
                m.d.comb += self.pat.eq(Mux(self.inv, self.stage, fwd_pat))
                with m.If(ii_ok):
                    m.d.sync += self.count.eq(self.count + 1)
                    with m.If(last_slot):
                        m.next = "SCALE_DRAIN"
            with m.State("SCALE_DRAIN"):
                m.d.comb += [
                    self.pass_op.eq(SCALE),
                    self.pat.eq(Mux(self.inv, self.stage, fwd_pat)),
                ]
                with m.If(self.pipe_idle):
                    m.d.sync += self.count.eq(0)
                    with m.If(self.stage != self.log_n - 1):
                        m.next = "SQUARE"
                    with m.Elif(self.inv):
                        m.next = "UNLOAD"
                    with m.Else():
                        m.d.sync += self.stage.eq(0)
                        m.next = "STAGE"
            with m.State("SQUARE"):  # c = c^2 (Montgomery form)
                m.d.comb += [
                    self.issue_single.eq(ii_ok),
                    self.single_b.eq(self.c),
                    self.single_w.eq(self.c),
                ]
                with m.If(ii_ok):
                    m.next = "SQUARE_WAIT"
            with m.State("SQUARE_WAIT"):
                with m.If(self.pipe_idle):
                    m.d.sync += self.stage.eq(self.stage + 1)
                    m.next = "SCALE"
            with m.State("STAGE"):
                m.d.comb += [self.pass_op.eq(BUTTERFLY), self.issue_pair.eq(ii_ok)]
                m.d.comb += self.pat.eq(self.stage)
                with m.If(ii_ok):
                    m.d.sync += self.count.eq(self.count + 1)
                    with m.If(last_slot):
                        m.next = "STAGE_DRAIN"
            with m.State("STAGE_DRAIN"):
                m.d.comb += [self.pass_op.eq(BUTTERFLY), self.pat.eq(self.stage)]
                with m.If(self.pipe_idle):
                    m.d.sync += self.count.eq(0)
                    with m.If(self.stage != self.log_n - 1):
                        m.d.sync += self.stage.eq(self.stage + 1)
                        m.next = "STAGE"
                    with m.Elif(self.inv & self.cos):
                        m.d.sync += self.stage.eq(0)
                        m.next = "CONVERT"
                    with m.Else():
                        m.next = "UNLOAD"
            with m.State("UNLOAD"):
                finished = self.unload_control(n)
                with m.If(finished):
                    m.d.sync += eng.done.eq(1)
                    m.next = "IDLE"
        m.d.comb += [
            eng.busy.eq(~fsm.ongoing("IDLE")),
            eng.computing.eq(~fsm.ongoing("IDLE") & ~fsm.ongoing("LOAD") & ~fsm.ongoing("UNLOAD")),
        ]

    # -- operands (cycle c: addresses; cycle c+1: operands into the units) ------------

    def operands(self) -> None:
        m, eng = self.m, self.eng
        P, p, K = eng.P, eng.p, eng.K
        wb_bits = self.word_bits
        # pair addressing for slot `count` under pattern `pat`
        wide = self.pat >= p
        b = (self.pat - p)[: max(len(self.pat), 1)]
        wa_wide = insert_zero(self.count[:wb_bits], b, wb_bits)
        wb_wide = (wa_wide | (Const(1, wb_bits) << b))[:wb_bits]
        m.d.comb += [
            self.wa.eq(Mux(wide, wa_wide, self.count << 1)),
            self.wb.eq(Mux(wide, wb_wide, (self.count << 1) | 1)),
        ]
        bank_a = parity(self.wa)
        addr_a, addr_b = self.wa >> 1, self.wb >> 1
        for bank in range(2):
            for lane in range(P):
                port = self.rd[bank][lane]
                pair_addr = Mux(bank_a == bank, addr_a, addr_b)
                m.d.comb += port.addr.eq(Mux(self.issue_pair, pair_addr, self.unload_addr))
        # twiddle exponents: e = (i << (K-1-pat)) mod 2^(K-1), i the unit's a-element
        for u in range(P):
            i_wide = (self.wa << p) | u
            i_u = i_wide
            if p:
                i_u = Signal(K, name=f"i_unit{u}")
                m.d.comb += i_u.eq(i_wide)
                for s in range(p):
                    word, lane_a, _ = unit_lanes(P, s)[u]
                    w = self.wa if word == 0 else self.wb
                    with m.If(self.pat == s):
                        m.d.comb += i_u.eq((w << p) | lane_a)
            shift = (K - 1 - self.pat)[: len(self.pat) + 1]
            m.d.comb += self.rom.exponent[u].eq((i_u << shift)[: self.rom.exp_bits])
        # tag for the write-back, built at issue
        with m.If(self.issue_pair):
            m.d.comb += [
                self.tag.addr_a.eq(addr_a),
                self.tag.addr_b.eq(addr_b),
                self.tag.a_bank.eq(bank_a),
                self.tag.kind.eq(KIND_PAIR),
            ]
        with m.If(self.issue_load):
            pos = bit_reverse(self.count[:K], K) >> (K - self.log_n)[: K.bit_length()]
            word = pos >> p
            m.d.comb += [
                self.tag.addr_a.eq(word >> 1),
                self.tag.a_bank.eq(parity(word[:wb_bits])),
                self.tag.lane.eq(pos[: max(p, 1)] if p else 0),
                self.tag.kind.eq(KIND_ELEM),
            ]
        with m.If(self.issue_single):
            m.d.comb += self.tag.kind.eq(KIND_CAPTURE)
        m.d.sync += [
            self.pair_d.eq(self.issue_pair),
            self.single_d.eq(self.issue_single),
            self.load_d.eq(self.issue_load),
            self.tag_d.eq(self.tag),
            self.bank_a_d.eq(bank_a),
            self.single_b_d.eq(self.single_b),
            self.single_w_d.eq(self.single_w),
            self.load_elem_d.eq(eng.i.payload.data),
        ]
        self.feed_units()

    def feed_units(self) -> None:
        m, eng = self.m, self.eng
        P, p = eng.P, eng.p
        word_a = [Mux(self.bank_a_d, self.rd[1][l].data, self.rd[0][l].data) for l in range(P)]
        word_b = [Mux(self.bank_a_d, self.rd[0][l].data, self.rd[1][l].data) for l in range(P)]
        pat_d = Signal.like(self.pat)
        op_d = Signal()
        m.d.sync += [pat_d.eq(self.pat), op_d.eq(self.pass_op)]
        for u, unit in enumerate(eng.units):
            a, b = Signal(ELEMENT_BITS, name=f"a{u}"), Signal(ELEMENT_BITS, name=f"b{u}")
            m.d.comb += [a.eq(word_a[u]), b.eq(word_b[u])]
            for s in range(p):
                word, la, lb = unit_lanes(P, s)[u]
                w = word_a if word == 0 else word_b
                with m.If(pat_d == s):
                    m.d.comb += [a.eq(w[la]), b.eq(w[lb])]
            is_bf = op_d == BUTTERFLY
            m.d.comb += [
                unit.i_valid.eq(self.pair_d | ((self.single_d | self.load_d) if u == 0 else 0)),
                unit.a.eq(Mux(self.pair_d, a, 0)),
                unit.b.eq(
                    Mux(self.pair_d, b, Mux(self.single_d, self.single_b_d, self.load_elem_d))
                ),
                unit.op.eq(Mux(self.pair_d, op_d, SCALE)),
                unit.swap.eq(self.pair_d & is_bf & self.rom.negate[u]),
            ]
            with m.If(self.pair_d):
                m.d.comb += unit.w.eq(Mux(is_bf, self.rom.value[u], self.c))
            with m.Elif(self.single_d):
                m.d.comb += unit.w.eq(self.single_w_d)
            with m.Else():
                m.d.comb += unit.w.eq(self.load_w)
        m.d.comb += eng.units[0].tag.eq(self.tag_d)
        # pipeline occupancy, counted on unit 0
        up = eng.units[0].i_valid
        down = eng.units[0].o_valid
        with m.If(up & ~down):
            m.d.sync += self.inflight.eq(self.inflight + 1)
        with m.Elif(down & ~up):
            m.d.sync += self.inflight.eq(self.inflight - 1)

    # -- results back into memory -----------------------------------------------------

    def write_back(self) -> None:
        m, eng = self.m, self.eng
        P, p = eng.P, eng.p
        u0 = eng.units[0]
        tag = Signal(eng.tag_layout)
        m.d.comb += tag.eq(u0.o_tag)
        pat = self.pat
        new_a = [Signal(ELEMENT_BITS, name=f"new_a{l}") for l in range(P)]
        new_b = [Signal(ELEMENT_BITS, name=f"new_b{l}") for l in range(P)]
        m.d.comb += [new_a[l].eq(eng.units[l].x) for l in range(P)]
        m.d.comb += [new_b[l].eq(eng.units[l].y) for l in range(P)]
        for s in range(p):
            with m.If(pat == s):
                for u, (word, la, lb) in enumerate(unit_lanes(P, s)):
                    target = new_a if word == 0 else new_b
                    m.d.comb += [target[la].eq(eng.units[u].x), target[lb].eq(eng.units[u].y)]
        pair = u0.o_valid & (tag.kind == KIND_PAIR)
        elem = u0.o_valid & (tag.kind == KIND_ELEM)
        for bank in range(2):
            for lane in range(P):
                port = self.wr[bank][lane]
                is_a = tag.a_bank == bank
                with m.If(pair):
                    m.d.comb += [
                        port.en.eq(1),
                        port.addr.eq(Mux(is_a, tag.addr_a, tag.addr_b)),
                        port.data.eq(Mux(is_a, new_a[lane], new_b[lane])),
                    ]
                lane_hit = (tag.lane == lane) if p else 1
                with m.If(elem & is_a & lane_hit):
                    m.d.comb += [port.en.eq(1), port.addr.eq(tag.addr_a), port.data.eq(u0.y)]
        with m.If(u0.o_valid & (tag.kind == KIND_CAPTURE)):
            m.d.sync += self.c.eq(u0.y)

    # -- unload: natural order out through a small FIFO -------------------------------

    def unload_control(self, n: Signal) -> Signal:
        m, eng = self.m, self.eng
        p = eng.p
        m.submodules.out_fifo = q = fifo.SyncFIFOBuffered(
            width=ELEMENT_BITS + 1, depth=OUT_FIFO_DEPTH
        )
        self.out_fifo = eng.out_fifo = q
        rd_d = Signal()
        finished = Signal()
        # A read issued now is written one clock later. SyncFIFOBuffered takes a write
        # only while its inner memory (depth - 1 entries) has room, and its level also
        # counts the output register; so hold level plus the write in flight below
        # depth - 1, which bounds the inner memory's occupancy whatever the register
        # holds. (Against depth, the bound rests on the register never being empty
        # while the memory is full, an internal of the FIFO.)
        credit = (q.level + rd_d) < q.depth - 1
        more = self.count < n
        m.d.comb += self.unload_issue.eq(credit & more)
        word = (self.count >> p)[: self.word_bits]
        m.d.comb += self.unload_addr.eq(word >> 1)
        with m.If(self.unload_issue):
            m.d.sync += self.count.eq(self.count + 1)
        m.d.comb += finished.eq(~more & ~rd_d & (q.level == 0))
        self._unload_sel = (parity(word), self.count[:p] if p else Const(0, 1), self.count == n - 1)
        self._rd_d = rd_d
        return finished

    def unload(self) -> None:
        m, eng = self.m, self.eng
        P = eng.P
        q = self.out_fifo
        bank, lane, last = self._unload_sel
        bank_d, lane_d, last_d = Signal(), Signal(len(lane)), Signal()
        m.d.sync += [
            self._rd_d.eq(self.unload_issue),
            bank_d.eq(bank),
            lane_d.eq(lane),
            last_d.eq(last),
        ]
        value = Signal(ELEMENT_BITS)
        with m.Switch(lane_d):
            for lane_i in range(P):
                with m.Case(lane_i):
                    m.d.comb += value.eq(
                        Mux(bank_d, self.rd[1][lane_i].data, self.rd[0][lane_i].data)
                    )
        m.d.comb += [
            q.w_en.eq(self._rd_d),
            q.w_data.eq(Mux(last_d, 1 << ELEMENT_BITS, 0) | value),
            eng.o.valid.eq(q.r_rdy),
            eng.o.payload.data.eq(q.r_data[:ELEMENT_BITS]),
            eng.o.payload.last.eq(q.r_data[ELEMENT_BITS]),
            q.r_en.eq(eng.o.ready),
        ]
