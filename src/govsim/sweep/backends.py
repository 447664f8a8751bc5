"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Every backend is a pool opened with :func:`open_pool` *before* the results directory is
touched (so an unreachable scheduler writes nothing) and closed whatever happens (an error,
Ctrl-C or SIGTERM shuts the workers down). ``pool.run(config, chunks)`` runs the same
function (:func:`govsim.sweep.runner.run_chunk`) on every chunk and yields each result as soon
as it is done, in whatever order chunks finish; a chunk that did not come back is yielded as a
:class:`Lost` naming its runs and the reason in one line. Results never depend on the backend:
each run owns its stream.

* ``serial``: one chunk after another, here (debugging, tiny sweeps).
* ``processes``: worker processes on this machine (:mod:`govsim.sweep.processes`: forked
  with govsim already imported on Linux, a protocol class from a notebook included; one
  BLAS thread each; gone when the driver dies). A worker the system kills breaks the pool:
  the chunks already finished are kept and the rest are reported lost with the signal.
* ``dask``: a ``distributed.Client`` on a scheduler address or on a fresh ``LocalCluster``
  (:mod:`govsim.sweep.cluster`: the configuration travels with each task; only runs that
  kill every worker they meet are missing).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Any

from govsim.sweep.processes import ProcessPool
from govsim.sweep.runner import ChunkResult, Lost, RunConfig, one_line, run_chunk
from govsim.sweep.seeds import RunSpec

CHUNKS_PER_WORKER = 16  # enough chunks to balance the load and report progress often
MIN_CHUNK, MAX_CHUNK = 4, 200  # a classroom run takes ~50 ms: 4 of them make a task >= 100 ms


class Backend(Enum):
    """Where a sweep's runs execute: here in order, in local processes, or on a Dask cluster."""

    SERIAL = "serial"
    PROCESSES = "processes"
    DASK = "dask"


def default_workers() -> int:
    """The CPUs this process may use (its affinity mask where the OS has one), at least 1."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def chunk_size(n_runs: int, workers: int) -> int:
    """Runs per task: about ``CHUNKS_PER_WORKER`` tasks per worker, within [MIN_CHUNK, MAX_CHUNK]."""
    return max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(n_runs / (workers * CHUNKS_PER_WORKER))))


def chunked(specs: Sequence[RunSpec], size: int) -> list[list[RunSpec]]:
    """``specs`` in consecutive lists of ``size`` runs (the last may be shorter)."""
    return [list(specs[i : i + size]) for i in range(0, len(specs), size)]


def tapered(specs: Sequence[RunSpec], size: int, workers: int) -> list[list[RunSpec]]:
    """Chunks of ``size`` runs, shrinking towards the end (never below ``MIN_CHUNK``) so that
    the workers finish together: the last chunks take ~0.1 s instead of a whole chunk's time."""
    chunks, start = [], 0
    while start < len(specs):
        remaining = len(specs) - start
        step = max(1, min(size, max(MIN_CHUNK, math.ceil(remaining / (2 * workers)))))
        chunks.append(list(specs[start : start + step]))
        start += step
    return chunks


def open_pool(backend: Backend, *, workers: int, scheduler: str | None = None, client: Any = None):
    """The pool of ``backend``, to use as a context manager (``with open_pool(...) as pool``)."""
    match backend:
        case Backend.SERIAL:
            return SerialPool()
        case Backend.PROCESSES:
            return ProcessPool(workers)
        case Backend.DASK:
            from govsim.sweep.cluster import DaskPool

            return DaskPool(workers, scheduler, client)
        case _:
            raise ValueError(f"backend {backend!r} is not handled")


class SerialPool:
    """Every chunk here, one after another."""

    def __enter__(self) -> SerialPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, config: RunConfig, chunks: list[list[RunSpec]]) -> Iterator[ChunkResult | Lost]:
        """Run each chunk in turn; a chunk that fails outside its runs is yielded as :class:`Lost`."""
        for chunk in chunks:
            try:
                yield run_chunk(config, chunk)
            except Exception as exc:  # run_chunk records a run's own errors; this is anything else
                yield Lost(chunk, one_line(exc))
