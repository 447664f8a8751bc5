"""Running a sweep: plan the runs, skip those already stored, ship the rest, store each chunk.

:func:`run_sweep` is the whole of it; ``govsim sweep`` is a thin wrapper. The driver is the
only writer of the results directory, and it writes a chunk the moment it comes back, so
killing the sweep at any point loses at most the chunks in flight; running the same
experiment into the same directory again resumes it.

Order of work, so that a failure says its real cause and leaves nothing half-made: check every
input and the directory (read only); open the pool (connect to the scheduler, start the
workers); take the directory's lock; write the manifest and check that the tables can be
written; run. Whatever ends the sweep (an error, Ctrl-C, SIGTERM or SIGHUP, which raise
:class:`Interrupted`) the pool is shut down, the counts are stored and the lock released.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.measures import user_measures
from govsim.params import check_names
from govsim.protocols import get_protocol
from govsim.scenarios import load_scenario
from govsim.sweep.backends import (
    Backend,
    Lost,
    chunk_size,
    chunked,
    default_workers,
    open_pool,
    tapered,
)
from govsim.sweep.designs import design_points
from govsim.sweep.experiment import Experiment, load_experiment
from govsim.sweep.factors import PROTOCOL
from govsim.sweep.runner import FAILED, ChunkResult, RunConfig, with_settings
from govsim.sweep.seeds import plan
from govsim.sweep.store import Store
from govsim.values import whole


class Interrupted(KeyboardInterrupt):
    """The sweep was stopped by a signal (SIGINT is Ctrl-C; SIGTERM and SIGHUP are handled alike)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass(frozen=True)
class SweepResult:
    """What one call did: runs planned, already stored, run now, failed now, and still missing.

    ``lost`` holds one line per reason chunks did not come back (a worker killed by the
    system ...); ``killer_points`` the design points whose runs killed every worker that ran them, and
    ``killer_runs`` how many runs those are.
    """

    path: Path
    planned: int
    skipped: int
    ran: int
    failed: int
    missing: int
    lost: tuple[str, ...] = ()
    killer_points: tuple[int, ...] = field(default=())
    killer_runs: int = 0

    def runs(self) -> pd.DataFrame:
        """The runs table of the stored results, one row per run."""
        return Store(self.path).runs()


def rebuild_model(out: str | Path, run_id: str):
    """The model of one stored run, built again (not yet run): ``rebuild_model(DIR, "p000003-r0001").run()``."""
    from govsim.sweep.runner import build_model

    experiment = Store(out).experiment()
    spec = next((s for s in plan(experiment) if s.run_id == run_id), None)
    if spec is None:
        raise ValueError(f"run_id {run_id!r} is not part of the experiment stored in {out}")
    return build_model(run_config(experiment), spec)


def _backend(name: str | Backend) -> Backend:
    if isinstance(name, Backend):
        return name
    check_names([name], [b.value for b in Backend], "backend")
    return Backend(name)


def run_config(experiment: Experiment) -> RunConfig:
    """What every worker needs to run the experiment's runs; refuses unregistered protocols."""
    experiment.check_registered()  # a stored experiment may use a protocol a notebook registered
    scenario = load_scenario(experiment.scenario_path or experiment.scenario)
    names = {experiment.protocol or scenario.protocol}
    names |= {level for f in experiment.factors if f.name == PROTOCOL for level in f.levels}
    names |= {p[PROTOCOL] for p in experiment.design.points if PROTOCOL in p}
    return RunConfig(
        protocols={name: type(get_protocol(name)) for name in sorted(names)},
        measures=user_measures(),
        scenario=with_settings(scenario, dict(experiment.fixed), experiment.own_names),
        protocol=experiment.protocol,
        steps=experiment.steps,
        rounds=experiment.rounds,
        fixed=dict(experiment.fixed),
        own=experiment.own_names,
    )


