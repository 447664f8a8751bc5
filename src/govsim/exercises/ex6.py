"""Exercise 6 — a small experiment with replicates: how sure are we of a mean?

Twenty seeded runs per rule; the 95% confidence interval by the normal approximation,
mean ± 1.96 s / sqrt(n), with s the sample standard deviation (ddof = 1).
"""

from __future__ import annotations

import math

import numpy as np

from govsim.exercises.checks import Numeric, YesNo
from govsim.exercises.runs import runs

SEEDS = range(20)
Z = 1.96


def interval(values) -> tuple[float, float]:
    """(low, high) of the 95% normal-approximation interval of the mean of ``values``."""
    x = np.asarray(values, dtype=float)
    half = Z * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean() - half), float(x.mean() + half)


def _rounds(protocol: str) -> np.ndarray:
    return runs(protocol, SEEDS)["mean_rounds"].to_numpy()


def _overlap() -> bool:
    (a_low, a_high), (b_low, b_high) = (
        interval(_rounds("bottom_up")),
        interval(_rounds("consult_then_ratify")),
    )
    return a_low <= b_high and b_low <= a_high


q1 = Numeric(
    "ex6.q1",
    "Run `bottom_up` on the classroom scenario with seeds 0-19 and collect each run's "
    '`summary()["mean_rounds"]`. What is the mean over the 20 runs? Answers within ±0.000001 count.',
    expected=lambda: _rounds("bottom_up").mean(),
    tol=1e-6,
    bounds=(1, 2000),
    hints=(
        "A list comprehension over range(20) with GovernanceModel(..., rng=seed).run().summary().",
        "np.mean(rounds) of the 20 values.",
    ),
    explanation="Each seed is one replicate; the mean over replicates estimates the expected rounds.",
    solution_code="""
rounds = [
    GovernanceModel("classroom", protocol="bottom_up", rng=seed).run().summary()["mean_rounds"]
    for seed in range(20)
]
mean_rounds = np.mean(rounds)
""",
)

q2 = Numeric(
    "ex6.q2",
    "What is the half-width of the 95% confidence interval of that mean, `1.96 * s / sqrt(n)` "
    "with `s` the sample standard deviation (`ddof=1`)? Answers within ±0.000001 count.",
    expected=lambda: (interval(_rounds("bottom_up"))[1] - interval(_rounds("bottom_up"))[0]) / 2,
    tol=1e-6,
    bounds=(0, 2000),
    hints=(
        "np.std(rounds, ddof=1) is the sample standard deviation; np.std(rounds) is not.",
        "Divide by the square root of the number of runs, np.sqrt(len(rounds)).",
    ),
    explanation=(
        "The standard error of a mean is s / sqrt(n); 1.96 standard errors either side cover "
        "95% under the normal approximation (teaching.mean_ci uses Student's t, a little wider)."
    ),
    solution_code="half_width = 1.96 * np.std(rounds, ddof=1) / np.sqrt(len(rounds))",
)

q3 = Numeric(
    "ex6.q3",
    "How many replicates would you need for a half-width half as wide (assume s stays the "
    "same)? A whole number.",
    expected=80,
    tol=0,
    integer=True,
    bounds=(1, 10_000),
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
    "intervals of mean rounds overlap? `True` or `False`.",
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
    GovernanceModel("classroom", protocol="consult_then_ratify", rng=seed).run().summary()["mean_rounds"]
    for seed in range(20)
]
other_half = 1.96 * np.std(other, ddof=1) / np.sqrt(len(other))
overlap = bool(mean_rounds - half_width <= np.mean(other) + other_half and np.mean(other) - other_half <= mean_rounds + half_width)
""",
)

QUESTIONS = (q1, q2, q3, q4)
