"""Running the models of one chunk: what a worker executes, wherever it lives.

A chunk returns plain tables (pandas DataFrames), one row per run and optionally one per
round. A run that raises is caught and recorded with ``status = "failed"`` and its error,
so one bad corner of the parameter space never stops a sweep.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from govsim.measures import Measure, install
from govsim.model import GovernanceModel
from govsim.protocols import Protocol
from govsim.scenarios import Scenario
from govsim.sweep.factors import PROTOCOL
from govsim.sweep.seeds import RunSpec, run_rng

OK, FAILED = "ok", "failed"
ID_COLUMNS = ["run_id", "point_id", "replicate", "sample", "seed", "spawn_key"]
TAIL_COLUMNS = ["status", "error", "wall_time"]


@dataclass(frozen=True)
class RunConfig:
    """What is the same for every run: the scenario (fixed settings applied), protocol, steps."""

    scenario: Scenario
    protocol: str | None
    steps: int | None
    rounds: bool
    fixed: dict[str, Any]  # already applied to ``scenario``; kept for the table's columns
    # the classes of the protocols used, shipped with the work: a protocol a notebook
    # defined and registered is unknown to a fresh worker's registry, its class is not
    protocols: dict[str, type[Protocol]] = field(default_factory=dict)
    # the measures registered outside the package, shipped the same way: a worker's registry
    # holds only the built-in ones until these are installed there
    measures: tuple[Measure, ...] = ()
    own: tuple[str, ...] = ()  # the experiment's own factors: read through params.factor(name)


@dataclass
class ChunkResult:
    """The rows of the runs table (dicts: ints stay ints, a failed run simply lacks the metrics)
    and the per-round table of one chunk."""

    runs: list[dict[str, Any]]
    rounds: pd.DataFrame | None


@dataclass(frozen=True)
class Lost:
    """A chunk that did not come back from a backend: its runs and why, in one line."""

    specs: list[RunSpec]
    reason: str
    killer: bool = False  # its runs kill the worker that runs them (the final message names them)


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line (the first line of a long message)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def with_settings(scenario: Scenario, settings: dict[str, Any], own: tuple[str, ...] = ()) -> Scenario:
    """``scenario`` with settings applied: model settings by name, the experiment's ``own``
    factors as :attr:`govsim.params.Parameters.factors`."""
    mine = {k: v for k, v in settings.items() if k in own}
    scenario = scenario.with_settings({k: v for k, v in settings.items() if k not in own})
    return replace(scenario, params=scenario.params.with_factors(mine)) if mine else scenario


def build_model(config: RunConfig, spec: RunSpec) -> GovernanceModel:
    """The model of one run, owning the run's own generator."""
    install(config.measures)
    settings = {k: v for k, v in spec.settings.items() if k != PROTOCOL}
    name = spec.settings.get(PROTOCOL, config.protocol) or config.scenario.protocol
    protocol = config.protocols[name]() if name in config.protocols else name
    return GovernanceModel(
        with_settings(config.scenario, settings, config.own),
        protocol=protocol,
        rng=run_rng(spec.seed, spec.key),
    )


def _base_row(config: RunConfig, spec: RunSpec) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run_id": spec.run_id,
        "point_id": spec.point,
        "replicate": spec.replicate,
        "sample": spec.sample,
        "seed": spec.seed,
        "spawn_key": spec.spawn_key,
        "scenario": config.scenario.name,
        "protocol": spec.settings.get(PROTOCOL, config.protocol or config.scenario.protocol),
    }
    row.update(config.scenario.params.as_dict())
    row.update(config.fixed)
    row.update({k: v for k, v in spec.settings.items() if k != PROTOCOL})
    return row


def run_one(config: RunConfig, spec: RunSpec) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """One run: its row of the runs table and, if asked, its per-round table."""
    row = _base_row(config, spec)
    start = time.perf_counter()
    rounds = None
    try:
        model = build_model(config, spec).run(config.steps)
        summary = model.summary()
        row.update(model.params.as_dict())
        row.update({k: v for k, v in summary.items() if k not in ("scenario", "protocol")})
        row.update(status=OK, error="")
        if config.rounds:
            rounds = model.rounds.reset_index(names="step")
            rounds.insert(0, "run_id", spec.run_id)
    except Exception as exc:  # recorded, not raised: the sweep goes on and a resume retries it
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = f"{type(exc).__name__}: {exc} (at {where.name}, line {where.lineno})"
        row.update(status=FAILED, error=" ".join(message.split()))
    row["wall_time"] = time.perf_counter() - start
    return row, rounds


def run_chunk(config: RunConfig, specs: list[RunSpec]) -> ChunkResult:
    """Run ``specs`` in order; the unit of work every backend ships to a worker."""
    rows, series = [], []
    for spec in specs:
        row, rounds = run_one(config, spec)
        rows.append(row)
        if rounds is not None:
            series.append(rounds)
    return ChunkResult(rows, pd.concat(series, ignore_index=True) if series else None)
