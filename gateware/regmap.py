"""The accelerator's AXI4-Lite register map and AXI4-Stream word formats: one definition.

The gateware (:mod:`zkel.gateware.axi.lite`, :mod:`zkel.gateware.top`), the host
driver, the docs and the bitstream manifest all read this module; offsets are
generated from the order of :data:`REGISTERS` (32-bit registers, 4 bytes apart,
from offset 0), never written by hand. :func:`render_markdown` prints it.

Streams (see :data:`NTT_IN` and :data:`NTT_OUT`): a field element is 256 bits, the
value in the low 254 and the top 2 bits zero, split into TDATA beats least
significant beat first, each beat little-endian (the byte order of a ``uint64``
array holding the element's 64-bit limbs least significant limb first). TLAST is
high on the last beat of the last element of a transfer, and only there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from zkel.gateware.config import ELEMENT_BITS, AccelConfig

MAGIC = 0x5A4B454C
"""Value of the ID register: ASCII ``"ZKEL"``."""

VERSION_MAJOR = 1
VERSION_MINOR = 0
"""Register-map version; a driver refuses a bitstream with another major."""

REG_BYTES = 4


# register field access kinds
RO = "ro"  # read-only: the gateware drives it
RW = "rw"  # read-write: the host writes, reads back what it wrote
PULSE = "pulse"  # write-1 command bits: high for one clock when written, read as 0


class Mode(IntEnum):
    """Values of ``CTRL.MODE``: which engine a job runs on."""

    NTT = 0
    MSM = 1


@dataclass(frozen=True)
class Field:
    """A bit field of a register: ``width`` bits from bit ``lsb``."""

    name: str
    lsb: int
    width: int
    access: str
    doc: str

    @property
    def mask(self) -> int:
        """The field's bits in place (``((1 << width) - 1) << lsb``)."""
        return ((1 << self.width) - 1) << self.lsb


@dataclass(frozen=True)
class Register:
    """A 32-bit register; ``offset`` (bytes) is filled in from the register's position."""

    name: str
    fields: tuple[Field, ...]
    doc: str
    offset: int = -1

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"register {self.name} has no field {name!r}")

    @property
    def access(self) -> str:
        """``ro`` if every field is read-only, else ``rw`` (pulse bits included)."""
        return RO if all(f.access == RO for f in self.fields) else RW


def _whole(name: str, access: str, doc: str) -> tuple[Field, ...]:
    return (Field(name, 0, 32, access, doc),)


_SHIFT_DOC = "coset base, canonical form, bits {lo}..{hi} of the 256-bit value"

