"""Per-issue measures: one decorated function each, and everything else derived from them.

A measure reads the :class:`~govsim.outcomes.IssueContext` of a closed issue and returns one
number (or one per group, or one per policy dimension). Registering it is all it takes for its
column to appear in ``model.outcomes``, its run-level summary in ``model.summary()`` (so in
``govsim run --json``, sweep runs tables and ``govsim report``) and its label on plots::

    import numpy as np
    from govsim import measure

    @measure(column="loser_share", label="Stakeholders worse off", unit="share", bounds=(0, 1))
    def loser_share(ctx):
        return float(np.mean(ctx.gains < 0))

    GovernanceModel(rng=1).run().summary()["mean_loser_share"]

The built-in measures are defined below, each the same kind of decorated function (adding one
touches this file only); the registry itself lives in :mod:`govsim.measure_registry`.
Defining the same measure again (re-running a notebook cell) replaces it; a name that a
built-in measure already uses is refused with a ``ValueError``. A model takes the measures
registered when it is built, so its columns never change mid-run.

Built-in measures (see the README's REFERENCES): agreement and time to agreement (Simcoe 2012);
gain u_i(y) - u_i(q) by group (Bueno de Mesquita; Stokman); compliance, with governments that
do not comply counted as non-signers (WCIT-12); non-compliance as the capability-weighted share
of non-compliers (called ``fragmentation`` before issue 22: it is no split network); participation by group as input legitimacy (Scharpf 1999).
"""

from __future__ import annotations

import numpy as np

from govsim.groups import GOVERNMENT
from govsim.measure_registry import (
    LEADING,
    RESERVED,
    SUMMARIES,
    Bounds,
    Measure,
    MetricLabels,
    bounds_of,
    headline_keys,
    install,
    issue_record,
    label_of,
    labels,
    measure,
    outcome_columns,
    register_measure,
    registered,
    run_summary,
    seal_builtins,
    unregister,
    user_measures,
    user_summaries,
)
from govsim.metrics import distance, mean_pairwise_distance, weighted_share
from govsim.outcomes import IssueContext

__all__ = [
    "LEADING",
    "RESERVED",
    "SUMMARIES",
    "Bounds",
    "IssueContext",
    "Measure",
    "MetricLabels",
    "bounds_of",
    "headline_keys",
    "install",
    "issue_record",
    "label_of",
    "labels",
    "measure",
    "outcome_columns",
    "register_measure",
    "registered",
    "run_summary",
    "unregister",
    "user_measures",
    "user_summaries",
]


# ----------------------------------------------------------------------------- built-in measures
SHARE = (0.0, 1.0)


def _mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


@measure(label="Issues adopted", unit="share", summary_name="adoption_rate", bounds=SHARE)
def adopted(ctx: IssueContext) -> bool:
    """Every forum adopted a text."""
    return all(f.adopted for f in ctx.forums)


@measure(label="Forums adopting", unit="share", summary=None, bounds=SHARE, headline=False)
def regions_adopted(ctx: IssueContext) -> float:
    """Share of the issue's forums that adopted a text."""
    return float(np.mean([f.adopted for f in ctx.forums]))


@measure(label="Rounds per issue", unit="rounds", bounds=(1, None))
def rounds(ctx: IssueContext) -> int:
    """Rounds the longest forum negotiated."""
    return max(f.rounds for f in ctx.forums)


@measure(label="Outcome", unit="position", summary=None, bounds=SHARE, per_dimension=True)
def outcome(ctx: IssueContext) -> np.ndarray:
    """(K,) mean over stakeholders of the text that binds them."""
    return ctx.outcome.mean(axis=0)


@measure(label="Compliance", unit="share", bounds=SHARE)
def compliance(ctx: IssueContext) -> float:
    """Share of stakeholders bound by an adopted text who comply with it."""
    return _mean_or_nan(ctx.complies[ctx.bound])


@measure(label="Government compliance", unit="share", bounds=SHARE)
def government_compliance(ctx: IssueContext) -> float:
    """Share of bound governments that comply (the others are non-signers)."""
    return _mean_or_nan(ctx.complies[ctx.bound & (ctx.group == GOVERNMENT)])


@measure(
    label="Non-compliance (capability-weighted)",
    unit="capability share",
    summary_name="noncompliance",
    bounds=SHARE,
)
def noncompliance(ctx: IssueContext) -> float:
    """Capability-weighted share of bound stakeholders who do not comply (capability on this
    issue)."""
    bound = ctx.bound
    if not bound.any():
        return float("nan")
    return weighted_share(~ctx.complies[bound], ctx.capability[bound])


@measure(
    label="Regional divergence", unit="distance", summary_name="divergence", bounds=(0, None), headline=False
)
def divergence(ctx: IssueContext) -> float:
    """Mean pairwise distance between the forums' final texts."""
    return mean_pairwise_distance(np.array(list(ctx.forum_outcomes.values())))


@measure(label="Objecting at the end", unit="share", bounds=SHARE)
def objecting_share(ctx: IssueContext) -> float:
    """Share of those deciding in the last round who objected."""
    objecting = sum(int(f.last.objecting.sum()) for f in ctx.forums)
    deciding = sum(int(f.last.deciding.sum()) for f in ctx.forums)
    return objecting / deciding if deciding else float("nan")


@measure(label="Ambition", unit="distance from status quo", bounds=(0, None))
def ambition(ctx: IssueContext) -> float:
    """Mean distance of the binding texts from the status quo."""
    return float(distance(ctx.outcome, ctx.status_quo).mean())


@measure(label="gain", unit="utility", bounds=(-1, 1), per_group=True)
def gain(ctx: IssueContext) -> np.ndarray:
    """(G,) each group's mean gain u(y) - u(q); NaN for an absent group."""
    return ctx.group_gains


@measure(label="Worst-off group's gain", unit="utility", bounds=(-1, 1), headline=False)
def min_group_gain(ctx: IssueContext) -> float:
    """The lowest group mean gain."""
    return float(ctx.group_gains[ctx.groups_present].min())


@measure(label="Gap between groups' gains", unit="utility", bounds=(0, 2), headline=False)
def gain_gap(ctx: IssueContext) -> float:
    """Highest minus lowest group mean gain."""
    present = ctx.group_gains[ctx.groups_present]
    return float(present.max() - present.min())


@measure(label="attendance", unit="share", bounds=SHARE, per_group=True, headline=False)
def participation(ctx: IssueContext) -> np.ndarray:
    """(G,) each group's mean share of members at the table over the issue's rounds."""
    return ctx.participation


seal_builtins()
