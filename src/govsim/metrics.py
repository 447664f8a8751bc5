"""Pure functions on arrays: utilities, medians, and the measures reported per round and per issue.

Nothing here touches a model; the model's data collector calls these, and so can a learner.
"""

from __future__ import annotations

import math

import numpy as np


def utility(positions: np.ndarray, salience: np.ndarray, y: np.ndarray) -> np.ndarray:
    """u_i(y) = -sum_k s_ik |p_ik - y_k|: salience-weighted city-block distance, negated.

    ``salience`` (N, K) is used as given: each s_ik is i's *absolute* salience of dimension k
    in [0, 1] (drawn group members' rows sum to 1; a named actor's come from its data, so an
    actor that cares little loses little from any outcome). ``y`` is one point (K,) or one
    point per stakeholder (N, K).
    """
    # One dimension at a time: numpy is slow when a long (N, K) array meets a short (K,)
    # axis in broadcasting or reduction, and fast on (strided) columns.
    y = np.asarray(y, dtype=float)
    total = np.zeros(len(positions))
    for k in range(positions.shape[1]):
        off = np.subtract(positions[:, k], y[..., k])
        np.abs(off, out=off)
        off *= salience[:, k]
        total -= off
    return total


def gain(
    positions: np.ndarray, salience: np.ndarray, outcome: np.ndarray, status_quo: np.ndarray
) -> np.ndarray:
    """Gain of an outcome over the status quo: u_i(y) - u_i(q)."""
    return utility(positions, salience, outcome) - utility(positions, salience, status_quo)


def weighted_median(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Per-dimension weighted median of ``values`` (N, K), the same under x -> 1 - x.

    Per dimension, the lower median is the lowest v with cumulative weight >= half and the
    upper median the highest v with at least half the weight at or above it; the median is
    their midpoint. They differ only when the weight splits exactly in half (an even number
    of equal weights): then the midpoint of the two middle positions, so the answer does not
    depend on which end of the axis is 0. ``weights`` is (N,), or (N, K) for one weight per
    dimension; a dimension whose weights are all 0 uses equal weights.

    In one dimension with single-peaked preferences the median beats every alternative in a
    pairwise majority vote (Black 1948); that guarantee is one-dimensional only.
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    n, k = values.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    w = np.broadcast_to(w[:, None] if w.ndim == 1 else w, (n, k))
    w = np.where(w.sum(axis=0) > 0, w, 1.0)
    order = np.argsort(values, axis=0, kind="stable")
    ranked = np.take_along_axis(values, order, axis=0)
    cum = np.cumsum(np.take_along_axis(w, order, axis=0), axis=0)
    half = 0.5 * cum[-1]
    tol = 1e-12 * cum[-1]
    lower = np.argmax(cum >= half - tol, axis=0)
    before = np.vstack([np.zeros((1, k)), cum[:-1]])  # weight strictly below each ranked value
    upper = np.sum(before <= half + tol, axis=0) - 1
    cols = np.arange(k)
    return 0.5 * (ranked[lower, cols] + ranked[upper, cols])


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Compromise position per dimension: y_k = sum_i w_ik x_ik / sum_i w_ik.

    ``values`` (N, K); ``weights`` (N,) for one weight per stakeholder, or (N, K) for one per
    stakeholder and dimension, as in the compromise model, w_ik = capability_i x salience_ik
    (Stokman & Van Oosten 1994). A dimension whose weights are all 0 (nobody cares about it)
    gets the plain mean.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim == 1:
        return weights @ values / np.sum(weights)
    values = np.asarray(values, dtype=float)
    total = weights.sum(axis=0)
    plain = values.mean(axis=0) if len(values) else np.full(values.shape[1], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weights * values).sum(axis=0) / np.where(total > 0, total, 1), plain)


def group_shares(
    mask: np.ndarray, group: np.ndarray, n_groups: int, among: np.ndarray | None = None
) -> np.ndarray:
    """Share of each group's members (or of those in ``among``) for whom ``mask`` holds; NaN if none."""
    if among is None:
        hits = np.bincount(group[mask], minlength=n_groups)
        total = np.bincount(group, minlength=n_groups)
    else:
        hits = np.bincount(group[mask & among], minlength=n_groups)
        total = np.bincount(group[among], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, hits / np.maximum(total, 1), np.nan)