_DEFS: tuple[Register, ...] = (
    Register("ID", _whole("MAGIC", RO, 'constant 0x5A4B454C ("ZKEL")'), "identifies the core"),
    Register(
        "VERSION",
        (
            Field("MINOR", 0, 16, RO, "register-map minor version (compatible additions)"),
            Field("MAJOR", 16, 16, RO, "register-map major version (incompatible changes)"),
        ),
        "register-map version",
    ),
    Register(
        "NTT_CONFIG",
        (
            Field("MAX_LOG_SIZE", 0, 5, RO, "log2 of the largest NTT held on chip"),
            Field("MIN_LOG_SIZE", 5, 5, RO, "log2 of the smallest NTT (2 x units)"),
            Field("UNITS", 10, 6, RO, "butterfly units (each one butterfly per clock)"),
            Field("STREAM_BYTES", 16, 8, RO, "AXI4-Stream TDATA width in bytes"),
            Field("LIMB_BITS", 24, 8, RO, "Montgomery multiplier limb width in bits"),
        ),
        "NTT engine parameters (read-only, from the build's configuration)",
    ),
    Register(
        "MSM_CONFIG",
        (
            Field("PRESENT", 0, 1, RO, "1 when the build has an MSM engine"),
            Field("WINDOW_BITS", 1, 5, RO, "MSM window width c in bits (0 when absent)"),
        ),
        "MSM engine parameters (read-only)",
    ),
    Register(
        "CLOCK",
        _whole("KHZ", RO, "fabric clock the build aims at, in kHz"),
        "target clock",
    ),
    Register(
        "CTRL",
        (
            Field("START", 0, 1, PULSE, "write 1: start a job with the settings below"),
            Field("SOFT_RESET", 1, 1, PULSE, "write 1: abandon the job, flush the engines"),
            Field("MODE", 4, 2, RW, "engine: 0 NTT, 1 MSM"),
            Field("INVERSE", 8, 1, RW, "NTT: inverse transform (scaled by 1/n)"),
            Field("COSET", 9, 1, RW, "NTT: coset variant, element j scaled by SHIFT^j"),
        ),
        "control; START and SOFT_RESET read as 0",
    ),
    Register(
        "STATUS",
        (
            Field("BUSY", 0, 1, RO, "a job is running"),
            Field("DONE", 1, 1, RO, "the last job finished (cleared by START)"),
            Field("ERR_LENGTH", 8, 1, RO, "LENGTH is not a size this build supports"),
            Field("ERR_TLAST", 9, 1, RO, "input TLAST early or missing on the last beat"),
            Field("ERR_MODE", 10, 1, RO, "MODE names an engine this build lacks"),
        ),
        "status; error bits are cleared by START",
    ),
    Register(
        "LENGTH",
        _whole("COUNT", RW, "NTT: elements n (power of two); MSM: points"),
        "job length",
    ),
    Register("CYCLES_LO", _whole("COUNT", RO, "bits 0..31"), "clocks from START to DONE"),
    Register("CYCLES_HI", _whole("COUNT", RO, "bits 32..63"), "clocks from START to DONE"),
    Register("COMPUTE_LO", _whole("COUNT", RO, "bits 0..31"), "clocks spent computing"),
    Register("COMPUTE_HI", _whole("COUNT", RO, "bits 32..63"), "clocks spent computing"),
    *(
        Register(
            f"SHIFT{i}",
            _whole("VALUE", RW, _SHIFT_DOC.format(lo=32 * i, hi=32 * i + 31)),
            "NTT coset base g: the driver writes g for a coset NTT, g^-1 for a coset inverse",
        )
        for i in range(8)
    ),
)

REGISTERS: tuple[Register, ...] = tuple(
    Register(r.name, r.fields, r.doc, offset=i * REG_BYTES) for i, r in enumerate(_DEFS)
)
BY_NAME: dict[str, Register] = {r.name: r for r in REGISTERS}
ADDR_BITS = (len(REGISTERS) * REG_BYTES - 1).bit_length()
"""Byte-address bits the AXI4-Lite slave decodes."""


def offset(name: str) -> int:
    """Byte offset of register ``name``."""
    try:
        return BY_NAME[name].offset
    except KeyError:
        raise KeyError(f"no register {name!r}") from None


def encode(name: str, **values: int) -> int:
    """The 32-bit word for register ``name`` with the given field values."""
    reg = BY_NAME[name]
    word = 0
    for key, value in values.items():
        f = reg.field(key)
        if not 0 <= int(value) < 1 << f.width:
            raise ValueError(f"{name}.{key} = {value!r} does not fit in {f.width} bits")
        word |= int(value) << f.lsb
    return word


def decode(name: str, word: int) -> dict[str, int]:
    """Field values of a 32-bit word read from register ``name``."""
    return {f.name: (word >> f.lsb) & ((1 << f.width) - 1) for f in BY_NAME[name].fields}


def config_words(cfg: AccelConfig) -> dict[str, int]:
    """Values of the read-only configuration registers for build ``cfg``."""
    return {
        "ID": MAGIC,
        "VERSION": encode("VERSION", MAJOR=VERSION_MAJOR, MINOR=VERSION_MINOR),
        "NTT_CONFIG": encode(
            "NTT_CONFIG",
            MAX_LOG_SIZE=cfg.ntt.max_log_size,
            MIN_LOG_SIZE=cfg.ntt.min_log_size,
            UNITS=cfg.ntt.units,
            STREAM_BYTES=cfg.stream_bits // 8,
            LIMB_BITS=cfg.limb_bits,
        ),
        "MSM_CONFIG": encode("MSM_CONFIG", PRESENT=1, WINDOW_BITS=cfg.msm.window_bits),
        "CLOCK": round(cfg.clock_mhz * 1000),
    }


