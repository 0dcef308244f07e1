"""Accelerator configurations: one frozen dataclass per build, and a registry.

A configuration names the target device (and its capacity, for the Yosys
resource report), the clock the build aims at, the AXI4-Stream beat width, the
Montgomery multiplier's limb width and the NTT and MSM engines' parameters.

Everything downstream (the gateware top, the register map's read-only
configuration registers, the driver, the Tcl generator, the bitstream manifest)
reads these values; nothing else hard-codes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ELEMENT_BITS = 256
"""Bits of one Fr element in storage and on the streams (254 used, 2 zero)."""

STREAM_BEAT_BITS = (32, 64, 128, 256)
"""AXI4-Stream TDATA widths the adapters support (AXI DMA stream widths)."""


@dataclass(frozen=True)
class Device:
    """An FPGA part and the resources Yosys' ``synth_xilinx`` estimate is held against.

    Members
    -------
    part : str
        Xilinx part name, e.g. ``"xc7z020clg400-1"``.
    family : str
        Yosys ``synth_xilinx -family`` value: ``"xc7"`` (7-series) or ``"xcup"``
        (UltraScale+).
    lut, ff, dsp, bram36 : int
        Device capacity: 6-input LUTs, flip-flops, DSP slices (DSP48E1/E2) and
        36 Kbit block RAMs (a RAMB18 counts half).
    uram : int
        UltraRAM blocks (288 Kbit; 0 on 7-series).
    """

    part: str
    family: str
    lut: int
    ff: int
    dsp: int
    bram36: int
    uram: int = 0


URAM_WORD_BITS, URAM_DEPTH = 72, 4096
"""Geometry of one UltraRAM block (URAM288): 4,096 words of 72 bits, one clock,
synchronous reads, no initial contents."""

URAM_MIN_BITS = 1 << 20
"""Smallest memory (bits) placed in UltraRAM on a part that has it. Above this the
288 Kbit granularity wastes little, and block RAM stays free for the twiddle ROM
(which needs initial contents, which UltraRAM cannot hold) and the PS side's
interconnect and DMA FIFOs."""


def ram_attrs(uram: bool, depth: int, width: int) -> dict[str, str] | None:
    """Synthesis attributes for a ``depth`` x ``width``-bit RAM (``Memory(attrs=...)``).

    ``{"ram_style": "ultra"}`` when ``uram`` (the target has UltraRAM) and the
    memory holds at least :data:`URAM_MIN_BITS`; ``None`` (the tool's own choice,
    block RAM or LUT RAM by size) otherwise. Vivado and Yosys (``synth_xilinx
    -uram``) both read the attribute. The memory must then have no initial contents.
    """
    return {"ram_style": "ultra"} if uram and depth * width >= URAM_MIN_BITS else None


def uram_blocks(depth: int, width: int) -> int:
    """UltraRAM blocks a ``depth`` x ``width``-bit memory takes at most (whole
    4,096 x 72 tiles; Yosys may pack a partial row tighter)."""
    return -(-width // URAM_WORD_BITS) * -(-depth // URAM_DEPTH)


XC7Z020 = Device("xc7z020clg400-1", "xc7", lut=53_200, ff=106_400, dsp=220, bram36=140)
XCZU7EV = Device(
    "xczu7ev-ffvc1156-2-e", "xcup", lut=230_400, ff=460_800, dsp=1_728, bram36=312, uram=96
)
XCK26 = Device(
    "xck26-sfvc784-2LV-c", "xcup", lut=117_120, ff=234_240, dsp=1_248, bram36=144, uram=64
)
XCZU48DR = Device(
    "xczu48dr-ffvg1517-2-e", "xcup", lut=425_280, ff=850_560, dsp=4_272, bram36=1_080, uram=80
)
"""Zynq UltraScale+ RFSoC ZU48DR (Gen 3; ZCU208, RFSoC 4x2): capacity as the RFSoC
data sheet overview (DS889) lists it; the DSP count is the one the issue gives, the
LUT/FF/BRAM/URAM figures match a third-party utilization report for this part (no
copy of DS889 was at hand to check them against)."""


@dataclass(frozen=True)
class NTTConfig:
    """Parameters of the streaming NTT engine (:mod:`zkel.gateware.ntt.engine`).

    Members
    -------
    max_log_size : int
        Largest transform the engine holds on chip, as log2 of the element count.
        Larger transforms split four-step with the host (see the engine's docs).
    units : int
        Radix-2 butterfly units working in parallel, a power of two; each does
        one butterfly per clock in steady state around a pipelined multiplier,
        one per ``n + 1`` clocks around an iterative one.
    pipelined : bool
        Whether the butterflies may use the pipelined multiplier when the DSPs
        allow it (:func:`zkel.gateware.top.choose_multiplier`); False keeps them
        iterative, for a build whose LUTs would not hold it.
    """

    max_log_size: int
    units: int = 1
    pipelined: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.pipelined, bool):
            raise ValueError(f"NTT pipelined must be True or False, not {self.pipelined!r}")
        if not isinstance(self.units, int) or self.units < 1 or self.units & (self.units - 1):
            raise ValueError(f"NTT units must be a power of two, not {self.units!r}")
        if not isinstance(self.max_log_size, int) or not 1 <= self.max_log_size <= 28:
            raise ValueError(f"NTT max_log_size must be in 1..28, not {self.max_log_size!r}")
        if (1 << self.max_log_size) < 2 * self.units:
            raise ValueError(
                f"NTT max size 2^{self.max_log_size} is smaller than two words of "
                f"{self.units} elements"
            )

    @property
    def min_log_size(self) -> int:
        """log2 of the smallest transform: two memory words of ``units`` elements."""
        return self.units.bit_length()  # log2(2 * units)


MSM_ADDER_MULTIPLIERS = (2, 4, 6, 12)
"""Multiplier counts the point adder supports: 12 is fully pipelined (one addition
per clock); fewer share each product stage's six products (see
:mod:`zkel.gateware.ec.padd`)."""


@dataclass(frozen=True)
class MSMConfig:
    """Parameters of the MSM bucket engine (:mod:`zkel.gateware.msm.engine`).

    Members
    -------
    window_bits : int
        Pippenger window width c in bits (2..16); signed digits, so a window has
        ``2^(c-1)`` buckets, and a 254-bit scalar ``254 // c + 1`` windows.
    multipliers : int
        Montgomery multipliers in the point adder, one of
        :data:`MSM_ADDER_MULTIPLIERS`: 12 gives one addition per clock, ``m``
        gives one per ``ceil(12 / m)`` multiplier issue slots.
    queue_depth : int
        Entries of the collision queue that parks a point whose bucket is in
        the adder pipeline.
    """

    window_bits: int
    multipliers: int = 12
    queue_depth: int = 16

    def __post_init__(self) -> None:
        if not isinstance(self.window_bits, int) or not 2 <= self.window_bits <= 16:
            raise ValueError(f"MSM window_bits must be in 2..16, not {self.window_bits!r}")
        if self.multipliers not in MSM_ADDER_MULTIPLIERS:
            raise ValueError(
                f"MSM multipliers must be one of {MSM_ADDER_MULTIPLIERS}, not {self.multipliers!r}"
            )
        if not isinstance(self.queue_depth, int) or not 1 <= self.queue_depth <= 64:
            raise ValueError(f"MSM queue_depth must be in 1..64, not {self.queue_depth!r}")

    @property
    def n_windows(self) -> int:
        """Windows of a 254-bit scalar in signed digits (room for the final carry)."""
        return 254 // self.window_bits + 1

    @property
    def buckets_per_window(self) -> int:
        """Buckets of one window: ``2^(c-1)`` (digit magnitudes 1..2^(c-1))."""
        return 1 << (self.window_bits - 1)

    @property
    def bucket_entries(self) -> int:
        """Bucket RAM words: every window's buckets are on chip at once."""
        return self.n_windows * self.buckets_per_window

    @property
    def bucket_ram_bits(self) -> int:
        """Bucket RAM size in bits (768 per bucket: projective X, Y, Z of 256 bits)."""
        return self.bucket_entries * 3 * ELEMENT_BITS


