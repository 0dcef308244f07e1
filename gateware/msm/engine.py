"""MSM bucket engine: Pippenger bucket accumulation of every window in one pass.

A job (``start`` with ``length = n`` points) runs:

1. **Clear** (only when the buckets are not known clean: after reset or an
   abandoned job): every bucket is set to the point at infinity ``(0 : 1 : 0)``,
   one per clock.
2. **Accumulate.** Points stream in as three elements each (:mod:`zkel.gateware.msm.words`):
   affine ``x``, ``y`` (canonical, below q; ``(0, 0)`` is the point at infinity)
   and the scalar ``k`` (below r). The scalar is recoded in one addition
   (:mod:`zkel.gateware.msm.recoding`) into one bucket operation per non-zero
   signed digit, all windows at once: bucket ``|d_w|`` of window ``w`` gets
   ``sign(d_w)·P``. The expander issues the point's operations lowest window
   first, one per clock, while the next point streams into a staging register.
   Each operation reads its bucket (RAM, projective), adds ``(x : ±y : 1)`` in the
   complete point adder (:mod:`zkel.gateware.ec.padd`) and writes the sum back.
3. **Hazards.** A bucket with an addition in the adder pipeline cannot be read
   (:mod:`zkel.gateware.msm.hazard`). An operation whose bucket is busy goes to
   a small collision queue and the expander moves on; the queue's head is
   issued as soon as its bucket is free (it has priority over the expander), so
   the adder keeps taking one operation per initiation interval. When the queue
   is full the expander waits.
4. **Unload.** After the pipeline drains, every bucket streams out, window 0
   bucket 1 first (RAM address ``w·2^(c-1) + j - 1`` for bucket ``j`` of window
   ``w``), as three elements ``X, Y, Z``, ``last`` on the final ``Z``; each bucket
   is reset to infinity as it is read, so the next job starts clean. The top
   window's buckets are replicated over its unused slots (see
   :mod:`zkel.gateware.msm.recoding`); the host folds them.

Bucket reduction and window combination are done by the host
(:func:`zkel.gateware.msm.finish.msm_from_buckets`): they cost ``2·2^(c-1)``
additions per window against ``n`` bucket additions per window here.

Number forms: the stream carries canonical affine coordinates; the buckets are
projective with an arbitrary common scale per bucket (the adder's Montgomery
products scale each sum by ``R^-3``, which a projective point ignores), so only
``X/Z`` and ``Y/Z`` mean anything. ``Z = 0`` is an empty (or cancelled) bucket.

Storage: the bucket RAM is ``bucket_entries`` words of 768 bits, one write port
and one read port transparent to it, with no initial contents (the clear after
reset fills it). With ``uram=True`` (the part has UltraRAM) and at least 1 Mbit
it carries ``ram_style = "ultra"`` (:func:`zkel.gateware.config.ram_attrs`): 18.9
Mbit at c = 11 is more block RAM than the XCZU7EV has (its 312 BRAM36 hold 11.5
Mbit; Yosys put the zu7ev top at 689 BRAM36 before this), and 64 of its 96
URAM288 (Yosys ``synth_xilinx -uram``, this memory alone).

Timing: one bucket operation per ``initiation_interval`` of the adder while the
collision queue is not full, plus the adder latency to drain and ``3`` output
elements per bucket; the stream needs only 3 elements per point against up to
``254 // c + 1`` operations. Worst case (every digit in one bucket per window,
adder latency ``L`` longer than a point's ``W`` operations): each window's bucket
takes one operation per ``L + 1`` clocks, so ``W / (L + 1)`` operations per clock.
"""

from __future__ import annotations

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import fifo, memory, wiring
from amaranth.lib.wiring import In, Out

from zkel.circuits.bn254.fields import Q
from zkel.gateware.axi.stream import element_stream
from zkel.gateware.config import ELEMENT_BITS, MSMConfig, ram_attrs
from zkel.gateware.ec.mulstage import MultiplierFactory
from zkel.gateware.ec.padd import PointAdder
from zkel.gateware.msm.hazard import InFlight
from zkel.gateware.msm.recoding import recode

BUCKET_BITS = 3 * ELEMENT_BITS
INFINITY_WORD = 1 << ELEMENT_BITS
"""A bucket RAM word holding ``(0 : 1 : 0)`` (x in bits 0..255, y above, then z)."""


