"""Collision scans: no plausible wrong input lands inside a numeric question's tolerance, and a
named mistake is named only when no other plausible computation gives the same number.

The plausible wrong inputs are every other seed window of the question's length (and one
shorter, one longer) in seeds 0-999, under every protocol, for every summary column; ddof 0
and 1; the normal and Student's t factors; the neighbouring question's method; one run's
rounds column for every other protocol and seed. Where a scan once found a collision the
question was changed (issue 20): ex1.q4 asked for a difference of mean rounds (which fall on a
grid of 1/25: 21 of 995 other windows gave the same value), ex2.q1 for the longest
negotiation (51 of 200 other runs shared it), ex5 and ex6 had tolerances (1e-4, 1e-6) that
other windows and columns fell inside.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from govsim import GovernanceModel
from govsim.exercises import ex1, ex2, ex5, ex6
from govsim.groups import GROUP_NAMES
from govsim.protocols import protocol_names

pytestmark = pytest.mark.slow
SEEDS = 1000
PARTICIPATION = [f"participation_{g}" for g in GROUP_NAMES]


@pytest.fixture(scope="module")
def universe():
    """Per protocol: a (seeds, columns) array of run summaries, the column names, each run's
    rounds column, and each run's mean over issues of the Gini of the participation shares."""
    found = {}
    for protocol in protocol_names():
        rows, rounds, ginis = [], [], []
        for seed in range(SEEDS):
            model = GovernanceModel("classroom", protocol=protocol, rng=seed).run()
            summary = {k: v for k, v in model.summary().items() if isinstance(v, float)}
            rows.append(summary)
            outcomes = model.outcomes
            rounds.append(tuple(int(r) for r in outcomes["rounds"]))
            ginis.append(np.mean([ex5.gini(r) for r in outcomes[PARTICIPATION].to_numpy()]))
        columns = list(rows[0])
        values = np.array([[r[c] for c in columns] for r in rows])
        found[protocol] = (values, columns, rounds, np.array(ginis))
    return found


def windows(x: np.ndarray, length: int) -> np.ndarray:
    """Means of every run of ``length`` consecutive rows of ``x`` (rows: seeds)."""
    total = np.cumsum(np.vstack([np.zeros((1, *x.shape[1:])), x]), axis=0)
    return (total[length:] - total[:-length]) / length


def window_half_widths(x: np.ndarray, length: int, z: float, ddof: int) -> np.ndarray:
    mean = windows(x, length)
    square = windows(x * x, length)
    var = np.clip((square - mean**2) * length / (length - ddof), 0, None)
    return z * np.sqrt(var) / np.sqrt(length)


def near(candidates: np.ndarray, value: float, tol: float) -> int:
    return int(np.count_nonzero(np.abs(np.asarray(candidates, dtype=float) - value) <= tol))


def test_ex1_q4_no_other_window_column_or_pair_of_rules_gives_the_gap(universe):
    y, tol = ex1.q4.reference(), ex1.q4.tol
    column = universe["bottom_up"][1].index("mean_gain_civil_society")
    hits = 0
    for length in (4, 5, 6):
        means = {p: windows(v[0], length) for p, v in universe.items()}
        for p, a in means.items():
            hits += near(a, y, tol)  # one rule alone
            for q, b in means.items():
                if p != q:
                    gaps = a - b
                    if (p, q, length) == ("bottom_up", "top_down", 5):
                        gaps = gaps.copy()
                        gaps[0, column] = np.inf  # the reference itself
                    hits += near(gaps, y, tol) + (near(-gaps, -y, tol) if False else 0)
    assert hits == 0
    # the sign diagnosis is certain: no other computation gives minus the answer
    minus = sum(
        near(windows(universe[p][0], 5) - windows(universe[q][0], 5), -y, tol)
        for p in universe
        for q in universe
        if p != q and (p, q) != ("top_down", "bottom_up")
    )
    assert minus == 0


