"""A whole run recorded round by round, as plain data a browser can animate.

:func:`record_run` plays a model to the end of its agenda and keeps, after every round, what the
live dashboard shows: every stakeholder's position, who attended, who objected, the text on the
table and where it has been this issue, and one status line; then what each chosen panel
(:mod:`govsim.screen.panels`) draws, such as the attendance and objecting-share traces. Frame 0 is the state before the first round. The recording is JSON-ready
(lists, floats rounded to 4 places, ``None`` for "no value"), so the dashboard sends it to the
browser once and Play, Pause and stepping backwards need no kernel.

Presentation reads the model only through its public interface (``snapshot()``, ``rounds``,
``closed_issues``, ``setup``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.groups import GROUP_ORDER
from govsim.screen.panels import Panel, get_panels, rounded
from govsim.screen.plotting import group_style

LIVE = ("positions", "attendance")  # what the live view draws unless told otherwise


@dataclass(frozen=True)
class State:
    """What one frame needs from the model after a round: (n, K) positions, (n,) bool
    ``attending`` and ``objecting``, the issue's agenda index and the rounds played on it."""

    positions: np.ndarray
    attending: np.ndarray
    objecting: np.ndarray
    issue: int
    round: int


def _snapshot(model: Any, issue: int) -> State:
    """The model's state after its latest round, from its public ``snapshot()``."""
    snap = model.snapshot()
    return State(
        np.asarray(snap.positions),
        np.asarray(snap.attending, dtype=bool),
        np.asarray(snap.objecting, dtype=bool),
        issue if snap.issue is None else int(snap.issue),
        int(snap.round),
    )


def _bits(mask: np.ndarray) -> str:
    """A bool mask as a compact string of 0 and 1 (one character per stakeholder)."""
    return (np.asarray(mask, dtype=np.uint8) + ord("0")).tobytes().decode("ascii")


def status_line(issue: int, name: str, n_issues: int, rnd: int, step: int, total: int) -> str:
    """One line saying which issue and round a frame shows, in the current language
    (:mod:`govsim.i18n`), e.g. ``Issue 2 of 5, "Net neutrality": round 3 (round 12 of 38 in
    the run)``; ``name`` is said as given (the caller translates it)."""
    from govsim.i18n import _

    where = _('Issue {n} of {issues}, "{name}"').format(n=issue + 1, issues=n_issues, name=name)
    if step == 0:
        said = (
            _("{where}: before the first round (1 round in the run)")
            if total == 1
            else _("{where}: before the first round ({total} rounds in the run)")
        )
        return said.format(where=where, total=total)
    return _("{where}: round {round} (round {step} of {total} in the run)").format(
        where=where, round=rnd, step=step, total=total
    )


def record_run(model: Any, panels: Sequence[str | Panel] = LIVE) -> dict[str, Any]:
    """Play ``model`` to the end of its agenda, recording every round.

    Parameters
    ----------
    model : a :class:`~govsim.model.GovernanceModel` before its first round (a model that has
        already played rounds is recorded from where it stands).
    panels : the panels the live view draws (names in :data:`govsim.screen.panels.PANELS`, or
        :class:`~govsim.screen.panels.Panel` s); those without a live drawing are skipped.

    Returns
    -------
    dict with ``groups`` (name, label, colour, marker, dash per group), ``group`` (n,) codes,
    ``issues`` (name, status quo (2,), first and last frame, adopted), ``frames`` (one per
    round plus the start: positions (n, 2), attending and objecting as "0"/"1" strings, the
    text on the table (2,) or None (its trail is the texts of the issue's earlier frames),
    status line), ``panels`` (what each live panel draws, in order: ``Panel.live(model)``)
    and ``words`` (:func:`view_words`: the view's own words, in the current language).
    The run's ``summary()`` is left to the caller: the picture does not need it, and it costs
    as much as a third of the recording.

    Raises
    ------
    ValueError
        An unknown panel name.
    """
    named = get_panels(p for p in panels if isinstance(p, str))
    chosen = [p for p in (named.pop(0) if isinstance(p, str) else p for p in panels) if p.live]
    setup = model.setup
    agenda = setup.agenda
    dims = list(setup.dimensions[:2])
    first = np.asarray(agenda[0].draft, dtype=float)[:2] if agenda[0].draft is not None else None
    start = model.snapshot()
    frames = [
        {
            "issue": 0,
            "round": 0,
            "positions": rounded(np.asarray(start.positions)[:, :2]),
            "attending": _bits(np.zeros(model.n, dtype=bool)),
            "objecting": _bits(np.zeros(model.n, dtype=bool)),
            "text": None if first is None else rounded(first),
        }
    ]
    while model.running:
        model.step()
        state = _snapshot(model, frames[-1]["issue"])
        frames.append(
            {
                "issue": state.issue,
                "round": state.round,
                "positions": rounded(state.positions[:, :2]),
                "attending": _bits(state.attending),
                "objecting": _bits(state.objecting),
            }
        )
    rounds = model.rounds  # one row per round: the text decided on in that round
    texts = rounded(np.column_stack([rounds[f"proposal_{d}"].to_numpy(dtype=float) for d in dims]))
    for frame, text in zip(frames[1:], texts, strict=True):
        frame["text"] = text
    total = len(frames) - 1
    from govsim.i18n import name as said_name  # issue names in the current language

    names = [said_name(issue.name) for issue in agenda]
    for step, frame in enumerate(frames):
        frame["status"] = status_line(
            frame["issue"], names[frame["issue"]], len(agenda), frame["round"], step, total
        )
    adopted = {result.index: result.adopted for result in model.closed_issues}
    issues = []
    for index, issue in enumerate(agenda):
        steps = [s for s, f in enumerate(frames) if f["issue"] == index and s > 0]
        issues.append(
            {
                "name": names[index],
                "status_quo": rounded(np.asarray(issue.status_quo, dtype=float)[:2]),
                "first": steps[0] if steps else None,
                "last": steps[-1] if steps else None,
                "adopted": adopted.get(index),
            }
        )
    return {
        "groups": [{"name": g.value, **group_style(g)} for g in GROUP_ORDER],
        "group": [int(c) for c in np.asarray(start.group)],
        "issues": issues,
        "frames": frames,
        "panels": [panel.live(model) for panel in chosen],
        "words": view_words(),
    }


def view_words() -> dict[str, str]:
    """The words ``run_view.js`` draws of its own, in the current language (:mod:`govsim.i18n`),
    so a notebook's view stays English and a room's page speaks the page's language:
    ``issue`` (a positions panel's title, with ``{n}`` and ``{name}`` for the script to fill),
    ``rounds`` (a line panel's x axis), the legend's ``objected``, ``absent``, ``status_quo``
    and ``text``, and ``no_run`` (the status line before a run)."""
    from govsim.i18n import _

    return {
        "issue": _("Issue {n}: {name}"),
        "rounds": _("round (dotted lines: a new issue)"),  # short: it fits a 360 px phone
        "objected": _("objected"),
        "absent": _("absent"),
        "status_quo": _("status quo"),
        "text": _("text on the table"),
        "no_run": _("No run yet."),
    }
