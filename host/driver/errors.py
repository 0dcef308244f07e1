"""Errors of the accelerator driver and its buses, each one clear line."""

from __future__ import annotations


class DriverError(RuntimeError):
    """The accelerator cannot do what was asked: wrong bitstream, timeout, engine error."""


class DMATimeout(DriverError):
    """A DMA transfer did not complete in time.

    Members
    -------
    direction : str
        ``"send"`` (host to core, MM2S) or ``"receive"`` (core to host, S2MM).
    timeout_s : float
        The limit that ran out, in seconds of wall time.
    done_beats : int or None
        Stream beats moved before the limit (``None`` where the DMA cannot tell).
    total_beats : int
        Beats asked for.
    """

    def __init__(
        self, direction: str, timeout_s: float, done_beats: int | None, total_beats: int
    ) -> None:
        self.direction = direction
        self.timeout_s = timeout_s
        self.done_beats = done_beats
        self.total_beats = total_beats
        moved = (
            f"{total_beats} beats asked"
            if done_beats is None
            else (f"{done_beats} of {total_beats} beats moved")
        )
        super().__init__(f"DMA {direction} timed out after {timeout_s:g} s ({moved})")
