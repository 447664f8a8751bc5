"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Every backend is a pool opened with :func:`open_pool` *before* the results directory is
touched (so an unreachable scheduler writes nothing) and closed whatever happens (an error,
Ctrl-C or SIGTERM shuts the workers down). ``pool.run(config, chunks)`` runs the same
function (:func:`govsim.sweep.runner.run_chunk`) on every chunk and yields each result as soon
as it is done, in whatever order chunks finish; a chunk that did not come back is yielded as a
:class:`Lost` naming its runs and the reason in one line. Results never depend on the backend:
each run owns its stream.

* ``serial``: one chunk after another, here (debugging, tiny sweeps).
* ``processes``: loky worker processes (cloudpickle, so a protocol a notebook defined in
  ``__main__`` travels too), each limited to one BLAS/OpenMP thread. They start importing
  govsim when the pool opens, while the driver plans, and are reused by the next sweep of the
  same process. A worker exits when the driver dies, even by SIGKILL. A worker killed by the
  system (out of memory, a crash in compiled code) breaks the pool: the chunks already
  finished are kept and the rest are reported lost with the signal.
* ``dask``: a ``distributed.Client`` on a scheduler address (dask-jobqueue, dask-gateway, ...)
  or on a fresh ``LocalCluster``. The run configuration goes with each task (no scattered data
  whose loss would cancel unrelated tasks). A chunk lost with its worker is rerun by the
  scheduler (``allowed-failures``); if it keeps killing workers, its runs are tried again one at
  a time so that only the runs that kill their worker are missing.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from enum import Enum
from typing import Any

from govsim.sweep.runner import ChunkResult, RunConfig, run_chunk
from govsim.sweep.seeds import RunSpec

CHUNKS_PER_WORKER = 16  # enough chunks to balance the load and report progress often
MIN_CHUNK, MAX_CHUNK = 4, 200  # a classroom run takes ~50 ms: 4 of them make a task >= 100 ms
DASK_RETRIES = 2
CONNECT_TIMEOUT = "30s"  # how long to wait for a --scheduler
IDLE_TIMEOUT = 60  # seconds a local worker waits for more work before it exits
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
LIKELY_CAUSE = {
    "SIGKILL": "often the system running out of memory",
    "SIGSEGV": "a crash in compiled code",
    "SIGBUS": "a crash in compiled code",
    "SIGABRT": "an abort in compiled code",
}


class Backend(Enum):
    SERIAL = "serial"
    PROCESSES = "processes"
    DASK = "dask"


@dataclass(frozen=True)
class Lost:
    """A chunk that did not come back: its runs and why, in one line."""

    specs: list[RunSpec]
    reason: str
    killer: bool = False  # its runs kill the worker that runs them (the final message names them)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def chunk_size(n_runs: int, workers: int) -> int:
    """Runs per task: about ``CHUNKS_PER_WORKER`` tasks per worker, within [MIN_CHUNK, MAX_CHUNK]."""
    return max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(n_runs / (workers * CHUNKS_PER_WORKER))))


