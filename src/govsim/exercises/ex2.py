"""Exercise 2 — reading model output: the outcomes table of one seeded run."""

from __future__ import annotations

from govsim.exercises.checks import Choice, Numeric
from govsim.exercises.runs import model

PROTOCOL, SEED = "bottom_up", 2


def outcomes():
    """The outcomes table of the run this exercise reads (classroom, bottom_up, seed 2)."""
    return model(PROTOCOL, SEED).outcomes


def _issue_names() -> dict[str, str]:
    return {name: name for name in outcomes()["name"]}


def _worst_issue_for_governments() -> str:
    table = outcomes()
    return str(table.loc[table["gain_government"].idxmin(), "name"])


q1 = Numeric(
    "ex2.q1",
    "How many rounds did the longest negotiation in this run take? (a whole number)",
    expected=lambda: outcomes()["rounds"].max(),
    tol=0,
    integer=True,
    bounds=(1, 2000),
    hints=("Each row of the outcomes table is one agenda issue.", 'outcomes["rounds"].max()'),
    explanation="The rounds column holds the rounds each issue took; its maximum is the longest.",
    solution_code='longest = outcomes["rounds"].max()',
)

q2 = Numeric(
    "ex2.q2",
    "What is civil society's mean gain over the five agenda issues of this run? Give the "
    "unrounded number (answers within ±0.000001 count).",
    expected=lambda: outcomes()["gain_civil_society"].mean(),
    tol=1e-6,
    hints=(
        "The gain of a group on one issue is in the column gain_<group>.",
        'Average the column outcomes["gain_civil_society"] over the rows.',
    ),
    explanation=(
        "Each row holds civil society's mean gain u(y) - u(q) on one issue; the mean over the "
        "rows is its mean gain over the agenda (model.summary() reports the same number)."
    ),
    solution_code='civil_society_gain = outcomes["gain_civil_society"].mean()',
)

q3 = Choice(
    "ex2.q3",
    "On which issue did governments gain least? Answer with the issue's name exactly as in the `name` column.",
    options=_issue_names,
    expected=_worst_issue_for_governments,
    wrong="That issue is on the agenda, but governments gained more on it than on another one.",
    hints=(
        "Look at the column gain_government.",
        'outcomes["gain_government"].idxmin() gives the row; .loc[row, "name"] its name.',
    ),
    explanation="Find the row with the smallest gain_government and read its name.",
    solution_code='worst_issue = outcomes.loc[outcomes["gain_government"].idxmin(), "name"]',
)

QUESTIONS = (q1, q2, q3)
