"""Pure plotting functions: each takes data and an optional matplotlib ``ax`` and returns the ``ax``.

The model never imports this module. Every plot uses one fixed style per stakeholder group: a
colour (the Okabe-Ito palette, readable with the common forms of colour blindness) AND a marker
shape and a line style, so groups stay apart without colour too. Protocols have one colour each,
defined here for every plot (notebooks, ``govsim report``, the dashboard). Axes are labelled
with units; titles and issue names wrap instead of being cut; round axes have integer ticks.
The live dashboard draws in the browser with the same styles (:func:`group_style`).

Reference: Okabe & Ito (2008), "Color Universal Design", https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from govsim.dimensions import DIMENSION_ENDS
from govsim.groups import GROUP_ORDER, Group
from govsim.i18n import _, current, number
from govsim.i18n import name as in_language
from govsim.measures import MetricLabels, label_of
from govsim.protocols import protocol_names
from govsim.words import plural

GROUP_COLORS: dict[Group, str] = {
    Group.GOVERNMENT: "#0072B2",  # blue
    Group.BUSINESS: "#E69F00",  # orange
    Group.CIVIL_SOCIETY: "#009E73",  # bluish green
    Group.TECHNICAL: "#CC79A7",  # reddish purple
}
# Shape and line per group: the same in every plot, the dashboard and the role-play.
GROUP_MARKERS: dict[Group, str] = {
    Group.GOVERNMENT: "o",  # circle
    Group.BUSINESS: "s",  # square
    Group.CIVIL_SOCIETY: "^",  # triangle
    Group.TECHNICAL: "D",  # diamond
}
GROUP_LINESTYLES: dict[Group, str] = {
    Group.GOVERNMENT: "-",
    Group.BUSINESS: "--",
    Group.CIVIL_SOCIETY: ":",
    Group.TECHNICAL: "-.",
}
# matplotlib line style -> dash pattern in points (for canvas drawing in the browser)
GROUP_HATCHES: dict[Group, str] = {
    Group.GOVERNMENT: "",
    Group.BUSINESS: "//",
    Group.CIVIL_SOCIETY: "..",
    Group.TECHNICAL: "xx",
}
DASHES: dict[str, list[float]] = {"-": [], "--": [6, 3], ":": [1.5, 2.5], "-.": [7, 3, 1.5, 3]}
STATUS_QUO_COLOR = "#000000"
PROPOSAL_COLOR = "#D55E00"  # vermillion
OTHER_COLORS = ("#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")
# One colour per protocol, by name, for every plot (bar charts, sweep lines, the dashboard).
PROTOCOL_COLORS: dict[str, str] = {
    "top_down": "#D55E00",  # vermillion
    "bottom_up": "#56B4E9",  # sky blue
    "consult_then_ratify": "#F0E442",  # yellow
    "chambers": "#999999",  # grey
    "regional": "#009E73",  # bluish green
}
EXTRA_COLORS = ("#0072B2", "#CC79A7", "#E69F00", "#000000")  # other protocols and labels, in order


# Labels of every registered measure's columns and summary keys ("<label> (<unit>)"), read
# from the registry when asked, so a measure registered in a notebook is labelled too.
METRIC_LABELS: Mapping[str, str] = MetricLabels()
DEFAULT_METRICS = (
    "adoption_rate",
    "mean_compliance",
    "mean_government_compliance",
    "noncompliance",
    "mean_objecting_share",
    "mean_participation_civil_society",
)


def group_color(group: Group | str | int) -> str:
    """The colour of a group, given as a ``Group``, its name or its integer code."""
    if isinstance(group, int | np.integer) and not isinstance(group, bool):
        return GROUP_COLORS[GROUP_ORDER[int(group)]]
    return GROUP_COLORS[Group.parse(group)]


def group_style(group: Group | str | int) -> dict[str, Any]:
    """A group's label, colour, marker and line style (and its dash pattern for canvases)."""
    g = GROUP_ORDER[int(group)] if isinstance(group, int | np.integer) else Group.parse(group)
    line = GROUP_LINESTYLES[g]
    return {
        "label": g.label,
        "color": GROUP_COLORS[g],
        "marker": GROUP_MARKERS[g],
        "linestyle": line,
        "dash": DASHES[line],
        "hatch": GROUP_HATCHES[g],
    }