@dataclass(frozen=True)
class AccelConfig:
    """One accelerator build.

    Members
    -------
    name : str
        Registry key (``zkel hw report --config NAME``).
    device : Device
        Target part and capacity.
    clock_mhz : float
        Fabric clock the build aims at (MHz).
    stream_bits : int
        AXI4-Stream TDATA width in bits (one of :data:`STREAM_BEAT_BITS`).
    limb_bits : int
        Montgomery multiplier limb width in bits (17 fits the 25x18 DSP48E1
        and 27x18 DSP48E2 multipliers unsigned): the iterative multiplier's limbs,
        and the pipelined one's digits of ``a`` and of the quotient, against wide
        limbs of ``b`` from the device family (26 bits on ``xcup``, 24 on ``xc7``;
        :data:`zkel.gateware.arith.montmul_wide.WIDE_LIMB_BITS`).
    ntt : NTTConfig
        NTT engine parameters.
    msm : MSMConfig
        MSM engine parameters.
    tiny : bool
        True for the small test configurations (not meant for a board).
    """

    name: str
    device: Device
    clock_mhz: float
    stream_bits: int
    limb_bits: int
    ntt: NTTConfig
    msm: MSMConfig = MSMConfig(window_bits=3)
    tiny: bool = False
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.stream_bits not in STREAM_BEAT_BITS:
            raise ValueError(
                f"Stream width must be one of {STREAM_BEAT_BITS} bits, not {self.stream_bits!r}"
            )
        if not isinstance(self.limb_bits, int) or not 8 <= self.limb_bits <= 64:
            raise ValueError(f"Limb width must be an integer in 8..64, not {self.limb_bits!r}")

    @property
    def beats_per_element(self) -> int:
        """AXI4-Stream beats carrying one 256-bit element."""
        return ELEMENT_BITS // self.stream_bits


