"""How views move: bounded-confidence exchange, listening, lobbying and stubbornness.

Every function updates a positions array in place with array operations over all pairs at
once; none loops over stakeholders in Python. Each takes the generator it draws from.

References: Deffuant, Neau, Amblard & Weisbuch (2000), Adv. Complex Systems 3:87-98;
Friedkin & Johnsen (1990), J. Math. Sociology 15:193-206.
"""

from __future__ import annotations

from functools import cache

import numpy as np


def take_rows(array: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``array[rows]`` for a 2-D array, as a new contiguous array (``np.take`` skips the slow
    general fancy-indexing path for short rows)."""
    return array.take(rows, axis=0)


def put_rows(array: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """``array[rows] = values`` for distinct ``rows`` of a 2-D array.

    Each row of a C-contiguous array is viewed as one opaque item of K floats, so numpy copies
    whole rows instead of iterating over a (len(rows), K) index space: about 20x faster for K = 2.
    """
    if array.flags.c_contiguous and values.flags.c_contiguous and values.dtype == array.dtype:
        row = _row_type(array.dtype.itemsize * array.shape[1])
        array.view(row).reshape(-1)[rows] = values.view(row).reshape(-1)
    else:
        array[rows] = values


@cache
def _row_type(nbytes: int) -> np.dtype:
    return np.dtype((np.void, nbytes))


def row_dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """sum_k x_nk y_nk for each row n, summed dimension by dimension (K is small)."""
    products = x * y
    if products.shape[1] == 1:
        return products[:, 0].copy()
    total = products[:, 0] + products[:, 1]
    for k in range(2, products.shape[1]):
        total += products[:, k]
    return total


def add_scaled(x: np.ndarray, w: np.ndarray, d: np.ndarray) -> None:
    """x_nk += w_n d_nk in place, one dimension at a time (numpy broadcasts (N, 1) against
    (N, K) with an inner loop of length K, which is slow for K = 2)."""
    for k in range(x.shape[1]):
        column = x[:, k]  # a view: updated in place
        column += w * d[:, k]


def random_pairs(members: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random perfect matching of ``members`` (indices); with an odd count one sits out."""
    order = rng.permutation(members)
    half = len(order) // 2
    return order[:half], order[half : 2 * half]


def exchange(positions: np.ndarray, confidence: np.ndarray, mu: float, a: np.ndarray, b: np.ndarray) -> None:
    """Deffuant-Weisbuch exchange for disjoint pairs (a_j, b_j).

    x_a += mu (x_b - x_a) if |x_a - x_b| < eps_a, and symmetrically for b with eps_b.
    With equal radii each pair moves symmetrically, so the mean position is conserved.

    Parameters
    ----------
    positions : (N, K) positions, updated in place
    confidence : (N,) bounded-confidence radii eps (Euclidean distance)
    mu : share of the distance a persuaded stakeholder moves, in [0, 0.5]
    a, b : (M,) disjoint stakeholder indices, a_j meets b_j

    Examples
    --------
    Two pairs at distance 0.4: the first pair is within both radii and meets halfway with
    mu = 0.5; in the second pair only stakeholder 3 (radius 0.5) is persuaded.

    >>> import numpy as np
    >>> x = np.array([[0.1], [0.5], [0.1], [0.5]])
    >>> exchange(x, np.array([0.5, 0.5, 0.3, 0.5]), 0.5, np.array([0, 2]), np.array([1, 3]))
    >>> x.ravel().round(3).tolist()
    [0.3, 0.3, 0.1, 0.3]
    """
    half = len(a)
    both = np.concatenate((a, b))
    p = take_rows(positions, both)  # the a rows, then the b rows
    diff = p[half:] - p[:half]  # x_b - x_a
    dist = np.sqrt(row_dot(diff, diff))
    persuaded = np.concatenate((dist, dist)) < confidence.take(both)
    add_scaled(p, mu * persuaded, np.concatenate((diff, np.negative(diff))))
    put_rows(positions, both, p)


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
    moved = take_rows(positions, listeners)
    diff = take_rows(positions, heard) - moved
    dist = np.sqrt(row_dot(diff, diff))
    add_scaled(moved, mu * (dist < confidence[listeners]), diff)
    put_rows(positions, listeners, moved)


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
    """Friedkin-Johnsen stubbornness: p <- (1 - lambda) p + lambda x0, in place.

    Parameters
    ----------
    positions : (N, K) current positions, updated in place
    initial : (N, K) initial views x0
    stubbornness : (N,) lambda in [0, 1], the share pulled back each round

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([[1.0], [0.5]])
    >>> anchor(p, np.array([[0.0], [0.0]]), np.array([0.25, 1.0]))
    >>> p.ravel().tolist()
    [0.75, 0.0]
    """
    for k in range(positions.shape[1]):
        column = positions[:, k]
        column += stubbornness * (initial[:, k] - column)
