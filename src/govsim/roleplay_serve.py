"""Every team on its own device: the role-play served by Panel, state in a SQLite session file.

``govsim roleplay serve --scenario S --session room.sqlite`` starts one Panel server (bound to
127.0.0.1 unless ``--host`` is given) with one app, ``/room``. The join code in the address
decides what a page is: the facilitator's (advance, extend, skip, end; projector view; who has
submitted; the debrief) or one team's (its own card, the text on the table, the countdown and
a move form). A page is built on the server for its holder only, so a team's browser never
receives another team's card, or any team's move before the reveal. A wrong code gets a page
that says so and nothing else.

Plain HTTP routes (also gated by the code): ``/rp/card`` (the holder's printable card; all
cards for the facilitator), ``/rp/join`` (facilitator: printable join sheet with QR codes),
``/rp/export`` (facilitator: the session as hot-seat JSON), ``/rp/debrief`` (facilitator: the
printable debrief sheet) and ``/rp/alive`` (the server's boot id: pages poll it and reload after
a restart, showing "Connection lost, reloading" meanwhile).

Pages poll the session file's change counter every ``POLL_MS`` and redraw when it moves; the
countdown runs in the browser from the deadline the server sends.
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any

import panel as pn
import param
from panel.custom import JSComponent
from tornado.web import RequestHandler

from govsim.groups import Group
from govsim.roleplay import Move
from govsim.roleplay_cards import CARD_CSS, esc, page_html, role_card, role_cards
from govsim.roleplay_debrief import (
    Debrief,
    debrief,
    debrief_figure,
    debrief_sheet_html,
    debrief_tables_html,
    png_data_uri,
    projector_figure,
)
from govsim.roleplay_room import EXTEND_SECONDS, Phase, Room

POLL_MS = 250
BOOT = secrets.token_hex(8)  # changes with every server start: pages reload when it does
NEXT_LABEL = {
    Phase.BRIEFING: "Start the first caucus",
    Phase.CAUCUS: "End the caucus: secret moves",
    Phase.MOVES: "Reveal the moves",
    Phase.REVEAL: "Play the round",
    Phase.RESULT: "Next round",
}
PAGE_CSS = """
:host { font-size: 18px; }
.govsim-rp-head h1 { font-size: 1.7em; margin: .2em 0; }
.govsim-rp-status { font-size: 1.15em; line-height: 1.45; overflow-wrap: anywhere; }
.govsim-rp-message { font-size: 1.1em; font-weight: bold; }
table.govsim-rp-table td, table.govsim-rp-table th { border: 1px solid #ccc; padding: .2em .6em; overflow-wrap: anywhere; }
table.govsim-rp-table { border-collapse: collapse; }
"""


class Clock(JSComponent):
    """The countdown (run in the browser from the server's deadline) and the connection watch:
    when ``/rp/alive`` stops answering, a banner says "Connection lost, reloading"; when it answers
    with another boot id (the server restarted) the page reloads and shows the current state."""

    deadline = param.Number(default=0.0, doc="end of the countdown, seconds since the epoch; 0: none")
    server_now = param.Number(default=0.0, doc="the server's clock when sent (corrects skew)")
    boot = param.String(default="")
    alive = param.String(default="/rp/alive")

    _esm = """
export function render({ model, el }) {
  const clock = document.createElement("div");
  clock.className = "govsim-rp-clock";
  clock.style.cssText = "font-size: 2.2em; font-weight: bold; font-variant-numeric: tabular-nums;";
  const banner = document.createElement("div");
  banner.className = "govsim-rp-banner";
  banner.textContent = "Connection lost, reloading\u2026";
  banner.style.cssText = "display:none; position:fixed; top:0; left:0; right:0; z-index:1000; " +
    "padding:.6em; background:#b00; color:#fff; font-size:1.4em; text-align:center;";
  el.appendChild(clock);
  el.appendChild(banner);
  let offset = model.server_now - Date.now() / 1000;
  model.on("server_now", () => { offset = model.server_now - Date.now() / 1000; });
  function tick() {
    if (!model.deadline) { clock.textContent = ""; return; }
    const left = Math.max(0, Math.round(model.deadline - (Date.now() / 1000 + offset)));
    const m = Math.floor(left / 60), s = left % 60;
    clock.textContent = left > 0 ? `Caucus: ${m}:${String(s).padStart(2, "0")} left` : "Caucus: time is up";
  }
  let lost = false;
  async function watch() {
    try {
      const reply = await fetch(model.alive, { cache: "no-store" });
      const info = await reply.json();
      if (lost || (model.boot && info.boot !== model.boot)) { location.reload(); }
    } catch (err) {
      lost = true;
      banner.style.display = "block";
    }
  }
  setInterval(tick, 250);
  setInterval(watch, 1000);
  tick();
}
"""


# ---------------------------------------------------------------- shared pieces
def _status_html(room: Room, team: str | None) -> str:
    """Issue, round, phase and the text on the table (what it would give ``team``, or every group)."""
    play, state = room.play, room.state()
    phase = Phase(state.phase)
    model = play.model
    budget = play.setup.params.max_rounds
    lines = [f"<b>{esc(phase.text)}</b>"]
    if phase is Phase.ENDED or play.finished:
        lines.append(
            f"Agenda done: {len(play.history)} round(s) played." if play.finished else "Ended early."
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
        lines.append(_last_result(play))
    return "<div class='govsim-rp-status'>" + "<br>".join(lines) + "</div>"


def _last_result(play: Any) -> str:
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


def _moves_html(moves: dict[str, dict[str, Any]], title: str) -> str:
    if not moves:
        return ""
    rows = "".join(
        f"<tr><td>{esc(Group.parse(t).label)}</td><td>{esc(m['move'])}"
        + (f" ({', '.join(f'{v:.2f}' for v in m['amendment'])})" if m.get("amendment") else "")
        + "</td></tr>"
        for t, m in moves.items()
    )
    return f"<h3>{esc(title)}</h3><table class='govsim-rp-table govsim-rp-revealed'>{rows}</table>"


# ---------------------------------------------------------------- the pages
class TeamPage:
    """One team's page: its card, the table, the countdown and its move form."""

    def __init__(self, room: Room, team: str) -> None:
        self.room, self.team = room, team
        self.shown = (-1, "")
        self.card = role_card(room.play.setup, team, room.play.protocol)
        label = Group.parse(team).label
        self.head = pn.pane.HTML(
            f"<div class='govsim-rp-head'><h1>{esc(label)}</h1>{esc(room.play.setup.title)}</div>",
            stylesheets=[PAGE_CSS],
            css_classes=["govsim-rp-team-head"],
        )
        self.clock = Clock(boot=BOOT)
        self.status = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-status-pane"], sizing_mode="stretch_width"
        )
        self.move = pn.widgets.Select(
            name="Your move",
            options=[m.value for m in Move],
            value=Move.SIMULATED.value,
            css_classes=["govsim-rp-move"],
            width=320,
        )
        self.meaning = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-meaning"], sizing_mode="stretch_width"
        )
        start = room.play.setup.agenda[0].draft or room.play.setup.agenda[0].status_quo
        self.points = [
            pn.widgets.FloatInput(
                name=f"amendment: {d}",
                value=round(float(v), 2),
                start=0.0,
                end=1.0,
                step=0.05,
                css_classes=["govsim-rp-amend", f"govsim-rp-amend-{i}"],
                width=180,
            )
            for i, (d, v) in enumerate(zip(room.play.setup.dimensions, start, strict=True))
        ]
        self.submit = pn.widgets.Button(
            name="Submit move", button_type="primary", css_classes=["govsim-rp-submit"], width=200
        )
        self.message = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-message"], sizing_mode="stretch_width"
        )
        self.current = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-current"], sizing_mode="stretch_width"
        )
        self.revealed = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-revealed-pane"], sizing_mode="stretch_width"
        )
        self.card_pane = pn.pane.HTML(
            self.card.html(),
            stylesheets=[CARD_CSS, PAGE_CSS],
            css_classes=["govsim-rp-card"],
            sizing_mode="stretch_width",
        )
        self.form = pn.Column(self.move, self.meaning, pn.Row(*self.points), self.submit, self.message)
        self.move.param.watch(lambda _: self._show_meaning(), "value")
        self.submit.on_click(lambda _: self.send())
        self.layout = pn.Column(
            self.head,
            self.clock,
            self.status,
            self.form,
            self.current,
            self.revealed,
            self.card_pane,
            sizing_mode="stretch_width",
            css_classes=["govsim-rp-team", f"govsim-rp-team-{team}"],
        )
        self._show_meaning()
        self.refresh()

    def _show_meaning(self) -> None:
        effects = dict(self.card.moves)
        self.meaning.object = f"<i>{esc(effects.get(self.move.value, ''))}</i>"
        for box in self.points:
            box.visible = self.move.value == Move.AMEND.value

    def send(self) -> None:
        point = [box.value for box in self.points] if self.move.value == Move.AMEND.value else None
        ok, text = self.room.submit(self.team, self.shown_round + 1, self.move.value, point)
        HUB.notify(self.room)
        self.message.object = (
            f"<span class='{'govsim-rp-ok' if ok else 'govsim-rp-refused'}'>{esc(text)}</span>"
        )
        self.refresh(force=True)

    @property
    def shown_round(self) -> int:
        return self._round

    def refresh(self, force: bool = False) -> None:
        version = self.room.store.version()
        if version == self.shown[0] and not force:
            return
        state = self.room.state()
        self._round = state.round
        phase = Phase(state.phase)
        if (state.round, phase.value) != (
            getattr(self, "_last_round", None),
            getattr(self, "_last_phase", None),
        ):
            if hasattr(self, "_last_round"):
                self.message.object = ""
            self._last_round, self._last_phase = state.round, phase.value
        self.shown = (version, state.phase)
        self.clock.param.update(
            deadline=(state.deadline or 0.0) if phase is Phase.CAUCUS else 0.0, server_now=time.time()
        )
        self.status.object = _status_html(self.room, self.team)
        self.form.visible = phase in (Phase.CAUCUS, Phase.MOVES)
        own = self.room.own_move(self.team) if phase in (Phase.CAUCUS, Phase.MOVES, Phase.REVEAL) else None
        if own:
            at = time.strftime("%H:%M:%S", time.localtime(own["at"]))
            amend = f" at ({', '.join(f'{v:.2f}' for v in own['amendment'])})" if own["amendment"] else ""
            self.current.object = (
                f"Your team's move for round {state.round + 1}: <b>{esc(own['move'])}</b>{amend} (sent {at})."
            )
        elif phase in (Phase.CAUCUS, Phase.MOVES):
            self.current.object = "No move sent yet: without one, the simulation plays your members."
        else:
            self.current.object = ""
        revealed = self.room.revealed(state)
        title = "Moves revealed" if phase is Phase.REVEAL else "Moves of the last round"
        self.revealed.object = _moves_html(revealed, title)
        if phase is Phase.ENDED:
            self.revealed.object += _team_debrief_html(self.room, self.team)


