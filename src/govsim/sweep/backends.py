"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Every backend runs the same function (:func:`govsim.sweep.runner.run_chunk`) on the same
chunks and yields each result as soon as it is done, in whatever order chunks finish; the
driver stores it at once. Results never depend on the backend: each run owns its stream.

* ``serial``: one chunk after another, here (debugging, tiny sweeps).
* ``processes``: joblib's loky workers, which also pickle things a notebook defined in
  ``__main__``; each worker is limited to one BLAS/OpenMP thread.
* ``dask``: a ``distributed.Client`` on a scheduler address (dask-jobqueue, dask-gateway, ...)
  or on a fresh ``LocalCluster``. A chunk lost with its worker is rerun elsewhere
  (the scheduler's ``allowed-failures``); a chunk that raises is retried ``retries`` times.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Any

from govsim.sweep.runner import ChunkResult, RunConfig, run_chunk
from govsim.sweep.seeds import RunSpec

CHUNKS_PER_WORKER = 16  # enough chunks to balance the load and report progress often
MIN_CHUNK, MAX_CHUNK = 4, 200  # a classroom run takes ~50 ms: 4 of them make a task >= 100 ms
DASK_RETRIES = 2


class Backend(Enum):
    SERIAL = "serial"
    PROCESSES = "processes"
    DASK = "dask"


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def chunk_size(n_runs: int, workers: int) -> int:
    """Runs per task: about ``CHUNKS_PER_WORKER`` tasks per worker, within [MIN_CHUNK, MAX_CHUNK]."""
    return max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(n_runs / (workers * CHUNKS_PER_WORKER))))


def chunked(specs: Sequence[RunSpec], size: int) -> list[list[RunSpec]]:
    return [list(specs[i : i + size]) for i in range(0, len(specs), size)]


def execute(
    backend: Backend,
    config: RunConfig,
    chunks: list[list[RunSpec]],
    *,
    workers: int,
    scheduler: str | None = None,
    client: Any = None,
) -> Iterator[ChunkResult | BaseException]:
    """Yield each chunk's result as it finishes (a lost Dask chunk yields its exception)."""
    match backend:
        case Backend.SERIAL:
            return (run_chunk(config, chunk) for chunk in chunks)
        case Backend.PROCESSES:
            return _processes(config, chunks, workers)
        case Backend.DASK:
            return _dask(config, chunks, workers, scheduler, client)
        case _:
            raise ValueError(f"backend {backend!r} is not handled")


def _processes(config: RunConfig, chunks: list[list[RunSpec]], workers: int) -> Iterator[ChunkResult]:
    from joblib import Parallel, delayed, parallel_config

    with parallel_config(backend="loky", inner_max_num_threads=1):
        parallel = Parallel(n_jobs=workers, return_as="generator_unordered")
        yield from parallel(delayed(run_chunk)(config, chunk) for chunk in chunks)


def import_distributed():
    try:
        import distributed
    except ImportError:
        from govsim.cli import UsageError

        raise UsageError(
            "the dask backend needs dask.distributed: pip install 'govsim[dask]' (or use --backend processes)"
        ) from None
    return distributed


def _dask(
    config: RunConfig,
    chunks: list[list[RunSpec]],
    workers: int,
    scheduler: str | None,
    client: Any,
) -> Iterator[ChunkResult | BaseException]:
    distributed = import_distributed()
    cluster = None
    own_client = client is None
    if own_client:
        if scheduler:
            client = distributed.Client(scheduler, timeout="30s")
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
    try:
        shared = client.scatter(config, broadcast=True)
        futures = [
            client.submit(run_chunk, shared, chunk, retries=DASK_RETRIES, pure=False) for chunk in chunks
        ]
        for future in distributed.as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # e.g. KilledWorker after repeated losses: the driver reports it
                yield exc
            future.release()
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
