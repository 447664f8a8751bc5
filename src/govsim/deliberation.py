"""How views move: bounded-confidence exchange, listening, lobbying and stubbornness.

Every function updates a positions array in place with array operations over all pairs at
once; none loops over stakeholders in Python. Each takes the generator it draws from.

References: Deffuant, Neau, Amblard & Weisbuch (2000), Adv. Complex Systems 3:87-98;
Friedkin & Johnsen (1990), J. Math. Sociology 15:193-206.
"""

from __future__ import annotations

import numpy as np


def random_pairs(members: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random perfect matching of ``members`` (indices); with an odd count one sits out."""
    order = rng.permutation(members)
    half = len(order) // 2
    return order[:half], order[half : 2 * half]


def exchange(positions: np.ndarray, confidence: np.ndarray, mu: float, a: np.ndarray, b: np.ndarray) -> None:
    """Deffuant-Weisbuch exchange for disjoint pairs (a_j, b_j).

    x_a += mu (x_b - x_a) if |x_a - x_b| < eps_a, and symmetrically for b with eps_b.
    With equal radii each pair moves symmetrically, so the mean position is conserved.
    """
    diff = positions[b] - positions[a]
    dist = np.sqrt(np.einsum("nk,nk->n", diff, diff))
    positions[a] += (mu * (dist < confidence[a]))[:, None] * diff
    positions[b] -= (mu * (dist < confidence[b]))[:, None] * diff


def listen(
    positions: np.ndarray,
    confidence: np.ndarray,
    mu: float,
    listeners: np.ndarray,
    speakers: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Each listener (an observer following the talks) hears one random speaker and is persuaded
    as in :func:`exchange`; speakers do not move."""
    if len(listeners) == 0 or len(speakers) == 0:
        return
    heard = speakers[rng.integers(len(speakers), size=len(listeners))]
    diff = positions[heard] - positions[listeners]
    dist = np.sqrt(np.einsum("nk,nk->n", diff, diff))
    positions[listeners] += (mu * (dist < confidence[listeners]))[:, None] * diff


def lobby(
    positions: np.ndarray,
    capability: np.ndarray,
    strength: float,
    lobbyists: np.ndarray,
    targets: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Each lobbyist l pulls one random target g with weight w = strength * c_l / (c_l + c_g).

    A target moves to p_g + sum_l w_l (x_l - p_g) / max(1, sum_l w_l): a convex step toward
    its lobbyists, so positions stay in [0, 1] however many lobby the same target.
    """
    if len(lobbyists) == 0 or len(targets) == 0 or strength == 0:
        return
    hit = targets[rng.integers(len(targets), size=len(lobbyists))]
    w = strength * capability[lobbyists] / (capability[lobbyists] + capability[hit])
    n = len(positions)
    total_w = np.bincount(hit, weights=w, minlength=n)
    pull = np.stack(
        [
            np.bincount(hit, weights=w * (positions[lobbyists, k] - positions[hit, k]), minlength=n)
            for k in range(positions.shape[1])
        ],
        axis=1,
    )
    moved = total_w > 0
    positions[moved] += pull[moved] / np.maximum(1.0, total_w[moved])[:, None]


def anchor(positions: np.ndarray, initial: np.ndarray, stubbornness: np.ndarray) -> None:
    """Friedkin-Johnsen stubbornness: p <- (1 - lambda) p + lambda x0."""
    positions += stubbornness[:, None] * (initial - positions)
