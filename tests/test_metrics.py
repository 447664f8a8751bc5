"""Metrics are pure functions: checked here alone against closed forms."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from govsim.metrics import (
    count_clusters,
    gain,
    group_means,
    group_shares,
    mean_pairwise_distance,
    polarization,
    utility,
    weighted_mean,
    weighted_median,
    weighted_share,
)


def test_utility_is_negative_salience_weighted_city_block_distance():
    positions = np.array([[0.2, 0.8], [0.5, 0.5]])
    salience = np.array([[0.75, 0.25], [0.5, 0.5]])
    y = np.array([0.6, 0.4])
    # -(0.75*0.4 + 0.25*0.4) = -0.4 ; -(0.5*0.1 + 0.5*0.1) = -0.1
    np.testing.assert_allclose(utility(positions, salience, y), [-0.4, -0.1])
    q = np.array([0.2, 0.8])
    np.testing.assert_allclose(gain(positions, salience, y, q), [-0.4, -0.1 + 0.3])


def test_weighted_median_is_the_ordinary_median_for_odd_equal_weights():
    values = np.array([[0.9, 0.1], [0.1, 0.2], [0.4, 0.7]])
    np.testing.assert_allclose(weighted_median(values), [0.4, 0.2])


def test_weighted_median_of_an_even_count_is_the_midpoint_of_the_two_middle_values():
    """Issue 11, correction 3: the lower median of 0.2, 0.4, 0.6, 0.9 is 0.4, but mirrored
    (x -> 1 - x) it would be 0.4 again, i.e. 0.6 on the original axis: the answer depended on
    which end is 0. The midpoint, 0.5, does not."""
    values = np.array([[0.2, 0.1], [0.4, 0.3], [0.6, 0.3], [0.9, 0.8]])
    np.testing.assert_allclose(weighted_median(values), [0.5, 0.3])
    np.testing.assert_allclose(weighted_median(values, np.array([1.0, 1.0, 1.0, 3.0])), [0.75, 0.55])


def test_weighted_median_per_dimension_weights():
    values = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]])
    weights = np.array([[5.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(weighted_median(values, weights), [0.0, 0.75])
    np.testing.assert_allclose(weighted_median(values, np.zeros((3, 2))), [0.5, 0.5])  # nobody cares


@given(
    arrays(float, st.tuples(st.integers(1, 30), st.integers(1, 3)), elements=st.floats(0, 1)),
    st.integers(0, 10_000),
)
def test_weighted_median_is_mirror_symmetric(values, seed):
    """median(1 - x) = 1 - median(x), with or without weights, per dimension."""
    weights = np.random.default_rng(seed).integers(0, 4, len(values)).astype(float)
    for w in (None, weights):
        np.testing.assert_allclose(weighted_median(1 - values, w), 1 - weighted_median(values, w), atol=1e-12)


def test_weighted_median_respects_weights():
    values = np.array([[0.0], [1.0], [0.5]])
    np.testing.assert_allclose(weighted_median(values, np.array([5.0, 1.0, 1.0])), [0.0])


def test_weighted_mean_is_the_compromise():
    np.testing.assert_allclose(
        weighted_mean(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([3.0, 1.0])), [0.25, 0.75]
    )


def test_group_shares_and_means():
    group = np.array([0, 0, 1, 1, 1, 3])
    mask = np.array([True, False, True, True, False, True])
    np.testing.assert_allclose(group_shares(mask, group, 4), [0.5, 2 / 3, np.nan, 1.0])
    np.testing.assert_allclose(group_means(np.arange(6.0), group, 4), [0.5, 3.0, np.nan, 5.0])


def test_polarization_of_two_points_is_half_their_distance():
    assert polarization(np.array([[0.0, 0.0], [0.6, 0.8]])) == pytest.approx(0.5)
    assert polarization(np.full((5, 2), 0.3)) == 0.0


def test_count_clusters_known_configurations():
    one_d = np.concatenate([np.full(50, 0.1), np.full(50, 0.5), np.full(50, 0.9), [0.3]])
    assert count_clusters(one_d[:, None]) == 3  # the lone stakeholder is no cluster
    assert count_clusters(one_d[:, None], min_size=1, min_share=0.0) == 4
    two_d = np.array([[0.1, 0.1]] * 20 + [[0.11, 0.11]] * 20 + [[0.8, 0.2]] * 20)
    assert count_clusters(two_d) == 2  # 0.014 apart: one cluster at radius 0.02


def test_two_tight_groups_are_two_clusters_at_classroom_size():
    """Issue 11, correction 5: at 40-52 stakeholders a 2% floor is one person, so the old
    count reported every loner; the minimum size is now 2 and the link a stated radius."""
    rng = np.random.default_rng(0)
    groups = np.vstack([rng.normal([0.2, 0.3], 0.004, (20, 2)), rng.normal([0.7, 0.6], 0.004, (20, 2))])
    assert count_clusters(groups) == 2
    assert count_clusters(np.vstack([groups, [[0.45, 0.9]]])) == 2  # plus one loner: still 2
    assert count_clusters(groups, radius=0.6) == 1  # the groups are 0.58 apart


def test_a_uniform_cloud_of_40_has_no_clusters_of_loners():
    """Forty stakeholders scattered uniformly over the unit square are not 40 opinion groups:
    only chance pairs within the radius count (about one on average), never a loner."""
    counts = [count_clusters(np.random.default_rng(seed).random((40, 2))) for seed in range(20)]
    with_loners = [count_clusters(np.random.default_rng(s).random((40, 2)), min_size=1) for s in range(20)]
    assert np.mean(counts) <= 1.5 and max(counts) <= 5
    assert min(with_loners) >= 35  # what counting loners would report


def test_mean_pairwise_distance_and_weighted_share():
    assert mean_pairwise_distance(np.array([[0.0, 0.0], [3 / 5, 4 / 5]])) == pytest.approx(1.0)
    assert mean_pairwise_distance(np.array([[0.2, 0.2]])) == 0.0
    assert weighted_share(np.array([True, False, False]), np.array([2.0, 1.0, 1.0])) == pytest.approx(0.5)


@given(
    arrays(float, st.tuples(st.integers(1, 30), st.integers(1, 3)), elements=st.floats(0, 1)),
)
def test_weighted_median_lies_within_the_range_of_each_dimension(values):
    med = weighted_median(values)
    assert np.all(med >= values.min(axis=0)) and np.all(med <= values.max(axis=0))
    # at least half of the points lie on each side (inclusive), per dimension
    for k in range(values.shape[1]):
        assert np.sum(values[:, k] <= med[k]) * 2 >= len(values)
        assert np.sum(values[:, k] >= med[k]) * 2 >= len(values)


def test_large_rooms_use_a_grid_that_never_splits_a_cluster(monkeypatch):
    """Above ALL_PAIRS_UP_TO stakeholders (2-D, 3-D) the links come from a grid of side
    ``radius``: every single-linkage cluster stays whole (it can only merge near groups), and
    tight, well-separated groups come out the same as with the exact rule."""
    import govsim.metrics as metrics

    rng = np.random.default_rng(3)
    for k in (2, 3):
        tight = np.clip(np.round(rng.random((3000, k)) * 5) / 5 + rng.normal(0, 0.004, (3000, k)), 0, 1)
        cloud = rng.random((3000, k))
        grid = [count_clusters(p, min_size=1, min_share=0) for p in (tight, cloud)]
        monkeypatch.setattr(metrics, "ALL_PAIRS_UP_TO", 10**9)
        exact = [count_clusters(p, min_size=1, min_share=0) for p in (tight, cloud)]
        monkeypatch.undo()
        assert grid[0] == exact[0] and grid[1] <= exact[1]
