"""Run identities and their random streams.

Run ``(point, replicate)`` draws from ``SeedSequence(root_seed, spawn_key=(point, replicate))``,
or with common random numbers from ``SeedSequence(root_seed, spawn_key=(replicate,))``, so
replicate r sees the same stream at every design point. A run's stream depends on nothing
else: not on execution order, chunking, worker count or backend; adding replicates or
resuming a sweep gives every existing run the same seed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.sweep.designs import design_points
from govsim.sweep.experiment import Experiment


def spawn_key(point: int, replicate: int, common_random_numbers: bool = False) -> tuple[int, ...]:
    """A run's spawn key: ``(point, replicate)``, or ``(replicate,)`` with common random numbers."""
    return (replicate,) if common_random_numbers else (point, replicate)


def run_rng(root_seed: int, key: tuple[int, ...]) -> np.random.Generator:
    """The generator a run's model owns: ``default_rng(SeedSequence(root_seed, spawn_key=key))``."""
    return np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=key))


def run_id(point: int, replicate: int) -> str:
    """A stable, sortable name for a run: ``"p000012-r0003"``."""
    return f"p{point:06d}-r{replicate:04d}"


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run (small and picklable)."""

    run_id: str
    point: int
    replicate: int
    sample: int
    seed: int
    key: tuple[int, ...]
    settings: dict[str, Any]

    @property
    def spawn_key(self) -> str:
        """The spawn key as stored in the runs table (``'3,1'``)."""
        return ",".join(str(k) for k in self.key)


def plan(experiment: Experiment) -> list[RunSpec]:
    """Every run of the experiment, ordered by point then replicate."""
    crn = experiment.common_random_numbers
    return [
        RunSpec(
            run_id(p.index, r),
            p.index,
            r,
            p.sample,
            experiment.seed,
            spawn_key(p.index, r, crn),
            p.settings,
        )
        for p in design_points(experiment)
        for r in range(experiment.replicates)
    ]
