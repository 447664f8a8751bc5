"""Exercise 2 — reading model output: the outcomes table of one seeded run."""

from __future__ import annotations

from govsim.exercises.checks import Choice, Mistake, Numeric
from govsim.exercises.runs import model

PROTOCOL, SEED = "bottom_up", 2


def outcomes():
    """The outcomes table of the run this exercise reads (classroom, bottom_up, seed 2)."""
    return model(PROTOCOL, SEED).outcomes


def _issue_names() -> dict[str, str]:
    return {name: name for name in outcomes()["name"]}


def _longest_mistakes() -> list[Mistake]:
    rounds = outcomes()["rounds"]
    return [
        Mistake(
            rounds.mean(), "That is the mean number of rounds; the question asks for the longest negotiation."
        ),
        Mistake(rounds.sum(), "That is the total over all issues; the question asks for the longest one."),
        Mistake(rounds.min(), "That is the shortest negotiation; the question asks for the longest."),
        Mistake(len(rounds), "That is the number of issues on the agenda, not a number of rounds."),
    ]


def _gain_mistakes() -> list[Mistake]:
    table = outcomes()
    gain = table["gain_civil_society"]
    found = [
        Mistake(
            table[f"gain_{g}"].mean(), f"Wrong column: that is the mean of gain_{g}, not gain_civil_society."
        )
        for g in ("government", "business", "technical")
    ]
    found += [
        Mistake(gain.sum(), "That is the sum over the five issues: the question asks for the mean."),
        Mistake(gain.median(), "That is the median over the issues: the question asks for the mean."),
        Mistake(gain.max(), "That is civil society's best issue, not its mean over the agenda."),
        Mistake(gain.min(), "That is civil society's worst issue, not its mean over the agenda."),
    ]
    found += [
        Mistake(
            model(PROTOCOL, s).outcomes["gain_civil_society"].mean(),
            f"That is the run with seed {s}: this exercise reads seed {SEED}.",
        )
        for s in (SEED - 1, SEED + 1)
    ]
    found.append(
        Mistake(
            model("top_down", SEED).outcomes["gain_civil_society"].mean(),
            "That is the top_down run: this exercise reads the bottom_up run.",
        )
    )
    return found


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
    mistakes=_longest_mistakes,
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
    mistakes=_gain_mistakes,
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