CONFIGS: dict[str, AccelConfig] = {
    c.name: c
    for c in (
        AccelConfig(
            "z7020",
            XC7Z020,
            clock_mhz=100.0,
            stream_bits=64,
            limb_bits=17,
            ntt=NTTConfig(max_log_size=12, units=1),
            msm=MSMConfig(window_bits=7, multipliers=2),  # 1.8 Mbit buckets; MontMulIterative
            notes="PYNQ-Z2; HP port 64 bits; leaves room for the PS interconnect and AXI DMA",
        ),
        AccelConfig(
            "zu7ev",
            XCZU7EV,
            clock_mhz=250.0,
            stream_bits=128,
            limb_bits=17,
            ntt=NTTConfig(max_log_size=14, units=1),  # pipelined Fr: 285 DSPs
            msm=MSMConfig(window_bits=11, multipliers=4),  # 18.9 Mbit buckets (URAM)
            notes=(
                "ZCU104. DSPs: 4 pipelined Fq multipliers (4 x 315 = 1,260) and one "
                "pipelined Fr butterfly unit (285): 1,545 of 1,728. One addition per 3 "
                "clocks and one butterfly per clock; 6 Fq multipliers (1,890) do not fit, "
                "and 2 would halve the MSM to give the NTT a second unit, a bad trade "
                "(the MSMs of a proof take several times the NTTs' clocks). The whole "
                "top by Yosys (zkel hw report, before the adder's x9 units were rebuilt): "
                "144,042 of 230,400 LUTs (62.5%), "
                "buckets and NTT data in 80 of the 96 URAM288, 57 BRAM36"
            ),
        ),
        AccelConfig(
            "k26",
            XCK26,
            clock_mhz=250.0,
            stream_bits=128,
            limb_bits=17,
            ntt=NTTConfig(max_log_size=13, units=1),  # pipelined Fr: 285 DSPs
            msm=MSMConfig(window_bits=10, multipliers=2),  # 10.2 Mbit buckets (URAM)
            notes=(
                "KV260 (K26 SOM). DSPs: 2 pipelined Fq multipliers (630) and one "
                "pipelined Fr unit (285): 915 of 1,248; 4 Fq multipliers (1,260) exceed "
                "the DSPs, so one addition per 6 clocks, and one butterfly per clock. "
                "LUTs set the NTT's one unit: the whole top by Yosys (zkel hw report, "
                "before the adder's x9 units were rebuilt) takes 101,868 of the "
                "117,120 (87%), buckets and NTT data in 51 of the 64 URAM288, 29 BRAM36"
            ),
        ),
        AccelConfig(
            "zu48dr",
            XCZU48DR,
            clock_mhz=250.0,
            stream_bits=128,
            limb_bits=17,
            ntt=NTTConfig(max_log_size=14, units=1),  # pipelined Fr: 285 DSPs
            msm=MSMConfig(window_bits=10, multipliers=12),  # 10.2 Mbit buckets (URAM)
            notes=(
                "RFSoC 4x2 (ZCU208 has the same part in another package). DSPs: 12 "
                "pipelined Fq multipliers (3,780), a fully pipelined adder (one addition "
                "per clock; c = 10, where bench gateware measures 0.993 additions per "
                "clock), and one pipelined Fr unit (285): 4,065 of 4,272. LUTs by "
                "Yosys block sums (the whole-top run traps in yowasp's ABC9): 13 multipliers at "
                "~20,700 with their shift registers and the engines' ~41,000, about "
                "73% of 425,280; memories as k26's buckets and zu7ev's NTT, 59 of "
                "the 80 URAM288"
            ),
        ),
        AccelConfig(
            "tiny",
            XC7Z020,
            clock_mhz=100.0,
            stream_bits=64,
            limb_bits=17,
            ntt=NTTConfig(max_log_size=5, units=1),
            msm=MSMConfig(window_bits=3, multipliers=12),
            tiny=True,
            notes="simulation: one butterfly unit, up to 32 elements",
        ),
        AccelConfig(
            "tiny2",
            XC7Z020,
            clock_mhz=100.0,
            stream_bits=128,
            limb_bits=17,
            ntt=NTTConfig(max_log_size=5, units=2),
            msm=MSMConfig(window_bits=2, multipliers=2),
            tiny=True,
            notes="simulation: two butterfly units, up to 32 elements",
        ),
    )
}


def get_config(name: str) -> AccelConfig:
    """The configuration registered as ``name``; ``KeyError`` names the known ones."""
    try:
        return CONFIGS[name]
    except KeyError:
        raise KeyError(
            f"unknown accelerator configuration {name!r}; known: {sorted(CONFIGS)}"
        ) from None
