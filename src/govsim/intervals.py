"""The confidence interval of a mean over replicate runs, used everywhere govsim reports one.

The interval is Student's t, clipped to the measure's declared range::

    mean +/- t_{(1 + level)/2, n - 1} * s / sqrt(n),   then   low = max(low, lo), high = min(high, hi)

with s the sample standard deviation of the n values (NaNs dropped) and [lo, hi] the range the
measure declares (:func:`govsim.measures.bounds_of`; a share's is [0, 1]). With fewer than two
values there is no interval (low and high are NaN).

Why clipping, and not a Wilson or bootstrap interval: the values are run-level means (the mean
compliance of one run, say), not counts of successes, so the Wilson score interval for a
binomial proportion does not describe them; a percentile bootstrap needs random resampling and
is unreliable at the 3-20 replicates sweeps and notebooks use. The clipping rule loses nothing:
the true mean of a measure that lies in [lo, hi] lies in [lo, hi] too, so the clipped interval
covers it exactly when the t interval does (same coverage), and it is never wider. Inside the
range the numbers are the plain t interval's. References: Student (1908), "The probable error
of a mean", Biometrika 6(1); Wilson (1927), JASA 22(158).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

Bounds = tuple[float | None, float | None]


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level={level!r} is out of range (allowed: a share strictly between 0 and 1)")


def half_width(sd: Any, count: Any, level: float = 0.95) -> Any:
    """t_{(1+level)/2, n-1} * sd / sqrt(n); NaN where n < 2 (arrays or Series, elementwise)."""
    from scipy import stats  # here: sweep workers import this module and need none of scipy

    _check_level(level)
    count = np.asarray(count, dtype=float) if not isinstance(count, pd.Series) else count.astype(float)
    dof = np.maximum(count - 1, 1)
    half = stats.t.ppf((1 + level) / 2, dof) * sd / np.sqrt(count)
    return half.where(count > 1) if isinstance(half, pd.Series) else np.where(count > 1, half, np.nan)


def clip(low: Any, high: Any, bounds: Bounds | None) -> tuple[Any, Any]:
    """The interval's ends moved inside ``bounds`` (an end of None is open); NaN stays NaN."""
    if bounds is None or bounds == (None, None):
        return low, high
    lo, hi = bounds
    return np.clip(low, lo, hi), np.clip(high, lo, hi)


def mean_interval(values: Iterable[float], level: float = 0.95, bounds: Bounds | None = None) -> pd.Series:
    """Mean of ``values``, its ``level`` confidence interval (see the module docstring) and n.

    Returns
    -------
    pandas.Series with ``mean``, ``low``, ``high`` (NaN when fewer than two values) and ``n``.

    Raises
    ------
    ValueError
        ``level`` is not strictly between 0 and 1.
    """
    _check_level(level)
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return pd.Series({"mean": np.nan, "low": np.nan, "high": np.nan, "n": 0})
    mean = float(x.mean())
    half = float(half_width(x.std(ddof=1) if n > 1 else np.nan, n, level))
    low, high = clip(mean - half, mean + half, bounds)
    return pd.Series({"mean": mean, "low": float(low), "high": float(high), "n": n})
