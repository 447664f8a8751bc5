"""Seeded model runs the exercise checks compute their expected values from.

Expected values are never typed in by hand (unless closed-form): a check runs the model with
fixed seeds the first time it needs a value, so a recalibrated model gives updated answers.
Runs are cached in memory and, for bundled protocols and no learner-registered measure, on disk (``GOVSIM_CACHE_DIR``, default
``~/.cache/govsim``) under a fingerprint of the package's code and data, so a restarted
kernel does not redo them and any change to the model invalidates them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from govsim import safefiles
from govsim.measures import Measure, user_measures
from govsim.model import GovernanceModel
from govsim.protocols import Protocol
from govsim.teaching import seed_rows

PACKAGE = Path(__file__).resolve().parents[1]


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
    # the learner's registered measures are part of the key: registering one adds its column
    return _runs(protocol, tuple(int(s) for s in seeds), scenario, key, user_measures()).copy()


@cache
def _runs(
    protocol: str | type[Protocol],
    seeds: tuple[int, ...],
    scenario: str,
    settings: tuple[tuple[str, float], ...],
    measures: tuple[Measure, ...] = (),
) -> pd.DataFrame:
    path = None if measures else _disk_path(protocol, seeds, scenario, settings)
    if path is not None and path.exists():
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError):
            pass  # a damaged cache file: recompute and overwrite it

    def finished(seed: int) -> GovernanceModel:
        rule = protocol() if isinstance(protocol, type) else protocol
        return GovernanceModel(scenario, protocol=rule, rng=seed, **dict(settings)).run()

    table = pd.DataFrame(seed_rows(finished, seeds))
    if path is not None:
        try:
            safefiles.real_folder(path.parent, parents=True)
            safefiles.write_atomic(path, table.to_parquet)
        except (OSError, ValueError):
            pass  # a read-only home: keep the in-memory cache only
    return table


def _disk_path(
    protocol: str | type[Protocol], seeds: tuple[int, ...], scenario: str, settings: tuple
) -> Path | None:
    """Where a run table is cached, or None when it must not be (a learner's own class)."""
    if isinstance(protocol, type):
        if not protocol.__module__.startswith("govsim."):
            return None
        protocol = f"{protocol.__module__}.{protocol.__qualname__}"
    key = repr((protocol, seeds, scenario, settings, fingerprint()))
    root = Path(os.environ.get("GOVSIM_CACHE_DIR") or Path.home() / ".cache" / "govsim")
    return root / "exercise-runs" / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.parquet"


@cache
def fingerprint() -> str:
    """A hash of every Python and TOML file of the installed package."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def mean_of(
    protocol: str | type[Protocol], column: str, seeds: Iterable[int] = range(5), **settings: Any
) -> float:
    """Mean of one summary column over seeded runs."""
    return float(runs(protocol, seeds, **settings)[column].mean())


@cache
def model(protocol: str, seed: int, scenario: str = "classroom") -> GovernanceModel:
    """One finished seeded model (cached in memory: do not modify it)."""
    return GovernanceModel(scenario, protocol=protocol, rng=seed).run()