class FacilitatorPage:
    """The facilitator's page: controls, who has submitted, the projector view, the debrief."""

    def __init__(self, room: Room, code: str) -> None:
        self.room, self.code = room, code
        self.shown = (-1, "", 0)
        play = room.play
        self.head = pn.pane.HTML(
            stylesheets=[PAGE_CSS],
            object=f"<div class='govsim-rp-head'><h1>{esc(play.setup.title)}</h1>"
            f"<p class='govsim-rp-announcement'><b>The rules of this session.</b> {esc(play.announcement)}</p></div>",
            sizing_mode="stretch_width",
        )
        self.clock = Clock(boot=BOOT)
        self.status = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-status-pane"], sizing_mode="stretch_width"
        )
        self.caucus = pn.widgets.IntInput(
            name="caucus (seconds)",
            value=play.plan.caucus_seconds,
            start=0,
            end=3600,
            step=30,
            css_classes=["govsim-rp-caucus-seconds"],
            width=160,
        )
        self.next = pn.widgets.Button(name="Next", button_type="primary", css_classes=["govsim-rp-next"])
        self.extend = pn.widgets.Button(name=f"+{EXTEND_SECONDS // 60} min", css_classes=["govsim-rp-extend"])
        self.skip = pn.widgets.Button(name="Skip the countdown", css_classes=["govsim-rp-skip"])
        self.end = pn.widgets.Button(
            name="End the session", button_type="danger", css_classes=["govsim-rp-end"]
        )
        self.who = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-submitted"], sizing_mode="stretch_width"
        )
        self.revealed = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-revealed-pane"], sizing_mode="stretch_width"
        )
        self.picture = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-projector"], sizing_mode="stretch_width"
        )
        self.debrief = pn.pane.HTML(
            stylesheets=[PAGE_CSS], css_classes=["govsim-rp-debrief"], sizing_mode="stretch_width"
        )
        q = f"?code={esc(code)}"
        self.links = pn.pane.HTML(
            f"<p>Print: <a href='/rp/card{q}' target='_blank'>role cards</a> · "
            f"<a href='/rp/join{q}' target='_blank'>join sheet with QR codes</a> · "
            f"<a href='/rp/export{q}' target='_blank' class='govsim-rp-export'>export the session (JSON)</a> · "
            f"<a href='/rp/debrief{q}' target='_blank' class='govsim-rp-sheet'>debrief sheet</a></p>",
            sizing_mode="stretch_width",
        )
        actions: list[tuple[Any, Callable[[], Any]]] = [
            (self.next, lambda: room.advance(self.shown[1], self.shown[2], self.caucus.value)),
            (self.extend, room.extend),
            (
                self.skip,
                lambda: room.advance(Phase.CAUCUS, self.shown[2]) if self.shown[1] == "caucus" else None,
            ),
            (self.end, room.end),
        ]
        for button, action in actions:
            button.on_click(self._do(action))
        self.controls = pn.Row(self.caucus, self.next, self.extend, self.skip, self.end)
        self.layout = pn.Column(
            self.head,
            self.clock,
            self.status,
            self.controls,
            self.who,
            self.revealed,
            self.picture,
            self.debrief,
            self.links,
            sizing_mode="stretch_width",
            css_classes=["govsim-rp-facilitator"],
        )
        self.refresh()

    def _do(self, action: Callable[[], Any]) -> Callable[[Any], None]:
        def run(_: Any) -> None:
            action()
            self.refresh(force=True)
            HUB.notify(self.room)

        return run

    def refresh(self, force: bool = False) -> None:
        version = self.room.store.version()
        if version == self.shown[0] and not force:
            return
        state = self.room.state()
        phase = Phase(state.phase)
        self.shown = (version, state.phase, state.round)
        self.clock.param.update(
            deadline=(state.deadline or 0.0) if phase is Phase.CAUCUS else 0.0, server_now=time.time()
        )
        self.status.object = _status_html(self.room, None)
        label = NEXT_LABEL.get(phase, "")
        if phase is Phase.RESULT and self.room.play.finished:
            label = "Finish: debrief"
        self.next.name = label
        self.next.visible = phase is not Phase.ENDED
        self.extend.visible = self.skip.visible = phase is Phase.CAUCUS
        self.caucus.visible = phase in (Phase.BRIEFING, Phase.RESULT)
        self.end.visible = phase is not Phase.ENDED
        if phase in (Phase.CAUCUS, Phase.MOVES):
            sent = set(self.room.submitted())
            cells = "".join(
                f"<tr><td>{esc(Group.parse(t).label)}</td><td class='govsim-rp-sent-{esc(t)}'>"
                f"{'submitted' if t in sent else 'waiting'}</td></tr>"
                for t in self.room.play.teams
            )
            self.who.object = f"<h3>Moves in: {len(sent)} of {len(self.room.play.teams)}</h3><table class='govsim-rp-table'>{cells}</table>"
        else:
            self.who.object = ""
        title = "Moves revealed" if phase is Phase.REVEAL else "Moves of the last round"
        self.revealed.object = _moves_html(self.room.revealed(state), title)
        self.picture.object = (
            f"<img alt='projector view' style='max-width:100%' src='{_projector_png(self.room)}'>"
        )
        self.debrief.object = _facilitator_debrief_html(self.room) if phase is Phase.ENDED else ""


