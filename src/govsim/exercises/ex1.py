"""Exercise 1 — predict, then run: top-down versus bottom-up on the classroom agenda.

Learners write down predictions before running the two rules, then check them against
seeded runs (seeds 0-4) and read one difference off the comparison table.
"""

from __future__ import annotations

import pandas as pd

from govsim.exercises.checks import Choice, Mistake, Numeric
from govsim.exercises.runs import mean_of, runs
from govsim.groups import GROUP_NAMES

SEEDS = range(5)
RULES = ("top_down", "bottom_up")
COLUMNS = (
    "mean_rounds",
    "adoption_rate",
    "mean_compliance",
    *(f"mean_participation_{g}" for g in GROUP_NAMES),
    *(f"mean_gain_{g}" for g in GROUP_NAMES),
)


def compare_rules() -> pd.DataFrame:
    """Means over seeds 0-4 of a few summary columns, one column per rule."""
    table = pd.concat([runs(rule, SEEDS) for rule in RULES])
    return table.groupby("protocol")[list(COLUMNS)].mean().T[list(RULES)]


def _share_key() -> str:
    share = mean_of("top_down", "mean_participation_civil_society", SEEDS)
    return "a" if share < 0.1 else "c" if share > 0.8 else "b"


def _faster_key() -> str:
    top, bottom = (mean_of(rule, "mean_rounds", SEEDS) for rule in RULES)
    return "c" if abs(top - bottom) < 1 else "a" if top < bottom else "b"


def _gain_gap(seeds=SEEDS, column: str = "mean_gain_civil_society") -> float:
    return mean_of("bottom_up", column, seeds) - mean_of("top_down", column, seeds)


def _gain_gap_mistakes() -> list[Mistake]:
    """Near-misses of q4: other seed ranges, one rule alone. (Mean rounds, which this question
    once asked about, fall on a grid of 1/25 and other seed windows hit the same value.)"""
    top, bottom = (mean_of(rule, "mean_gain_civil_society", SEEDS) for rule in RULES)
    slips = {(1, 6): "seeds 1-5", (0, 6): "seeds 0-5", (0, 4): "seeds 0-3"}
    return [
        *(
            Mistake(_gain_gap(range(*r)), f"That is the difference over {text}: use seeds 0-4 (range(5)).")
            for r, text in slips.items()
        ),
        Mistake(bottom, "That is bottom_up's mean gain alone: subtract top_down's."),
        Mistake(top, "That is top_down's mean gain alone: the question asks for the difference."),
    ]


def _least_gain_key() -> str:
    gains = {g: mean_of("top_down", f"mean_gain_{g}", SEEDS) for g in GROUP_NAMES}
    return min(gains, key=gains.get)


q1 = Choice(
    "ex1.q1",
    "Under `top_down`, what share of civil-society stakeholders sits at the negotiating table in a "
    "typical round? 'a' none, 'b' about half, 'c' nearly all.",
    options={"a": "none", "b": "about half", "c": "nearly all"},
    expected=_share_key,
    wrong="Not what the model shows: look at mean_participation_civil_society in the table.",
    hints=(
        "Who may sit at the table under an intergovernmental vote?",
        "Look at the class attribute governments_only of govsim.protocols.TopDown.",
    ),
    explanation=(
        "Under top_down only governments have seats (TopDown.governments_only is True), so civil "
        "society's participation at the table is zero whatever its capacity; it can only lobby."
    ),
    solution_code='civil_society_at_table = "a"  # none: only governments sit at an intergovernmental table',
)

q2 = Choice(
    "ex1.q2",
    "Which rule needs fewer rounds per issue on average? 'a' `top_down`, 'b' `bottom_up`, "
    "'c' about the same (within one round).",
    options={"a": "top_down", "b": "bottom_up", "c": "about the same"},
    aliases={"c": ("about the same (within one round)",)},
    expected=_faster_key,
    wrong="Not what the model shows: compare the mean_rounds row of the two columns.",
    hints=(
        "A vote counts heads once a deadline has passed; rough consensus revises the text until "
        "few enough object.",
        "Under top_down the chair calls a majority vote after consensus_rounds rounds.",
    ),
    explanation=(
        "Top-down is faster: after a short unanimity phase governments vote by majority, while "
        "bottom-up keeps revising the draft toward the objectors until rough consensus. The WCIT-12 "
        "conference itself took two weeks, after preparation from 2009 (an ITU Council working "
        "group, regional meetings); the IANA transition took about two years to a proposal."
    ),
    solution_code='faster_rule = "a"  # top_down: a majority vote ends the talks early',
)

q3 = Choice(
    "ex1.q3",
    "Which group has the lowest mean gain under `top_down`? Answer with its name: "
    + ", ".join(f"`{g}`" for g in GROUP_NAMES)
    + ".",
    options={g: g.replace("_", " ") for g in GROUP_NAMES},
    expected=_least_gain_key,
    wrong="Not what the model shows: compare the mean_gain_ rows of the top_down column.",
    hints=(
        "Gain is how much better the outcome is for a stakeholder than the status quo.",
        "Which group is furthest from the governments' positions and has no seat?",
    ),
    explanation=(
        "Civil society: governments decide, and civil society sits furthest from their views on "
        "rights, with little capability to lobby them."
    ),
    solution_code='least_gain_group = "civil_society"',
)

q4 = Numeric(
    "ex1.q4",
    "How much more does civil society gain per issue under `bottom_up` than under `top_down`, on "
    "average over seeds 0-4 (`bottom_up` minus `top_down`)? Use the table; give the unrounded "
    "number (answers within ±1e-9 count).",
    expected=_gain_gap,
    tol=1e-9,
    signed=True,
    mistakes=_gain_gap_mistakes,
    hints=(
        "The table from compare_rules() has one row per measure and one column per rule; civil "
        "society's gain is the row mean_gain_civil_society.",
        "Pick the two cells of that row with table.loc[row, column] and subtract.",
    ),
    explanation=(
        "Subtract the two cells of the mean_gain_civil_society row: civil society gains more "
        "when it sits at the table."
    ),
    solution_code=(
        'extra_gain = table.loc["mean_gain_civil_society", "bottom_up"] - '
        'table.loc["mean_gain_civil_society", "top_down"]'
    ),
)

QUESTIONS = (q1, q2, q3, q4)
