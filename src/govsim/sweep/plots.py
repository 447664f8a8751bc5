"""Standard sweep plots as pure functions: ``(runs, ..., ax=None) -> ax``.

They take the runs table (:func:`govsim.sweep.load_runs`) and draw on ``ax`` (a new figure
when omitted). A factor with many distinct values (a Latin hypercube or Sobol design) is
binned into equal-width bins and shown at the bin midpoints.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govsim.measures import label_of
from govsim.sweep.analysis import summarize
from govsim.sweep.factors import PROTOCOL
from govsim.sweep.runner import OK

LINE_STYLES = (
    {"marker": "o", "linestyle": "-"},
    {"marker": "s", "linestyle": "--"},
    {"marker": "^", "linestyle": ":"},
    {"marker": "D", "linestyle": "-."},
    {"marker": "v", "linestyle": (0, (5, 1, 1, 1, 1, 1))},
)
MAX_LEVELS = 12  # more distinct values than this are binned
BINS = 8


def _axes(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def _binned(values: pd.Series, bins: int = BINS) -> pd.Series:
    """The values themselves, or the midpoints of equal-width bins when there are many."""
    if values.nunique() <= MAX_LEVELS or not pd.api.types.is_numeric_dtype(values):
        return values
    edges = np.linspace(values.min(), values.max(), bins + 1)
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
    return pd.Series((edges[index] + edges[index + 1]) / 2, index=values.index, name=values.name)


def _check(runs: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        if column not in runs.columns:
            raise ValueError(f"column {column!r} is not in the runs table")
    return runs[runs["status"] == OK] if "status" in runs.columns else runs


def plot_factor(
    runs: pd.DataFrame, factor: str, metric: str, *, by: str | None = PROTOCOL, ax: Any = None
) -> Any:
    """Mean of ``metric`` against ``factor`` with its 95% confidence band, one line per ``by``."""
    from govsim.screen.plotting import protocol_color  # lazily: pyplot is slow to import

    ok = _check(runs, factor, metric)
    ok = ok.assign(**{factor: _binned(ok[factor])})
    groups = [by] if by and by != factor and by in ok.columns and ok[by].nunique() > 1 else []
    table = summarize(ok, [metric], by=[*groups, factor])
    ax = _axes(ax)
    for n, (label, part) in enumerate(table.groupby(groups) if groups else [((None,), table)]):
        part = part.sort_values(factor)
        name = label[0] if label[0] is not None else metric
        x = part[factor].to_numpy(dtype=float)
        style = LINE_STYLES[n % len(LINE_STYLES)]  # told apart without colour too
        color = protocol_color(str(name), n) if groups and groups[0] == PROTOCOL else None
        (line,) = ax.plot(x, part[f"{metric}_mean"], color=color, label=str(name), **style)
        ax.fill_between(x, part[f"{metric}_low"], part[f"{metric}_high"], color=line.get_color(), alpha=0.2)
    ax.set_xlabel(factor)
    ax.set_ylabel(label_of(metric))
    if groups:
        ax.legend(title=groups[0], fontsize="small")
    return ax


def plot_heatmap(runs: pd.DataFrame, x: str, y: str, metric: str, *, ax: Any = None) -> Any:
    """Mean of ``metric`` over every run at each combination of ``x`` and ``y``."""
    ok = _check(runs, x, y, metric)
    # scattered points (lhs, sobol) need coarser bins in two dimensions to fill most cells
    points = len(ok[[x, y]].drop_duplicates())
    bins = int(np.clip(np.sqrt(points / 2), 3, BINS))
    ok = ok.assign(**{x: _binned(ok[x], bins), y: _binned(ok[y], bins)})
    grid = ok.pivot_table(index=y, columns=x, values=metric, aggfunc="mean").sort_index(ascending=False)
    ax = _axes(ax)
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="viridis")
    ax.set_xticks(range(grid.shape[1]), [_label(v) for v in grid.columns], rotation=45, ha="right")
    ax.set_yticks(range(grid.shape[0]), [_label(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.figure.colorbar(image, ax=ax, label=label_of(metric))
    return ax


def _label(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float | np.floating) else str(value)
