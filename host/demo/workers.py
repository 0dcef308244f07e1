"""Batches proven in parallel worker processes, settled in order by the caller.

Once the sequencer has cut a batch, its proof depends on nothing but its records
and the proving key, so independent batches are proven at the same time, one per
core (the CPU prover is single-threaded). Workers are forked: they share the
parent's proving key (copy-on-write) instead of reading the zkey again. A batch
the circuit refuses raises its ``BatchNotProvable`` in the caller, and the other
workers are stopped at once. POSIX only (``fork``); ``jobs = 1`` needs no worker.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence

from zkel.circuits import groth16
from zkel.circuits.transition.circuit import Shape
from zkel.host.demo.pipeline import Proven, prove_batch
from zkel.host.exchange import Batch

#: set in the parent just before forking: (shape, proving key, kernels backend name)
_STATE: tuple[Shape, groth16.ProvingKey, str] | None = None


def _quiet(*_args: object) -> None:
    """Workers draw no progress; the parent counts finished proofs."""


def _prove(batch: Batch) -> Proven:
    from zkel.host.accel import kernels

    assert _STATE is not None, "worker forked without its proving key"
    shape, pk, backend = _STATE
    return prove_batch(batch, shape, pk, kernels(backend), _quiet, _quiet)


def prove_in_parallel(
    batches: Sequence[Batch], shape: Shape, pk: groth16.ProvingKey, backend: str, jobs: int
) -> Iterator[Proven]:
    """The proofs of ``batches``, in order, from ``jobs`` forked workers (``jobs >= 2``)."""
    global _STATE
    _STATE = (shape, pk, backend)
    pool = multiprocessing.get_context("fork").Pool(min(jobs, len(batches)) or 1)
    try:
        pending = [pool.apply_async(_prove, (b,)) for b in batches]
        for result in pending:
            yield result.get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _STATE = None