def test_ex2_rounds_column_is_unique_and_the_mean_gain_no_other_runs(universe):
    reference = tuple(ex2.q1.reference())
    same = [(p, s) for p, v in universe.items() for s, r in enumerate(v[2]) if r == reference]
    assert same == [("bottom_up", ex2.SEED)]
    for rounds, _ in ex2.q1.mistakes():  # "sorted", "reversed": no run has them in agenda order
        assert not [(p, s) for p, v in universe.items() for s, r in enumerate(v[2]) if r == rounds]
    y, tol = ex2.q2.reference(), ex2.q2.tol
    gains = [c for c in universe["bottom_up"][1] if c.startswith("mean_gain_")]
    hits = 0
    for p, (values, columns, _, _) in universe.items():
        block = values[:, [columns.index(c) for c in gains]].copy()
        if p == "bottom_up":
            block[ex2.SEED, gains.index("mean_gain_civil_society")] = np.inf
        hits += near(block, y, tol)
    assert hits == 0


def _gini_of_mean_shares(universe, protocol: str, length: int) -> np.ndarray:
    values, columns, _, _ = universe[protocol]
    shares = windows(values[:, [columns.index(f"mean_participation_{g}") for g in GROUP_NAMES]], length)
    return np.array([ex5.gini(s) for s in shares])


def test_ex5_gini_questions_no_other_window_rule_or_neighbouring_method(universe):
    q2, q4 = ex5.q2.reference(), ex5.q4.reference()
    tol = ex5.q2.tol
    hits2 = hits4 = 0
    for p in universe:
        for length in (4, 5, 6):
            of_means = _gini_of_mean_shares(universe, p, length)
            per_issue = windows(universe[p][3][:, None], length)[:, 0]
            if (p, length) == ("bottom_up", 5):
                of_means, per_issue = of_means.copy(), per_issue.copy()
                of_means[0] = per_issue[0] = np.inf
            both = np.concatenate([of_means, per_issue, of_means * 4 / 3])  # and the n(n-1) variant
            hits2 += near(both, q2, tol)
            hits4 += near(both, q4, tol)
    assert hits2 == 0 and hits4 == 0


def test_ex6_mean_and_half_width_no_other_window_column_rule_ddof_or_factor(universe):
    y1, y2, tol = ex6.q1.reference(), ex6.q2.reference(), ex6.q1.tol
    column = universe["bottom_up"][1].index(ex6.COLUMN)
    hits1 = hits2 = 0
    for p, (values, _, _, _) in universe.items():
        for length in (19, 20, 21):
            means = windows(values, length)
            factors = (ex6.Z, float(stats.t.ppf(0.975, length - 1)))
            widths = [window_half_widths(values, length, z, ddof) for z in factors for ddof in (0, 1)]
            if (p, length) == ("bottom_up", 20):
                means = means.copy()
                means[0, column] = np.inf
                widths[1] = widths[1].copy()  # z = 1.96, ddof = 1: the reference
                widths[1][0, column] = np.inf
            hits1 += near(means, y1, tol)
            hits2 += sum(near(w, y2, tol) for w in widths)
    assert hits1 == 0 and hits2 == 0


@pytest.mark.parametrize("question", [ex1.q4, ex2.q2, ex5.q2, ex5.q4, ex6.q1, ex6.q2], ids=lambda q: q.qid)
def test_named_mistakes_are_unique(question, universe):
    """A declared mistake's value is not also another declared mistake's (else neither is named)
    and not minus the answer (where the sign is diagnosed)."""
    values = [float(m.value) for m in question.mistakes()]
    for i, value in enumerate(values):
        others = [
            v
            for j, v in enumerate(values)
            if j != i and question.mistakes()[j].message != question.mistakes()[i].message
        ]
        assert near(np.array(others), value, question.tol) == 0 or question.judge(value).message.startswith(
            "Not"
        )
