"""Exercise 2 — reading model output: the outcomes table of one seeded run."""

from __future__ import annotations

from govsim.exercises.checks import Choice, Mistake, Numbers, Numeric
from govsim.exercises.runs import model

PROTOCOL, SEED = "bottom_up", 2


def outcomes():
    """The outcomes table of the run this exercise reads (classroom, bottom_up, seed 2)."""
    return model(PROTOCOL, SEED).outcomes


def _issue_names() -> dict[str, str]:
    return {name: name for name in outcomes()["name"]}


def _rounds_mistakes() -> list[tuple[list[int], str]]:
    """Near-misses of q1: the column sorted or reversed.

    (Another seed's or rule's run is not named: other runs share those columns, so the
    diagnosis would not be certain.)
    """
    rounds = [int(r) for r in outcomes()["rounds"]]
    found = [
        (
            sorted(rounds),
            "Those are the right numbers sorted: keep the agenda order (the table's row order).",
        ),
        (sorted(rounds, reverse=True), "Those are the right numbers sorted: keep the agenda order."),
        (rounds[::-1], "Those are the right numbers in reverse: keep the agenda order (first row first)."),
    ]
    return [(m, why) for m, why in found if list(m) != rounds]


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


q1 = Numbers(
    "ex2.q1",
    "How many rounds did each negotiation in this run take? Give the `rounds` column, one whole "
    "number per issue in agenda order (a list, or the column itself).",
    expected=lambda: outcomes()["rounds"],
    mistakes=_rounds_mistakes,
    hints=(
        "Each row of the outcomes table is one agenda issue, in agenda order; the column rounds "
        "says how many rounds it took.",
        "Select the column by its name, as you would pick a key from a dict.",
    ),
    explanation=(
        "The rounds column holds the rounds each issue took, one whole number per issue in "
        "agenda order. (A single number, such as the maximum, is shared by many other runs; five "
        "numbers in order identify this one.)"
    ),
    solution_code='rounds = list(outcomes["rounds"])',
)

q2 = Numeric(
    "ex2.q2",
    "What is civil society's mean gain over the five agenda issues of this run? Give the "
    "unrounded number (answers within ±1e-9 count).",
    expected=lambda: outcomes()["gain_civil_society"].mean(),
    tol=1e-9,
    mistakes=_gain_mistakes,
    hints=(
        "The gain of a group on one issue is in the column gain_<group>.",
        "Pick the column for civil society's gain, then take its mean over the rows.",
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
        "idxmin() on a column gives the row label of its smallest value; .loc[row, column] reads a cell of that row.",
    ),
    explanation="Find the row with the smallest gain_government and read its name.",
    solution_code='worst_issue = outcomes.loc[outcomes["gain_government"].idxmin(), "name"]',
)

QUESTIONS = (q1, q2, q3)
