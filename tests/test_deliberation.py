"""The deliberation component against published opinion-dynamics results."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.deliberation import anchor, exchange, listen, lobby, random_pairs
from govsim.metrics import count_clusters


def run_deffuant(n: int, d: float, mu: float, seed: int, max_sweeps: int = 3000) -> np.ndarray:
    """Pure Deffuant-Weisbuch: one group, one dimension, no stubbornness, uniform start, to convergence."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 1))
    eps = np.full(n, d)
    everyone = np.arange(n)
    for _ in range(max_sweeps):
        before = x.copy()
        for _ in range(10):
            a, b = random_pairs(everyone, rng)
            exchange(x, eps, mu, a, b)
        if np.max(np.abs(x - before)) < 1e-6:
            break
    return x


# Mean number of major clusters (>= 2% of agents) in simulations of the Deffuant-Weisbuch model,
# N = 1000, mu = 0.5, uniform start, 10 seeds, as listed in the project's references (the
# closed form floor(1/(2d)) overstates the count at small d: clusters end a little more than
# 2d apart). Each value with the band the test accepts.
PUBLISHED_CLUSTERS = {
    0.05: (8.0, 9.5),  # published about 8.7 (floor(1/(2d)) = 10 overstates it); the model gives 8.6
    0.1: (4.0, 5.0),  # "4-5 at d = 0.1"
    0.15: (2.5, 3.5),  # "3 at d = 0.15"
    0.2: (1.5, 2.5),  # "2 at d = 0.2"
    0.25: (1.0, 2.0),  # "d = 0.25 sits between 1 and 2"
    0.3: (1.0, 1.5),  # "about 1 cluster at d = 0.3"
}


@pytest.mark.parametrize("d", sorted(PUBLISHED_CLUSTERS))
def test_number_of_clusters_matches_simulation_values(d):
    """Deffuant, Neau, Amblard & Weisbuch (2000), Adv. Complex Systems 3:87-98: on uniform
    initial opinions the dynamics end in a few clusters whose number falls as d grows; major
    clusters counted as in the reference simulations (N = 1000, mu = 0.5, clusters holding
    >= 2% of agents, mean over 10 seeds; values in the project's references; d = 0.05: about
    8.7 published, 8.6 here). A **found** result: nothing in the exchange rule names a number
    of clusters."""
    counts = [
        count_clusters(run_deffuant(1000, d, 0.5, seed), radius=0.01, min_share=0.02) for seed in range(10)
    ]
    low, high = PUBLISHED_CLUSTERS[d]
    assert low <= np.mean(counts) <= high


@pytest.mark.parametrize("d", [0.5, 0.7])
def test_consensus_above_one_half(d):
    """Full consensus for d > 1/2 (Fortunato 2004, IJMPC): everyone ends in one cluster."""
    for seed in range(3):
        x = run_deffuant(1000, d, 0.5, seed)
        assert count_clusters(x, radius=0.01, min_share=0.0) == 1
        assert np.ptp(x) < 1e-3


@given(st.integers(0, 10_000), st.floats(0.05, 1.0), st.floats(0.0, 0.5))
def test_symmetric_exchange_conserves_the_mean(seed, d, mu):
    """With equal confidence radii the pairwise update is symmetric, so the mean is conserved."""
    rng = np.random.default_rng(seed)
    x = rng.random((201, 2))
    mean = x.mean(axis=0)
    a, b = random_pairs(np.arange(201), rng)
    exchange(x, np.full(201, d), mu, a, b)
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=1e-12)
    assert np.all((x >= 0) & (x <= 1))


def test_exchange_micro_case():
    x = np.array([[0.2], [0.4], [0.9]])
    exchange(x, np.array([0.3, 0.1, 0.3]), 0.5, np.array([0]), np.array([1]))
    # 0 is within its radius 0.3 of 1 and moves halfway; 1's radius 0.1 is too small: it stays.
    np.testing.assert_allclose(x[:, 0], [0.3, 0.4, 0.9])


def test_random_pairs_is_a_matching():
    rng = np.random.default_rng(1)
    a, b = random_pairs(np.arange(11), rng)
    together = np.concatenate([a, b])
    assert len(a) == len(b) == 5 and len(set(together)) == 10


def test_listeners_move_and_speakers_do_not():
    x = np.array([[0.5, 0.5], [0.6, 0.5]])
    listen(x, np.array([0.5, 0.5]), 0.5, np.array([1]), np.array([0]), np.random.default_rng(0))
    np.testing.assert_allclose(x, [[0.5, 0.5], [0.55, 0.5]])


def test_lobbying_pull_is_capability_weighted_and_convex():
    """One lobbyist (c = 1) on a government (c = 1) with strength 0.5 pulls 0.5 * 1/2 = 1/4 of the way."""
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    lobby(x, np.array([1.0, 1.0]), 0.5, np.array([1]), np.array([0]), np.random.default_rng(0))
    np.testing.assert_allclose(x[0], [0.25, 0.25])
    # a crowd of strong lobbyists never pushes a target past them
    x = np.vstack([[0.0, 0.0], np.ones((50, 2))])
    lobby(x, np.ones(51), 1.0, np.arange(1, 51), np.array([0]), np.random.default_rng(0))
    assert np.all(x[0] <= 1.0) and np.allclose(x[0], 1.0)


def test_stubbornness_is_friedkin_johnsen():
    x = np.array([[1.0, 0.0]])
    anchor(x, np.array([[0.0, 0.0]]), np.array([0.25]))
    np.testing.assert_allclose(x, [[0.75, 0.0]])
