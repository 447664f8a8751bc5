"""What the course notebooks need beyond the model: prose bound to computed numbers, figures
with one unit per axis, and single-run rates next to means.

**Prose bound to numbers.** A notebook that writes "at lobbying 0.7 top-down serves civil
society as well as bottom-up" in a markdown cell follows it with a code cell calling
``stated(FACTS["lobbying_crossing"], "0.7")``. A number that comes out of seeded runs is a
registered fact (:mod:`govsim.handouts.facts`), computed over seeds 0-199: :func:`stated` fails
unless the fact's 95% interval lies inside what the text denotes (:func:`written_interval`),
and ``tests/test_stated.py`` checks the same text on the held-out seeds 1000-1199. A number no
seed changes (an assumption, a hand computation) is passed as a value and must round to the
text. ``tests/test_notebooks.py`` fails on a decimal, percentage or multiple in a markdown cell
that no nearby ``stated`` call (or reading-list link, for a historical figure) backs, and on a
``stated`` value that is neither a fact nor listed as exact in the notebook's metadata (rule in
``notebooks/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from govsim.handouts.facts import NUMBER, Fact, problems, written_interval
from govsim.screen.plotting import metric_label, plot_protocol_comparison


class StaleProse(AssertionError):
    """A number the prose states no longer matches what the notebook computes."""


def stated(value: Any, text: str) -> float:
    """Check that ``text``, a number as the prose writes it, still describes ``value``.

    ``text`` is a decimal (``"0.72"``, ``"-0.02"``), a percentage of a share (``"44%"``, value
    0.44), a multiple (``"13x"``) or a range (``"0.6-0.8"``, see :func:`written_interval`).

    ``value`` is either

    - a registered fact (:class:`govsim.handouts.facts.Fact`), for every number that comes out
      of seeded runs: its 95% interval over the seeds it is computed from must lie inside the
      text's interval (``tests/test_stated.py`` checks the text on held-out seeds too); or
    - a plain number that no seed changes (an assumption, a hand computation): it must round to
      the text, so ``stated(0.7249, "0.72")`` passes and ``stated(0.85, "0.72")`` fails.

    Returns
    -------
    float
        The value (the fact's, over its seeds), so a cell can print it.

    Raises
    ------
    StaleProse
        (an ``AssertionError``) the value no longer fits the text.
    ValueError
        ``text`` is not a number in one of the forms above.
    """
    if isinstance(value, Fact):
        found = problems(value, text)
        if found:
            raise StaleProse(f"{found[0]}: update the sentence")
        return value.compute()
    low, high = written_interval(text)
    scaled = float(value)
    if not (np.isfinite(scaled) and low - 1e-9 <= scaled <= high + 1e-9):
        shown = _shown(scaled, text)
        raise StaleProse(
            f"the prose says {text!r} but the notebook now computes {shown}: update the sentence"
        )
    return scaled


def _shown(value: float, text: str) -> str:
    match = NUMBER.match(text)
    if match is None:
        return f"{value:.4g}"
    percent = match["unit"] == "%"
    return f"{value * (100 if percent else 1):.{len(match['dec'] or '')}f}{match['unit'] or ''}"


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
