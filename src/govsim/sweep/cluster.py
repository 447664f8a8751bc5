"""The ``dask`` backend: a Dask client on a scheduler address or on a fresh LocalCluster.

The client connects (or the LocalCluster starts, its workers forked like local processes on
Linux) when the pool opens, before the results directory is touched. The run configuration
goes with each task instead of being scattered: scattered data has no lineage, so losing the
workers that hold it would cancel every task waiting on it. A chunk lost with its worker is
rerun by the scheduler (``allowed-failures``); if it keeps killing workers, its runs are tried
again one at a time, so that only the runs that kill their worker are missing and their design
points can be named. A chunk that raises is retried ``DASK_RETRIES`` times.

Only connect to a trusted scheduler: the Dask protocol is unauthenticated pickle.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from govsim.sweep.processes import START_METHOD, leave_signals_to_the_driver
from govsim.sweep.runner import ChunkResult, Lost, RunConfig, one_line, run_chunk
from govsim.sweep.seeds import RunSpec

try:  # the dask extra is optional: import_distributed says how to install it
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - without the extra this module is never used
    WorkerPlugin = object

DASK_RETRIES = 2
CONNECT_TIMEOUT = "30s"  # how long to wait for a --scheduler


def import_distributed():
    """The ``distributed`` module, or a ``ValueError`` saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise ValueError(
            "the dask backend needs dask.distributed: pip install 'govsim[dask]' (or use --backend processes)"
        ) from None
    return distributed


class SignalsPlugin(WorkerPlugin):
    """Applied to every worker of our own LocalCluster, restarted ones included."""

    def setup(self, worker: Any) -> None:
        leave_signals_to_the_driver()


class DaskPool:
    """A Dask client: connected (or its LocalCluster started) when the pool opens."""

    def __init__(self, workers: int, scheduler: str | None, client: Any) -> None:
        self.workers, self.scheduler, self.client = workers, scheduler, client
        self.own_client = client is None
        self.cluster: Any = None
        self.futures: dict[Any, list[RunSpec]] = {}

    def __enter__(self) -> DaskPool:
        distributed = import_distributed()
        self.distributed = distributed
        if self.own_client and self.scheduler:
            try:
                self.client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ValueError(f"--scheduler {self.scheduler}: cannot connect ({one_line(exc)})") from None
        elif self.own_client:  # workers forked like local processes: no second import of govsim
            import dask

            with dask.config.set({"distributed.worker.multiprocessing-method": START_METHOD}):
                self.cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            self.client = distributed.Client(self.cluster)
            self.client.register_plugin(SignalsPlugin())
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        quiet = exc is not None and self.cluster is not None  # stopping our own cluster mid-task
        names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] == "distributed"]
        levels = {n: logging.getLogger(n).level for n in names}
        if quiet:  # its warnings about cancelled tasks say nothing the user needs
            for name in names:
                logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if self.futures:
                with contextlib.suppress(Exception):
                    self.client.cancel(list(self.futures))
            if self.own_client and self.client is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)

    def _submit(self, config: RunConfig, chunk: list[RunSpec]) -> Any:
        return self.client.submit(run_chunk, config, chunk, retries=DASK_RETRIES, pure=False)

    def run(self, config: RunConfig, chunks: list[list[RunSpec]]) -> Iterator[ChunkResult | Lost]:
        killed_worker = self.distributed.KilledWorker
        self.futures = futures = {self._submit(config, chunk): chunk for chunk in chunks}
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
