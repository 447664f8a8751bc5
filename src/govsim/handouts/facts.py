"""Every number the course states that comes out of seeded runs: the notebooks, the facilitator
guide and the README take it from here, and CI checks it on seeds it was not computed from.

**Where numbers are stated.** ``docs/facilitator.md`` and ``README.md`` tag each result they quote
with the name of a fact, as ``0.33<!-- fact:td_compliance_no_lobbying -->`` (a range as
``30-50%<!-- fact:NAME -->``); a notebook states it in prose and checks it in a nearby code cell with
``stated(FACTS["NAME"], "0.33")`` (:func:`govsim.course.stated`). ``python -m
govsim.handouts.facts`` prints every fact with its interval, to update the texts after a change to
the model.

**The rule for a stated number** (:func:`problems`, used by :func:`govsim.course.stated`,
``tests/test_facilitator.py`` and ``tests/test_stated.py``). The text denotes an interval
(:func:`written_interval`): ``0.34`` is [0.335, 0.345], ``95%`` is [94.5%, 95.5%],
``0.6-0.8`` is [0.6, 0.8]. A fact is computed over the seeds :data:`COMPUTED` (seeds 0-199) and

1. its 95% interval over those seeds must lie inside the text's interval: a number is stated no
   more precisely than the runs know it (state it to fewer digits, or give a range, or compute it
   over more seeds);
2. its value on the disjoint seeds :data:`HELD_OUT` (seeds 1000-1199) must lie inside the text's
   interval too, so a number picked from favourable seeds fails.

The 95% interval of a mean over seeds is Student's t (:func:`govsim.teaching.mean_ci`, kept
inside the range the values declare; a share of seeds is the mean of 0/1 values); of any other
statistic of the per-seed runs (a ratio of means, the smallest setting at which one mean reaches
another) a percentile bootstrap over seeds, with a fixed generator so the check is the same on
every run. An assumption (a group profile) has no seeds: its interval is
the value itself.

A fact that is a mean over seeds keeps its per-seed values (:meth:`Fact.samples`), so that two
such facts can be compared seed by seed: :func:`paired_difference` gives the mean difference
and its 95% Student-t interval over the shared seeds (the runs share their seeds, so the
difference is paired and the interval is narrower than comparing two separate intervals).
The guide may call two facts different only when that interval excludes zero, on the computed
seeds and again on the held-out seeds; otherwise it must say the two cannot be told apart
(``tests/test_facilitator.py`` enforces both). Runs are cached (:mod:`govsim.exercises.runs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from govsim.exercises.runs import runs
from govsim.groups import GROUP_NAMES
from govsim.measure_registry import bounds_of
from govsim.teaching import mean_ci

#: the seeds every seeded fact is computed from
COMPUTED = range(200)
#: the seeds CI checks every stated fact on: disjoint from :data:`COMPUTED`
HELD_OUT = range(1000, 1200)
#: resamples of the percentile bootstrap (statistics that are not a mean over seeds)
BOOTSTRAP = 2000
POOR = {"civil_society.capacity": 0.1}  # notebook 04's low-capacity civil society

Seeds = Sequence[int]


def _mean(table: pd.DataFrame) -> float:
    return float(table.iloc[:, 0].mean())


@dataclass(frozen=True)
class Fact:
    """One number the course may state: what it is, and how to compute it on any seeds.

    ``table(seeds)`` returns the per-seed values (one row per seed, index: seed) and
    ``statistic(table)`` the fact; without ``statistic`` the fact is the mean of the table's one
    column, a *mean over seeds*. ``value`` instead gives a fact that no seed changes (an
    assumption such as a group profile). ``seeds`` are the seeds it is computed from;
    ``bounds`` the range the per-seed values declare (a share's is (0, 1)), inside which the
    interval of a mean is kept (:mod:`govsim.intervals`).
    """

    name: str
    description: str
    table: Callable[[Seeds], pd.DataFrame] | None = None
    statistic: Callable[[pd.DataFrame], float] | None = None
    value: Callable[[], float] | None = None
    seeds: Seeds = field(default=COMPUTED)
    bounds: tuple[float | None, float | None] | None = None

    @property
    def seeded(self) -> bool:
        """True when the fact comes out of seeded runs (False for an assumption)."""
        return self.table is not None

    @property
    def is_mean(self) -> bool:
        """True for a mean over seeds (seed-by-seed comparable, see :func:`paired_difference`)."""
        return self.seeded and self.statistic is None

    def compute(self, seeds: Seeds | None = None) -> float:
        """The fact over ``seeds`` (default: the seeds it is computed from)."""
        if not self.seeded:
            return float(self.value())
        return float((self.statistic or _mean)(self.table(self.seeds if seeds is None else seeds)))

    def samples(self, seeds: Seeds | None = None) -> pd.Series:
        """Per-seed values of a mean over seeds (index: seed).

        Raises
        ------
        ValueError
            The fact is not a mean over seeds.
        """
        if not self.is_mean:
            raise ValueError(
                f"fact={self.name!r} is not a mean over seeds, so it cannot be compared seed by seed"
            )
        return self.table(self.seeds if seeds is None else seeds).iloc[:, 0]

    def interval(self, seeds: Seeds | None = None, level: float = 0.95) -> tuple[float, float]:
        """The ``level`` confidence interval of the fact over ``seeds`` (see the module docstring):
        Student's t for a mean over seeds, a percentile bootstrap over seeds otherwise, the value
        itself for an assumption."""
        if not self.seeded:
            value = self.compute()
            return value, value
        table = self.table(self.seeds if seeds is None else seeds)
        if self.statistic is None:
            ci = mean_ci(table.iloc[:, 0], level, self.bounds)
            return float(ci["low"]), float(ci["high"])
        rng = np.random.default_rng(20_261_206)
        picks = rng.integers(0, len(table), size=(BOOTSTRAP, len(table)))
        values = np.array([self.statistic(table.iloc[pick]) for pick in picks])
        tail = (1 - level) / 2 * 100
        low, high = np.nanpercentile(values, [tail, 100 - tail])
        return float(low), float(high)


#: a number as prose writes it: a decimal, a percentage or a multiple
NUMBER = re.compile(r"^\s*(?P<sign>[-−+])?(?P<num>\d+(?:\.(?P<dec>\d+))?)\s*(?P<unit>%|x|×)?\s*$")
#: a range as prose writes it: 0.6-0.8, 75-90%, -0.02 to -0.01
RANGE = re.compile(
    r"^\s*(?P<low>[-−+]?\d+(?:\.\d+)?)(?:\s*[-–]\s*|\s+to\s+)(?P<high>[-−+]?\d+(?:\.\d+)?)\s*(?P<unit>%|x|×)?\s*$"
)


def written_interval(text: str) -> tuple[float, float]:
    """The interval a number as the prose writes it stands for, in the value's units.

    A single number stands for everything that rounds to it: ``"0.34"`` is [0.335, 0.345],
    ``"95%"`` is [0.945, 0.955] (a percentage is of a share), ``"12x"`` is [11.5, 12.5]. A range
    stands for itself: ``"0.6-0.8"`` is [0.6, 0.8], ``"30-50%"`` is [0.30, 0.50], ``"-0.02 to -0.01"``
    is [-0.02, -0.01] (write a range with a negative or signed end with "to").

    Raises
    ------
    ValueError
        ``text`` is not a number or range in one of these forms.
    """
    ranged = RANGE.match(text)
    if ranged is not None:
        scale = 0.01 if ranged["unit"] == "%" else 1.0
        low, high = (float(ranged[k].replace("−", "-")) * scale for k in ("low", "high"))
        if low > high:
            raise ValueError(f"stated text={text!r} is a range whose low end is above its high end")
        return low, high
    match = NUMBER.match(text)
    if match is None:
        raise ValueError(f"stated text={text!r} is not a number like '0.72', '44%', '13x' or '0.6-0.8'")
    decimals = len(match["dec"] or "")
    written = float(match["num"]) * (-1 if match["sign"] in ("-", "−") else 1)
    scale = 0.01 if match["unit"] == "%" else 1.0
    half = 0.5 * 10.0**-decimals
    return (written - half) * scale, (written + half) * scale


def _span(seeds: Seeds) -> str:
    seeds = list(seeds)
    return (
        f"seeds {seeds[0]}-{seeds[-1]}"
        if seeds == list(range(seeds[0], seeds[-1] + 1))
        else f"{len(seeds)} seeds"
    )


def problems(fact: Fact, text: str, held_out: bool = False) -> list[str]:
    """What is wrong with stating ``fact`` as ``text`` (empty: nothing), one line each.

    Rule 1: the fact's 95% interval over its seeds lies inside the interval ``text`` denotes
    (:func:`written_interval`). Rule 2, with ``held_out``: its value on
    :data:`HELD_OUT` lies inside it too.
    """
    low, high = written_interval(text)
    eps = 1e-9
    found = []
    value = fact.compute()
    a, b = fact.interval()
    if not (low - eps <= a and b <= high + eps):
        found.append(
            f"{fact.name}: the text says {text!r} (that is [{low:g}, {high:g}]) but over {_span(fact.seeds)} "
            f"it is {value:.4g} with 95% interval [{a:.4g}, {b:.4g}]: state it less precisely, give a "
            "range, or compute it over more seeds"
        )
    if held_out and fact.seeded:
        other = fact.compute(HELD_OUT)
        if not low - eps <= other <= high + eps:
            found.append(
                f"{fact.name}: the text says {text!r} (that is [{low:g}, {high:g}]) but on the held-out "
                f"{_span(HELD_OUT)} it is {other:.4g} (on {_span(fact.seeds)}: {value:.4g})"
            )
    return found


def _v(protocol, column: str, scenario: str = "classroom", seeds: Seeds = COMPUTED, **settings) -> pd.Series:
    """Per-seed values of one summary column (index: seed)."""
    table = runs(protocol, seeds, scenario, **settings)
    return pd.Series(table[column].to_numpy(dtype=float), index=table["seed"].to_numpy(), name=column)


def _seeded(name: str, description: str, *args, **kwargs) -> Fact:
    """A fact that is the mean over seeds of ``_v(*args, seeds=..., **kwargs)``."""

    def table(seeds: Seeds) -> pd.DataFrame:
        return _v(*args, seeds=seeds, **kwargs).to_frame()

    return Fact(name, description, table, bounds=bounds_of(args[1]))


def _columns(seeds: Seeds, **columns: tuple) -> pd.DataFrame:
    """Per-seed values of several runs side by side: ``name=(protocol, column, scenario, settings)``."""
    return pd.DataFrame(
        {name: _v(p, c, sc, seeds, **(settings or {})) for name, (p, c, sc, settings) in columns.items()}
    )


def _ratio(name: str, description: str, scenario: str, column: str, top: str, bottom: str) -> Fact:
    """Mean of ``column`` under ``top`` divided by its mean under ``bottom``."""
    return Fact(
        name,
        description,
        lambda seeds: _columns(seeds, a=(top, column, scenario, None), b=(bottom, column, scenario, None)),
        lambda t: float(t["a"].mean() / t["b"].mean()),
    )


def _rate(name: str, description: str, column: str, first: str, second: str) -> Fact:
    """Share of seeds in which ``column`` is higher under ``first`` than under ``second``
    (classroom; the single-run rate behind a comparison of means)."""

    def table(seeds: Seeds) -> pd.DataFrame:
        both = _columns(seeds, a=(first, column, "classroom", None), b=(second, column, "classroom", None))
        return (both["a"] > both["b"]).astype(float).to_frame(name)

    return Fact(name, description, table, bounds=(0.0, 1.0))


#: the lobbying grid :func:`_crossing` searches (steps of 0.05)
LOBBYING = tuple(round(0.05 * i, 2) for i in range(21))


def _lobbying_runs(seeds: Seeds) -> pd.DataFrame:
    """Civil society's gain per seed: bottom_up (default lobbying), then top_down at each lobbying
    level of :data:`LOBBYING`."""
    columns = {"bottom_up": _v("bottom_up", "mean_gain_civil_society", seeds=seeds)}
    for lobbying in LOBBYING:
        columns[lobbying] = _v("top_down", "mean_gain_civil_society", seeds=seeds, lobbying=lobbying)
    return pd.DataFrame(columns)


def _crossing(table: pd.DataFrame) -> float:
    """Smallest lobbying (on :data:`LOBBYING`) at which civil society's mean gain under top_down
    is at least its mean gain under bottom_up; NaN when there is none."""
    means = table.mean()
    for lobbying in LOBBYING:
        if means[lobbying] >= means["bottom_up"]:
            return lobbying
    return float("nan")


#: the role-play session the guide documents: classroom, bottom_up, two issues, three rounds each
SESSION = {"scenario": "classroom", "protocol": "bottom_up", "issues": 2, "budget": 3}


@cache
def _session_runs(fallback: str, seeds: tuple[int, ...]) -> pd.DataFrame:
    """All-simulated role-play sessions of :data:`SESSION` under ``fallback``, one row per seed
    (index: seed): ``none_adopted`` (1 when no issue is adopted), ``adopted_<n>`` (1 when
    issue n is adopted) and every group's ``mean_gain_<group>``."""
    from govsim.roleplay import RolePlay
    from govsim.roleplay.plan import SessionPlan

    plan = SessionPlan(issues=SESSION["issues"], budget=SESSION["budget"], fallback=fallback)
    rows = {}
    for seed in seeds:
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
    def table(seeds: Seeds) -> pd.DataFrame:
        return _session_runs(fallback, tuple(int(s) for s in seeds))[[column]]

    said = f"{description} (role-play session {SESSION}, fallback {fallback}, all simulated)"
    return Fact(name, said, table, bounds=(0.0, 1.0) if "adopted" in column else bounds_of(column))


def _profile(group: str, trait: str) -> float:
    from govsim.teaching import group_profiles

    return float(group_profiles().loc[group, trait])


#: notebook 01's Marco Civil comparison: the executive's bill then the Chamber's vote (the
#: scenario's rule), a vote on the blocs' median with no bill tabled, and rough consensus first
MARCO = "marco_civil_2014"
MARCO_RULES = {
    "bill": ("top_down", {}),
    "median": ("top_down", {"agenda_setter": 0.0}),
    "consulted": ("consult_then_ratify", {}),
}


def _marco_civil_facts() -> list[Fact]:
    """Facts of the Marco Civil comparison (notebook 01); the text on the file's 0-10 scale is
    the status quo 3 plus ten times the ambition (every adopted text there lies above it)."""

    def text(seeds: Seeds) -> pd.DataFrame:
        protocol, settings = MARCO_RULES["bill"]
        return (3 + 10 * _v(protocol, "mean_ambition", MARCO, seeds, **settings)).to_frame("text")

    found = [
        Fact(
            "marco_civil_bill_text",
            f"{MARCO}: adopted neutrality text (0-10), bill then vote",
            text,
            bounds=(0.0, 10.0),
        )
    ]
    for rule, column in (
        ("bill", "mean_gain_civil_society"),
        ("median", "mean_gain_civil_society"),
        ("bill", "mean_gain_business"),
        ("bill", "mean_compliance"),
        ("consulted", "mean_compliance"),
    ):
        protocol, settings = MARCO_RULES[rule]
        found.append(
            _seeded(
                f"marco_civil_{rule}_{column}",
                f"{MARCO}: {column}, {rule}",
                protocol,
                column,
                MARCO,
                **settings,
            )
        )
    found.append(
        Fact(
            "marco_civil_rounds_ratio",
            f"{MARCO}: rounds under rough consensus first divided by rounds under the bill then vote",
            lambda seeds: _columns(
                seeds,
                a=("consult_then_ratify", "mean_rounds", MARCO, None),
                b=("top_down", "mean_rounds", MARCO, None),
            ),
            lambda t: float(t["a"].mean() / t["b"].mean()),
        )
    )
    return found


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
        _rate(
            "single_run_rate",
            "share of seeds where civil society gains more bottom-up than top-down",
            "mean_gain_civil_society",
            "bottom_up",
            "top_down",
        ),
        _rate(
            "worst_off_rate",
            "share of seeds where the worst-off group gains more top-down than bottom-up",
            "mean_min_group_gain",
            "top_down",
            "bottom_up",
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
            "lobbying from which top_down serves civil society as well as bottom_up (steps of 0.05)",
            _lobbying_runs,
            _crossing,
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
    iana = "iana_transition_2016"
    found += [
        Fact(
            "wcit_2012_top_down_gov_noncompliance",
            "wcit_2012: share of governments not complying, top_down",
            lambda seeds: (1 - _v("top_down", "mean_government_compliance", "wcit_2012", seeds)).to_frame(),
            bounds=(0.0, 1.0),
        ),
        _seeded(
            "wcit_2012_top_down_ambition",
            "wcit_2012: ambition, top_down",
            "top_down",
            "mean_ambition",
            "wcit_2012",
        ),
        _seeded(
            "wcit_2012_bottom_up_ambition",
            "wcit_2012: ambition, bottom_up",
            "bottom_up",
            "mean_ambition",
            "wcit_2012",
        ),
        _ratio(
            "iana_speedup",
            f"{iana}: bottom_up rounds divided by top_down rounds",
            iana,
            "mean_rounds",
            "bottom_up",
            "top_down",
        ),
        _ratio(
            "iana_ctr_speedup",
            f"{iana}: consult_then_ratify rounds divided by top_down rounds",
            iana,
            "mean_rounds",
            "consult_then_ratify",
            "top_down",
        ),
        _seeded(
            "iana_ctr_voted_no",
            f"{iana}: share of governments voting no in the ratification vote, consult_then_ratify",
            "consult_then_ratify",
            "mean_objecting_share",
            iana,
        ),
        _seeded(
            "iana_ctr_gov_compliance",
            f"{iana}: governments complying, consult_then_ratify",
            "consult_then_ratify",
            "mean_government_compliance",
            iana,
        ),
    ]
    found += _marco_civil_facts()
    found += [
        _seeded(f"two_thirds_{c}", f"two_thirds (exercise 4): {c}", TwoThirds, c)
        for c in ("mean_rounds", "mean_compliance", "mean_gain_civil_society", "mean_min_group_gain")
    ]
    found += [
        _seeded(f"bottom_up_{c}", f"bottom_up: {c}", "bottom_up", c)
        for c in ("mean_rounds", "mean_compliance")
    ]
    found += [
        Fact(f"profile_{g}_{t}", f"assumed {t} of {g} (group profile)", value=lambda g=g, t=t: _profile(g, t))
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


def paired_difference(a: str, b: str, level: float = 0.95, seeds: Seeds | None = None) -> pd.Series:
    """Mean of fact ``a`` minus fact ``b`` seed by seed, with its ``level`` interval.

    Parameters
    ----------
    a, b : names of facts that are means over the same seeds (see :meth:`Fact.samples`).
    level : confidence level of the Student-t interval (:func:`govsim.teaching.mean_ci`).
    seeds : the seeds to pair on (default: the seeds the facts are computed from, which must
        be the same; :data:`HELD_OUT` to check a stated difference on other seeds).

    Returns
    -------
    pandas.Series
        ``mean``, ``low``, ``high`` (units of the facts) and ``n`` (number of seeds).

    Raises
    ------
    ValueError
        When a name is not a fact, a fact is not a mean over seeds, or the seeds differ.
    """
    for name in (a, b):
        if name not in FACTS:
            raise ValueError(f"fact={name!r} is not a fact (allowed: see govsim.handouts.facts)")
    if seeds is None and list(FACTS[a].seeds) != list(FACTS[b].seeds):
        raise ValueError(f"facts {a!r} and {b!r} use different seeds, so they cannot be paired")
    first, second = (FACTS[name].samples(seeds) for name in (a, b))
    return mean_ci(first.to_numpy() - second.to_numpy(), level)


def told_apart(a: str, b: str, level: float = 0.95, seeds: Seeds | None = None) -> bool:
    """True when the paired interval of ``a - b`` excludes zero (see :func:`paired_difference`)."""
    diff = paired_difference(a, b, level, seeds)
    return bool(diff["low"] > 0 or diff["high"] < 0)


_WRITTEN = r"[-+]?\d+(?:\.\d+)?(?:(?:-|–| to )[-+]?\d+(?:\.\d+)?)?%?"
#: how a text tags a stated number: ``0.33<!-- fact:NAME -->`` (the number as written, with an
#: optional range ``0.6-0.8`` or ``-0.02 to -0.01`` and %, and the fact's name)
TAG = re.compile(rf"({_WRITTEN})<!-- fact:(\w+) -->")
_TAGGED = rf"{_WRITTEN}<!-- fact:(\w+) -->"
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


def tagged(text: str) -> list[tuple[str, str]]:
    """Every ``(number as written, fact name)`` that ``text`` tags (see :data:`TAG`)."""
    return TAG.findall(text)


def comparisons(text: str) -> list[tuple[str, str]]:
    """Pairs of fact names that ``text`` sets side by side (see :data:`COMPARED`)."""
    return [(m.group(1), m.group(2)) for m in COMPARED.finditer(text)]


def comparison_problems(text: str, level: float = 0.95, held_out: bool = False) -> list[str]:
    """What is wrong with the differences ``text`` states, one line each (empty: nothing).

    ``text`` is split into sentences. In each, every pair of tagged facts set side by side
    (:func:`comparisons`) that are means over seeds is compared seed by seed
    (:func:`paired_difference`). A pair whose interval includes zero may not be stated as a
    difference: its sentence must say so with one of :data:`ALIKE` ("the same in every run"
    only when every seed gives the same value). A sentence that says the runs cannot tell two
    facts apart must hold such a pair. With ``held_out``, every difference stated must also be
    told apart, the same way round, on :data:`HELD_OUT`. Pairs of assumptions are inputs, not
    results, and are not compared; an assumption set against a result is an error, and so is a
    result that is not a mean over seeds (it cannot be paired).
    """
    problems = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        pairs = comparisons(sentence)
        said_alike = [phrase for phrase in ALIKE if phrase in sentence]
        alike = []
        for a, b in pairs:
            facts = [FACTS[n] for n in (a, b) if n in FACTS]
            if len(facts) < 2:
                problems.append(f"{a} / {b}: not a fact (see govsim.handouts.facts)")
                continue
            if not any(f.seeded for f in facts):
                continue
            if not all(f.seeded for f in facts):
                problems.append(f"{a} / {b}: an assumption is set against a result of runs")
                continue
            if not all(f.is_mean for f in facts):
                problems.append(
                    f"{a} / {b}: not both means over seeds, so they cannot be compared seed by seed"
                )
                continue
            diff = paired_difference(a, b, level)
            span = f"[{diff['low']:+.4f}, {diff['high']:+.4f}]"
            if diff["low"] > 0 or diff["high"] < 0:
                if held_out:
                    other = paired_difference(a, b, level, HELD_OUT)
                    same_way = other["low"] > 0 if diff["low"] > 0 else other["high"] < 0
                    if not same_way:
                        problems.append(
                            f"{a} / {b}: told apart over {_span(FACTS[a].seeds)} ({span}) but not on the "
                            f"held-out {_span(HELD_OUT)} ([{other['low']:+.4f}, {other['high']:+.4f}]): "
                            f"{sentence.strip()[:100]}"
                        )
                continue
            alike.append((a, b))
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
    print(
        f"{'fact':40s} {'value':>9s} {'95% interval':>21s} {'held out':>9s}  (computed on {_span(COMPUTED)})"
    )
    for fact in FACTS.values():
        low, high = fact.interval()
        other = fact.compute(HELD_OUT) if fact.seeded else fact.compute()
        print(
            f"{fact.name:40s} {fact.compute():9.4f} [{low:9.4f}, {high:9.4f}] {other:9.4f}  {fact.description}"
        )
