"""One JSON sanitiser (:func:`govsim.plain.plain`) for the CLI, the role-play files and the
sweep manifest: strict JSON out (no NaN), numpy in."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from govsim import GovernanceModel
from govsim.plain import plain

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**62), 2**62),
    st.floats(),
    st.text(max_size=5),
    st.floats().map(np.float64),
    st.integers(-100, 100).map(np.int64),
)
trees = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.lists(kids, max_size=4).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=4), st.integers()), kids, max_size=4),
    ),
    max_leaves=20,
)


def test_hand_cases():
    assert plain({"x": float("nan"), "y": -math.inf, 3: (np.int64(4), np.bool_(True))}) == {
        "x": None,
        "y": None,
        "3": [4, True],
    }
    assert plain(np.array([0.5, np.nan])) == [0.5, None]
    assert plain(1 / 3, digits=6) == 0.333333 and plain(7, digits=2) == 7


@given(trees)
def test_any_tree_becomes_strict_json(tree):
    text = json.dumps(plain(tree), allow_nan=False)  # raises on NaN or a numpy type
    assert json.loads(text) == plain(tree)


def test_a_model_summary_with_nan_is_strict_json():
    model = GovernanceModel("classroom", protocol="top_down", rng=0, majority_threshold=1.0, max_rounds=1)
    model.run()
    summary = model.summary()
    records = [issue.record for issue in model.closed_issues]
    assert any(math.isnan(r["compliance"]) for r in records)  # issues nobody adopted
    json.dumps(plain({"summary": summary, "issues": records}), allow_nan=False)
    empty = GovernanceModel(rng=0).run(1).summary()  # no issue closed yet: every mean is NaN
    assert json.loads(json.dumps(plain(empty), allow_nan=False))["mean_compliance"] is None