def refused_page() -> pn.viewable.Viewable:
    return pn.pane.HTML(
        "<h1 class='govsim-rp-refused'>This join code is not valid.</h1>"
        "<p>Ask the facilitator for your team's address.</p>"
    )


# ---------------------------------------------------------------- cached pictures and debrief
_CACHE: dict[tuple, Any] = {}


def _projector_png(room: Room) -> str:
    key = ("projector", id(room), len(room.play.history))
    if key not in _CACHE:
        _CACHE[key] = png_data_uri(projector_figure(room.play))
    return _CACHE[key]


def room_debrief(room: Room) -> Debrief:
    key = ("debrief", id(room), len(room.play.history))
    if key not in _CACHE:
        _CACHE[key] = debrief(room.play)
    return _CACHE[key]


def _team_debrief_html(room: Room, team: str) -> str:
    d = room_debrief(room)
    row = d.standing[d.standing["team"] == team].iloc[0]
    if row["gain"] != row["gain"]:
        return (
            "<div class='govsim-rp-team-debrief'><h2>Debrief</h2><p>No issue was closed, so there is no "
            "gain to compare: the percentile needs at least one closed issue.</p></div>"
        )
    pct = "n/a" if row["percentile"] != row["percentile"] else f"{row['percentile']:.0f}th"
    return (
        "<div class='govsim-rp-team-debrief'><h2>Debrief</h2>"
        f"<p>Your group's mean gain: <b>{row['gain']:+.3f}</b>. In {len(d.simulated)} all-simulated runs "
        f"of the same session it ranged from {row['simulated_min']:+.3f} to {row['simulated_max']:+.3f} "
        f"(mean {row['simulated_mean']:+.3f}): your room sits at the <b>{pct} percentile</b>.</p></div>"
    )


