"""Exercise 6 — a small experiment with replicates: how sure we are of a mean.

Twenty seeded runs per rule; the 95% confidence interval by the normal approximation,
mean ± 1.96 s / sqrt(n), with s the sample standard deviation (ddof = 1).

The measure is civil society's mean gain (``mean_gain_civil_society``), which varies
continuously from run to run, so its mean over seeds 0-19 differs from the mean over any
other seed range: a learner who ran ``range(1, 21)`` is told so, and never accepted by
coincidence (mean rounds take only a few distinct values, and seeds 0 and 20 give the same).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from govsim.exercises.checks import Mistake, Numeric, YesNo
from govsim.exercises.runs import runs

SEEDS = range(20)
Z = 1.96
COLUMN = "mean_gain_civil_society"
RULE, OTHER = "bottom_up", "consult_then_ratify"
#: seed ranges learners type by mistake, with how to say it
SEED_SLIPS = {
    (1, 21): "seeds 1-20 (range(1, 21))",
    (0, 21): "seeds 0-20 (21 runs)",
    (0, 19): "seeds 0-18 (19 runs)",
    (1, 20): "seeds 1-19 (19 runs)",
}
OTHER_COLUMNS = ("mean_gain_government", "mean_gain_business", "mean_gain_technical", "mean_min_group_gain")


def interval(values) -> tuple[float, float]:
    """(low, high) of the 95% normal-approximation interval of the mean of ``values``."""
    x = np.asarray(values, dtype=float)
    half = Z * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean() - half), float(x.mean() + half)


def values(protocol: str = RULE, seeds=SEEDS, column: str = COLUMN) -> np.ndarray:
    """One value of ``column`` per seeded run (classroom scenario), in seed order."""
    return runs(protocol, seeds)[column].to_numpy()


def half_width(x, z: float = Z, ddof: int = 1) -> float:
    """``z * s / sqrt(n)`` of the values ``x``."""
    x = np.asarray(x, dtype=float)
    return float(z * x.std(ddof=ddof) / math.sqrt(len(x)))


def _overlap() -> bool:
    (a_low, a_high), (b_low, b_high) = interval(values(RULE)), interval(values(OTHER))
    return a_low <= b_high and b_low <= a_high


def _mean_mistakes() -> list[Mistake]:
    """Near-misses of q1: other seed ranges, other columns, another rule, the median, the sum."""
    found = [
        Mistake(
            values(seeds=range(*r)).mean(),
            f"That is the mean over {text}: seeds 0-19 are range(20), twenty runs starting at 0.",
        )
        for r, text in SEED_SLIPS.items()
    ]
    found += [
        Mistake(values(column=c).mean(), f"Wrong column: that is the mean of {c}, not {COLUMN}.")
        for c in OTHER_COLUMNS
    ]
    found += [
        Mistake(values(p).mean(), f"Wrong rule: that is the mean under {p}, not {RULE}.")
        for p in (OTHER, "top_down")
    ]
    x = values()
    found += [
        Mistake(float(np.median(x)), "That is the median of the 20 values; the question asks for the mean."),
        Mistake(float(x.sum()), "That is the sum of the 20 values: divide by the number of runs."),
    ]
    return found


def _half_width_mistakes() -> list[Mistake]:
    """Near-misses of q2: ddof=0, Student's t, no square root, no 1.96, the full width, slips."""
    x = values()
    n = len(x)
    t = float(stats.t.ppf(0.975, n - 1))
    return [
        Mistake(
            half_width(x, ddof=0),
            "You used the population standard deviation (ddof=0, numpy's default): the question "
            "asks for the sample standard deviation, np.std(values, ddof=1).",
        ),
        Mistake(
            half_width(x, z=t),
            f"You used Student's t ({t:.3f} for {n - 1} degrees of freedom) instead of 1.96: "
            "that is teaching.mean_ci's interval; this question asks for the normal approximation.",
        ),
        Mistake(
            half_width(x, z=t, ddof=0),
            "You used Student's t and ddof=0: the question asks for 1.96 and ddof=1.",
        ),
        Mistake(
            Z * x.std(ddof=1),
            "You did not divide by sqrt(n): the half-width of a mean shrinks with the number of runs.",
        ),
        Mistake(Z * x.std(ddof=1) / n, "You divided by n, not by the square root of n."),
        Mistake(
            x.std(ddof=1) / math.sqrt(n),
            "That is the standard error s / sqrt(n): multiply it by 1.96 for a 95% interval.",
        ),
        Mistake(
            2 * half_width(x), "That is the full width of the interval; the question asks for half of it."
        ),
        Mistake(
            Z * x.var(ddof=1) / math.sqrt(n),
            "You used the variance; the formula needs the standard deviation (its square root).",
        ),
        *(
            Mistake(
                half_width(values(seeds=range(*r))), f"That is the half-width over {text}: use seeds 0-19."
            )
            for r, text in SEED_SLIPS.items()
        ),
        *(
            Mistake(
                half_width(values(column=c)), f"Wrong column: that is the half-width of {c}, not {COLUMN}."
            )
            for c in OTHER_COLUMNS
        ),
    ]