def group_handles(kind: str = "line") -> list[Any]:
    """Legend entries for the four groups, whatever the plot holds yet: ``"line"`` (marker and
    line style), ``"marker"`` (marker only) or ``"bar"`` (colour and hatch)."""
    styles = [group_style(g) for g in GROUP_ORDER]
    if kind == "bar":
        return [
            Patch(facecolor=s["color"], hatch=s["hatch"], edgecolor="white", label=s["label"]) for s in styles
        ]
    line = {"marker": "none"} if kind == "marker" else {}
    return [
        Line2D(
            [],
            [],
            color=s["color"],
            marker=s["marker"],
            linestyle=line.get("marker", s["linestyle"]),
            label=s["label"],
        )
        for s in styles
    ]


def protocol_color(protocol: str, fallback: int = 0) -> str:
    """The colour of a protocol, fixed by name so top-down looks the same in every plot.

    Registered protocols without a colour of their own (a learner's new rule) and other labels
    take ``EXTRA_COLORS`` in turn: registered ones by registry position, others by ``fallback``.
    """
    if protocol in PROTOCOL_COLORS:
        return PROTOCOL_COLORS[protocol]
    names = [n for n in protocol_names() if n not in PROTOCOL_COLORS]
    n = names.index(protocol) if protocol in names else len(names) + fallback
    return EXTRA_COLORS[n % len(EXTRA_COLORS)]


def wrap(text: str, width: int = 48) -> str:
    """``text`` broken into lines of at most ``width`` characters (never cut)."""
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def fit_texts(fig: Any) -> Any:
    """``fig`` with every title, axis label, legend and annotation inside it, whatever the
    language (a French or Spanish label often runs a third longer than the English): the
    margins are laid out around the labels (matplotlib's constrained layout), a title or x label
    wider than its axes is wrapped to the axes' width and a y label to their height, a legend
    wider than its axes takes fewer columns, and an annotation that would cross the right edge
    of its axes is set on the left of its point. Returns ``fig``.

    The figures a room reads (the projector's, the debrief's, the handouts') pass through it.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    for _pass in range(3):  # wrapping changes the layout, which changes the room for the labels
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        changed = False
        for ax in fig.axes:
            if not ax.get_visible() or ax.get_label() == "<colorbar>":
                continue
            box = ax.get_window_extent(renderer)
            changed |= _wrap_to(ax.title, box.width, renderer)
            changed |= _wrap_to(ax.xaxis.label, box.width, renderer)
            changed |= _wrap_to(ax.yaxis.label, box.height, renderer, vertical=True)
            legend = ax.get_legend()
            if (
                legend is not None
                and legend._ncols > 1
                and legend.get_window_extent(renderer).width > box.width
            ):
                size = legend.get_texts()[0].get_fontsize() if legend.get_texts() else None
                ax.legend(
                    *ax.get_legend_handles_labels(), loc=legend._loc, ncols=legend._ncols - 1, fontsize=size
                )
                changed = True
            for note in ax.texts:
                xy = getattr(note, "xyann", None)
                if xy is None or xy[0] <= 0 or note.get_window_extent(renderer).x1 <= box.x1:
                    continue
                note.xyann = (-xy[0], xy[1])
                note.set_horizontalalignment("right")
                changed = True
        if not changed:
            break
    return fig


def _wrap_to(text: Any, room: float, renderer: Any, vertical: bool = False) -> bool:
    """Wrap matplotlib ``text`` (its own line breaks kept) until it is at most ``room`` pixels
    long; whether it changed."""
    said = text.get_text()
    if not said.strip():
        return False

    def length() -> float:
        extent = text.get_window_extent(renderer)
        return extent.height if vertical else extent.width

    if length() <= room:
        return False
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in said.split("\n")]  # no-break spaces kept
    for width in range(max(len(line) for line in lines) - 1, 8, -1):
        text.set_text("\n".join(wrap(line, width) for line in lines))
        if length() <= room:
            break
    return text.get_text() != said


def integer_rounds(axis: Any) -> None:
    """Only whole numbers on an axis that counts rounds."""
    axis.set_major_locator(MaxNLocator(integer=True))


def dimension_label(name: str) -> str:
    """Axis label for a policy dimension: its name, what 0 and 1 mean, and the unit (in the
    current language, :mod:`govsim.i18n`)."""
    low, high = DIMENSION_ENDS.get(name, (_("low"), _("high")))
    return _("{dimension}, position in [0, 1]\n(0 = {low}, 1 = {high})").format(
        dimension=in_language(name), low=in_language(low) if name in DIMENSION_ENDS else low,
        high=in_language(high) if name in DIMENSION_ENDS else high,
    )  # fmt: skip


def short_dimension_label(name: str) -> str:
    """A short axis label for a policy dimension, for a small figure: its name and its range
    (``ouverture (de 0 à 1)``); :func:`dimension_caption` says what the ends mean, under it."""
    return _("{dimension} (0 to 1)").format(dimension=in_language(name))


def dimension_caption(names: Sequence[str]) -> str:
    """What 0 and 1 mean on each of the policy dimensions ``names``, as one sentence for a
    figure's caption (in the current language)."""
    said = []
    for name in names:
        low, high = DIMENSION_ENDS.get(name, (_("low"), _("high")))
        known = name in DIMENSION_ENDS
        said.append(
            _("{dimension}: 0 = {low}, 1 = {high}").format(
                dimension=in_language(name),
                low=in_language(low) if known else low,
                high=in_language(high) if known else high,
            )
        )
    sentence = _("; ").join(said) + "."
    return sentence[:1].upper() + sentence[1:]