def _facilitator_debrief_html(room: Room) -> str:
    d = room_debrief(room)
    key = ("debrief-png", id(room), len(room.play.history))
    if key not in _CACHE:
        _CACHE[key] = png_data_uri(debrief_figure(d))
    return (
        "<h2>Debrief</h2>" + debrief_tables_html(d)
        + f"<img alt='debrief figure' style='max-width:100%' src='{_CACHE[key]}'>"
    )  # fmt: skip


# ---------------------------------------------------------------- HTTP routes
class _Gate(RequestHandler):
    def initialize(self, room: Room) -> None:
        self.room = room

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")

    def holder(self, facilitator_only: bool = False) -> Any:
        who = self.room.access(self.get_query_argument("code", None))
        if who is None or (facilitator_only and who.role != "facilitator"):
            self.set_status(403)
            self.finish("refused: wrong join code, or an address that may not see this\n")
            return None
        return who

    def page(self, html: str) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header(
            "Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
        self.finish(html)


class AliveHandler(_Gate):
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"boot": BOOT}))


class CardHandler(_Gate):
    def get(self) -> None:
        who = self.holder()
        if who is None:
            return
        asked = self.get_query_argument("team", None)
        play = self.room.play
        if who.role == "team":
            if asked not in (None, who.team):
                self.set_status(403)
                self.finish("refused: a team address shows only its own card\n")
                return
            cards = [role_card(play.setup, who.team, play.protocol)]
        else:
            cards = role_cards(play.setup, play.protocol, (asked,) if asked in play.teams else play.teams)
        self.page(page_html("Role cards", "".join(c.html() for c in cards)))