def _replicates_mistakes() -> list[Mistake]:
    root = "The half-width shrinks with the square root of n, not with n"
    return [
        Mistake(40, f"{root}: doubling the runs narrows it by a factor of only sqrt(2)."),
        Mistake(10, "Fewer runs widen the interval: the half-width grows as n falls."),
        Mistake(20, "With the same number of runs the half-width stays the same."),
        Mistake(160, f"{root}: check how many times 20 the runs must grow for sqrt(n) to double."),
        Mistake(60, f"{root}: adding 40 runs is not enough."),
        Mistake(
            81,
            "One too many: if you computed it with ceil(...), float arithmetic may leave a whole "
            "number plus 1e-14, which ceil rounds up; round to a few decimals before ceil.",
        ),
    ]


q1 = Numeric(
    "ex6.q1",
    "Run `bottom_up` on the classroom scenario with seeds 0-19 and collect each run's "
    '`summary()["mean_gain_civil_society"]` (civil society\'s mean gain). What is the mean over '
    "the 20 runs? Give the unrounded number (answers within ±1e-9 count).",
    expected=lambda: values().mean(),
    tol=1e-9,
    bounds=(-1, 1),
    mistakes=_mean_mistakes,
    hints=(
        "A list comprehension over range(20) with GovernanceModel(..., rng=seed).run().summary().",
        "Average the 20 values with numpy. range(20) is seeds 0 to 19.",
    ),
    explanation="Each seed is one replicate; the mean over replicates estimates the expected gain.",
    solution_code="""
gains = [
    GovernanceModel("classroom", protocol="bottom_up", rng=seed).run().summary()["mean_gain_civil_society"]
    for seed in range(20)
]
mean_gain = np.mean(gains)
""",
)

q2 = Numeric(
    "ex6.q2",
    "What is the half-width of the 95% confidence interval of that mean, `1.96 * s / sqrt(n)` "
    "with `s` the sample standard deviation (`ddof=1`)? Give the unrounded number (answers within ±1e-9 count).",
    expected=lambda: half_width(values()),
    tol=1e-9,
    bounds=(0, 1),
    mistakes=_half_width_mistakes,
    hints=(
        "np.std(gains, ddof=1) is the sample standard deviation; np.std(gains) is not.",
        "The standard error of a mean shrinks with more runs: how, exactly? Then multiply it by 1.96.",
    ),
    explanation=(
        "The standard error of a mean is s / sqrt(n); 1.96 standard errors either side cover "
        "95% under the normal approximation (teaching.mean_ci uses Student's t, a little wider)."
    ),
    solution_code="half_width = 1.96 * np.std(gains, ddof=1) / np.sqrt(len(gains))",
)

q3 = Numeric(
    "ex6.q3",
    "How many replicates would you need for a half-width half as wide (assume s stays the "
    "same)? A whole number.",
    expected=80,
    tol=0,
    integer=True,
    bounds=(1, 10_000),
    mistakes=_replicates_mistakes,
    hints=(
        "The half-width is proportional to 1 / sqrt(n).",
        "To halve 1 / sqrt(n), multiply n by 2 squared.",
    ),
    explanation="Half-width ~ 1/sqrt(n): halving it takes four times the runs, 4 x 20 = 80.",
    solution_code="replicates_needed = 4 * 20",
)

q4 = YesNo(
    "ex6.q4",
    "Compute the same interval for `consult_then_ratify` (seeds 0-19). Do the two 95% "
    "intervals of civil society's mean gain overlap? `True` or `False`.",
    expected=_overlap,
    wrong="Not what the numbers say: compare the ends of the two intervals.",
    hints=(
        "Two intervals [a, b] and [c, d] overlap when a <= d and c <= b.",
        "Use mean ± half-width for both rules.",
    ),
    explanation=(
        "Compare the intervals' ends. Overlapping intervals do not prove the rules are alike, but "
        "intervals that are apart are a clear sign of a real difference."
    ),
    solution_code="""
other = [
    GovernanceModel("classroom", protocol="consult_then_ratify", rng=seed).run().summary()["mean_gain_civil_society"]
    for seed in range(20)
]
other_half = 1.96 * np.std(other, ddof=1) / np.sqrt(len(other))
overlap = bool(mean_gain - half_width <= np.mean(other) + other_half and np.mean(other) - other_half <= mean_gain + half_width)
""",
)

QUESTIONS = (q1, q2, q3, q4)
