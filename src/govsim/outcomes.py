"""Per-issue outcomes and run-level summaries, computed from arrays by pure functions.

Measures (see the README's REFERENCES): agreement and time to agreement (Simcoe 2012);
gain u_i(y) - u_i(q) by group (Bueno de Mesquita; Stokman); compliance, with governments
that do not comply counted as non-signers (WCIT-12); fragmentation as the capability-weighted
share of non-compliers; participation by group as input legitimacy (Scharpf 1999).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govsim.groups import GOVERNMENT, GROUP_NAMES, N_GROUPS
from govsim.metrics import distance, gain, group_means, mean_pairwise_distance, weighted_share


def OUTCOME_COLUMNS(dimensions: tuple[str, ...]) -> list[str]:
    """Columns of the outcomes table, one row per agenda issue."""
    return [
        "issue",
        "name",
        "adopted",
        "regions_adopted",
        "rounds",
        *(f"outcome_{d}" for d in dimensions),
        "compliance",
        "government_compliance",
        "fragmentation",
        "divergence",
        "objecting_share",
        "ambition",
        *(f"gain_{g}" for g in GROUP_NAMES),
        "min_group_gain",
        "gain_gap",
        *(f"participation_{g}" for g in GROUP_NAMES),
    ]


def _mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def issue_outcome(
    *,
    issue: Any,
    forums: list[Any],
    positions: np.ndarray,
    salience: np.ndarray,
    tolerance: np.ndarray,
    capability: np.ndarray,
    group: np.ndarray,
    voice_bonus: float,
    participation: np.ndarray,
    dimensions: tuple[str, ...],
) -> dict[str, Any]:
    """Outcome of one closed issue. Each stakeholder is bound by its own forum's text (the
    status quo where its forum adopted nothing) and complies when
    u_i(y) - u_i(q) >= -(theta_i + voice_bonus * heard_i) (Tyler 1990)."""
    q = np.asarray(issue.status_quo, dtype=float)
    outcome = np.tile(q, (len(group), 1))
    bound = np.zeros(len(group), dtype=bool)
    heard = np.zeros(len(group), dtype=bool)
    finals = {}
    for f in forums:
        y = f.proposal if f.adopted else q
        outcome[f.members] = y
        bound |= f.members & f.adopted
        heard |= f.heard & f.members
        finals[f.name] = [float(v) for v in y]
    g = gain(positions, salience, outcome, q)
    comply = g >= -(tolerance + voice_bonus * heard)
    by_group = group_means(g, group, N_GROUPS)
    present = ~np.isnan(by_group)
    objecting = sum(int(f.last.objecting.sum()) for f in forums)
    deciding = sum(int(f.last.deciding.sum()) for f in forums)
    gov = bound & (group == GOVERNMENT)
    mean_outcome = outcome.mean(axis=0)
    record: dict[str, Any] = {
        "name": issue.name,
        "adopted": all(f.adopted for f in forums),
        "regions_adopted": float(np.mean([f.adopted for f in forums])),
        "rounds": max(f.rounds for f in forums),
        "outcome": [float(v) for v in mean_outcome],
        "regional_outcomes": finals,
        "compliance": _mean_or_nan(comply[bound]),
        "government_compliance": _mean_or_nan(comply[gov]),
        "fragmentation": weighted_share(~comply[bound], capability[bound]) if bound.any() else float("nan"),
        "divergence": mean_pairwise_distance(np.array(list(finals.values()))),
        "objecting_share": objecting / deciding if deciding else float("nan"),
        "ambition": float(distance(outcome, q).mean()),
        "min_group_gain": float(by_group[present].min()),
        "gain_gap": float(by_group[present].max() - by_group[present].min()),
        "gain_by_group": {
            name: float(v) for name, v, ok in zip(GROUP_NAMES, by_group, present, strict=True) if ok
        },
    }
    record.update({f"outcome_{d}": float(v) for d, v in zip(dimensions, mean_outcome, strict=True)})
    record.update({f"gain_{name}": float(v) for name, v in zip(GROUP_NAMES, by_group, strict=True)})
    record.update(
        {f"participation_{name}": float(v) for name, v in zip(GROUP_NAMES, participation, strict=True)}
    )
    return record


SUMMARY_MEANS = {
    "adoption_rate": "adopted",
    "mean_rounds": "rounds",
    "mean_compliance": "compliance",
    "mean_government_compliance": "government_compliance",
    "mean_min_group_gain": "min_group_gain",
    "mean_gain_gap": "gain_gap",
    "fragmentation": "fragmentation",
    "divergence": "divergence",
    "mean_objecting_share": "objecting_share",
    "mean_ambition": "ambition",
    **{f"mean_gain_{g}": f"gain_{g}" for g in GROUP_NAMES},
    **{f"mean_participation_{g}": f"participation_{g}" for g in GROUP_NAMES},
}


def run_summary(outcomes: pd.DataFrame) -> dict[str, float]:
    """Run-level means over issues (NaN-skipping: compliance counts adopted issues only)."""
    result = {"n_issues": len(outcomes)}
    for key, column in SUMMARY_MEANS.items():
        values = outcomes[column].astype(float).to_numpy() if len(outcomes) else np.array([])
        values = values[~np.isnan(values)]
        result[key] = float(values.mean()) if len(values) else float("nan")
    return result