class JoinHandler(_Gate):
    """A printable join sheet: one page per team with its address and QR code."""

    base: str = ""

    def get(self) -> None:
        if self.holder(facilitator_only=True) is None:
            return
        codes = self.room.codes
        parts = []
        for team in self.room.play.teams:
            url = f"{self.base}/room?code={codes[team]}"
            parts.append(
                "<section style='page-break-after: always'>"
                f"<h1>{esc(Group.parse(team).label)}</h1><p>{esc(url)}</p>{qr_svg(url)}</section>"
            )
        self.page(page_html("Join sheet", "".join(parts)))


class ExportHandler(_Gate):
    def get(self) -> None:
        if self.holder(facilitator_only=True) is None:
            return
        self.set_header("Content-Type", "application/json")
        self.set_header("Content-Disposition", "attachment; filename=roleplay.json")
        self.finish(json.dumps(self.room.export(), indent=2))


class DebriefHandler(_Gate):
    def get(self) -> None:
        if self.holder(facilitator_only=True) is None:
            return
        if self.room.phase() is not Phase.ENDED:
            self.set_status(409)
            self.finish("the session is not over yet: end it first\n")
            return
        self.page(debrief_sheet_html(room_debrief(self.room)))


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (segno)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=6)


def qr_text(url: str) -> str:
    """A QR code of ``url`` for a terminal (segno)."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


# ---------------------------------------------------------------- the server
class Hub:
    """The open pages of each room, so a change made on one page is pushed to the others at
    once (each on its own document's next tick); the periodic poll stays as the safety net."""

    def __init__(self) -> None:
        self.pages: dict[int, tuple[Any, Any, Any]] = {}

    def add(self, room: Room, page: Any) -> None:
        doc, key = pn.state.curdoc, id(page)
        self.pages[key] = (room, doc, page)
        pn.state.on_session_destroyed(lambda _context: self.pages.pop(key, None))

    def notify(self, room: Room) -> None:
        for other, doc, page in list(self.pages.values()):
            if other is room and doc is not None:
                try:
                    doc.add_next_tick_callback(page.refresh)
                except Exception:  # a page closing right now: its poll is gone with it
                    continue


HUB = Hub()


def app_factory(room: Room) -> Callable[[], pn.viewable.Viewable]:
    def app() -> pn.viewable.Viewable:
        raw = pn.state.session_args.get("code", [b""])[0]
        code = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        who = room.access(code)
        if who is None:
            return refused_page()
        page = FacilitatorPage(room, code) if who.role == "facilitator" else TeamPage(room, who.team)
        pn.state.add_periodic_callback(page.refresh, period=POLL_MS)
        HUB.add(room, page)
        return page.layout

    return app


def local_addresses(host: str) -> list[str]:
    """Host names a browser may use to reach a server bound to ``host`` (for websocket origins
    and the printed addresses): loopback for 127.0.0.1, the machine's addresses for 0.0.0.0."""
    if host in ("127.0.0.1", "localhost"):
        return ["127.0.0.1", "localhost"]
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    found: list[str] = []
    try:
        found += [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
    except OSError:
        pass
    return [*dict.fromkeys(found), socket.gethostname(), "127.0.0.1", "localhost"]


def addresses(room: Room, host: str, port: int) -> dict[str, str]:
    """The join address of the facilitator and of each team (first reachable host name)."""
    base = f"http://{local_addresses(host)[0]}:{port}"
    codes = room.codes
    return {who: f"{base}/room?code={codes[who]}" for who in ["facilitator", *room.play.teams]}


def build_server(room: Room, host: str = "127.0.0.1", port: int = 5006, origins: tuple[str, ...] = ()) -> Any:
    """The Panel server (not started): the room app and the gated HTTP routes."""
    allowed = [f"{h}:{port}" for h in local_addresses(host)] + list(origins)
    JoinHandler.base = f"http://{local_addresses(host)[0]}:{port}"
    routes = [
        (r"/rp/alive", AliveHandler, {"room": room}),
        (r"/rp/card", CardHandler, {"room": room}),
        (r"/rp/join", JoinHandler, {"room": room}),
        (r"/rp/export", ExportHandler, {"room": room}),
        (r"/rp/debrief", DebriefHandler, {"room": room}),
    ]
    return pn.serve(
        {"room": app_factory(room)},
        port=port,
        address=host,
        websocket_origin=allowed,
        show=False,
        start=False,
        title="govsim role-play",
        extra_patterns=routes,
    )


def serve(
    room: Room,
    host: str = "127.0.0.1",
    port: int = 5006,
    origins: tuple[str, ...] = (),
    qr: bool = True,
    out: Callable[[str], None] = print,
) -> None:
    """Print the join addresses (and QR codes), then serve until interrupted."""
    server = build_server(room, host, port, origins)
    links = addresses(room, host, port)
    out(
        f"govsim roleplay: session file {room.store.path} ({room.phase().value}, {len(room.play.history)} round(s) played)"
    )
    out(f"rules: {room.play.announcement}")
    out(f"facilitator: {links['facilitator']}")
    for team in room.play.teams:
        out(f"{Group.parse(team).label:>20}: {links[team]}")
        if qr:
            out(qr_text(links[team]))
    if host not in ("127.0.0.1", "localhost"):
        out(f"listening on {host}:{port}: anyone on this network who has a join address can open it")
    out("stop with Ctrl+C; start again with the same --session file to resume")
    server.start()
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        out("govsim roleplay: stopped (the session file keeps every committed round)")
    finally:
        server.stop()
