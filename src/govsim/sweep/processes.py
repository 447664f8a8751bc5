"""The ``processes`` backend: worker processes on this machine.

Start-up is what a user waits for: a fresh Python that imports govsim (Mesa, pandas, scipy)
costs about a second of CPU per worker, as long as ~40 classroom runs. On Linux the workers
are therefore forked from the driver when the pool opens, before the directory is locked,
and start with everything already imported; elsewhere they are spawned and import it. The
run configuration travels as cloudpickle bytes, so a protocol class a notebook defined in
``__main__`` reaches every worker either way.

Workers ignore Ctrl-C and SIGTERM (the driver stops them), run one BLAS thread each, and exit
within a fifth of a second when the driver dies, even by SIGKILL. A worker the system kills
(out of memory, a crash in compiled code) breaks the pool: finished chunks are kept, and the
runs of the others are run again one at a time in a fresh pool, so that only a run that kills
its worker on its own is lost, named by its design point and the signal.
"""

from __future__ import annotations

import ast
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import cloudpickle

from govsim.sweep.runner import ChunkResult, Lost, RunConfig, one_line, run_chunk
from govsim.sweep.seeds import RunSpec

# GOVSIM_START_METHOD=spawn (or forkserver) if a host process must not be forked
START_METHOD = os.environ.get("GOVSIM_START_METHOD") or ("fork" if sys.platform == "linux" else "spawn")
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
LIKELY_CAUSE = {
    "SIGKILL": "often the system running out of memory",
    "SIGSEGV": "a crash in compiled code",
    "SIGBUS": "a crash in compiled code",
    "SIGABRT": "an abort in compiled code",
}
_configs: dict[bytes, RunConfig] = {}  # in a worker: the configuration of the sweep it serves