# --- stream formats ---------------------------------------------------------------


@dataclass(frozen=True)
class StreamFormat:
    """An AXI4-Stream payload: what one transfer carries and how it is packed."""

    name: str
    direction: str
    items: str
    form: str
    tlast: str


NTT_IN = StreamFormat(
    "ntt_in",
    "host to core (S_AXIS)",
    "n elements of Fr in natural order (coefficients for a forward NTT, evaluations "
    "for an inverse), each < r",
    "canonical; any form works, since the transform is linear and its constants are "
    "multiplied in Montgomery form, so the output is in the form of the input",
    "on the last beat of element n-1; elsewhere low (mismatch sets STATUS.ERR_TLAST)",
)
NTT_OUT = StreamFormat(
    "ntt_out",
    "core to host (M_AXIS)",
    "n elements of Fr in natural order, each < r",
    "the form of the input",
    "on the last beat of element n-1 (an AXI DMA S2MM needs it to finish)",
)
MSM_IN = StreamFormat(
    "msm_in",
    "host to core (S_AXIS)",
    "per point, three elements: affine x, affine y (each < q; x = y = 0 is the point at "
    "infinity), scalar k (< r); LENGTH points (zkel.gateware.msm.words)",
    "canonical",
    "on the last beat of the last point's scalar; elsewhere low (mismatch sets STATUS.ERR_TLAST)",
)
MSM_OUT = StreamFormat(
    "msm_out",
    "core to host (M_AXIS)",
    "per bucket, three elements X, Y, Z (projective, any common scale; Z = 0 empty), "
    "window 0 first, buckets 1..2^(c-1) within a window; the host reduces and combines",
    "canonical up to the bucket's scale: only X/Z and Y/Z are meaningful",
    "on the last beat of the final bucket's Z",
)
STREAMS: tuple[StreamFormat, ...] = (NTT_IN, NTT_OUT, MSM_IN, MSM_OUT)


def pack_elements(values: Sequence[int], beat_bits: int) -> list[int]:
    """Split 256-bit elements into TDATA beats, least significant beat first."""
    if ELEMENT_BITS % beat_bits:
        raise ValueError(f"beat width must divide {ELEMENT_BITS}, not {beat_bits!r}")
    per = ELEMENT_BITS // beat_bits
    mask = (1 << beat_bits) - 1
    out = []
    for v in values:
        if not 0 <= v < 1 << ELEMENT_BITS:
            raise ValueError(f"element {v!r} does not fit in {ELEMENT_BITS} bits")
        out.extend((v >> (beat_bits * i)) & mask for i in range(per))
    return out


def unpack_elements(beats: Sequence[int], beat_bits: int) -> list[int]:
    """Join TDATA beats (least significant first) back into 256-bit elements."""
    per = ELEMENT_BITS // beat_bits
    if len(beats) % per:
        raise ValueError(f"{len(beats)} beats is not a whole number of {per}-beat elements")
    return [
        sum(b << (beat_bits * i) for i, b in enumerate(beats[k : k + per]))
        for k in range(0, len(beats), per)
    ]


def render_markdown() -> str:
    """The register map and stream formats as markdown tables."""
    lines = [
        f"## Register map (version {VERSION_MAJOR}.{VERSION_MINOR}, AXI4-Lite, 32-bit)",
        "",
        "| offset | register | bits | field | access | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for r in REGISTERS:
        for f in r.fields:
            bits = f"{f.lsb}" if f.width == 1 else f"{f.lsb + f.width - 1}:{f.lsb}"
            lines.append(
                f"| 0x{r.offset:02X} | {r.name} | {bits} | {f.name} | {f.access} | {f.doc} |"
            )
    lines += [
        "",
        "## Stream formats (AXI4-Stream)",
        "",
        f"Elements are {ELEMENT_BITS} bits (value in the low 254), sent least significant "
        "beat first; each beat little-endian.",
        "",
        "| stream | direction | carries | number form | TLAST |",
        "|---|---|---|---|---|",
    ]
    for s in STREAMS:
        lines.append(f"| {s.name} | {s.direction} | {s.items} | {s.form} | {s.tlast} |")
    return "\n".join(lines) + "\n"