def run_sweep(
    experiment: Experiment | str | Path | None,
    out: str | Path,
    *,
    backend: str | Backend = Backend.PROCESSES,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    resume: bool = False,
    overwrite: bool = False,
    quiet: bool = False,
    chunk: int | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
) -> SweepResult:
    """Run ``experiment`` (an :class:`Experiment` or a TOML path) into the directory ``out``.

    Runs already stored in ``out`` are skipped, failed ones retried; ``overwrite`` deletes the
    stored results first (needed for a different experiment). ``experiment=None`` with
    ``resume=True`` takes the experiment from ``out``'s manifest. Everything is checked
    before anything is written. ``on_chunk`` is called after each chunk is stored.
    """
    if not str(out).strip():
        raise ValueError("out='' is empty: give a results folder ('.' for the current one)")
    store = Store(out)
    if resume and overwrite:
        raise ValueError("--resume keeps the stored runs and --overwrite deletes them: choose one")
    if resume and store.manifest() is None:
        raise ValueError(f"--resume: {store.path} holds no results to resume")
    if experiment is None:
        if not resume:
            raise ValueError("give an experiment file, or --resume to continue the one stored in --out")
        experiment = store.experiment()
    elif not isinstance(experiment, Experiment):
        experiment = load_experiment(experiment)
    kind = _backend(backend)
    workers = default_workers() if workers is None else workers
    workers = whole(workers, "workers", 1)
    chunk = None if chunk is None else whole(chunk, "chunk", 1)
    store.check(experiment, overwrite=overwrite)
    config = run_config(experiment)
    specs = plan(experiment)
    points = [p.settings for p in design_points(experiment)]
    with (
        _signals_interrupt(),
        open_pool(kind, workers=workers, scheduler=scheduler, client=client) as pool,
        store.lock(),
    ):
        store.check(experiment, overwrite=overwrite)  # again, now that no other sweep can change it
        store.open(experiment, points, len(specs), overwrite=overwrite)
        store.check_writable()
        done = store.done()
        todo = [s for s in specs if s.run_id not in done]
        if chunk or kind is Backend.SERIAL:
            chunks = chunked(todo, chunk or chunk_size(len(todo), 1))
        else:
            chunks = tapered(todo, chunk_size(len(todo), workers), workers)
        try:
            results = pool.run(config, chunks)
            ran, failed, lost = _store_all(store, results, len(specs), len(done), quiet, on_chunk)
        except BaseException:
            with contextlib.suppress(Exception):  # never hide why the sweep stopped
                store.update(store.counts())
            raise
        counts = store.counts()
        store.update(counts)
    missing = len(specs) - counts["ok"] - counts["failed"]
    reasons = tuple(dict.fromkeys(item.reason for item in lost if not item.killer))
    killed = {spec.run_id for item in lost if item.killer for spec in item.specs}
    killers = tuple(sorted({spec.point for item in lost if item.killer for spec in item.specs}))
    return SweepResult(store.path, len(specs), len(done), ran, failed, missing, reasons, killers, len(killed))


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Interrupted` here (as Ctrl-C does), so cleanup runs.

    Either is left alone when this process started with it ignored (``nohup``), and the
    workers then ignore it too (:func:`govsim.sweep.processes.leave_signals_to_the_driver`).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    # a signal that arrived ignored stays ignored (nohup ignores SIGHUP so that a job survives logout)
    names = [n for n in names if signal.getsignal(getattr(signal, n)) is not signal.SIG_IGN]
    previous = {n: signal.signal(getattr(signal, n), interrupt) for n in names}
    try:
        yield
    finally:
        for n, handler in previous.items():  # None: set outside Python, restore the default
            signal.signal(getattr(signal, n), signal.SIG_DFL if handler is None else handler)


def _store_all(
    store: Store,
    results: Iterator[ChunkResult | BaseException],
    total: int,
    done: int,
    quiet: bool,
    on_chunk: Callable[[ChunkResult], None] | None,
) -> tuple[int, int, list[Lost]]:
    """Store each chunk as it arrives, with a progress bar of runs done, failed and ETA."""
    from tqdm.auto import tqdm

    ran = failed = 0
    lost: list[Lost] = []
    with tqdm(total=total, initial=done, unit="run", desc="sweep", disable=quiet, dynamic_ncols=True) as bar:
        for result in results:
            if isinstance(result, Lost):
                lost.append(result)
                continue
            store.write(result)
            n, bad = len(result.runs), sum(row["status"] == FAILED for row in result.runs)
            ran, failed = ran + n, failed + bad
            bar.update(n)
            bar.set_postfix(failed=failed, refresh=False)
            if on_chunk is not None:
                on_chunk(result)
    return ran, failed, lost