def localize_ticks(fig: Any) -> Any:
    """Number ticks of every axes of ``fig`` in the current locale (``0,2`` in French): the
    figures a room reads (projector, debrief, handouts). Ticks already labelled are left."""
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    if current() in ("en", "qps"):
        return fig
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_formatter(), ScalarFormatter):
                axis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v, 3)))
    return fig


def metric_label(name: str) -> str:
    """Axis label of a summary key or outcomes column (see :func:`govsim.measures.label_of`)."""
    return label_of(name)


def _axes(ax: Axes | None) -> Axes:
    return plt.subplots()[1] if ax is None else ax


# ------------------------------------------------------------------ policy space
def _issue_points(model: Any, issue: int | None) -> tuple[int, np.ndarray, np.ndarray | None, str]:
    """(issue index, status quo, proposal or None, proposal label) for the plot of ``model``."""
    agenda = model.setup.agenda
    current = model.current_issue
    closed = model.closed_issues
    if issue is None:
        under_way = current is not None and current.round > 0
        issue = current.index if under_way else max(0, len(closed) - 1)
    if not 0 <= issue < len(agenda):
        raise ValueError(f"issue={issue!r} is out of range (allowed: 0 to {len(agenda) - 1})")
    q = np.asarray(agenda[issue].status_quo, dtype=float)
    if issue < len(closed):
        result = closed[issue]
        label = _("adopted text") if result.adopted else _("not adopted (status quo stays)")
        return issue, q, result.outcome, label
    drafts = list(current.proposals.values()) if current is not None and issue == current.index else []
    if drafts:
        return issue, q, np.mean(drafts, axis=0), _("current proposal")
    draft = agenda[issue].draft
    return issue, q, None if draft is None else np.asarray(draft, dtype=float), _("initiating draft")