def chunked(specs: Sequence[RunSpec], size: int) -> list[list[RunSpec]]:
    return [list(specs[i : i + size]) for i in range(0, len(specs), size)]


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line (the first line of a long message)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def import_distributed():
    """The ``distributed`` module, or a ``ValueError`` saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise ValueError(
            "the dask backend needs dask.distributed: pip install 'govsim[dask]' (or use --backend processes)"
        ) from None
    return distributed


def open_pool(backend: Backend, *, workers: int, scheduler: str | None = None, client: Any = None):
    """The pool of ``backend``, to use as a context manager (``with open_pool(...) as pool``)."""
    match backend:
        case Backend.SERIAL:
            return SerialPool()
        case Backend.PROCESSES:
            return ProcessPool(workers)
        case Backend.DASK:
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
        for chunk in chunks:
            try:
                yield run_chunk(config, chunk)
            except Exception as exc:  # run_chunk records a run's own errors; this is anything else
                yield Lost(chunk, one_line(exc))


# ---------------------------------------------------------------- local processes (loky)
def _watch_parent(parent: int) -> None:
    """In a worker: exit as soon as the driver ``parent`` is gone (even killed by SIGKILL)."""
    os.environ.update(ONE_THREAD)

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="govsim-parent-watch", daemon=True).start()


def _warm() -> int:
    """Nothing: submitted when the pool opens so that workers import govsim while the driver plans."""
    return os.getpid()


def worker_death(exc: BaseException) -> str:
    """One line on a worker the system killed, naming the signal and its likely cause."""
    names = re.findall(r"\b(SIG[A-Z]+)\b", str(exc))
    if not names:
        return f"a worker process died ({one_line(exc)})"
    cause = LIKELY_CAUSE.get(names[0])
    return f"a worker process was killed by {names[0]}" + (f" ({cause})" if cause else "")


class ProcessPool:
    """loky worker processes on this machine, started when the pool opens."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: Any = None
        self.futures: dict[Any, list[RunSpec]] = {}

    def __enter__(self) -> ProcessPool:
        from joblib.externals.loky import get_reusable_executor

        self.executor = get_reusable_executor(
            max_workers=self.workers,
            timeout=IDLE_TIMEOUT,
            initializer=_watch_parent,
            initargs=(os.getpid(),),
            env=ONE_THREAD,
        )
        for _ in range(self.workers):
            self.executor.submit(_warm)
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if exc is not None:  # an error or an interruption: stop the workers now
            self.stop()

    def stop(self) -> None:
        """Cancel what is queued and kill the workers (loky's own ``kill_workers`` shutdown can
        trip over work it has queued, printing a traceback from its manager thread)."""
        for future in self.futures:
            future.cancel()
        for process in list(getattr(self.executor, "_processes", {}).values()):
            with contextlib.suppress(OSError):  # they hold nothing to save: chunks are stored
                os.kill(process.pid, signal.SIGKILL)
        self.executor.shutdown(wait=True)

    def run(self, config: RunConfig, chunks: list[list[RunSpec]]) -> Iterator[ChunkResult | Lost]:
        from joblib.externals.loky.process_executor import BrokenProcessPool

        self.futures = futures = {self.executor.submit(run_chunk, config, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool as exc:  # the pool is gone: every chunk not finished is lost
                yield Lost(futures[future], worker_death(exc))
            except Exception as exc:  # e.g. a protocol class that cannot be pickled
                yield Lost(futures[future], one_line(exc))


# ---------------------------------------------------------------- Dask
class DaskPool:
    """A Dask client: connected (or its LocalCluster started) when the pool opens."""

    def __init__(self, workers: int, scheduler: str | None, client: Any) -> None:
        self.workers, self.scheduler, self.client = workers, scheduler, client
        self.own_client = client is None
        self.cluster: Any = None

    def __enter__(self) -> DaskPool:
        distributed = import_distributed()
        self.distributed = distributed
        if self.own_client and self.scheduler:
            try:
                self.client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ValueError(f"--scheduler {self.scheduler}: cannot connect ({one_line(exc)})") from None
        elif self.own_client:
            self.cluster = distributed.LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = distributed.Client(self.cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.own_client and self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def _submit(self, config: RunConfig, chunk: list[RunSpec]) -> Any:
        return self.client.submit(run_chunk, config, chunk, retries=DASK_RETRIES, pure=False)

    def run(self, config: RunConfig, chunks: list[list[RunSpec]]) -> Iterator[ChunkResult | Lost]:
        killed_worker = self.distributed.KilledWorker
        futures = {self._submit(config, chunk): chunk for chunk in chunks}
        suspects: list[RunSpec] = []
        for future in self.distributed.as_completed(futures):
            chunk = futures.pop(future)
            try:
                yield future.result()
            except killed_worker:  # maybe only a bystander of a run that kills: sorted out below
                suspects += chunk
            except Exception as exc:
                yield Lost(chunk, one_line(exc))
            future.release()
        for spec in suspects:  # one at a time, so that a run that kills its worker takes no other
            future = self._submit(config, [spec])
            try:
                yield future.result()
            except killed_worker as exc:
                yield Lost([spec], f"its worker died every time ({one_line(exc)})", killer=True)
            except Exception as exc:
                yield Lost([spec], one_line(exc))
            future.release()
