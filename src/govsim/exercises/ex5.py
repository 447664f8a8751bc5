"""Exercise 5 — a new metric as a pure function: the Gini coefficient, tested against
closed-form cases, then applied to who sits at the table under each rule, and finally
registered as a measure of every issue (``@govsim.measure``) so it reaches ``summary()``,
replicate tables, ``govsim run`` and sweeps like the built-in measures.

Gini (mean absolute difference over twice the mean):
G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x)); 0 when everyone has the same, (n - 1) / n when
one of n holds everything.
"""

from __future__ import annotations

import numpy as np

from govsim.exercises.checks import Choice, Mistake, Numeric
from govsim.exercises.functions import Case, FunctionQuestion
from govsim.exercises.runs import model, runs
from govsim.groups import GROUP_NAMES

SEEDS = range(5)
RULES = ("top_down", "bottom_up", "consult_then_ratify")


def gini(values):
    """Gini coefficient of non-negative values: sum_i sum_j |x_i - x_j| / (2 n^2 mean)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0 or x.sum() == 0:
        return 0.0
    differences = np.abs(x[:, None] - x[None, :]).sum()
    return float(differences / (2 * x.size**2 * x.mean()))


CASES = (
    Case("everyone equal", ([5, 5, 5, 5],)),
    Case("one of four holds everything", ([0, 0, 0, 1],)),
    Case("1, 2, 3, 4", ([1, 2, 3, 4],)),
    Case("the same, shuffled", ([4, 1, 3, 2],)),
    Case("the same, ten times larger", ([10.0, 20.0, 30.0, 40.0],)),
    Case("two values in a numpy array", (np.array([1.0, 3.0]),)),
    Case("a single value", ([7],)),
    Case("all zero", ([0, 0, 0],)),
)


def participation(protocol: str) -> list[float]:
    """The four groups' mean participation shares (seeds 0-4, classroom), in group order."""
    table = runs(protocol, SEEDS)
    return [float(table[f"mean_participation_{g}"].mean()) for g in GROUP_NAMES]


q1 = FunctionQuestion(
    "ex5.q1",
    "Write `gini(values)`: the Gini coefficient of a list or array of non-negative numbers, "
    "`sum_i sum_j |x_i - x_j| / (2 n^2 mean)`. Return `0.0` when all values are zero.",
    reference=gini,
    cases=CASES,
    hints=(
        "np.asarray(values, dtype=float) turns a list into an array; x[:, None] - x[None, :] "
        "is the n-by-n table of all differences.",
        "The Gini is the mean absolute difference divided by twice the mean: which of n**2 or "
        "n*(n-1) pairs does that mean run over? Check [0, 0, 0, 1] by hand: the answer is (n - 1) / n.",
    ),
    explanation="Build all pairwise absolute differences with broadcasting, sum, and normalise.",
)


def _gini_mistakes() -> list[Mistake]:
    """Near-misses of q2: another rule's shares, the n - 1 normalisation, the shares themselves."""
    shares = np.asarray(participation("bottom_up"))
    n = len(shares)
    found = [
        Mistake(
            gini(participation(rule)), f"That is the Gini under {rule}: the question asks about bottom_up."
        )
        for rule in RULES
        if rule != "bottom_up"
    ]
    found += [
        Mistake(
            gini(shares) * n / (n - 1),
            "Your Gini divides by n(n - 1) instead of n squared: use the formula in the question.",
        ),
        Mistake(shares.mean(), "That is the mean participation share, not its Gini coefficient."),
        Mistake(
            shares.std() / shares.mean(), "That is the coefficient of variation, not the Gini coefficient."
        ),
    ]
    return found