def plot_positions(model: Any, ax: Axes | None = None, issue: int | None = None) -> Axes:
    """Stakeholders in the first two policy dimensions, one colour per group, with the status quo
    (black cross) and the current proposal or final text (vermillion star) of ``issue``.

    ``issue`` is an agenda index; default: the issue under negotiation, else the last one closed.
    Hollow markers are stakeholders absent from the latest round.
    """
    ax = _axes(ax)
    dims = model.setup.dimensions
    index, q, proposal, label = _issue_points(model, issue)
    for group in GROUP_ORDER:
        rows = model.group == group.code
        if not rows.any():
            continue
        present = rows & model.attending
        away = rows & ~model.attending
        color = group_color(group)
        marker = GROUP_MARKERS[group]
        ax.scatter(
            *model.positions[present, :2].T, color=color, marker=marker, label=group.label, s=36, zorder=3
        )
        ax.scatter(
            *model.positions[away, :2].T, facecolors="none", edgecolors=color, marker=marker, s=36, zorder=3
        )
    ax.scatter(*q[:2], marker="X", s=140, color=STATUS_QUO_COLOR, label=_("status quo"), zorder=4)
    if proposal is not None:
        ax.scatter(*proposal[:2], marker="*", s=260, color=PROPOSAL_COLOR, label=label, zorder=5)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(dimension_label(dims[0]))
    ax.set_ylabel(dimension_label(dims[1]) if len(dims) > 1 else "")
    ax.set_title(
        wrap(
            _("Stakeholder positions: issue {n}, {issue}").format(
                n=index + 1, issue=in_language(model.setup.agenda[index].name)
            )
        )
    )
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_proposal_path(
    rounds_df: pd.DataFrame,
    ax: Axes | None = None,
    issue: int | None = None,
    dimensions: Sequence[str] = ("openness", "rights"),
) -> Axes:
    """The text on the table, round by round, in the policy space: one line per agenda issue
    (or only ``issue``), a circle at the first draft and a star at the last text."""
    ax = _axes(ax)
    dx, dy = dimensions[0], dimensions[1]
    frame = rounds_df if issue is None else rounds_df[rounds_df["issue"] == issue]
    for n, (index, rows) in enumerate(frame.groupby("issue", sort=True)):
        color = OTHER_COLORS[n % len(OTHER_COLORS)] if issue is None else PROPOSAL_COLOR
        x, y = rows[f"proposal_{dx}"].to_numpy(), rows[f"proposal_{dy}"].to_numpy()
        ax.plot(x, y, "-", color=color, label=f"issue {int(index) + 1} ({plural(len(rows), 'round')})")
        ax.scatter(x[:1], y[:1], marker="o", color=color, s=30)
        ax.scatter(x[-1:], y[-1:], marker="*", color=color, s=160)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(dimension_label(dx))
    ax.set_ylabel(dimension_label(dy))
    which = "all issues" if issue is None else f"issue {issue + 1}"
    ax.set_title(wrap(f"How the proposal moved, round by round ({which}; o = first draft, * = last)"))
    if len(frame):
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_objections_attendance(rounds_df: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Attendance by group (coloured lines) and the objecting share of deciders (black dashes)
    over all rounds of the run; dotted vertical lines separate agenda issues."""
    ax = _axes(ax)
    x = np.arange(1, len(rounds_df) + 1)
    for group in GROUP_ORDER:
        column = f"attendance_{group.value}"
        if column in rounds_df:
            style = group_style(group)
            ax.plot(
                x,
                rounds_df[column].to_numpy(dtype=float),
                color=style["color"],
                linestyle=style["linestyle"],
                marker=style["marker"],
                markersize=4,
                markevery=max(1, len(x) // 12),
                label=group.label,
            )
    ax.plot(
        x,
        rounds_df["objecting_share"].to_numpy(dtype=float),
        color="black",
        linewidth=2.5,
        label=_("objecting"),
    )
    starts = np.flatnonzero(np.diff(rounds_df["issue"].to_numpy())) + 1.5 if len(rounds_df) else []
    for s in starts:
        ax.axvline(s, color="#999999", linestyle=":", linewidth=1)
    # Headroom above the shares for the legend, so it never covers a line.
    ax.set_ylim(-0.02, 1.45)
    ax.set_yticks(np.linspace(0, 1, 6))
    integer_rounds(ax.xaxis)
    ax.set_xlabel(_("round of the run (rounds; dotted lines start a new issue)"))
    ax.set_ylabel(_("share of group attending / of deciders objecting"))
    ax.set_title(_("Who attends and who objects, round by round"))
    ax.legend(loc="upper center", ncol=3, fontsize="small")
    return ax


def _tick_label(name: str) -> str:
    """An issue name as a tick label: wrapped onto short lines, never cut, narrow enough that five
    issues side by side in half a 13-inch figure do not run into each other."""
    return wrap(name, 12)


def _grouped_bars(
    ax: Axes, labels: list[str], series: list[tuple[str, np.ndarray, str]], hatches: Sequence[str] = ()
) -> None:
    x = np.arange(len(labels))
    width = 0.8 / max(1, len(series))
    for n, (name, values, color) in enumerate(series):
        hatch = hatches[n] if n < len(hatches) else None
        ax.bar(
            x + (n - (len(series) - 1) / 2) * width,
            values,
            width,
            label=name,
            color=color,
            hatch=hatch,
            edgecolor="white",
        )
    ax.set_xticks(x, labels)


def plot_gains(outcomes_df: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean gain over the status quo, u(y) - u(q), of each group on each agenda issue."""
    ax = _axes(ax)
    labels = [_tick_label(str(n)) for n in outcomes_df["name"]]
    shown = [g for g in GROUP_ORDER if f"gain_{g.value}" in outcomes_df]
    series = [(g.label, outcomes_df[f"gain_{g.value}"].to_numpy(dtype=float), group_color(g)) for g in shown]
    _grouped_bars(ax, labels, series, hatches=[GROUP_HATCHES[g] for g in shown])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("agenda issue")
    ax.set_ylabel("mean gain over status quo (utility)")
    ax.set_title(wrap("Who gains on each issue (below zero = worse off than before)"))
    if not len(outcomes_df):
        ax.text(0.5, 0.5, "no issue closed yet", transform=ax.transAxes, ha="center", color="#555555")
    # Headroom above the bars for the legend, so it never covers a bar.
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.35 * (high - low))
    ax.legend(handles=group_handles("bar"), loc="upper center", ncol=2, fontsize="small")
    return ax


