"""The dashboard's panels, one registry entry each: a name, a title, how to draw the whole run on
matplotlib axes (the static picture: ``dash.figure``, offline exports), and what the live,
browser-drawn view draws round by round (:mod:`govsim.screen.run_view`).

The live view draws a few generic kinds (``static/run_view.js``, one drawing function per
kind): ``"space"`` (the policy space: stakeholders, the text on the table and its trail) and
``"lines"`` (values per round of the run, growing as the run plays, with the agenda's issues
marked). A new panel needs no JavaScript: give it a function from a played model to its
:class:`Line` s and both views draw it.

    from govsim.screen.panels import Line, line_panel

    @line_panel("text_movement", title="How far the text moved", ylabel="distance")
    def text_movement(model):
        texts = model.rounds[["proposal_openness", "proposal_rights"]].to_numpy()
        return [Line("moved this round", np.r_[np.nan, np.linalg.norm(np.diff(texts, axis=0), axis=1)])]

    build_dashboard(panels=["positions", "text_movement"])

A panel with bespoke drawings registers a :class:`Panel` directly (:func:`register_panel`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from govsim.groups import GROUP_ORDER
from govsim.i18n import _
from govsim.i18n import name as in_language
from govsim.screen import plotting
from govsim.values import check_names

DIGITS = 4  # decimals a recording keeps (the canvas needs no more)


@dataclass(frozen=True)
class Panel:
    """One dashboard panel.

    Attributes
    ----------
    name : the name ``build_dashboard(panels=[...])`` chooses it by
    title : what it shows, in a few words
    draw : ``draw(model, ax)`` draws the whole played run on matplotlib axes (static picture)
    live : ``live(model)`` returns what the browser draws, JSON-ready: a dict with ``"kind"``
        (``"space"`` or ``"lines"``) and that kind's data (see :func:`line_panel`); None: the
        panel is in the static picture only
    """

    name: str
    title: str
    draw: Callable[[Any, Axes], Any]
    live: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Line:
    """One line of a line panel: ``values`` has one value per round of the run (NaN: none).

    ``color`` (CSS / matplotlib colour), ``dash`` (dash pattern in points, ``()`` solid),
    ``width`` (points), ``marker`` (``"o"``, ``"s"``, ``"^"``, ``"D"``, ``"*"`` or None).
    """

    label: str
    values: Sequence[float] | np.ndarray
    color: str = "#000000"
    dash: tuple[float, ...] = ()
    width: float = 1.8
    marker: str | None = None
    legend: str = field(default="line")  # "group": listed with the groups' legend entry

    @classmethod
    def for_group(cls, group: Any, values: Sequence[float] | np.ndarray) -> Line:
        """A group's line in the group's colour, dash and marker (the legend lists the group once)."""
        style = plotting.group_style(group)
        return cls(
            style["label"], values, style["color"], tuple(style["dash"]), 1.8, style["marker"], "group"
        )


PANELS: dict[str, Panel] = {}
"""Dashboard panels by name (built-in and registered ones)."""

BUILT_IN: frozenset[str] = frozenset()  # set once the panels below are registered


def register_panel(panel: Panel) -> Panel:
    """Make ``panel`` choosable by its name (registering your own name again replaces it).

    Raises
    ------
    ValueError
        The name is empty or a built-in panel's.
    """
    if not panel.name or not isinstance(panel.name, str):
        raise ValueError(f"a panel needs a name (a non-empty string), got {panel.name!r}")
    if panel.name in BUILT_IN and PANELS.get(panel.name) is not panel:
        raise ValueError(f"panel name {panel.name!r} is built in (built-in: {', '.join(sorted(BUILT_IN))})")
    PANELS[panel.name] = panel
    return panel


def unregister_panel(name: str) -> None:
    """Remove a registered panel (built-in ones stay).

    Raises
    ------
    ValueError
        No such panel, or a built-in one.
    """
    check_names([name], list(PANELS), "panel")
    if name in BUILT_IN:
        raise ValueError(f"panel {name!r} is built in and cannot be removed")
    del PANELS[name]


def panel_names() -> list[str]:
    """Every panel name, built-in ones first."""
    return list(PANELS)


def get_panels(names: Iterable[str]) -> list[Panel]:
    """The panels named ``names``, in order.

    Raises
    ------
    ValueError
        An unknown name (one line, with the closest name and the allowed ones).
    """
    names = list(names)
    check_names(names, panel_names(), "panel")
    return [PANELS[name] for name in names]


# ------------------------------------------------------------------ line panels
def rounded(values: Any) -> Any:
    """Floats rounded to :data:`DIGITS` places (nested lists for arrays); NaN becomes None."""
    array = np.round(np.asarray(values, dtype=float), DIGITS)
    if array.ndim == 0:
        return None if math.isnan(float(array)) else float(array)
    if np.isnan(array).any():
        return [rounded(v) for v in array]
    return array.tolist()


def _limits(lines: Sequence[Line], ylim: tuple[float, float] | None) -> list[float]:
    if ylim is not None:
        return [float(ylim[0]), float(ylim[1])]
    finite = np.concatenate([np.asarray(line.values, dtype=float).ravel() for line in lines] or [[]])
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return [0.0, 1.0]
    low, high = float(finite.min()), float(finite.max())
    pad = 0.05 * (high - low) if high > low else 0.5
    return [low - pad, high + pad]


def record_lines(
    name: str, title: str, lines: Sequence[Line], ylabel: str, ylim: tuple[float, float] | None = None
) -> dict[str, Any]:
    """What the browser needs to draw a line panel (JSON-ready; ``kind`` is ``"lines"``)."""
    return {
        "kind": "lines",
        "name": name,
        "title": title,
        "ylabel": ylabel,
        "ylim": _limits(lines, ylim),
        "lines": [
            {
                "label": line.label,
                "values": rounded(line.values),
                "color": line.color,
                "dash": list(line.dash),
                "width": line.width,
                "marker": line.marker,
                "legend": line.legend,
            }
            for line in lines
        ],
    }


def draw_lines(
    ax: Axes, model: Any, title: str, lines: Sequence[Line], ylabel: str, ylim: tuple[float, float] | None
) -> Axes:
    """A line panel as a static picture: every line over the rounds of the run, issues marked."""
    for line in lines:
        x = np.arange(1, len(line.values) + 1)
        ax.plot(
            x,
            np.asarray(line.values, dtype=float),
            color=line.color,
            linestyle=(0, line.dash) if line.dash else "-",
            linewidth=line.width,
            marker=line.marker,
            markersize=4,
            markevery=max(1, len(x) // 12),
            label=line.label,
        )
    issues = model.rounds["issue"].to_numpy()
    for start in np.flatnonzero(np.diff(issues)) + 1.5 if len(issues) else []:
        ax.axvline(start, color="#999999", linestyle=":", linewidth=1)
    ax.set_ylim(*_limits(lines, ylim))
    plotting.integer_rounds(ax.xaxis)
    ax.set_xlabel("round of the run (dotted lines: a new issue starts)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if lines:
        ax.legend(loc="best", fontsize="small")
    return ax


def line_panel(
    name: str, *, title: str, ylabel: str, ylim: tuple[float, float] | None = None
) -> Callable[[Callable[[Any], Iterable[Line]]], Callable[[Any], Iterable[Line]]]:
    """Decorator: register ``func(model) -> [Line, ...]`` (values per round of the played run)
    as the panel ``name``, drawn by both the static picture and the live view.

    ``ylim`` fixes the value axis (default: the lines' range).
    """

    def wrap(func: Callable[[Any], Iterable[Line]]) -> Callable[[Any], Iterable[Line]]:
        register_panel(
            Panel(
                name,
                title,
                draw=lambda model, ax: draw_lines(ax, model, title, list(func(model)), ylabel, ylim),
                live=lambda model: record_lines(name, title, list(func(model)), ylabel, ylim),
            )
        )
        return func

    return wrap


# ------------------------------------------------------------------ the built-in panels
def _space(model: Any) -> dict[str, Any]:
    dims = list(model.setup.dimensions[:2])
    return {
        "kind": "space",
        "name": "positions",
        "title": _("Where everyone stands"),
        "dimensions": [in_language(d) for d in dims],
        "ends": [
            [in_language(end) for end in plotting.DIMENSION_ENDS[d]]
            if d in plotting.DIMENSION_ENDS
            else [_("low"), _("high")]
            for d in dims
        ],
    }


def attendance_lines(model: Any) -> list[Line]:
    """Each group's attendance share and the objecting share of deciders, per round."""
    rounds = model.rounds
    lines = [Line.for_group(g, rounds[f"attendance_{g.value}"]) for g in GROUP_ORDER]
    return [*lines, Line(_("objecting"), rounds["objecting_share"], "#000000", (), 3.0)]


def path_lines(model: Any) -> list[Line]:
    """The text on the table per round, one line per policy dimension (first two)."""
    colors = plotting.EXTRA_COLORS
    return [
        Line(in_language(d), model.rounds[f"proposal_{d}"], colors[k % len(colors)], (), 2.0)
        for k, d in enumerate(model.setup.dimensions[:2])
    ]


for _panel in (
    Panel("positions", "Where everyone stands", lambda m, ax: plotting.plot_positions(m, ax=ax), _space),
    Panel(
        "attendance",
        "Who attends and who objects",
        lambda m, ax: plotting.plot_objections_attendance(m.rounds, ax=ax),
        lambda m: record_lines(  # its words in the language the recording is made in
            "attendance",
            _("Who attends and who objects"),
            attendance_lines(m),
            _("share attending / objecting"),
            (0.0, 1.0),
        ),
    ),
    Panel(
        "path",
        "The text on the table",
        lambda m, ax: plotting.plot_proposal_path(m.rounds, ax=ax, dimensions=m.setup.dimensions[:2]),
        lambda m: record_lines(
            "path",
            _("The text on the table, round by round"),
            path_lines(m),
            _("position (0 to 1)"),
            (0.0, 1.0),
        ),
    ),
    Panel("gains", "Who gained", lambda m, ax: plotting.plot_gains(m.outcomes, ax=ax)),
    Panel("compliance", "Who complies", lambda m, ax: plotting.plot_compliance(m.outcomes, ax=ax)),
):
    register_panel(_panel)
BUILT_IN = frozenset(PANELS)


__all__ = [
    "PANELS",
    "Line",
    "Panel",
    "get_panels",
    "line_panel",
    "panel_names",
    "register_panel",
    "unregister_panel",
]
