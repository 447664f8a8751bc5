"""The numbers the facilitator guide states, computed from seeded runs.

``docs/facilitator.md`` tags each result it quotes with the name of a fact, as
``0.33<!-- fact:td_compliance_no_lobbying -->``; ``tests/test_facilitator.py`` recomputes every
tagged fact and fails when a stated number no longer matches (to the precision it is stated
with), so a change to the model cannot leave the guide saying something false.
``python -m govsim.handouts.facts`` prints every fact, to update the guide after such a change.

Every fact is a mean over seeded runs of the classroom scenario (seeds 0-9) unless its
description says otherwise; runs are cached (:mod:`govsim.exercises.runs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from govsim.exercises.runs import mean_of, runs

SEEDS = range(10)
GROUPS = ("government", "business", "civil_society", "technical")
POOR = {"civil_society.capacity": 0.1}  # notebook 04's low-capacity civil society


@dataclass(frozen=True)
class Fact:
    """One number the guide may state: what it is, and how to compute it."""

    name: str
    description: str
    compute: Callable[[], float]


def _m(protocol, column: str, scenario: str = "classroom", seeds=SEEDS, **settings) -> float:
    if scenario == "classroom":
        return mean_of(protocol, column, seeds, **settings)
    return float(runs(protocol, seeds, scenario, **settings)[column].mean())


def _lobbying_crossing(step: float = 0.05) -> float:
    """Smallest lobbying (on a grid of ``step``) at which civil society gains at least as much
    under top_down as under bottom_up (default lobbying)."""
    target = _m("bottom_up", "mean_gain_civil_society")
    for lobbying in np.arange(0.0, 1.0 + 1e-9, step):
        if _m("top_down", "mean_gain_civil_society", lobbying=round(float(lobbying), 3)) >= target:
            return round(float(lobbying), 3)
    return float("nan")


def _single_run_rate() -> float:
    """Share of seeds 0-19 in which civil society gains more under bottom_up than top_down."""
    seeds = range(20)
    bottom = runs("bottom_up", seeds)["mean_gain_civil_society"].to_numpy()
    top = runs("top_down", seeds)["mean_gain_civil_society"].to_numpy()
    return float(np.mean(bottom > top))


def _two_thirds(column: str) -> float:
    from govsim.exercises.ex4 import TwoThirds

    return mean_of(TwoThirds, column, range(5))


def _profile(group: str, trait: str) -> float:
    from govsim.teaching import group_profiles

    return float(group_profiles().loc[group, trait])


def _facts() -> list[Fact]:
    found = [
        Fact(f"{p}_gain_{g}", f"mean gain of {g} under {p}", lambda p=p, g=g: _m(p, f"mean_gain_{g}"))
        for p in ("top_down", "bottom_up")
        for g in GROUPS
    ]
    found += [
        Fact(
            f"{p}_min_group_gain",
            f"worst-off group's mean gain under {p}",
            lambda p=p: _m(p, "mean_min_group_gain"),
        )
        for p in ("top_down", "bottom_up")
    ]
    found += [
        Fact(
            "single_run_rate",
            "share of seeds 0-19 where civil society gains more bottom-up",
            _single_run_rate,
        ),
        Fact(
            "td_compliance_no_lobbying",
            "top_down compliance at lobbying 0",
            lambda: _m("top_down", "mean_compliance", lobbying=0.0),
        ),
        Fact(
            "td_compliance_full_lobbying",
            "top_down compliance at lobbying 1",
            lambda: _m("top_down", "mean_compliance", lobbying=1.0),
        ),
        Fact(
            "lobbying_crossing",
            "lobbying from which top_down serves civil society as well as bottom_up",
            _lobbying_crossing,
        ),
        Fact(
            "poor_compliance",
            "bottom_up compliance, civil-society capacity 0.1",
            lambda: _m("bottom_up", "mean_compliance", **POOR),
        ),
        Fact(
            "watched_compliance",
            "bottom_up compliance, capacity 0.1 and transparency 1",
            lambda: _m("bottom_up", "mean_compliance", transparency=1.0, **POOR),
        ),
        Fact(
            "poor_cs_gain",
            "civil society's gain, capacity 0.1",
            lambda: _m("bottom_up", "mean_gain_civil_society", **POOR),
        ),
        Fact(
            "watched_cs_gain",
            "civil society's gain, capacity 0.1 and transparency 1",
            lambda: _m("bottom_up", "mean_gain_civil_society", transparency=1.0, **POOR),
        ),
        Fact(
            "open_half_cs_attendance",
            "civil society's attendance at openness 0.5",
            lambda: _m("bottom_up", "mean_participation_civil_society", openness=0.5),
        ),
        Fact(
            "open_full_technical_attendance",
            "technical community's attendance at openness 1",
            lambda: _m("bottom_up", "mean_participation_technical"),
        ),
        Fact(
            "open_030_technical_attendance",
            "technical community's attendance at openness 0.3",
            lambda: _m("bottom_up", "mean_participation_technical", openness=0.3),
        ),
    ]
    for scenario in ("wcit_2012", "netmundial_2014", "iana_transition_2016"):
        for p in ("top_down", "bottom_up"):
            found += [
                Fact(
                    f"{scenario}_{p}_rounds",
                    f"{scenario}: rounds per issue, {p}",
                    lambda s=scenario, p=p: _m(p, "mean_rounds", s),
                ),
                Fact(
                    f"{scenario}_{p}_gov_compliance",
                    f"{scenario}: governments complying, {p}",
                    lambda s=scenario, p=p: _m(p, "mean_government_compliance", s),
                ),
            ]
    found += [
        Fact(
            "iana_speedup",
            "iana_transition_2016: bottom_up rounds divided by top_down rounds",
            lambda: (
                _m("bottom_up", "mean_rounds", "iana_transition_2016")
                / _m("top_down", "mean_rounds", "iana_transition_2016")
            ),
        ),
    ]
    found += [
        Fact(f"two_thirds_{c}", f"two_thirds (exercise 4), seeds 0-4: {c}", lambda c=c: _two_thirds(c))
        for c in ("mean_rounds", "mean_compliance", "mean_gain_civil_society", "mean_min_group_gain")
    ]
    found += [
        Fact(f"bottom_up5_{c}", f"bottom_up, seeds 0-4: {c}", lambda c=c: _m("bottom_up", c, seeds=range(5)))
        for c in ("mean_rounds", "mean_compliance", "mean_gain_civil_society", "mean_min_group_gain")
    ]
    found += [
        Fact(f"profile_{g}_{t}", f"assumed {t} of {g} (group profile)", lambda g=g, t=t: _profile(g, t))
        for g in GROUPS
        for t in ("position_openness", "capability", "capacity")
    ]
    return found


FACTS: dict[str, Fact] = {f.name: f for f in _facts()}


if __name__ == "__main__":
    for fact in FACTS.values():
        print(f"{fact.name:42s} {fact.compute(): .4f}  {fact.description}")
