"""Seeded model runs the exercise checks compute their expected values from, cached per session.

Expected values are never typed in by hand (unless closed-form): a check runs the model with
fixed seeds the first time it needs a value, so a recalibrated model gives updated answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import pandas as pd

from govsim.model import GovernanceModel
from govsim.protocols import Protocol


def runs(
    protocol: str | type[Protocol],
    seeds: Iterable[int] = range(5),
    scenario: str = "classroom",
    **settings: Any,
) -> pd.DataFrame:
    """One row per seed: ``seed`` plus ``model.summary()`` (a copy of a cached table).

    ``protocol`` is a registered name or a Protocol class (instantiated afresh for each run).
    """
    key = tuple(sorted((k, float(v)) for k, v in settings.items()))
    return _runs(protocol, tuple(int(s) for s in seeds), scenario, key).copy()


@cache
def _runs(
    protocol: str | type[Protocol],
    seeds: tuple[int, ...],
    scenario: str,
    settings: tuple[tuple[str, float], ...],
) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        rule = protocol() if isinstance(protocol, type) else protocol
        model = GovernanceModel(scenario, protocol=rule, rng=seed, **dict(settings)).run()
        rows.append({"seed": seed, **model.summary()})
    return pd.DataFrame(rows)


def mean_of(
    protocol: str | type[Protocol], column: str, seeds: Iterable[int] = range(5), **settings: Any
) -> float:
    """Mean of one summary column over seeded runs."""
    return float(runs(protocol, seeds, **settings)[column].mean())


@cache
def model(protocol: str, seed: int, scenario: str = "classroom") -> GovernanceModel:
    """One finished seeded model (cached: do not modify it)."""
    return GovernanceModel(scenario, protocol=protocol, rng=seed).run()
