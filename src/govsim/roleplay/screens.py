"""HTML fragments the served role-play's pages show: where the session stands, the revealed
moves, the projector picture and the debrief (cached per played round, shared by every page).

Every string that reaches HTML goes through :func:`govsim.escape.html_text`.

The cache (:func:`cached`) holds each live room's fragments, keyed by what they show: the
rounds played, the phase, the team and the language. It forgets a room when the room is freed
(so a new room never gets another room's pages) and keeps at most :data:`KEEP` fragments per
room, the least recently used going first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

from govsim.escape import html_text as esc
from govsim.groups import Group
from govsim.i18n import _, current, decimal, join_numbers, name, percent, signed
from govsim.roleplay.cards import move_name
from govsim.roleplay.debrief import (
    Debrief,
    debrief,
    debrief_figure,
    debrief_tables_html,
    effect_sentence,
    projector_figure,
    standing_words,
)
from govsim.roleplay.room import Phase, Room
from govsim.roleplay.session import said_point
from govsim.screen.display import png_data_uri

KEEP = 64  # fragments kept per room: every team's status and debrief in a few languages
_ROOMS: weakref.WeakKeyDictionary[Room, OrderedDict[Hashable, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def cached[T](room: Room, key: tuple[Hashable, ...], make: Callable[[], T]) -> T:
    """``make()``, computed once per ``key`` for ``room`` and shared by every page that asks.

    The entry lives while ``room`` does (the room object itself is the key, held weakly: a
    freed room's entries go with it, and no other room can take its place) and is keyed by
    ``key`` plus the rounds played; at most :data:`KEEP` entries per room are kept (least
    recently used first out). A key of rendered text must hold the language
    (:func:`govsim.i18n.current`).
    """
    key = (len(room.play.history), *key)
    with _LOCK:
        pages = _ROOMS.setdefault(room, OrderedDict())
        if key in pages:
            pages.move_to_end(key)
            return pages[key]
    value = make()  # outside the lock: a slow figure does not hold up the other rooms
    with _LOCK:
        pages[key] = value
        while len(pages) > KEEP:
            pages.popitem(last=False)
    return value


def status_html(room: Room, team: str | None, state: Any = None) -> str:
    """Issue, round, phase and the text on the table (what it would give ``team``, or every group);
    computed once per (played rounds, phase, team, language) and shared by every page that shows it."""
    state = state or room.state()
    key = ("status", state.phase, state.round, team, current())
    return cached(room, key, lambda: _status_html(room, team, state))


def _status_html(room: Room, team: str | None, state: Any) -> str:
    play = room.play
    phase = Phase(state.phase)
    model = play.model
    budget = play.setup.params.max_rounds
    lines = [f"<b>{esc(phase.text)}</b>"]
    if phase is Phase.ENDED or play.finished:
        played = len(play.history)
        lines.append(
            esc(
                (
                    _("Agenda done: 1 round played.")
                    if played == 1
                    else _("Agenda done: {rounds} rounds played.")
                )
                if play.finished
                else _("Ended early.")
            ).format(rounds=played)
        )
    else:
        issue = model.current_issue
        lines.append(
            esc(_("Issue {number} of {count}: {issue}; round {round} of at most {budget}.")).format(
                number=issue.index + 1,
                count=len(play.setup.agenda),
                issue=f"<b>{esc(name(issue.name))}</b>",
                round=issue.round + 1,
                budget=budget,
            )
        )
        texts = model.texts_on_table()
        if texts:
            where = join_numbers(
                f"{esc(name(d))} {decimal(v)}"
                for d, v in zip(play.setup.dimensions, texts[0].text, strict=True)
            )
            more = _(" (and {count} more table(s))").format(count=len(texts) - 1) if len(texts) > 1 else ""
            lines.append(esc(_("Text on the table: {where}{more}.")).format(where=where, more=esc(more)))
        gains = {g: v for g, v in model.gains_if_adopted().items() if v == v}
        if gains:
            shown = {team: gains[team]} if team in gains else gains
            cells = join_numbers(f"{esc(Group.parse(g).label)} {signed(v)}" for g, v in shown.items())
            lines.append(esc(_("If adopted now, mean gain: {gains}.")).format(gains=cells))
    if play.history and phase in (Phase.RESULT, Phase.ENDED, Phase.BRIEFING, Phase.CAUCUS, Phase.MOVES):
        lines.append(last_result(play))
    return "<div class='govsim-rp-status'>" + "<br>".join(lines) + "</div>"


def last_result(play: Any) -> str:
    """The last round played, as escaped HTML in the current language: the share of those
    deciding who objected (or that nobody decided), and, when that round closed its issue,
    whether the text was adopted. ``play`` is a :class:`~govsim.roleplay.session.RolePlay`
    with at least one round in its history (an empty one raises ``IndexError``)."""
    record = play.history[-1]
    last = play.model.rounds.iloc[-1]
    where = {"issue": record["issue"] + 1, "round": record["round"]}
    text = esc(
        _("Last round (issue {issue}, round {round}): {share} of those deciding objected.").format(
            share=percent(last["objecting_share"]), **where
        )
        if last["objecting_share"] == last["objecting_share"]
        else _("Last round (issue {issue}, round {round}): nobody decided.").format(**where)
    )
    closed = play.model.closed_issues
    if closed and closed[-1].index == record["issue"]:
        verdict = _("adopted") if closed[-1].adopted else _("no agreement: the status quo stays")
        text += " " + esc(_("Issue {issue} closed: {verdict}.")).format(
            issue=record["issue"] + 1, verdict=f"<b>{esc(verdict)}</b>"
        )
    return text


def moves_html(moves: dict[str, dict[str, Any]], title: str, setup: Any) -> str:
    """The revealed moves as a table (amendments in the scenario's own units)."""
    if not moves:
        return ""
    rows = "".join(
        f"<tr><td>{esc(Group.parse(t).label)}</td><td>{esc(move_name(m['move']))}"
        + (f" ({esc(said_point(setup, m['amendment']))})" if m.get("amendment") else "")
        + "</td></tr>"
        for t, m in moves.items()
    )
    return f"<h3>{esc(title)}</h3><table class='govsim-rp-table govsim-rp-revealed'>{rows}</table>"


def projector_png(room: Room) -> str:
    """The projector's figure as a data URI, drawn in the current language (cached per language)."""
    return cached(
        room, ("projector", current()), lambda: png_data_uri(projector_figure(room.play), fast=False)
    )


def room_debrief(room: Room) -> Debrief:
    """The room's :class:`~govsim.roleplay.debrief.Debrief` (its session next to the
    all-simulated runs) in the current language, shared by every page. The runs are made once
    per number of rounds played; the text (the ``announcement`` of the rules) once per language."""
    runs = cached(room, ("debrief-runs",), lambda: debrief(room.play))
    return cached(room, ("debrief", current()), lambda: replace(runs, announcement=room.play.announcement))


def team_debrief_html(room: Room, team: str) -> str:
    """One team's debrief: what its own moves changed, and where its gain sits among the
    all-simulated runs (never a NaN: a missing number is said in words)."""
    return cached(room, ("team-debrief", team, current()), lambda: _team_debrief_html(room, team))


def _team_debrief_html(room: Room, team: str) -> str:
    d = room_debrief(room)
    row = d.standing[d.standing["team"] == team].iloc[0]
    effect = f"<p class='govsim-rp-effect'>{esc(effect_sentence(d, team))}</p>"
    if row["gain"] != row["gain"] or row["percentile"] != row["percentile"]:
        said = _("No issue was closed, so there is no gain to set against the all-simulated runs.")
        standing = f"<p>{esc(said)}</p>"
    else:
        said = esc(
            _(
                "Your group's mean gain: {gain}. In {runs} all-simulated runs of the same session it "
                "ranged from {low} to {high} (mean {mean}): your room is {compared}."
            )
        ).format(
            gain=f"<b>{signed(row['gain'])}</b>",
            runs=len(d.simulated),
            low=signed(row["simulated_min"]),
            high=signed(row["simulated_max"]),
            mean=signed(row["simulated_mean"]),
            compared=f"<b>{esc(standing_words(d, team))}</b>",
        )
        standing = f"<p>{said}</p>"
    title = esc(_("Debrief"))
    return f"<div class='govsim-rp-team-debrief'><h2>{title}</h2>{effect}{standing}</div>"


def facilitator_debrief_html(room: Room, compact: bool = False) -> str:
    """The debrief for the facilitator's page (``compact``: for the projector, the figure beside
    the tables and capped in height so the whole fits a 1080p screen)."""
    d = room_debrief(room)
    figure = cached(room, ("debrief-png", current()), lambda: png_data_uri(debrief_figure(d), fast=False))
    if compact:  # the figure takes most of the width, readable from the back of a room
        return (
            "<div style='display:flex; flex-wrap:wrap; gap:1em; align-items:flex-start'>"
            f"<div style='flex:1 1 22em; max-width:30em; font-size:.7em'>{debrief_tables_html(d)}</div>"
            f"<img class='govsim-rp-debrief-figure' alt='{esc(_('debrief figure'))}' "
            f"style='flex:3 1 36em; min-width:60%; max-width:100%; max-height:64vh; object-fit:contain' src='{figure}'>"
            "</div>"
        )  # fmt: skip
    return (
        f"<h2>{esc(_('Debrief'))}</h2>" + debrief_tables_html(d)
        + f"<img alt='{esc(_('debrief figure'))}' style='max-width:100%' src='{figure}'>"
    )  # fmt: skip
