"""The ``dask`` backend: a Dask client on a scheduler address or on a fresh LocalCluster.

The client connects (or the LocalCluster starts, its workers forked like local processes on
Linux; a worker restarted later is spawned, never forked from the running driver) when the
pool opens, before the results directory is touched. A ``--scheduler`` address is first asked
who it is, under one wall-clock deadline (:func:`probe_scheduler`): a service that is not a
Dask scheduler (a web server, the dashboard port 8787) or that never answers is one line, not
a traceback or a hang. The run configuration
goes with each task instead of being scattered: scattered data has no lineage, so losing the
workers that hold it would cancel every task waiting on it. A chunk lost with its worker is
rerun by the scheduler (``allowed-failures``); if it keeps killing workers, its runs are tried
again one at a time, so that only the runs that kill their worker are missing and their design
points can be named. A chunk that raises is retried ``DASK_RETRIES`` times. A cluster left with
no worker for ``NO_WORKER_SECONDS`` (every restart failed, or it was stopped) ends the sweep:
the chunks still out are reported lost with their design points, to be run again on resume.

Only connect to a trusted scheduler: the Dask protocol is unauthenticated pickle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

from govsim.sweep.processes import START_METHOD, check_main_guard, leave_signals_to_the_driver
from govsim.sweep.runner import ChunkResult, Lost, RunConfig, one_line, run_chunk
from govsim.sweep.seeds import RunSpec

try:  # the dask extra is optional: import_distributed says how to install it
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - without the extra this module is never used
    WorkerPlugin = object

DASK_RETRIES = 2
CONNECT_TIMEOUT = "30s"  # how long to wait for a --scheduler
NO_WORKER_SECONDS = 60.0  # a cluster without any worker this long has failed: end the sweep
WATCH_SECONDS = 1.0  # how often the workers are counted while no chunk comes back
RESTART_SECONDS = 10.0  # how long closing waits for workers the nanny is restarting
RESULT_SECONDS = 10.0  # fetching a finished chunk's result longer than this: its worker is gone
# Our own LocalCluster shares the machine's cores with its workers: on two cores, every CPU
# second Dask spends on itself is taken from a run (benchmarks/sweep_throughput.py prints the
# CPU seconds of driver and workers). Its bookkeeping is turned down: no statistical profiler
# sampling each worker every 10 ms, no GIL monitor, system and event-loop monitors once a
# second or less, and no work stealing (tapered chunks already finish together). Read when
# the cluster starts: workers started later (restarts) get it from their nanny.
LEAN = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.worker.memory.monitor-interval": "1s",
    # A worker the nanny restarts is a fresh process: it logs ("Starting Worker plugin ...")
    # before any plugin can quiet it, so its loggers are set where Dask reads them, at import.
    "distributed.nanny.pre-spawn-environ.DASK_LOGGING__DISTRIBUTED": "critical",
}
PORT_HINT = "a Dask scheduler listens on port 8786 by default; 8787 is its dashboard"


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
        """Leave Ctrl-C to the driver (see :func:`leave_signals_to_the_driver`), so one Ctrl-C stops
        the sweep, and keep Dask's own log lines off the sweep's terminal."""
        leave_signals_to_the_driver()
        quiet_dask_logs()


def quiet_dask_logs() -> dict[str, int]:
    """Set every ``distributed`` logger of this process to CRITICAL; return the levels it had.

    A worker that dies makes Dask log restarts and lost keys (twenty lines for one killing run);
    the sweep says what happened in its own last line, so they only bury it.
    """
    names = ["distributed"] + [
        n for n in list(logging.root.manager.loggerDict) if n.startswith("distributed.")
    ]
    levels = {n: logging.getLogger(n).level for n in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return levels


def probe_scheduler(address: str, timeout: str | None = None) -> None:
    """Ask ``address`` who it is, and refuse anything but a Dask scheduler, within ``timeout``
    (default ``CONNECT_TIMEOUT``).

    The question runs on its own event loop in a helper thread (so it works inside a notebook's
    running loop) and is cancelled at the deadline, handshake included.

    Raises
    ------
    ValueError
        One line: nothing answered in time, the address is malformed, or what answered is not
        a Dask scheduler (another protocol, or a Dask worker).
    """
    from dask.utils import parse_timedelta
    from distributed.core import rpc

    seconds = parse_timedelta(timeout or CONNECT_TIMEOUT, default="s")

    async def identity() -> Any:
        async def ask() -> Any:
            remote = rpc(address, timeout=seconds)
            try:
                return await remote.identity()
            finally:
                await remote.close_rpc()

        return await asyncio.wait_for(ask(), seconds)

    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["answer"] = asyncio.run(identity())
        except BaseException as exc:  # a foreign protocol raises anything (MemoryError)
            box["error"] = exc

    helper = threading.Thread(target=run, name="govsim-scheduler-probe", daemon=True)
    helper.start()
    helper.join(seconds + 5)
    error, answer = box.get("error"), box.get("answer")
    where = f"--scheduler {address}"
    if ("error" not in box and "answer" not in box) or isinstance(error, TimeoutError):
        raise ValueError(
            f"{where}: cannot connect (no Dask scheduler answered within {seconds:g} s; {PORT_HINT})"
        )
    if isinstance(error, (ValueError, OSError)):
        raise ValueError(f"{where}: cannot connect ({one_line(error)})")
    if error is not None:
        raise ValueError(f"{where}: what answered there is not a Dask scheduler ({PORT_HINT})")
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind}" if isinstance(kind, str) else "not a Dask scheduler"
        raise ValueError(f"{where} is {what}, not a scheduler ({PORT_HINT})")


class DaskPool:
    """A Dask client: connected (or its LocalCluster started) when the pool opens."""

    def __init__(self, workers: int, scheduler: str | None, client: Any) -> None:
        self.workers, self.scheduler, self.client = workers, scheduler, client
        self.own_client = client is None
        self.cluster: Any = None
        self.futures: dict[Any, list[RunSpec]] = {}
        self.levels: dict[str, int] = {}

    def __enter__(self) -> DaskPool:
        distributed = import_distributed()
        self.distributed = distributed
        self.levels = quiet_dask_logs()  # until __exit__: the sweep's own lines say what happened
        try:
            return self._connect(distributed)
        except BaseException:
            self._restore_logs()
            raise

    def _restore_logs(self) -> None:
        """Give Dask's loggers back the levels they had (NOTSET for those made during the sweep)."""
        for name in quiet_dask_logs():
            logging.getLogger(name).setLevel(self.levels.get(name, logging.NOTSET))

    def _connect(self, distributed: Any) -> DaskPool:
        if self.own_client and self.scheduler:
            probe_scheduler(self.scheduler)
            try:
                self.client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except Exception as exc:  # it answered a moment ago: gone, or refusing clients
                raise ValueError(f"--scheduler {self.scheduler}: cannot connect ({one_line(exc)})") from None
        elif self.own_client:  # workers forked like local processes: no second import of govsim
            import dask

            check_main_guard("spawn")  # a worker the nanny restarts is spawned, whatever START_METHOD

            with dask.config.set({"distributed.worker.multiprocessing-method": START_METHOD, **LEAN}):
                self.cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            self.client = distributed.Client(self.cluster)
            self.client.register_plugin(SignalsPlugin())
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        quiet_dask_logs()  # loggers Dask created during the sweep; closing warns of cancelled tasks
        try:
            if self.futures:
                with contextlib.suppress(Exception):
                    self.client.cancel(list(self.futures))
            if self.cluster is not None and kind is None:
                # A worker the nanny is restarting (after a run that killed it) and closed
                # half-started prints a traceback from its own process: let it finish starting.
                with contextlib.suppress(Exception):
                    self.client.wait_for_workers(self.workers, timeout=RESTART_SECONDS)
            if self.own_client and self.client is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self._restore_logs()

    def _submit(self, config: RunConfig, chunk: list[RunSpec]) -> Any:
        return self.client.submit(run_chunk, config, chunk, retries=DASK_RETRIES, pure=False)

    def run(self, config: RunConfig, chunks: list[list[RunSpec]]) -> Iterator[ChunkResult | Lost]:
        """Submit every chunk; yield results as they finish, and :class:`Lost` for chunks no worker can finish."""
        killed_worker = self.distributed.KilledWorker
        self.futures = futures = {self._submit(config, chunk): chunk for chunk in chunks}
        suspects: list[RunSpec] = []
        for future, outcome in self._outcomes(futures):
            if future is None:  # no worker left: what is still out is lost
                yield self._no_workers([s for chunk in futures.values() for s in chunk] + suspects)
                return
            chunk = futures.pop(future)
            if isinstance(outcome, killed_worker):  # maybe only a bystander of a run that kills
                suspects += chunk  # sorted out below
            elif isinstance(outcome, BaseException):
                yield Lost(chunk, one_line(outcome))
            else:
                yield outcome
            future.release()
        while suspects:  # one at a time, so that a run that kills its worker takes no other
            spec = suspects.pop(0)
            self.futures = {self._submit(config, [spec]): [spec]}
            future, outcome = next(self._outcomes(self.futures))
            if future is None:
                yield self._no_workers([spec, *suspects])
                return
            if isinstance(outcome, killed_worker):
                yield Lost([spec], f"its worker died every time ({one_line(outcome)})", killer=True)
            elif isinstance(outcome, BaseException):
                yield Lost([spec], one_line(outcome))
            else:
                yield outcome
            future.release()
        self.futures = {}

    def _outcomes(self, futures: dict[Any, list[RunSpec]]) -> Iterator[tuple[Any, Any]]:
        """``(future, its result or exception)`` as each finishes; then ``(None, None)`` and
        nothing more once the cluster has had no worker for ``NO_WORKER_SECONDS`` (a wait that
        would otherwise never end). A result lost with its worker after it was computed goes
        back to waiting (the scheduler computes it again when it can)."""
        timeout_errors = (TimeoutError, getattr(self.distributed, "TimeoutError", TimeoutError))
        done: queue.SimpleQueue = queue.SimpleQueue()
        for future in futures:
            future.add_done_callback(done.put)
        waiting, alone_since = len(futures), None
        while waiting:
            try:
                future = done.get(timeout=WATCH_SECONDS)
            except queue.Empty:
                future = None
            if future is not None:
                try:
                    outcome = future.result(timeout=RESULT_SECONDS)
                except timeout_errors:  # computed, then lost with its worker: wait for it again
                    future.add_done_callback(done.put)
                    future = None
                except Exception as exc:
                    outcome = exc
            if future is not None:
                waiting -= 1
                alone_since = None
                yield future, outcome
                continue
            if self._workers() > 0:
                alone_since = None
                continue
            alone_since = alone_since or time.monotonic()
            if time.monotonic() - alone_since >= NO_WORKER_SECONDS:
                yield None, None
                return

    def _workers(self) -> int:
        """Live workers the scheduler knows of (0 when the scheduler does not answer)."""
        try:
            return len(self.client.nthreads(callback_timeout=WATCH_SECONDS * 5))
        except Exception:  # a scheduler that is gone has no workers
            return 0

    def _no_workers(self, specs: list[RunSpec]) -> Lost:
        with contextlib.suppress(Exception):
            self.client.cancel(list(self.futures))
        points = ", ".join(f"p{p:06d}" for p in sorted({s.point for s in specs}))
        return Lost(
            specs,
            f"the Dask cluster had no worker for {NO_WORKER_SECONDS:g} s (they kept dying, or it was "
            f"stopped); the runs of point(s) {points} were not done",
        )
