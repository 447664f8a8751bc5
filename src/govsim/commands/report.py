"""``govsim report``: summary table of a results directory and its standard plots as PNG."""

from __future__ import annotations

import argparse
import itertools
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from govsim import safefiles
from govsim.cli import LazyHelp, path_arg
from govsim.escape import terminal_text

if TYPE_CHECKING:  # imported when the command runs, not when the parser is built (start-up time)
    import pandas as pd

NAME = "report"
HELP = "print the summary table of a sweep's results and write its standard plots"


def _standard_metrics() -> str:
    from govsim.sweep.analysis import STANDARD_METRICS

    return ", ".join(STANDARD_METRICS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "results", metavar="DIR", type=path_arg("DIR"), help="a results directory written by govsim sweep"
    )
    parser.add_argument(
        "--plots",
        metavar="DIR",
        type=path_arg("--plots"),
        help="where to write the PNG plots (default: DIR/plots)",
    )
    parser.add_argument("--no-plots", action="store_true", help="print the table only")
    parser.add_argument(
        "--metrics",
        help=LazyHelp(
            "comma-separated metrics to report (default: {standard}, then any stored user measure)",
            standard=_standard_metrics,
        ),
    )


def _metrics(text: str | None, runs: pd.DataFrame, own: tuple[str, ...] = ()) -> list[str]:
    import pandas as pd

    from govsim.sweep.analysis import default_metrics

    metrics = (
        default_metrics(runs, own) if text is None else [m.strip() for m in text.split(",") if m.strip()]
    )
    if not metrics:
        raise ValueError(f"--metrics {text!r} names no metric (give names separated by commas, e.g. adopted)")
    for metric in metrics:
        if metric not in runs.columns or not pd.api.types.is_numeric_dtype(runs[metric]):
            raise ValueError(f"--metrics: {metric!r} is not a metric of the runs table")
    return metrics


def table_text(summary: pd.DataFrame, metrics: list[str]) -> str:
    """The summary as text: factors, n, then ``mean [low, high]`` per metric."""
    import pandas as pd

    shown = summary[[c for c in summary.columns if not c.endswith(("_mean", "_low", "_high"))]].copy()
    for m in metrics:
        shown[m] = [
            f"{mean:.3f} [{low:.3f}, {high:.3f}]" if pd.notna(low) else f"{mean:.3f}"
            for mean, low, high in zip(
                summary[f"{m}_mean"], summary[f"{m}_low"], summary[f"{m}_high"], strict=True
            )
        ]
    return shown.to_string(index=False)


def sobol_text(runs: pd.DataFrame, experiment, metrics: list[str]) -> str:
    """First-order and total Sobol indices of each metric that varies over the design; a
    warning (e.g. indices outside [0, 1] from too few samples) is printed as a line below."""
    import pandas as pd

    from govsim.sweep.analysis import sobol_indices

    tables, skipped = [], []
    for metric in metrics:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                tables.append(sobol_indices(runs, experiment, metric).assign(metric=metric))
            skipped += [f"  warning: {w.message}" for w in caught if issubclass(w.category, RuntimeWarning)]
        except ValueError as exc:
            skipped.append(f"  {metric}: {exc}")
    lines = ["", "Sobol indices (S1 first-order, ST total, with 95% bootstrap half-widths):"]
    if tables:
        table = pd.concat(tables, ignore_index=True)
        table = table[["metric", *[c for c in table.columns if c != "metric"]]]
        lines.append(table.to_string(index=False, float_format="%.3f"))
    return "\n".join(lines + skipped)


def write_plots(runs: pd.DataFrame, factors: list[str], metrics: list[str], folder: Path) -> list[Path]:
    """One figure per numeric factor (a panel per metric) and a heatmap per pair of factors."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from govsim.sweep.factors import PROTOCOL
    from govsim.sweep.plots import plot_factor, plot_heatmap

    safefiles.real_folder(folder, parents=True)
    numeric = [f for f in factors if f != PROTOCOL and runs[f].nunique() > 1]
    written = []
    for factor in numeric:
        fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.6), squeeze=False)
        for ax, metric in zip(axes[0], metrics, strict=True):
            plot_factor(runs, factor, metric, ax=ax)
        fig.tight_layout()
        written.append(_save(fig, folder / f"{factor}.png"))
    for x, y in itertools.islice(itertools.combinations(numeric, 2), 6):
        fig, ax = plt.subplots(figsize=(5.5, 4.2))
        plot_heatmap(runs, x, y, metrics[0], ax=ax)
        fig.tight_layout()
        written.append(_save(fig, folder / f"heatmap_{x}_{y}.png"))
    return written


def _save(fig, path: Path) -> Path:
    """A figure as PNG, written like every govsim file (never through a link)."""
    import matplotlib.pyplot as plt

    safefiles.write_atomic(path, lambda handle: fig.savefig(handle, format="png", dpi=100))
    plt.close(fig)
    return path


def all_failed(runs: pd.DataFrame, folder: str) -> str:
    """One line for a results folder in which every run failed: how many, and the stored
    failure (the most common error, and how many other errors there are)."""
    import pandas as pd

    errors = runs["error"].fillna("").astype(str) if "error" in runs else pd.Series([""] * len(runs))
    counts = errors[errors != ""].value_counts()
    if counts.empty:
        why = "no error was stored"
    else:
        why = f"{counts.index[0]}" + (f" ({len(counts) - 1} other errors)" if len(counts) > 1 else "")
    n = len(runs)
    return f"{folder}: every run failed ({n} of {n}), so there is nothing to report: {why}"


def main(args: argparse.Namespace) -> int:
    from govsim.sweep.analysis import summarize
    from govsim.sweep.factors import DesignKind
    from govsim.sweep.store import Store, load_runs

    runs = load_runs(args.results)
    if runs.empty:
        raise ValueError(f"{args.results} holds no runs yet")
    experiment = Store(args.results).experiment()
    if not (runs["status"] == "ok").any():
        raise ValueError(all_failed(runs, args.results))
    metrics = _metrics(args.metrics, runs, experiment.own_names)
    manifest = Store(args.results).manifest() or {}
    failed = int((runs["status"] != "ok").sum())
    planned = manifest.get("runs_planned", len(runs))
    name = manifest.get("experiment", {}).get("name", "")
    print(
        terminal_text(
            f"govsim report: {name} — {len(runs) - failed} runs ok, {failed} failed, {planned} planned"
        )
    )
    if experiment.design.kind in (DesignKind.GRID, DesignKind.LIST):
        summary = summarize(runs, metrics)
    else:  # sampled points are many and distinct: summarize over them, by the levels factors
        summary = summarize(runs, metrics, by=[f.name for f in experiment.factors if not f.sampled])
    print(terminal_text(table_text(summary, metrics)))
    if experiment.design.kind is DesignKind.SALTELLI:
        print(sobol_text(runs, experiment, metrics))
    if not args.no_plots:
        folder = Path(args.plots) if args.plots else Path(args.results) / "plots"
        for path in write_plots(runs, experiment.varied, metrics, folder):
            print(terminal_text(f"wrote {path}"))
    return 0