class MSMEngine(wiring.Component):
    """The MSM bucket engine (see the module docs for the algorithm and timing).

    Members
    -------
    i : In(element_stream())
        Per point: ``x``, ``y`` (canonical, < q; ``(0, 0)`` = infinity), ``k`` (< r);
        ``last`` expected on the scalar of point ``n - 1`` only.
    o : Out(element_stream())
        Per bucket, window-major: ``X``, ``Y``, ``Z`` (projective, any scale);
        ``last`` on the final element.
    start : In(1)
        Pulse: begin a job of ``length`` points.
    length : In(32)
        n, the number of points (at least 1).
    busy : Out(1)
        A job is running.
    computing : Out(1)
        Accumulating (points streaming in and bucket additions) or draining.
    done : Out(1)
        Pulse at the end of a job (also after a rejected length).
    err_length : Out(1)
        Pulse: ``length`` was 0; nothing is read or written.
    err_tlast : Out(1)
        Pulse: an input element's ``last`` disagreed with its position.
    additions : Out(32)
        Bucket additions issued in the current or last job.
    collisions : Out(32)
        Operations that found their bucket busy and went to the collision queue.

    Attributes
    ----------
    bucket_ram : Memory
        The bucket RAM, set when the engine is elaborated.

    Parameters
    ----------
    cfg : MSMConfig
        Window width, adder multipliers, collision queue depth.
    make_multiplier : MultiplierFactory
        Builds the adder's Fq Montgomery multipliers.
    uram : bool
        The target part has UltraRAM: a bucket RAM of 1 Mbit or more goes there.
    """

    def __init__(
        self, cfg: MSMConfig, make_multiplier: MultiplierFactory, *, uram: bool = False
    ) -> None:
        self.cfg = cfg
        self.c, self.W, self.NB = cfg.window_bits, cfg.n_windows, cfg.buckets_per_window
        self.depth = cfg.bucket_entries
        self.ram_attrs = ram_attrs(uram, self.depth, BUCKET_BITS)
        self.addr_bits = max((self.depth - 1).bit_length(), 1)
        self.adder = PointAdder(
            make_multiplier, multipliers=cfg.multipliers, tag_bits=self.addr_bits
        )
        self.latency = self.adder.latency
        self.initiation_interval = self.adder.initiation_interval
        super().__init__(
            {
                "i": In(element_stream()),
                "o": Out(element_stream()),
                "start": In(1),
                "length": In(32),
                "busy": Out(1),
                "computing": Out(1),
                "done": Out(1),
                "err_length": Out(1),
                "err_tlast": Out(1),
                "additions": Out(32),
                "collisions": Out(32),
            }
        )

    def elaborate(self, platform: object) -> Module:
        m = Module()
        b = _Build(self, m)
        b.storage()
        b.control()
        b.intake()
        b.expander()
        b.issue()
        b.adder_and_write()
        b.unload()
        return m