q2 = Numeric(
    "ex5.q2",
    "What is the Gini coefficient of the four groups' participation shares under `bottom_up` "
    "(`participation('bottom_up')`)? Give the unrounded number (answers within ±1e-9 count).",
    expected=lambda: gini(participation("bottom_up")),
    tol=1e-9,
    bounds=(0.0, 1.0),
    unit="share",
    mistakes=_gini_mistakes,
    hints=(
        "participation('bottom_up') gives four numbers.",
        "Hand those four numbers to the gini function you wrote in question 1.",
    ),
    explanation="Apply your metric to the four shares.",
    solution_code='participation_gini = gini(participation("bottom_up"))',
)


def _most_unequal() -> str:
    return max(RULES, key=lambda rule: gini(participation(rule)))


q3 = Choice(
    "ex5.q3",
    "Under which rule is participation most unequal across the four groups, by your Gini? "
    "Answer `top_down`, `bottom_up` or `consult_then_ratify`.",
    options={rule: rule.replace("_", " ") for rule in RULES},
    expected=_most_unequal,
    wrong="Not what your metric says when it is right: compute it for all three rules.",
    hints=("Loop over the three rules.", "Under which rule do three groups have no seat at all?"),
    explanation=(
        "top_down: only governments sit at the table, so one group of four holds all the "
        "participation and the Gini is close to (4 - 1) / 4."
    ),
    solution_code='most_unequal = max(["top_down", "bottom_up", "consult_then_ratify"], key=lambda r: gini(participation(r)))',
)

MEASURE_CODE = """
from govsim import measure

@measure(column="participation_gini", label="Participation inequality", unit="Gini", bounds=(0, 1))
def participation_gini(ctx):
    return gini(ctx.participation)  # ctx.participation: the four groups' shares on this issue
"""


def per_issue_gini(protocol: str) -> float:
    """Mean over seeds 0-4 of each run's mean over issues of the Gini of that issue's four
    participation shares: what ``mean_participation_gini`` averages to, computed by hand from
    the outcomes table (its ``participation_<group>`` columns are the measure's input)."""
    columns = [f"participation_{g}" for g in GROUP_NAMES]
    per_run = [np.mean([gini(row) for row in model(protocol, s).outcomes[columns].to_numpy()]) for s in SEEDS]
    return float(np.mean(per_run))


def _measure_mistakes() -> list[Mistake]:
    """Near-misses of q4: question 2's Gini of the mean shares, another rule's per-issue Gini."""
    found = [
        Mistake(
            gini(participation("bottom_up")),
            "That is question 2's Gini of the mean shares: this one is the mean of each issue's "
            "Gini, the `mean_participation_gini` column your measure adds.",
        )
    ]
    found += [
        Mistake(
            per_issue_gini(rule),
            f"That is the per-issue Gini under {rule}: the question asks about bottom_up.",
        )
        for rule in RULES
        if rule != "bottom_up"
    ]
    return found


q4 = Numeric(
    "ex5.q4",
    "Register your Gini as a measure of every issue: a function of the issue context `ctx`, "
    'decorated with `@measure(column="participation_gini", ...)`, returning '
    "`gini(ctx.participation)`. Then `runs('bottom_up')` has a `mean_participation_gini` column: "
    "what is its mean over the five seeds? Give the unrounded number (answers within ±1e-9 count).",
    expected=lambda: per_issue_gini("bottom_up"),
    tol=1e-9,
    bounds=(0.0, 1.0),
    unit="share",
    mistakes=_measure_mistakes,
    hints=(
        "Copy the decorator line from the text above the question, then run the cell once: "
        "every model built afterwards has the new column.",
        "The runs table has one row per seed: take the mean of its new column.",
    ),
    explanation=(
        "A registered measure is computed for every closed issue and summarised over issues like "
        "the built-in ones. It differs from question 2: the mean of per-issue Ginis is not the "
        "Gini of the mean shares."
    ),
    solution_code=MEASURE_CODE.strip()
    + '\n\nmeasured_gini = runs("bottom_up")["mean_participation_gini"].mean()',
)

QUESTIONS = (q1, q2, q3, q4)
