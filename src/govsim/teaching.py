"""Small helpers the teaching notebooks share: replicate runs over seeds, summarise them with
a confidence interval, tabulate who the stakeholders are, and build a hand-made ``Table``.

Everything here is data in, data out (DataFrames and arrays); nothing draws or prints.
The notebooks stay thin by calling these instead of repeating loops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from govsim.groups import GROUP_NAMES, GROUP_ORDER, Group
from govsim.intervals import Bounds, mean_interval
from govsim.measures import bounds_of
from govsim.model import GovernanceModel
from govsim.params import Parameters
from govsim.population import profile_specs
from govsim.protocols import Protocol, Table
from govsim.scenarios import Scenario, load_scenario


def seed_rows(finished: Callable[[int], Any], seeds: Iterable[int], **labels: Any) -> list[dict[str, Any]]:
    """The one replicate loop: for each seed, ``labels``, ``seed`` and ``finished(seed).summary()``.

    ``finished(seed)`` returns a model run to the end with that seed (every replicate table in
    govsim, from notebooks, exercises and the role-play, is built here).
    """
    return [{**labels, "seed": int(seed), **finished(int(seed)).summary()} for seed in seeds]


def replicate(
    scenario: str | Scenario = "classroom",
    protocols: Iterable[str | Protocol] = ("top_down", "bottom_up"),
    seeds: Iterable[int] = range(10),
    **settings: Any,
) -> pd.DataFrame:
    """Run every protocol once per seed; one row per run: ``seed`` plus ``model.summary()``.

    ``settings`` are parameter or ``group.trait`` overrides, as for :class:`GovernanceModel`
    (pass dotted names as ``**{"civil_society.capacity": 0.3}``). Same seeds, same table.
    """
    seeds = [int(s) for s in seeds]
    rows = []
    for protocol in protocols:
        rows += seed_rows(
            lambda seed, p=protocol: GovernanceModel(scenario, protocol=p, rng=seed, **settings).run(), seeds
        )
    return pd.DataFrame(rows)


def mean_ci(values: Iterable[float], level: float = 0.95, bounds: Bounds | None = None) -> pd.Series:
    """Mean of ``values`` and its ``level`` confidence interval: Student's t, clipped to
    ``bounds`` (see :mod:`govsim.intervals`, where the rule and its reason are given).

    The interval is mean +/- t_{(1+level)/2, n-1} * s / sqrt(n), with s the sample standard
    deviation; NaNs are dropped. With one value there is no interval (low and high are NaN).
    """
    return mean_interval(values, level, bounds)


def compare(runs: pd.DataFrame, metric: str, by: str = "protocol", level: float = 0.95) -> pd.DataFrame:
    """Mean and confidence interval of ``metric`` per value of ``by`` (rows sorted by ``by``),
    kept inside the range the metric's measure declares (a share's stays in [0, 1])."""
    if metric not in runs.columns:
        raise ValueError(f"metric={metric!r} is not a column (allowed: {', '.join(map(str, runs.columns))})")
    bounds = bounds_of(metric)
    return runs.groupby(by)[metric].apply(lambda v: mean_interval(v, level, bounds)).unstack()


def group_profiles(scenario: str | Scenario = "classroom") -> pd.DataFrame:
    """One row per group in the scenario: head count, mean position per dimension, salience
    and the mean of each scalar trait (capability, capacity, ...), as the scenario assumes them."""
    setup = load_scenario(scenario)
    rows = []
    for spec in setup.groups:
        prof = spec.profile
        weights = np.array([m.weight for m in prof.position])
        centre = weights @ np.array([m.mean for m in prof.position]) / weights.sum()
        row: dict[str, Any] = {"group": spec.group.value, "count": spec.count}
        row.update({f"position_{d}": float(v) for d, v in zip(setup.dimensions, centre, strict=True)})
        total = sum(prof.salience)
        row.update({f"salience_{d}": s / total for d, s in zip(setup.dimensions, prof.salience, strict=True)})
        row.update({s.name: getattr(prof, s.name) for s in profile_specs() if not s.name.endswith("_sd")})
        rows.append(row)
    return pd.DataFrame(rows).set_index("group")


def stakeholders(model: GovernanceModel) -> pd.DataFrame:
    """One row per stakeholder of a model: group, region, current position and drawn traits."""
    table = pd.DataFrame(
        {
            "group": [GROUP_ORDER[g].value for g in model.group],
            "region": [model.setup.regions[r] for r in model.region],
        }
    )
    for k, dim in enumerate(model.setup.dimensions):
        table[dim] = model.positions[:, k]
    for trait in ("capability", "capacity", "confidence", "tolerance", "stubbornness"):
        table[trait] = getattr(model, trait)
    table["group"] = pd.Categorical(table["group"], categories=GROUP_NAMES)
    return table


def hand_table(
    positions: Any,
    groups: Iterable[str],
    status_quo: Any,
    *,
    salience: Any = None,
    tolerance: float = 0.0,
    attending: Any = None,
    capability: Any = None,
    round: int = 1,
    params: Parameters | None = None,
) -> Table:
    """A :class:`~govsim.protocols.Table` built by hand, to try a decision rule on a few
    stakeholders: equal salience and capability unless given, everyone a member.

    Parameters
    ----------
    positions : (n,) views on one dimension, or (n, K) views, in [0, 1].
    groups : n group names (``"government"``, ``"business"``, ``"civil_society"``, ``"technical"``).
    status_quo : (K,) the status quo.
    salience : (n, K), default equal; tolerance : each stakeholder's theta, default 0;
    attending : (n,) bool, default everyone; capability : (n,), default 1 for everyone;
    round : the table's round (1 = the first); params : the rules, default :class:`Parameters`.

    Raises
    ------
    ValueError
        An unknown group name, or ``groups`` and ``positions`` of different lengths.
    """
    pos = np.atleast_2d(np.asarray(positions, dtype=float))
    if pos.shape[0] == 1 and np.ndim(positions) == 1:
        pos = pos.T  # a flat list means one dimension, one value per stakeholder
    n, k = pos.shape
    codes = np.array(
        [GROUP_NAMES.index(_group_name(g)) for g in groups], dtype=np.int64
    )  # as the model (empty too)
    if len(codes) != n:
        raise ValueError(f"groups has {len(codes)} entries but positions has {n} stakeholders")
    sal = np.full((n, k), 1.0 / k) if salience is None else np.asarray(salience, dtype=float).reshape(n, k)
    att = np.ones(n, dtype=bool) if attending is None else np.asarray(attending, dtype=bool)
    return Table(
        positions=pos,
        salience=sal,
        tolerance=np.full(n, float(tolerance)),
        capability=np.ones(n) if capability is None else np.asarray(capability, dtype=float),
        group=codes,
        members=np.ones(n, dtype=bool),
        attending=att,
        status_quo=np.atleast_1d(np.asarray(status_quo, dtype=float)),
        initial_draft=None,
        round=round,
        params=params or Parameters(),
    )


def _group_name(name: str) -> str:
    return Group.parse(name).value
