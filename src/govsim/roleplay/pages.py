"""The served role-play's pages (Panel): one per join code, built on the server for its holder.

:class:`TeamPage` shows one team its own card, the text on the table, the countdown and a move
form; :class:`FacilitatorPage` shows the rules, who has submitted, the buttons that move the
session on, the projector picture and the debrief. A page redraws when the session file's change
counter moves: at once when another page of the room changed something (:data:`HUB`), and on a
``POLL_MS`` poll otherwise. :class:`Clock` runs the countdown in the browser and watches the
connection.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

import panel as pn
import param
from panel.custom import JSComponent

from govsim.escape import html_text as esc
from govsim.groups import Group
from govsim.roleplay.cards import role_card
from govsim.roleplay.page import CARD_CSS
from govsim.roleplay.plan import EXTEND_SECONDS
from govsim.roleplay.room import Phase, Room
from govsim.roleplay.screens import (
    facilitator_debrief_html,
    moves_html,
    projector_png,
    status_html,
    team_debrief_html,
)
from govsim.roleplay.session import Move, said_point, scales_of, to_model_units

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
        setup = room.play.setup
        start = setup.in_file_units(setup.agenda[0].draft or setup.agenda[0].status_quo)
        self.points = [
            pn.widgets.FloatInput(
                name=f"amendment: {d} ({scale})",
                value=round(float(v), 2),
                start=scale.low,
                end=scale.high,
                step=(scale.high - scale.low) / 20,
                css_classes=["govsim-rp-amend", f"govsim-rp-amend-{i}"],
                width=200,
            )
            for i, (d, v, scale) in enumerate(zip(setup.dimensions, start, scales_of(setup), strict=True))
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
        typed = [box.value for box in self.points]
        point = to_model_units(self.room.play.setup, typed) if self.move.value == Move.AMEND.value else None
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
        self.status.object = status_html(self.room, self.team)
        self.form.visible = phase in (Phase.CAUCUS, Phase.MOVES)
        own = self.room.own_move(self.team) if phase in (Phase.CAUCUS, Phase.MOVES, Phase.REVEAL) else None
        if own:
            at = time.strftime("%H:%M:%S", time.localtime(own["at"]))
            setup = self.room.play.setup
            amend = f" at ({said_point(setup, own['amendment'])})" if own["amendment"] else ""
            self.current.object = (
                f"Your team's move for round {state.round + 1}: <b>{esc(own['move'])}</b>{amend} (sent {at})."
            )
        elif phase in (Phase.CAUCUS, Phase.MOVES):
            self.current.object = "No move sent yet: without one, the simulation plays your members."
        else:
            self.current.object = ""
        revealed = self.room.revealed(state)
        title = "Moves revealed" if phase is Phase.REVEAL else "Moves of the last round"
        self.revealed.object = moves_html(revealed, title, self.room.play.setup)
        if phase is Phase.ENDED:
            self.revealed.object += team_debrief_html(self.room, self.team)


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
        self.status.object = status_html(self.room, None)
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
        self.revealed.object = moves_html(self.room.revealed(state), title, self.room.play.setup)
        self.picture.object = (
            f"<img alt='projector view' style='max-width:100%' src='{projector_png(self.room)}'>"
        )
        self.debrief.object = facilitator_debrief_html(self.room) if phase is Phase.ENDED else ""


def refused_page() -> pn.viewable.Viewable:
    return pn.pane.HTML(
        "<h1 class='govsim-rp-refused'>This join code is not valid.</h1>"
        "<p>Ask the facilitator for your team's address.</p>"
    )