COMPLIANCE_SERIES = (
    ("compliance", "complying (share of those bound)", "#56B4E9"),
    ("government_compliance", "governments complying (share)", "#0072B2"),
    ("noncompliance", "not complying (capability share)", "#D55E00"),
)


def plot_compliance(outcomes_df: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Compliance, government compliance and non-compliance on each agenda issue; issues that
    were not adopted bind nobody and are marked 'not adopted'."""
    ax = _axes(ax)
    labels = [_tick_label(str(n)) for n in outcomes_df["name"]]
    series = [(label, outcomes_df[col].to_numpy(dtype=float), c) for col, label, c in COMPLIANCE_SERIES]
    _grouped_bars(ax, labels, series)
    for i, adopted in enumerate(outcomes_df["adopted"].to_numpy()):
        if not adopted:
            ax.text(i, 0.5, "not adopted", ha="center", rotation=90, color="#555555")
    ax.set_ylim(0, 1.4)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("agenda issue")
    ax.set_ylabel("share")
    ax.set_title("Compliance and non-compliance on each adopted issue")
    ax.legend(loc="upper center", fontsize="small")
    return ax


def _summary_frame(summaries: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    frame = summaries.copy() if isinstance(summaries, pd.DataFrame) else pd.DataFrame(list(summaries))
    if "protocol" not in frame:
        frame["protocol"] = frame.index.astype(str)
    return frame


def plot_protocol_comparison(
    summaries: pd.DataFrame | Iterable[Mapping[str, Any]],
    ax: Axes | None = None,
    metrics: Sequence[str] = DEFAULT_METRICS,
) -> Axes:
    """Protocols side by side on run-level metrics (``model.summary()`` keys), one bar colour per
    protocol. Several summaries of one protocol (seeds) are averaged; the black lines then span
    one standard deviation either side of the mean."""
    ax = _axes(ax)
    frame = _summary_frame(summaries)
    missing = [m for m in metrics if m not in frame]
    if missing:
        raise ValueError(
            f"metrics={list(missing)} not in the summaries (allowed: {', '.join(frame.columns)})"
        )
    stats = frame.groupby("protocol", sort=False)[list(metrics)]
    means, sds = stats.mean(), stats.std(ddof=1).fillna(0.0)
    y = np.arange(len(metrics))
    height = 0.8 / max(1, len(means))
    for n, protocol in enumerate(means.index):
        offset = ((len(means) - 1) / 2 - n) * height
        ax.barh(
            y - offset, means.loc[protocol], height, color=protocol_color(protocol, n), label=str(protocol)
        )
        if (stats.size() > 1).any():
            ax.errorbar(means.loc[protocol], y - offset, xerr=sds.loc[protocol], fmt="none", ecolor="black")
    ax.set_yticks(y, [metric_label(m) for m in metrics])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("value (unit in each label; shares run from 0 to 1)")
    runs = int(stats.size().max()) if len(frame) else 0
    ax.set_title(wrap(f"Protocols side by side (mean over {plural(runs, 'run')} each)"))
    ax.legend(loc="best", fontsize="small", title="protocol")
    return ax
