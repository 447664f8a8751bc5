"""Reading a sweep: means with 95% confidence intervals by design point, and Sobol indices.

The confidence interval of a mean over n replicates is ``mean ± t(0.975, n-1) s / sqrt(n)``
(Student's t; undefined for n = 1), clipped to the range the metric's measure declares (see
:mod:`govsim.intervals`), so a share's interval stays inside [0, 1]. Sobol indices (first-order S1 and total ST; Saltelli
2002, Jansen 1999, as implemented in SALib) need a ``saltelli`` design and the optional
``SALib`` package (``pip install 'govsim[sensitivity]'``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from govsim.intervals import clip, half_width
from govsim.measures import RESERVED, bounds_of, registered
from govsim.settings import setting_names
from govsim.sweep.experiment import Experiment
from govsim.sweep.factors import PROTOCOL, DesignKind
from govsim.sweep.runner import OK

STANDARD_METRICS = (
    "adoption_rate",
    "mean_compliance",
    "mean_min_group_gain",
    "mean_participation_civil_society",
    "noncompliance",
)


def default_metrics(runs: pd.DataFrame, own: tuple[str, ...] = ()) -> list[str]:
    """What a report shows by default: :data:`STANDARD_METRICS`, then every stored numeric
    column that is no setting, own factor (``own``), identifier or built-in summary: the
    summaries of measures the sweep's own process registered (a notebook's), which this
    process need not know."""
    known = (
        RESERVED | set(setting_names()) | set(own) | {key for m in registered() for key, _ in m.summaries(())}
    )
    extra = [
        c
        for c in runs.columns
        if c not in known and c not in STANDARD_METRICS and pd.api.types.is_numeric_dtype(runs[c])
    ]
    return [m for m in STANDARD_METRICS if m in runs.columns] + extra


def varied_factors(runs: pd.DataFrame, own: tuple[str, ...] = ()) -> list[str]:
    """Setting columns (protocol and the experiment's ``own`` factors included) that take more
    than one value in ``runs``."""
    names = [PROTOCOL, *setting_names(), *own]
    return [c for c in runs.columns if c in names and runs[c].nunique(dropna=False) > 1]


def summarize(
    runs: pd.DataFrame,
    metrics: list[str] | tuple[str, ...] = STANDARD_METRICS,
    by: list[str] | None = None,
) -> pd.DataFrame:
    """One row per design point (or per combination of ``by``): ``n`` successful replicates and,
    for each metric, ``<metric>_mean``, ``<metric>_low`` and ``<metric>_high`` (the 95% CI,
    inside the metric's declared range)."""
    missing = [m for m in metrics if m not in runs.columns]
    if missing:
        raise ValueError(f"metric {missing[0]!r} is not in the runs table")
    if by is None:
        keys = (["point_id"] if "point_id" in runs.columns else []) + varied_factors(runs)
    else:
        keys = list(by)
    ok = runs[runs["status"] == OK] if "status" in runs.columns else runs
    if not keys:
        ok = ok.assign(_all=0)
        keys = ["_all"]
    groups = ok.groupby(keys, sort=True, dropna=False)
    table = groups.size().rename("n").to_frame()
    for metric in metrics:
        values = groups[metric]
        mean, sd, count = values.mean(), values.std(ddof=1), values.count()
        half = half_width(sd, count, 0.95)
        low, high = clip(mean - half, mean + half, bounds_of(metric))
        table[f"{metric}_mean"] = mean
        table[f"{metric}_low"] = low
        table[f"{metric}_high"] = high
    return table.reset_index().drop(columns="_all", errors="ignore")


def sobol_indices(
    runs: pd.DataFrame, experiment: Experiment, metric: str, seed: int | None = None
) -> pd.DataFrame:
    """First-order and total Sobol indices of ``metric`` for each sampled factor.

    Replicates are averaged per point first. With levels factors (e.g. a protocol factor)
    the indices are computed separately for each combination of levels. The bootstrap
    intervals (``S1_conf``, ``ST_conf``) are drawn from ``seed`` (default: the experiment's),
    so the same runs give the same table every time (:func:`bootstrap_seed`).
    """
    if experiment.design.kind is not DesignKind.SALTELLI:
        raise ValueError(
            f"Sobol indices need a saltelli design (this experiment's is {experiment.design.kind.value!r})"
        )
    try:
        from SALib.analyze import sobol
    except ImportError:
        raise ValueError("Sobol indices need SALib: pip install 'govsim[sensitivity]'") from None
    sampled = [f for f in experiment.factors if f.sampled]
    problem: dict[str, Any] = {
        "num_vars": len(sampled),
        "names": [f.name for f in sampled],
        "bounds": [list(f.span) for f in sampled],  # the interval the design drew from
    }
    crossed = [f.name for f in experiment.factors if not f.sampled]
    ok = runs[runs["status"] == OK]
    rows = []
    for combo, group in ok.groupby(crossed, sort=True) if crossed else [((), ok)]:
        y = group.groupby("sample")[metric].mean().sort_index()
        expected = experiment.design.samples * (len(sampled) + 2)
        if len(y) != expected or y.isna().any():
            raise ValueError(
                f"Sobol indices of {metric!r} need every point with a value ({y.notna().sum()} of {expected}); "
                "resume the sweep or choose another metric"
            )
        if np.ptp(y.to_numpy()) == 0:
            raise ValueError(f"{metric!r} does not vary over the design: there is no variance to attribute")
        result = sobol.analyze(
            problem,
            y.to_numpy(),
            calc_second_order=False,
            seed=bootstrap_seed(experiment.seed if seed is None else seed),
        )
        labels = dict(zip(crossed, combo if isinstance(combo, tuple) else (combo,), strict=True))
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    **labels,
                    "factor": name,
                    "S1": result["S1"][i],
                    "S1_conf": result["S1_conf"][i],
                    "ST": result["ST"][i],
                    "ST_conf": result["ST_conf"][i],
                }
            )
    table = pd.DataFrame(rows)
    _warn_outside_unit(table, metric, experiment.design.samples)
    return table


def bootstrap_seed(seed: int) -> int:
    """A non-zero seed for SALib's bootstrap derived from ``seed`` (a whole number >= 0).

    SALib seeds its bootstrap only ``if seed:``, so 0 (the experiments' default seed) would
    leave the intervals unseeded and different on every call."""
    return int(np.random.SeedSequence(seed).generate_state(1)[0]) or 1


def _warn_outside_unit(table: pd.DataFrame, metric: str, samples: int) -> None:
    """Indices are shares of variance, in [0, 1]; estimates outside it mean too few samples."""
    inside = table["S1"].between(0, 1) & table["ST"].between(0, 1)
    if not inside.all():
        factors = ", ".join(dict.fromkeys(table.loc[~inside, "factor"]))
        warnings.warn(
            f"Sobol indices of {metric!r} fall outside [0, 1] for {factors}: with samples={samples} "
            f"the estimates are unreliable; use more samples (e.g. {4 * samples})",
            RuntimeWarning,
            stacklevel=3,
        )
