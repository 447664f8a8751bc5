"""HTML fragments the served role-play's pages show: where the session stands, the revealed
moves, the projector picture and the debrief (cached per played round, shared by every page).

Every string that reaches HTML goes through :func:`govsim.escape.html_text`.
"""

from __future__ import annotations

from typing import Any

from govsim.escape import html_text as esc
from govsim.groups import Group
from govsim.roleplay.debrief import (
    Debrief,
    debrief,
    debrief_figure,
    debrief_tables_html,
    effect_sentence,
    projector_figure,
)
from govsim.roleplay.room import Phase, Room
from govsim.roleplay.session import said_point
from govsim.screen.display import png_data_uri
from govsim.words import plural

_CACHE: dict[tuple, Any] = {}


def status_html(room: Room, team: str | None, state: Any = None) -> str:
    """Issue, round, phase and the text on the table (what it would give ``team``, or every group);
    computed once per (played rounds, phase, team) and shared by every page that shows it."""
    state = state or room.state()
    key = ("status", id(room), len(room.play.history), state.phase, state.round, team)
    if key not in _CACHE:
        _CACHE[key] = _status_html(room, team, state)
    return _CACHE[key]


def _status_html(room: Room, team: str | None, state: Any) -> str:
    play = room.play
    phase = Phase(state.phase)
    model = play.model
    budget = play.setup.params.max_rounds
    lines = [f"<b>{esc(phase.text)}</b>"]
    if phase is Phase.ENDED or play.finished:
        lines.append(
            f"Agenda done: {plural(len(play.history), 'round')} played." if play.finished else "Ended early."
        )
    else:
        issue = model.current_issue
        lines.append(
            f"Issue {issue.index + 1} of {len(play.setup.agenda)}: <b>{esc(issue.name)}</b>; "
            f"round {issue.round + 1} of at most {budget}."
        )
        texts = model.texts_on_table()
        if texts:
            where = ", ".join(
                f"{esc(d)} {v:.2f}" for d, v in zip(play.setup.dimensions, texts[0].text, strict=True)
            )
            more = f" (and {len(texts) - 1} more table(s))" if len(texts) > 1 else ""
            lines.append(f"Text on the table: {where}{more}.")
        gains = {g: v for g, v in model.gains_if_adopted().items() if v == v}
        if gains:
            shown = {team: gains[team]} if team in gains else gains
            cells = ", ".join(f"{esc(Group.parse(g).label)} {v:+.3f}" for g, v in shown.items())
            lines.append(f"If adopted now, mean gain: {cells}.")
    if play.history and phase in (Phase.RESULT, Phase.ENDED, Phase.BRIEFING, Phase.CAUCUS, Phase.MOVES):
        lines.append(last_result(play))
    return "<div class='govsim-rp-status'>" + "<br>".join(lines) + "</div>"


def last_result(play: Any) -> str:
    record = play.history[-1]
    last = play.model.rounds.iloc[-1]
    text = (
        f"Last round (issue {record['issue'] + 1}, round {record['round']}): "
        f"{last['objecting_share']:.0%} of those deciding objected."
        if last["objecting_share"] == last["objecting_share"]
        else f"Last round (issue {record['issue'] + 1}, round {record['round']}): nobody decided."
    )
    closed = play.model.closed_issues
    if closed and closed[-1].index == record["issue"]:
        verdict = "adopted" if closed[-1].adopted else "no agreement: the status quo stays"
        text += f" Issue {record['issue'] + 1} closed: <b>{verdict}</b>."
    return text


def moves_html(moves: dict[str, dict[str, Any]], title: str, setup: Any) -> str:
    """The revealed moves as a table (amendments in the scenario's own units)."""
    if not moves:
        return ""
    rows = "".join(
        f"<tr><td>{esc(Group.parse(t).label)}</td><td>{esc(m['move'])}"
        + (f" ({esc(said_point(setup, m['amendment']))})" if m.get("amendment") else "")
        + "</td></tr>"
        for t, m in moves.items()
    )
    return f"<h3>{esc(title)}</h3><table class='govsim-rp-table govsim-rp-revealed'>{rows}</table>"


def projector_png(room: Room) -> str:
    key = ("projector", id(room), len(room.play.history))
    if key not in _CACHE:
        _CACHE[key] = png_data_uri(projector_figure(room.play), fast=False)
    return _CACHE[key]


def room_debrief(room: Room) -> Debrief:
    key = ("debrief", id(room), len(room.play.history))
    if key not in _CACHE:
        _CACHE[key] = debrief(room.play)
    return _CACHE[key]


def team_debrief_html(room: Room, team: str) -> str:
    """One team's debrief: what its own moves changed, and where its gain sits among the
    all-simulated runs (never a NaN: a missing number is said in words)."""
    key = ("team-debrief", id(room), len(room.play.history), team)
    if key in _CACHE:
        return _CACHE[key]
    d = room_debrief(room)
    row = d.standing[d.standing["team"] == team].iloc[0]
    effect = f"<p class='govsim-rp-effect'>{esc(effect_sentence(d, team))}</p>"
    if row["gain"] != row["gain"] or row["percentile"] != row["percentile"]:
        standing = "<p>No issue was closed, so there is no gain to set against the all-simulated runs.</p>"
    else:
        standing = (
            f"<p>Your group's mean gain: <b>{row['gain']:+.3f}</b>. In {len(d.simulated)} all-simulated "
            f"runs of the same session it ranged from {row['simulated_min']:+.3f} to "
            f"{row['simulated_max']:+.3f} (mean {row['simulated_mean']:+.3f}): your room is "
            f"<b>{esc(row['compared'])}</b>.</p>"
        )
    _CACHE[key] = f"<div class='govsim-rp-team-debrief'><h2>Debrief</h2>{effect}{standing}</div>"
    return _CACHE[key]


def facilitator_debrief_html(room: Room, compact: bool = False) -> str:
    """The debrief for the facilitator's page (``compact``: for the projector, the figure beside
    the tables and capped in height so the whole fits a 1080p screen)."""
    d = room_debrief(room)
    key = ("debrief-png", id(room), len(room.play.history))
    if key not in _CACHE:
        _CACHE[key] = png_data_uri(debrief_figure(d), fast=False)
    if compact:
        return (
            "<div style='display:flex; gap:1em; align-items:flex-start'>"
            f"<div style='flex:0 0 34em; font-size:.8em'>{debrief_tables_html(d)}</div>"
            f"<img alt='debrief figure' style='max-width:calc(100% - 35em); max-height:55vh' src='{_CACHE[key]}'>"
            "</div>"
        )  # fmt: skip
    return (
        "<h2>Debrief</h2>" + debrief_tables_html(d)
        + f"<img alt='debrief figure' style='max-width:100%' src='{_CACHE[key]}'>"
    )  # fmt: skip