def group_means(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of ``values`` within each group; NaN for an empty group.

    Parameters
    ----------
    values : (N,) floats
    group : (N,) int group codes in [0, n_groups)
    n_groups : number of groups

    Returns
    -------
    (n_groups,) means

    Examples
    --------
    Gains of five stakeholders in groups 0, 0, 1, 1, 1; group 2 has nobody:

    >>> import numpy as np
    >>> group_means(np.array([0.2, 0.4, -0.1, 0.0, 0.1]), np.array([0, 0, 1, 1, 1]), 3).round(3).tolist()
    [0.3, 0.0, nan]
    """
    sums = np.bincount(group, weights=values, minlength=n_groups)
    counts = np.bincount(group, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def polarization(positions: np.ndarray) -> float:
    """Root-mean-square distance of positions from their centroid (0 = full agreement).

    sqrt(mean_i |p_i - pbar|^2) = sqrt(sum_k var_k): computed one dimension at a time, since
    numpy reduces a long (N, K) array along its short axis slowly.
    """
    positions = np.asarray(positions, dtype=float)
    if positions.ndim == 1:
        positions = positions[:, None]
    n = len(positions)
    if n == 0:
        return 0.0
    total = 0.0
    for k in range(positions.shape[1]):
        column = positions[:, k]
        centred = column - column.sum() / n
        total += float(np.square(centred, out=centred).sum())
    return float(np.sqrt(total / n))


def count_clusters(
    positions: np.ndarray, radius: float = 0.02, min_size: int = 2, min_share: float = 0.02
) -> int:
    """Number of opinion clusters: groups of at least ``max(min_size, min_share * N)``
    stakeholders linked by chains of neighbours no more than ``radius`` apart (single linkage,
    Euclidean distance).

    A stakeholder with no neighbour within ``radius`` is a loner, never a cluster (the default
    ``min_size = 2``), so a scattered room counts few clusters, not one per person. One
    dimension: sort and split where neighbours are more than ``radius`` apart, O(N log N).
    More dimensions: connected components of the links from :func:`_links` (exact up to
    ``ALL_PAIRS_UP_TO`` stakeholders; above, a grid that never splits a cluster), never the
    O(N^2) of all pairs.
    """
    positions = np.asarray(positions, dtype=float)
    if positions.ndim == 1:
        positions = positions[:, None]
    n = len(positions)
    if n == 0:
        return 0
    if positions.shape[1] == 1:
        x = np.sort(positions[:, 0])
        labels = np.concatenate([[0], np.cumsum(np.diff(x) > radius)])
    else:
        component, node = _links(positions, radius)
        labels = component[node]
    sizes = np.bincount(labels)
    return int(np.sum(sizes >= max(1, min_size, min_share * n)))


ALL_PAIRS_UP_TO = 2000  # stakeholders; larger 2-D/3-D rooms link through a grid (see _links)


def _links(points: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Single-linkage clusters at ``radius``: ``(component of each node, node of each point)``.

    Up to ``ALL_PAIRS_UP_TO`` stakeholders (and for K > 3): exact, every pair within
    ``radius`` from a k-d tree, one node per stakeholder. Above, in 2-D and 3-D, where
    converged opinions put thousands within ``radius`` of each other and the pairs would
    explode: one node per grid cell of side ``radius``, occupied cells linked when they touch
    (by a face, edge or corner), so every pair within ``radius`` is linked. That never splits
    a single-linkage cluster and can join groups at most 2 sqrt(K) x radius apart; it costs
    O(N) plus the fixed grid.
    """
    from scipy import ndimage  # imported here: scipy is slow to import and only this needs it
    from scipy.spatial import cKDTree

    n, k = points.shape
    if n <= ALL_PAIRS_UP_TO or k > 3:
        pairs = cKDTree(points).query_pairs(radius, output_type="ndarray")
        return _components(n, pairs), np.arange(n)
    shape = (int(np.ceil(1.0 / radius)) + 1,) * k
    cells = np.ravel_multi_index((points / radius).astype(np.intp).T, shape, mode="clip")
    occupied = np.bincount(cells, minlength=math.prod(shape)).reshape(shape) > 0
    labelled, _ = ndimage.label(occupied, structure=np.ones((3,) * k, dtype=bool))
    return labelled.reshape(-1), cells


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Component of each of ``n`` nodes linked by ``pairs`` (M, 2): the smallest node index in
    it. Min-label propagation with pointer jumping; exact at its fixed point, where every
    pair shares a label and every label is its own."""
    labels = np.arange(n)
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, labels):
            return labels
        labels = new


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between points (broadcasting over leading axes)."""
    return np.sqrt(np.sum((np.asarray(a) - np.asarray(b)) ** 2, axis=-1))


def mean_pairwise_distance(points: np.ndarray) -> float:
    """Mean Euclidean distance over all pairs of a handful of points (e.g. regional outcomes)."""
    points = np.asarray(points, dtype=float)
    if len(points) < 2:
        return 0.0
    i, j = np.triu_indices(len(points), k=1)
    return float(distance(points[i], points[j]).mean())


def weighted_share(mask: np.ndarray, weights: np.ndarray) -> float:
    """sum_i w_i [mask_i] / sum_i w_i; e.g. non-compliance = capability-weighted share of non-compliers.

    Parameters
    ----------
    mask : (N,) bool
    weights : (N,) non-negative weights

    Returns
    -------
    float in [0, 1]; NaN when the weights sum to 0

    Examples
    --------
    One non-complier holding half of the capability of four stakeholders:

    >>> import numpy as np
    >>> weighted_share(np.array([True, False, False, False]), np.array([3.0, 1.0, 1.0, 1.0]))
    0.5
    """
    total = float(np.sum(weights))
    return float(np.sum(weights[mask]) / total) if total > 0 else float("nan")
