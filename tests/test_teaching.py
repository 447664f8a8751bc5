"""Tests of the notebook helpers in :mod:`govsim.teaching`, against hand-computable answers."""

import numpy as np
import pytest
from scipy import stats

from govsim.protocols import get_protocol
from govsim.teaching import compare, group_profiles, hand_table, mean_ci, replicate, stakeholders


def test_mean_ci_matches_the_t_interval_by_hand():
    x = [1.0, 2.0, 3.0, 4.0]
    ci = mean_ci(x)
    half = stats.t.ppf(0.975, 3) * np.std(x, ddof=1) / 2.0
    assert ci["mean"] == pytest.approx(2.5)
    assert ci["low"] == pytest.approx(2.5 - half)
    assert ci["high"] == pytest.approx(2.5 + half)
    assert ci["n"] == 4


def test_mean_ci_edge_cases():
    one = mean_ci([0.3])
    assert one["mean"] == pytest.approx(0.3) and np.isnan(one["low"]) and np.isnan(one["high"])
    assert np.isnan(mean_ci([np.nan])["mean"])
    assert mean_ci([1.0, np.nan, 3.0])["n"] == 2
    with pytest.raises(ValueError, match=r"level=1\.5"):
        mean_ci([1.0, 2.0], level=1.5)


def test_replicate_is_reproducible_and_has_one_row_per_run():
    a = replicate("classroom", ("top_down", "bottom_up"), seeds=[0, 1])
    b = replicate("classroom", ("top_down", "bottom_up"), seeds=[0, 1])
    assert len(a) == 4
    assert list(a["seed"]) == [0, 1, 0, 1]
    assert a.equals(b)


def test_replicate_passes_group_traits():
    runs = replicate(
        "classroom",
        ["bottom_up"],
        seeds=[0],
        **{"civil_society.capacity": 0.0, "civil_society.capacity_sd": 0.0},
    )
    assert runs.loc[0, "mean_participation_civil_society"] == 0.0


def test_compare_gives_one_interval_per_protocol():
    runs = replicate("classroom", ("top_down", "bottom_up"), seeds=range(3))
    table = compare(runs, "mean_rounds")
    assert list(table.index) == ["bottom_up", "top_down"]
    assert (table["low"] <= table["mean"]).all() and (table["mean"] <= table["high"]).all()
    with pytest.raises(ValueError, match="metric='nope'"):
        compare(runs, "nope")


def test_group_profiles_reads_the_scenario_assumptions():
    table = group_profiles("classroom")
    assert list(table.index) == ["government", "business", "civil_society", "technical"]
    assert table.loc["civil_society", "capacity"] < table.loc["government", "capacity"]
    assert table[["salience_openness", "salience_rights"]].sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_stakeholders_has_one_row_each():
    from govsim import GovernanceModel

    model = GovernanceModel("classroom", rng=0)
    table = stakeholders(model)
    assert len(table) == model.n
    assert set(table["region"]) == {"region_a", "region_b"}
    assert table["openness"].to_numpy() == pytest.approx(model.positions[:, 0])


def test_hand_table_median_voter_in_one_dimension():
    """Black (1948): with five voters the median's position wins a majority against the status quo."""
    table = hand_table([0.1, 0.3, 0.5, 0.7, 0.9], ["government"] * 5, status_quo=[0.2])
    decision = get_protocol("top_down").decide(table, np.array([0.5]))
    assert table.positions.shape == (5, 1)
    assert not decision.adopted  # round 1 seeks unanimity: the voter at 0.1 prefers 0.2
    late = hand_table([0.1, 0.3, 0.5, 0.7, 0.9], ["government"] * 5, status_quo=[0.2])
    late.round = 10
    assert get_protocol("top_down").decide(late, np.array([0.5])).adopted


def test_hand_table_rejects_bad_groups():
    with pytest.raises(ValueError, match="unknown group 'govt'"):
        hand_table([0.1], ["govt"], status_quo=[0.5])
    with pytest.raises(ValueError, match="groups has 1 entries"):
        hand_table([0.1, 0.2], ["government"], status_quo=[0.5])
