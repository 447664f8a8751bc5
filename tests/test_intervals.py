"""One confidence interval for the whole package (:mod:`govsim.intervals`): Student's t, clipped
to the measure's declared range, so a share's interval never reads above 1 or below 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from govsim.intervals import mean_interval
from govsim.sweep.analysis import summarize
from govsim.teaching import compare, mean_ci

shares = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=30)
levels = st.floats(0.5, 0.999)


def test_plain_t_interval_inside_the_range():
    """mean ± t_{0.975, 3} s / 2 for [0.2, 0.4, 0.6, 0.8]: far from 0 and 1, nothing is clipped."""
    x = [0.2, 0.4, 0.6, 0.8]
    half = stats.t.ppf(0.975, 3) * np.std(x, ddof=1) / 2
    ci = mean_interval(x, bounds=(0, 1))
    assert ci["low"] == pytest.approx(0.5 - half) and ci["high"] == pytest.approx(0.5 + half)


def test_a_share_near_one_is_clipped_at_one():
    """Compliance 1, 1, 1, 0.9: the t interval's upper end is 1.0298; the clipped one reads 1."""
    x = [1.0, 1.0, 1.0, 0.9]
    plain = mean_interval(x)
    assert plain["high"] > 1.0
    ci = mean_interval(x, bounds=(0.0, 1.0))
    assert ci["high"] == 1.0 and ci["low"] == plain["low"] and ci["mean"] == plain["mean"]


@given(shares, levels)
def test_bounded_intervals_stay_inside_their_bounds(values, level):
    ci = mean_interval(values, level, bounds=(0.0, 1.0))
    assert 0.0 <= ci["mean"] <= 1.0
    if len(values) > 1:
        assert 0.0 <= ci["low"] <= ci["mean"] <= ci["high"] <= 1.0
    else:
        assert np.isnan(ci["low"]) and np.isnan(ci["high"])


@given(st.lists(st.floats(-1.0, 1.0), min_size=2, max_size=20))
def test_an_open_end_is_left_alone(values):
    ci, plain = mean_interval(values, bounds=(-1.0, None)), mean_interval(values)
    assert ci["high"] == plain["high"] and ci["low"] == max(-1.0, plain["low"])


@given(st.lists(shares.filter(lambda v: len(v) > 1), min_size=1, max_size=4))
def test_sweep_tables_and_teaching_use_the_same_interval(groups):
    """summarize (sweeps, govsim report, sweep plots) and teaching.compare give mean_ci's numbers."""
    runs = pd.DataFrame(
        [{"point_id": i, "protocol": f"p{i}", "mean_compliance": v} for i, g in enumerate(groups) for v in g]
    )
    table = summarize(runs, ["mean_compliance"], by=["point_id"])
    taught = compare(runs, "mean_compliance")
    for i, g in enumerate(groups):
        ci = mean_ci(g, bounds=(0.0, 1.0))
        row = table.iloc[i]
        assert row["mean_compliance_low"] == pytest.approx(ci["low"], abs=1e-12)
        assert row["mean_compliance_high"] == pytest.approx(ci["high"], abs=1e-12)
        assert taught.loc[f"p{i}", "high"] == pytest.approx(ci["high"], abs=1e-12)
        assert 0.0 <= row["mean_compliance_low"] and row["mean_compliance_high"] <= 1.0