def leave_signals_to_the_driver() -> None:
    """In a worker: ignore Ctrl-C (the driver stops the workers); SIGTERM and SIGHUP end it,
    unless the driver ignores them (started under ``nohup``): then the worker ignores them too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signum = getattr(signal, name)
            if signal.getsignal(signum) is not signal.SIG_IGN:  # a fork inherits the driver's choice
                signal.signal(signum, signal.SIG_DFL)


def worker_start(parent: int) -> None:
    """In a new worker: leave signals to the driver, one BLAS thread, and exit when ``parent`` dies."""
    leave_signals_to_the_driver()
    os.environ.update(ONE_THREAD)
    if START_METHOD == "forkserver":  # its parent is the fork server, which ends with the driver
        parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="govsim-parent-watch", daemon=True).start()


def check_main_guard(method: str = START_METHOD) -> None:
    """Refuse to start workers that would run the user's script again.

    Under the ``spawn`` and ``forkserver`` start methods (the defaults on macOS and Windows)
    every new worker imports the script the driver runs (``__main__``). A sweep started at
    its top level, outside ``if __name__ == "__main__":``, would then be started again inside
    each worker, which Python refuses with a long traceback in every worker. This looks at the
    lines of ``__main__`` running now and, if one is not under that guard, says so in one line
    before any worker starts. Notebooks, ``python -c`` and the REPL have no script to import
    again and pass.

    Raises
    ------
    ValueError
        The script, the line and the guard to put around it.
    """
    if method == "fork":
        return
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or not reimported_by_workers(main):
        return
    frame, lines = sys._getframe(), []
    while frame is not None:
        if frame.f_globals is vars(main) and frame.f_code.co_name == "<module>":
            lines.append(frame.f_lineno)
        frame = frame.f_back
    if not lines:
        return
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):  # no source to read: nothing to say
        return
    guarded = [
        (node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_main_test(node.test)
    ]
    for line in lines:
        if not any(first <= line <= last for first, last in guarded):
            name = Path(path).name
            raise ValueError(
                f"{name}, line {line}: the sweep starts at the top level of the script, and under the "
                f"{method!r} start method each worker imports {name} again and would start it again: "
                'put it under `if __name__ == "__main__":`'
            )


def reimported_by_workers(main: Any) -> bool:
    """Whether a spawned worker runs the driver's ``__main__`` module again.

    It follows :mod:`multiprocessing.spawn`: a package run as ``python -m package`` (its
    ``package.__main__``) is never imported again, nor a main module without a file; any
    other script or ``python -m module`` is, under the name ``__mp_main__``.
    """
    spec = getattr(main, "__spec__", None)
    name = getattr(spec, "name", None)
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return False
    return bool(getattr(main, "__file__", None))


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    texts = [s.value for s in sides if isinstance(s, ast.Constant)]
    return names == ["__name__"] and texts == ["__main__"]


def warm() -> int:
    """Nothing: submitted when the pool opens so that the workers start while the driver plans."""
    return os.getpid()


def run_pickled(blob: bytes, specs: list[RunSpec]) -> ChunkResult:
    """:func:`run_chunk` with the configuration as cloudpickle bytes (unpickled once per worker)."""
    if blob not in _configs:
        _configs.clear()
        _configs[blob] = cloudpickle.loads(blob)
    return run_chunk(_configs[blob], specs)


def death_of(processes: list[Any]) -> str:
    """One line on the worker the system killed, naming the signal and its likely cause."""
    deadline = time.monotonic() + 2  # the pool's own thread may be reaping it at this moment
    while True:
        killed = [-p.exitcode for p in processes if p.exitcode is not None and p.exitcode < 0]
        if killed or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    # the pool terminates the other workers with SIGTERM once one has died: prefer another signal,
    # then a worker that exited by itself (os._exit in a protocol, a crash reported as a status)
    signum = next((s for s in killed if s != signal.SIGTERM), None)
    exited = [p.exitcode for p in processes if p.exitcode is not None and p.exitcode > 0]
    if signum is None and exited:
        return f"a worker process exited by itself (status {exited[0]})"
    signum = signum or (killed[0] if killed else None)
    if signum is None:
        return "a worker process died"
    name = signal.Signals(signum).name
    cause = LIKELY_CAUSE.get(name)
    return f"a worker process was killed by {name}" + (f" ({cause})" if cause else "")


class ProcessPool:
    """``workers`` local processes, started when the pool opens; ``run`` yields chunks as they finish."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: Any = None
        self.futures: dict[Future, list[RunSpec]] = {}
        self.known: dict[int, Any] = {}
        self.context: Any = None

    def __enter__(self) -> ProcessPool:
        try:
            context = multiprocessing.get_context(START_METHOD)
        except ValueError:
            allowed = ", ".join(multiprocessing.get_all_start_methods())
            raise ValueError(
                f"GOVSIM_START_METHOD={START_METHOD!r} is not known (allowed: {allowed})"
            ) from None
        check_main_guard()
        self.context = context
        self._open()
        return self

    def _open(self) -> None:
        """Start the workers (again, after one died and broke the pool)."""
        self.known = {}
        self.executor = ProcessPoolExecutor(
            self.workers,
            mp_context=self.context,
            initializer=worker_start,
            initargs=(os.getpid(),),
        )
        for _ in range(self.workers):
            self.executor.submit(warm)
        self.processes()

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if exc is not None:  # an error or an interruption: stop the workers now
            self.stop()
        else:
            self.executor.shutdown(wait=True)

    def processes(self) -> list[Any]:
        """The worker processes (kept from the start: a broken pool forgets its own)."""
        self.known.update(getattr(self.executor, "_processes", None) or {})
        return list(self.known.values())

    def stop(self) -> None:
        """Cancel what is queued and kill the workers (they hold nothing the driver has not stored)."""
        for future in self.futures:
            future.cancel()
        for process in self.processes():
            with contextlib.suppress(OSError, ValueError):  # only one not yet reaped: never a reused pid
                process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def run(self, config: RunConfig, chunks: list[list[RunSpec]]) -> Iterator[ChunkResult | Lost]:
        """Submit every chunk; yield results as they finish, and :class:`Lost` for runs no worker survives.

        A worker that dies breaks the pool and takes every unfinished chunk with it. Their runs are
        then run again one at a time, each in a pool started afresh if the previous run broke it,
        so that healthy runs are kept and only a run that kills its worker on its own is lost
        (``killer=True``, named by its design point).
        """
        blob = cloudpickle.dumps(config)
        self.futures = futures = {self.executor.submit(run_pickled, blob, chunk): chunk for chunk in chunks}
        suspects: list[RunSpec] = []
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenExecutor:  # the pool is gone: which of these runs killed it is not known yet
                suspects.extend(futures[future])
            except Exception as exc:  # e.g. a protocol class that cannot be pickled
                yield Lost(futures[future], one_line(exc))
        broken = bool(suspects)
        for spec in suspects:
            if broken:
                self.executor.shutdown(wait=True, cancel_futures=True)
                self._open()
            future = self.executor.submit(run_pickled, blob, [spec])
            self.futures = {future: [spec]}
            broken = False
            try:
                yield future.result()
            except BrokenExecutor:
                broken = True
                reason = death_of(self.processes())
                yield Lost([spec], f"its worker died each time it ran ({reason})", killer=True)
            except Exception as exc:
                yield Lost([spec], one_line(exc))