class _Build:
    """Signals shared by the parts of the engine's elaboration."""

    def __init__(self, eng: MSMEngine, m: Module) -> None:
        self.eng, self.m = eng, m
        W, A = eng.W, eng.addr_bits
        self.n = Signal(32)
        self.points_in = Signal(32)
        self.elem = Signal(range(3))  # element of the current point: x, y, k
        self.hx = Signal(ELEMENT_BITS)
        self.hy = Signal(ELEMENT_BITS)
        self.clean = Signal()  # buckets all infinity (reset: unknown)
        self.run = Signal()
        self.clearing = Signal()
        self.unloading = Signal()
        self.clr_addr = Signal(A)
        # staging (recoded point waiting) and active (point being expanded)
        self.st_valid = Signal()
        self.st_take = Signal()
        self.st = _PointRegs("st", W, A)
        self.act = _PointRegs("act", W, A)
        # expander candidate and issue
        self.e_valid = Signal()
        self.e_addr = Signal(A)
        self.e_y = Signal(ELEMENT_BITS)
        self.e_onehot = Signal(W)
        self.consume_e = Signal()
        self.issue_now = Signal()
        self.iss_addr = Signal(A)
        self.iss_x = Signal(ELEMENT_BITS)
        self.iss_y = Signal(ELEMENT_BITS)
        self.inflight = Signal(range(eng.latency + 2))
        self.unload_addr = Signal(range(eng.depth + 1))
        self.unload_rd = Signal()

    # -- bucket RAM, adder, collision queue, hazard tracker ---------------------------

    def storage(self) -> None:
        m, eng = self.m, self.eng
        # No initial contents (UltraRAM has none): CLEAR fills the buckets after reset.
        m.submodules.buckets = mem = memory.Memory(
            shape=BUCKET_BITS, depth=eng.depth, init=[], attrs=eng.ram_attrs
        )
        eng.bucket_ram = mem
        self.wr = mem.write_port()
        self.rd = mem.read_port(transparent_for=(self.wr,))
        m.submodules.adder = eng.adder
        m.submodules.queue = self.queue = fifo.SyncFIFOBuffered(
            width=eng.addr_bits + 2 * ELEMENT_BITS, depth=eng.cfg.queue_depth
        )
        m.submodules.inflight = self.hazard = InFlight(eng.addr_bits, eng.latency, probes=2)

    # -- job control ----------------------------------------------------------------

    def control(self) -> None:
        m, eng = self.m, self.eng
        m.d.sync += [eng.done.eq(0), eng.err_length.eq(0)]
        all_in = self.points_in == self.n
        work_left = self.st_valid | (self.act.mask != 0) | (self.queue.level != 0)
        with m.FSM() as fsm:
            with m.State("IDLE"):
                with m.If(eng.start):
                    with m.If(eng.length == 0):
                        m.d.sync += [eng.err_length.eq(1), eng.done.eq(1)]
                    with m.Else():
                        m.d.sync += [
                            self.n.eq(eng.length),
                            self.points_in.eq(0),
                            self.elem.eq(0),
                            self.clr_addr.eq(0),
                            eng.additions.eq(0),
                            eng.collisions.eq(0),
                        ]
                        with m.If(self.clean):
                            m.next = "RUN"
                        with m.Else():
                            m.next = "CLEAR"
            with m.State("CLEAR"):
                m.d.comb += self.clearing.eq(1)
                m.d.sync += self.clr_addr.eq(self.clr_addr + 1)
                with m.If(self.clr_addr == eng.depth - 1):
                    m.next = "RUN"
            with m.State("RUN"):
                m.d.comb += self.run.eq(1)
                m.d.sync += self.clean.eq(0)
                with m.If(all_in & ~work_left):
                    m.next = "DRAIN"
            with m.State("DRAIN"):
                with m.If(self.inflight == 0):
                    m.d.sync += self.unload_addr.eq(0)
                    m.next = "UNLOAD"
            with m.State("UNLOAD"):
                m.d.comb += self.unloading.eq(1)
                with m.If(self._unload_finished()):
                    m.d.sync += [eng.done.eq(1), self.clean.eq(1)]
                    m.next = "IDLE"
        m.d.comb += [
            eng.busy.eq(~fsm.ongoing("IDLE")),
            eng.computing.eq(fsm.ongoing("RUN") | fsm.ongoing("DRAIN")),
        ]

    # -- input: x, y, k per point; the recoded point waits in staging --------------------

    def intake(self) -> None:
        m, eng = self.m, self.eng
        data = eng.i.payload.data
        on_scalar = self.elem == 2
        room = ~self.st_valid | self.st_take
        more = self.points_in != self.n
        m.d.comb += eng.i.ready.eq(self.run & more & (~on_scalar | room))
        take = eng.i.valid & eng.i.ready
        m.d.sync += eng.err_tlast.eq(0)
        with m.If(take):
            expect_last = on_scalar & (self.points_in == self.n - 1)
            with m.If(eng.i.payload.last != expect_last):
                m.d.sync += eng.err_tlast.eq(1)
            with m.Switch(self.elem):
                with m.Case(0):
                    m.d.sync += [self.hx.eq(data), self.elem.eq(1)]
                with m.Case(1):
                    m.d.sync += [self.hy.eq(data), self.elem.eq(2)]
                with m.Case(2):
                    m.d.sync += [self.elem.eq(0), self.points_in.eq(self.points_in + 1)]
        ops = recode(data, eng.c, eng.W, self.points_in)
        infinity = (self.hx == 0) & (self.hy == 0)
        mask = Cat(*(nz for nz, _, _ in ops)) & Mux(infinity, 0, (1 << eng.W) - 1)
        with m.If(self.st_take):
            m.d.sync += self.st_valid.eq(0)
        with m.If(take & on_scalar & (mask != 0)):
            neg_y = Mux(self.hy == 0, 0, Const(Q, ELEMENT_BITS) - self.hy)[:ELEMENT_BITS]
            m.d.sync += [
                self.st_valid.eq(1),
                self.st.x.eq(self.hx),
                self.st.y.eq(self.hy),
                self.st.ny.eq(neg_y),
                self.st.mask.eq(mask),
                self.st.addr.eq(Cat(*(a for _, a, _ in ops))),
                self.st.neg.eq(Cat(*(s for _, _, s in ops))),
            ]

    # -- expander: the active point's operations, lowest window first -------------------

    def expander(self) -> None:
        m, eng = self.m, self.eng
        act, A = self.act, eng.addr_bits
        idx = Signal(range(eng.W))
        for w in reversed(range(eng.W)):  # the last assignment (lowest set bit) wins
            with m.If(act.mask[w]):
                m.d.comb += idx.eq(w)
        negative = act.neg.bit_select(idx, 1)
        m.d.comb += [
            self.e_valid.eq(act.mask != 0),
            self.e_onehot.eq(act.mask & -act.mask),
            self.e_addr.eq(act.addr.word_select(idx, A)),
            self.e_y.eq(Mux(negative, act.ny, act.y)),
        ]
        remaining = Mux(self.consume_e, act.mask & ~self.e_onehot, act.mask)
        with m.If(remaining == 0):
            m.d.sync += act.mask.eq(0)
            with m.If(self.st_valid):
                m.d.comb += self.st_take.eq(1)
                m.d.sync += act.load(self.st)
        with m.Else():
            m.d.sync += act.mask.eq(remaining)

    # -- issue: collision queue head first, else the expander -----------------------------

    def issue(self) -> None:
        m, eng = self.m, self.eng
        q, hz, A = self.queue, self.hazard, eng.addr_bits
        q_addr = q.r_data[:A]
        q_x = q.r_data[A : A + ELEMENT_BITS]
        q_y = q.r_data[A + ELEMENT_BITS :]
        ii = eng.initiation_interval
        gap = Signal(range(ii + 1))
        slot = gap == 0
        m.d.comb += [hz.probe[0].eq(q_addr), hz.probe[1].eq(self.e_addr)]
        issue_q = self.run & slot & q.r_rdy & ~hz.hit[0]
        e_blocked = hz.hit[1] | (issue_q & (q_addr == self.e_addr))
        issue_e = self.run & slot & ~issue_q & self.e_valid & ~e_blocked
        push_e = self.run & self.e_valid & e_blocked & q.w_rdy
        m.d.comb += [
            self.issue_now.eq(issue_q | issue_e),
            self.consume_e.eq(issue_e | push_e),
            q.r_en.eq(issue_q),
            q.w_en.eq(push_e),
            q.w_data.eq(Cat(self.e_addr, self.act.x, self.e_y)),
            self.iss_addr.eq(Mux(issue_q, q_addr, self.e_addr)),
            self.iss_x.eq(Mux(issue_q, q_x, self.act.x)),
            self.iss_y.eq(Mux(issue_q, q_y, self.e_y)),
            hz.issue.eq(self.issue_now),
            hz.address.eq(self.iss_addr),
        ]
        with m.If(self.issue_now):
            m.d.sync += [gap.eq(ii - 1), eng.additions.eq(eng.additions + 1)]
        with m.Elif(~slot):
            m.d.sync += gap.eq(gap - 1)
        with m.If(push_e):
            m.d.sync += eng.collisions.eq(eng.collisions + 1)

    # -- adder: bucket (from RAM) + point; sums written back ------------------------------

    def adder_and_write(self) -> None:
        m, eng = self.m, self.eng
        add, rd, wr = eng.adder, self.rd, self.wr
        iss_d = Signal()
        addr_d = Signal(eng.addr_bits)
        x_d = Signal(ELEMENT_BITS)
        y_d = Signal(ELEMENT_BITS)
        m.d.sync += [
            iss_d.eq(self.issue_now),
            addr_d.eq(self.iss_addr),
            x_d.eq(self.iss_x),
            y_d.eq(self.iss_y),
        ]
        m.d.comb += rd.addr.eq(Mux(self.unloading, self.unload_addr, self.iss_addr))
        m.d.comb += [
            add.i_valid.eq(iss_d),
            add.p1.eq(rd.data),
            add.p2.x.eq(x_d),
            add.p2.y.eq(y_d),
            add.p2.z.eq(1),
            add.tag.eq(addr_d),
        ]
        with m.If(self.issue_now & ~add.o_valid):
            m.d.sync += self.inflight.eq(self.inflight + 1)
        with m.Elif(add.o_valid & ~self.issue_now):
            m.d.sync += self.inflight.eq(self.inflight - 1)
        unload_d = Signal(eng.addr_bits)
        m.d.sync += unload_d.eq(self.unload_addr)
        with m.If(self.clearing):
            m.d.comb += [wr.en.eq(1), wr.addr.eq(self.clr_addr), wr.data.eq(INFINITY_WORD)]
        with m.Elif(self.unloading):
            m.d.comb += [wr.en.eq(self._rd_d), wr.addr.eq(unload_d), wr.data.eq(INFINITY_WORD)]
        with m.Else():
            m.d.comb += [wr.en.eq(add.o_valid), wr.addr.eq(add.o_tag), wr.data.eq(add.o)]

    # -- unload: buckets out as X, Y, Z through a small FIFO ------------------------------

    def _unload_finished(self) -> Signal:
        m, eng = self.m, self.eng
        m.submodules.out_fifo = out = fifo.SyncFIFOBuffered(width=BUCKET_BITS + 1, depth=4)
        self.out_fifo = out
        self._rd_d = Signal()
        self._sel = Signal(range(3))
        # SyncFIFOBuffered takes a write only while its inner memory (depth - 1) has room
        credit = (out.level + self._rd_d) < out.depth - 1
        more = self.unload_addr != eng.depth
        m.d.comb += self.unload_rd.eq(self.unloading & credit & more)
        with m.If(self.unload_rd):
            m.d.sync += self.unload_addr.eq(self.unload_addr + 1)
        finished = Signal()
        m.d.comb += finished.eq(~more & ~self._rd_d & (out.level == 0))
        return finished

    def unload(self) -> None:
        m, eng = self.m, self.eng
        out, sel = self.out_fifo, self._sel
        last_d = Signal()
        m.d.sync += [
            self._rd_d.eq(self.unload_rd),
            last_d.eq(self.unload_addr == eng.depth - 1),
        ]
        m.d.comb += [
            out.w_en.eq(self._rd_d),
            out.w_data.eq(Cat(self.rd.data, last_d)),
            eng.o.valid.eq(out.r_rdy),
            eng.o.payload.data.eq(out.r_data[:BUCKET_BITS].word_select(sel, ELEMENT_BITS)),
            eng.o.payload.last.eq(out.r_data[BUCKET_BITS] & (sel == 2)),
        ]
        with m.If(eng.o.valid & eng.o.ready):
            m.d.sync += sel.eq(Mux(sel == 2, 0, sel + 1))
            m.d.comb += out.r_en.eq(sel == 2)


class _PointRegs:
    """A recoded point: coordinates, ``-y``, and per window the operation's mask bit,
    bucket address and sign."""

    def __init__(self, name: str, windows: int, addr_bits: int) -> None:
        self.x = Signal(ELEMENT_BITS, name=f"{name}_x", reset_less=True)
        self.y = Signal(ELEMENT_BITS, name=f"{name}_y", reset_less=True)
        self.ny = Signal(ELEMENT_BITS, name=f"{name}_ny", reset_less=True)
        self.mask = Signal(windows, name=f"{name}_mask")
        self.addr = Signal(windows * addr_bits, name=f"{name}_addr", reset_less=True)
        self.neg = Signal(windows, name=f"{name}_neg", reset_less=True)

    def load(self, other: _PointRegs) -> list:
        """Statements copying ``other`` into these registers."""
        return [
            self.x.eq(other.x),
            self.y.eq(other.y),
            self.ny.eq(other.ny),
            self.mask.eq(other.mask),
            self.addr.eq(other.addr),
            self.neg.eq(other.neg),
        ]
