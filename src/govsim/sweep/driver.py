"""Running a sweep: plan the runs, skip those already stored, ship the rest, store each chunk.

:func:`run_sweep` is the whole of it; ``govsim sweep`` is a thin wrapper. The driver is the
only writer of the results directory, and it writes a chunk the moment it comes back, so
killing the sweep at any point loses at most the chunks in flight; running the same
experiment into the same directory again resumes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.measures import user_measures
from govsim.params import check_names
from govsim.protocols import get_protocol
from govsim.scenarios import load_scenario
from govsim.sweep.backends import Backend, chunk_size, chunked, default_workers, execute, import_distributed
from govsim.sweep.designs import design_points
from govsim.sweep.experiment import Experiment, load_experiment
from govsim.sweep.factors import PROTOCOL
from govsim.sweep.runner import FAILED, ChunkResult, RunConfig
from govsim.sweep.seeds import plan
from govsim.sweep.store import Store
from govsim.values import whole


@dataclass(frozen=True)
class SweepResult:
    """What one call did: runs planned, already stored, run now, failed now, and still missing."""

    path: Path
    planned: int
    skipped: int
    ran: int
    failed: int
    missing: int

    def runs(self) -> pd.DataFrame:
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
    experiment.check_registered()  # a stored experiment may use a protocol a notebook registered
    scenario = load_scenario(experiment.scenario_path or experiment.scenario)
    names = {experiment.protocol or scenario.protocol}
    names |= {level for f in experiment.factors if f.name == PROTOCOL for level in f.levels}
    names |= {p[PROTOCOL] for p in experiment.design.points if PROTOCOL in p}
    return RunConfig(
        protocols={name: type(get_protocol(name)) for name in sorted(names)},
        measures=user_measures(),
        scenario=scenario.with_settings(dict(experiment.fixed)),
        protocol=experiment.protocol,
        steps=experiment.steps,
        rounds=experiment.rounds,
        fixed=dict(experiment.fixed),
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
    if kind is Backend.DASK and client is None:
        import_distributed()  # fail before writing anything when the extra is missing
    workers = default_workers() if workers is None else workers
    workers = whole(workers, "workers", 1)
    chunk = None if chunk is None else whole(chunk, "chunk", 1)
    store.check(experiment, overwrite=overwrite)
    config = run_config(experiment)
    specs = plan(experiment)
    points = [p.settings for p in design_points(experiment)]
    store.lock()
    try:
        store.open(experiment, points, len(specs), overwrite=overwrite)
        done = store.done()
        todo = [s for s in specs if s.run_id not in done]
        size = chunk or chunk_size(len(todo), 1 if kind is Backend.SERIAL else workers)
        chunks = chunked(todo, size)
        results = execute(kind, config, chunks, workers=workers, scheduler=scheduler, client=client)
        ran, failed = _store_all(store, results, len(specs), len(done), quiet, on_chunk)
    finally:
        counts = store.counts()
        store.update(counts)
        store.unlock()
    missing = len(specs) - counts["ok"] - counts["failed"]
    return SweepResult(store.path, len(specs), len(done), ran, failed, missing)


def _store_all(
    store: Store,
    results: Iterator[ChunkResult | BaseException],
    total: int,
    done: int,
    quiet: bool,
    on_chunk: Callable[[ChunkResult], None] | None,
) -> tuple[int, int]:
    """Store each chunk as it arrives, with a progress bar of runs done, failed and ETA."""
    from tqdm.auto import tqdm

    ran = failed = 0
    with tqdm(total=total, initial=done, unit="run", desc="sweep", disable=quiet, dynamic_ncols=True) as bar:
        for result in results:
            if isinstance(result, BaseException):
                bar.write(f"govsim sweep: a chunk was lost ({type(result).__name__}); run again to resume")
                continue
            store.write(result)
            n, bad = len(result.runs), sum(row["status"] == FAILED for row in result.runs)
            ran, failed = ran + n, failed + bad
            bar.update(n)
            bar.set_postfix(failed=failed, refresh=False)
            if on_chunk is not None:
                on_chunk(result)
    return ran, failed
