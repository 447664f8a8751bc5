"""The numbers the facilitator guide states, computed from seeded runs.

``docs/facilitator.md`` tags each result it quotes with the name of a fact, as
``0.33<!-- fact:td_compliance_no_lobbying -->``; ``tests/test_facilitator.py`` recomputes every
tagged fact and fails when a stated number no longer matches (to the precision it is stated
with), so a change to the model cannot leave the guide saying something false.
``python -m govsim.handouts.facts`` prints every fact, to update the guide after such a change.

Every fact is a mean over seeded runs of the classroom scenario (seeds 0-9) unless its
description says otherwise; runs are cached (:mod:`govsim.exercises.runs`).

A fact that is a mean over seeds keeps its per-seed values (:attr:`Fact.samples`), so that two
such facts can be compared seed by seed: :func:`paired_difference` gives the mean difference
and its 95% Student-t interval over the shared seeds (the runs share their seeds, so the
difference is paired and the interval is narrower than comparing two separate intervals).
The guide may call two facts different only when that interval excludes zero; otherwise it
must say the two cannot be told apart (``tests/test_facilitator.py`` enforces both).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from govsim.exercises.runs import runs
from govsim.groups import GROUP_NAMES
from govsim.teaching import mean_ci

SEEDS = range(10)

POOR = {"civil_society.capacity": 0.1}  # notebook 04's low-capacity civil society


@dataclass(frozen=True)
class Fact:
    """One number the guide may state: what it is, and how to compute it.

    ``samples`` (for a mean over seeded runs) returns the per-seed values as a Series indexed
    by seed; ``compute`` is then their mean. Facts that are assumptions, searches or ratios
    have no samples.
    """

    name: str
    description: str
    compute: Callable[[], float]
    samples: Callable[[], pd.Series] | None = None


def _v(protocol, column: str, scenario: str = "classroom", seeds=SEEDS, **settings) -> pd.Series:
    """Per-seed values of one summary column (index: seed)."""
    table = runs(protocol, seeds, scenario, **settings)
    return pd.Series(table[column].to_numpy(dtype=float), index=table["seed"].to_numpy(), name=column)


def _m(protocol, column: str, scenario: str = "classroom", seeds=SEEDS, **settings) -> float:
    return float(_v(protocol, column, scenario, seeds, **settings).mean())


def _seeded(name: str, description: str, *args, **kwargs) -> Fact:
    """A fact that is the mean over seeds of ``_v(*args, **kwargs)``."""

    def samples() -> pd.Series:
        return _v(*args, **kwargs)

    return Fact(name, description, lambda: float(samples().mean()), samples)


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


#: the role-play session the guide documents: classroom, bottom_up, two issues, three rounds each
SESSION = {"scenario": "classroom", "protocol": "bottom_up", "issues": 2, "budget": 3}


@cache
def _sessions(fallback: str) -> pd.DataFrame:
    """All-simulated role-play sessions of :data:`SESSION` under ``fallback``, one row per seed
    (index: seed): ``none_adopted`` (1 when no issue is adopted), ``adopted_<n>`` (1 when
    issue n is adopted) and every group's ``mean_gain_<group>``."""
    from govsim.roleplay import RolePlay
    from govsim.roleplay.plan import SessionPlan

    plan = SessionPlan(issues=SESSION["issues"], budget=SESSION["budget"], fallback=fallback)
    rows = {}
    for seed in SEEDS:
        room = RolePlay(SESSION["scenario"], SESSION["protocol"], seed=seed, plan=plan)
        model = room.new_model(seed).run()
        adopted = [float(a) for a in model.outcomes["adopted"]]
        summary = model.summary()
        rows[seed] = {
            "none_adopted": float(not any(adopted)),
            **{f"adopted_{n}": a for n, a in enumerate(adopted, start=1)},
            **{f"mean_gain_{g}": float(summary[f"mean_gain_{g}"]) for g in GROUP_NAMES},
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _session_fact(name: str, description: str, fallback: str, column: str) -> Fact:
    def samples() -> pd.Series:
        return _sessions(fallback)[column].rename(column)

    said = f"{description} (role-play session {SESSION}, fallback {fallback}, all simulated)"
    return Fact(name, said, lambda: float(samples().mean()), samples)


def _profile(group: str, trait: str) -> float:
    from govsim.teaching import group_profiles

    return float(group_profiles().loc[group, trait])


def _facts() -> list[Fact]:
    from govsim.exercises.ex4 import TwoThirds

    found = [
        _seeded(f"{p}_gain_{g}", f"mean gain of {g} under {p}", p, f"mean_gain_{g}")
        for p in ("top_down", "bottom_up")
        for g in GROUP_NAMES
    ]
    found += [
        _seeded(f"{p}_min_group_gain", f"worst-off group's mean gain under {p}", p, "mean_min_group_gain")
        for p in ("top_down", "bottom_up")
    ]
    found += [
        Fact(
            "single_run_rate",
            "share of seeds 0-19 where civil society gains more bottom-up",
            _single_run_rate,
        ),
        _seeded(
            "td_compliance_no_lobbying",
            "top_down compliance at lobbying 0",
            "top_down",
            "mean_compliance",
            lobbying=0.0,
        ),
        _seeded(
            "td_compliance_full_lobbying",
            "top_down compliance at lobbying 1",
            "top_down",
            "mean_compliance",
            lobbying=1.0,
        ),
        Fact(
            "lobbying_crossing",
            "lobbying from which top_down serves civil society as well as bottom_up",
            _lobbying_crossing,
        ),
        _seeded(
            "poor_compliance",
            "bottom_up compliance, civil-society capacity 0.1",
            "bottom_up",
            "mean_compliance",
            **POOR,
        ),
        _seeded(
            "watched_compliance",
            "bottom_up compliance, capacity 0.1 and transparency 1",
            "bottom_up",
            "mean_compliance",
            transparency=1.0,
            **POOR,
        ),
        _seeded(
            "poor_cs_gain",
            "civil society's gain, capacity 0.1",
            "bottom_up",
            "mean_gain_civil_society",
            **POOR,
        ),
        _seeded(
            "watched_cs_gain",
            "civil society's gain, capacity 0.1 and transparency 1",
            "bottom_up",
            "mean_gain_civil_society",
            transparency=1.0,
            **POOR,
        ),
        _seeded(
            "open_half_cs_attendance",
            "civil society's attendance at openness 0.5",
            "bottom_up",
            "mean_participation_civil_society",
            openness=0.5,
        ),
        _seeded(
            "open_full_technical_attendance",
            "technical community's attendance at openness 1",
            "bottom_up",
            "mean_participation_technical",
        ),
        _seeded(
            "open_030_technical_attendance",
            "technical community's attendance at openness 0.3",
            "bottom_up",
            "mean_participation_technical",
            openness=0.3,
        ),
    ]
    for scenario in ("wcit_2012", "netmundial_2014", "iana_transition_2016"):
        for p in ("top_down", "bottom_up"):
            found += [
                _seeded(
                    f"{scenario}_{p}_rounds", f"{scenario}: rounds per issue, {p}", p, "mean_rounds", scenario
                ),
                _seeded(
                    f"{scenario}_{p}_gov_compliance",
                    f"{scenario}: governments complying, {p}",
                    p,
                    "mean_government_compliance",
                    scenario,
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
    five = range(5)
    found += [
        _seeded(f"two_thirds_{c}", f"two_thirds (exercise 4), seeds 0-4: {c}", TwoThirds, c, seeds=five)
        for c in ("mean_rounds", "mean_compliance", "mean_gain_civil_society", "mean_min_group_gain")
    ]
    found += [
        _seeded(f"bottom_up5_{c}", f"bottom_up, seeds 0-4: {c}", "bottom_up", c, seeds=five)
        for c in ("mean_rounds", "mean_compliance", "mean_gain_civil_society", "mean_min_group_gain")
    ]
    found += [
        Fact(f"profile_{g}_{t}", f"assumed {t} of {g} (group profile)", lambda g=g, t=t: _profile(g, t))
        for g in GROUP_NAMES
        for t in ("position_openness", "capability", "capacity")
    ]
    found += [
        _session_fact(
            "session_sq_none_adopted", "share of runs with no issue adopted", "status_quo", "none_adopted"
        ),
        _session_fact(
            "session_gv_data_flows",
            "share of runs adopting issue 1 (data flows)",
            "government_vote",
            "adopted_1",
        ),
        _session_fact(
            "session_gv_lawful_access",
            "share of runs adopting issue 2 (lawful access)",
            "government_vote",
            "adopted_2",
        ),
        _session_fact(
            "session_tv_data_flows", "share of runs adopting issue 1 (data flows)", "table_vote", "adopted_1"
        ),
        _session_fact(
            "session_tv_gain_government", "governments' mean gain", "table_vote", "mean_gain_government"
        ),
        _session_fact(
            "session_gv_gain_government", "governments' mean gain", "government_vote", "mean_gain_government"
        ),
    ]
    return found


FACTS: dict[str, Fact] = {f.name: f for f in _facts()}


def paired_difference(a: str, b: str, level: float = 0.95) -> pd.Series:
    """Mean of fact ``a`` minus fact ``b`` seed by seed, with its ``level`` interval.

    Parameters
    ----------
    a, b : names of facts that are means over the same seeds (see :attr:`Fact.samples`).
    level : confidence level of the Student-t interval (:func:`govsim.teaching.mean_ci`).

    Returns
    -------
    pandas.Series
        ``mean``, ``low``, ``high`` (units of the facts) and ``n`` (number of seeds).

    Raises
    ------
    ValueError
        When a name is not a fact, a fact is not a mean over seeds, or the seeds differ.
    """
    found = []
    for name in (a, b):
        if name not in FACTS:
            raise ValueError(f"fact={name!r} is not a fact (allowed: see govsim.handouts.facts)")
        if FACTS[name].samples is None:
            raise ValueError(f"fact={name!r} is not a mean over seeds, so it cannot be compared seed by seed")
        found.append(FACTS[name].samples())
    first, second = found
    if list(first.index) != list(second.index):
        raise ValueError(f"facts {a!r} and {b!r} use different seeds, so they cannot be paired")
    return mean_ci(first.to_numpy() - second.to_numpy(), level)


def told_apart(a: str, b: str, level: float = 0.95) -> bool:
    """True when the paired interval of ``a - b`` excludes zero (see :func:`paired_difference`)."""
    diff = paired_difference(a, b, level)
    return bool(diff["low"] > 0 or diff["high"] < 0)


#: how the guide tags a stated number: ``0.33<!-- fact:NAME -->`` (value, optional %, name)
TAG = re.compile(r"([-+]?\d+(?:\.\d+)?)(%?)<!-- fact:(\w+) -->")
_TAGGED = r"[-+]?\d+(?:\.\d+)?%?<!-- fact:(\w+) -->"
#: two tagged numbers set side by side: "A against B", "A instead of B", "from A to B", "A and B"
#: (a few words without numbers may stand between A and the comparing word), or "A, governments B"
COMPARED = re.compile(
    _TAGGED
    + r"(?:[^<\d.;]{0,40}?\b(?:against|instead of|and|to|versus)\s+|,(?:\s+[^\W\d][\w'-]*){0,3}\s+)"
    + "(?="
    + _TAGGED
    + ")"
)
#: what a sentence must say when it sets side by side two facts the runs cannot tell apart
ALIKE = ("cannot be told apart", "cannot tell them apart", "within the noise", "the same in every run")


def comparisons(text: str) -> list[tuple[str, str]]:
    """Pairs of fact names that ``text`` sets side by side (see :data:`COMPARED`)."""
    return [(m.group(1), m.group(2)) for m in COMPARED.finditer(text)]


def comparison_problems(text: str, level: float = 0.95) -> list[str]:
    """What is wrong with the differences ``text`` states, one line each (empty: nothing).

    ``text`` is split into sentences. In each, every pair of tagged facts set side by side
    (:func:`comparisons`) that are means over seeds is compared seed by seed
    (:func:`paired_difference`). A pair whose interval includes zero may not be stated as a
    difference: its sentence must say so with one of :data:`ALIKE` ("the same in every run"
    only when every seed gives the same value). A sentence that says the runs cannot tell two
    facts apart must hold such a pair. Pairs of assumptions (facts without samples) are
    inputs, not results, and are not compared; an assumption set against a result is an error.
    """
    problems = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        pairs = comparisons(sentence)
        said_alike = [phrase for phrase in ALIKE if phrase in sentence]
        alike = []
        for a, b in pairs:
            seeded = [FACTS[n].samples is not None for n in (a, b) if n in FACTS]
            if len(seeded) < 2:
                problems.append(f"{a} / {b}: not a fact (see govsim.handouts.facts)")
                continue
            if not any(seeded):
                continue
            if not all(seeded):
                problems.append(f"{a} / {b}: an assumption is set against a result of runs")
                continue
            diff = paired_difference(a, b, level)
            if diff["low"] > 0 or diff["high"] < 0:
                continue
            alike.append((a, b))
            span = f"[{diff['low']:+.4f}, {diff['high']:+.4f}]"
            if not said_alike:
                problems.append(
                    f"{a} / {b}: the paired interval {span} over {int(diff['n'])} seeds includes zero, "
                    f"so the sentence must say they cannot be told apart: {sentence.strip()[:100]}"
                )
            if "the same in every run" in said_alike and diff["low"] != diff["high"]:
                problems.append(f"{a} / {b}: not the same in every run ({span})")
        if said_alike and pairs and not alike:
            problems.append(
                f"says '{said_alike[0]}' but sets no such pair side by side: {sentence.strip()[:100]}"
            )
    return problems


if __name__ == "__main__":
    for fact in FACTS.values():
        print(f"{fact.name:42s} {fact.compute(): .4f}  {fact.description}")
