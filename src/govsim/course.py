"""What the course notebooks need beyond the model: prose bound to computed numbers, figures
with one unit per axis, and single-run rates next to means.

**Prose bound to numbers.** A notebook that writes "at lobbying 0.85 top-down serves civil
society as well as bottom-up" in a markdown cell follows it with a code cell calling
``stated(crossing, "0.85")``. :func:`stated` compares the computed value with the text at the
precision the text is written with and fails, naming both, when a change to the model has made
the sentence false. ``tests/test_notebooks.py`` fails on a decimal, percentage or multiple in a
markdown cell that no nearby ``stated`` call (or reading-list link, for a historical figure)
backs (rule in ``notebooks/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from govsim.screen.plotting import metric_label, plot_protocol_comparison

_NUMBER = re.compile(r"^\s*(?P<sign>[-−+])?(?P<num>\d+(?:\.(?P<dec>\d+))?)\s*(?P<unit>%|x|×)?\s*$")


class StaleProse(AssertionError):
    """A number the prose states no longer matches what the notebook computes."""


def stated(value: float, text: str) -> float:
    """Check that ``text``, a number as the prose writes it, still describes ``value``.

    ``text`` is a decimal (``"0.72"``, ``"-0.02"``), a percentage of a share (``"44%"``, value
    0.44) or a multiple (``"13x"``). The value is rounded to as many decimals as the text
    shows, so ``stated(0.7249, "0.72")`` passes and ``stated(0.85, "0.72")`` fails.

    Parameters
    ----------
    value : float
        The computed number (a share in [0, 1] for a percentage).
    text : str
        The number exactly as the markdown cell writes it.

    Returns
    -------
    float
        ``value``, so a cell can print it.

    Raises
    ------
    StaleProse
        (an ``AssertionError``) the rounded value differs from the text.
    ValueError
        ``text`` is not a number in one of the forms above.
    """
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(f"stated text={text!r} is not a number like '0.72', '44%' or '13x'")
    decimals = len(match["dec"] or "")
    written = float(match["num"]) * (-1 if match["sign"] in ("-", "−") else 1)
    scaled = float(value) * (100 if match["unit"] == "%" else 1)
    if round(scaled, decimals) != round(written, decimals) or not np.isfinite(scaled):
        shown = f"{scaled:.{decimals}f}{match['unit'] or ''}"
        raise StaleProse(
            f"the prose says {text!r} but the notebook now computes {shown}: update the sentence"
        )
    return float(value)


def unit_of(metric: str) -> str:
    """The unit a summary key is measured in, from its label: ``"mean_rounds"`` -> ``"rounds"``."""
    label = metric_label(metric)
    found = re.search(r"\(([^()]*)\)\s*$", label)
    return found.group(1) if found else label


def plot_by_unit(runs: pd.DataFrame, metrics: Sequence[str], title: str = "") -> list[Axes]:
    """Protocols side by side, one panel per unit: rounds, shares and utilities never share an
    axis. Metrics keep their order within a panel; panels follow the first metric of each unit.

    Returns
    -------
    list of Axes, one per unit.
    """
    units: dict[str, list[str]] = {}
    for metric in metrics:
        units.setdefault(unit_of(metric), []).append(metric)
    # At most two panels a row: four units in one row made a figure 26 inches wide, unreadable
    # on a projector or a printed page (issue 22.12).
    columns = min(2, len(units))
    rows = -(-len(units) // columns)
    height = 1.2 + 0.9 * max(map(len, units.values()))
    fig, grid = plt.subplots(
        rows, columns, figsize=(6.5 * columns + 2, height * rows), squeeze=False, layout="constrained"
    )
    axes = list(grid.ravel())
    for extra in axes[len(units) :]:
        extra.set_visible(False)
    axes = axes[: len(units)]
    for ax, (unit, group) in zip(axes, units.items(), strict=True):
        plot_protocol_comparison(runs, ax=ax, metrics=group)
        ax.set_xlabel(unit)
        ax.xaxis.set_major_locator(MaxNLocator(5))  # tick labels that never run into each other
    # One legend for the figure, beside the panels, never over the bars.
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    fig.legend(handles, labels, title="protocol", loc="outside right upper")
    if title:
        fig.suptitle(title)
    return axes


def paired_rate(runs: pd.DataFrame, column: str, first: str, second: str, by: str = "protocol") -> float:
    """Share of seeds in which ``first`` scores higher than ``second`` on ``column``.

    Runs are paired on ``seed`` (and ``scenario`` when present), so each comparison is the same
    draw of stakeholders under two settings: the single-run rate behind a comparison of means.

    Raises
    ------
    ValueError
        ``first`` or ``second`` has no runs, or they share no seed.
    """
    keys = [k for k in ("scenario", "seed") if k in runs]
    wide = runs.pivot_table(index=keys, columns=by, values=column)
    for name in (first, second):
        if name not in wide:
            raise ValueError(f"{by}={name!r} has no runs (found: {', '.join(map(str, wide.columns))})")
    both = wide[[first, second]].dropna()
    if both.empty:
        raise ValueError(f"{first!r} and {second!r} share no seed")
    return float((both[first] > both[second]).mean())


def paired_difference(first: Sequence[float], second: Sequence[float], level: float = 0.95) -> pd.Series:
    """Mean of ``first - second`` over paired runs (same seeds, same order) and its confidence
    interval (Student's t, :func:`govsim.teaching.mean_ci`): ``mean``, ``low``, ``high``, ``n``.

    Raises
    ------
    ValueError
        The two have different lengths, or fewer than two pairs.
    """
    from govsim.teaching import mean_ci

    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError(
            f"paired_difference needs two equal-length runs of >= 2 values, got {a.shape} and {b.shape}"
        )
    return mean_ci(a - b, level)


def differs(first: Sequence[float], second: Sequence[float], level: float = 0.95) -> bool:
    """True when the paired interval of ``first - second`` excludes zero: only then may the
    prose state a difference; otherwise it says the two cannot be told apart."""
    d = paired_difference(first, second, level)
    return bool(d["low"] > 0 or d["high"] < 0)


def more(first: pd.DataFrame, second: pd.DataFrame, column: str, second_column: str | None = None) -> bool:
    """True when ``first[column]`` is higher than ``second[second_column or column]`` on average
    **and** the paired 95% interval of the difference excludes zero (:func:`differs`).

    ``first`` and ``second`` hold one row per run; with a ``seed`` column they are paired on it,
    otherwise on their index. This is how a notebook asserts "A gives more than B": a mean that
    is higher only by the luck of the seeds does not pass.

    Raises
    ------
    ValueError
        The two do not hold the same seeds.
    """
    a = _by_seed(first)[column]
    b = _by_seed(second)[second_column or column]
    if not a.index.equals(b.index):
        raise ValueError(f"more() pairs runs by seed: {list(a.index)} and {list(b.index)} differ")
    return bool(a.mean() > b.mean() and differs(a, b))


def _by_seed(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.set_index("seed").sort_index() if "seed" in runs.columns else runs.sort_index()
