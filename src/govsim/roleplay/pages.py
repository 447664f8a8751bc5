"""The served role-play's pages (Panel): one per join code, built on the server for its holder.

:class:`TeamPage` shows one team its own card, the text on the table, the countdown and a move
form; :class:`FacilitatorPage` shows the rules, who has submitted, the buttons that move the
session on, the projector picture and the debrief. A page redraws when the session file's change
counter moves: at once when another page of the room changed something (:data:`HUB`), and on a
``POLL_MS`` poll otherwise. :class:`Clock` runs the countdown in the browser and watches the
connection.
"""

from __future__ import annotations

import contextvars
import functools
import time
from collections.abc import Callable
from typing import Any, ClassVar

import panel as pn
import param
from panel.custom import JSComponent

from govsim.escape import html_text as esc
from govsim.groups import Group
from govsim.i18n import (
    LANGUAGES,
    N_,
    _,
    current,
    decimal,
    language,
    name,
    number,
    parse_language,
    read_number,
    typography_html,
)
from govsim.roleplay.cards import move_name, role_card
from govsim.roleplay.page import CARD_CSS
from govsim.roleplay.plan import EXTEND_SECONDS
from govsim.roleplay.room import PROJECTOR, Phase, Room, issue_round
from govsim.roleplay.screens import (
    facilitator_debrief_html,
    moves_html,
    projector_png,
    status_html,
    team_debrief_html,
)
from govsim.roleplay.session import Move, said_point, scales_of, to_model_units
from govsim.screen.serving import BOOT

POLL_MS = 1000  # the safety-net poll and the heartbeat (changes made here are pushed at once)
STALE_MS = 3000  # no heartbeat for this long: the page says the connection is lost (banner <= 5 s)
NEXT_LABEL = {
    Phase.BRIEFING: N_("Start the first caucus"),
    Phase.CAUCUS: N_("End the caucus: secret moves"),
    Phase.MOVES: N_("Reveal the moves"),
    Phase.REVEAL: N_("Play the round"),
    Phase.RESULT: N_("Next round"),
}
#: Pages are read on phones: text at least 16 px (18 here), one column, tap targets at least
#: 44 px tall (48 here), inputs at 18 px so phones do not zoom into them; number boxes have no
#: up/down arrows (Bokeh's are 30 x 24 px: too small to tap; phones type the number instead).
#: Table cells wrap between words, never inside one ("Governme/nt"), unless a word is wider
#: than the screen.
PAGE_CSS = """
:host { font-size: 18px; line-height: 1.45; }
.govsim-rp-head h1 { font-size: 1.6em; margin: .2em 0; }
.govsim-rp-status { font-size: 1.1em; overflow-wrap: anywhere; }
.govsim-rp-message { font-size: 1.05em; font-weight: bold; }
table.govsim-rp-table td, table.govsim-rp-table th { border: 1px solid #ccc; padding: .2em .6em; overflow-wrap: break-word; hyphens: manual; }
table.govsim-rp-table { border-collapse: collapse; max-width: 100%; }
img { max-width: 100%; height: auto; }
"""


class RoomHTML(pn.pane.HTML):
    """An HTML pane in the room's language: its text passes through the kit's render-time
    typography (:func:`govsim.i18n.typography_html`: French no-break spaces) whenever it is
    shown, whatever code filled it. ``lang`` defaults to the language it is built in."""

    lang = param.String(default="en", doc="The language of the page holding the pane.")

    _rename: ClassVar[dict[str, str | None]] = {
        **pn.pane.HTML._rename,
        "lang": None,
    }  # not sent to the browser

    def __init__(self, object: Any = None, **params: Any) -> None:
        params.setdefault("lang", current())
        super().__init__(object, **params)

    def _transform_object(self, obj: Any) -> dict[str, Any]:
        with language(self.lang):
            return super()._transform_object(typography_html(obj))


def _pane(css_class: str) -> RoomHTML:
    """An empty HTML pane of the page's style, filled as the session moves."""
    return RoomHTML(stylesheets=[PAGE_CSS], css_classes=[css_class], sizing_mode="stretch_width")


BESIDE_CSS = ":host { flex: 1 1 300px !important; width: auto !important; min-width: 0 !important; }"  # the rest of the row
NARROW_CSS = ":host { max-width: 100% !important; min-width: 0 !important; }"  # a fixed width that gives way on a phone
CONTROL_CSS = """
:host { font-size: 18px; }
label, .bk-input-group label { font-size: 18px; }
select, input, .bk-input { font-size: 18px; min-height: 48px; }
button, .bk-btn { font-size: 18px; min-height: 48px; min-width: 48px; }
.bk-spin-wrapper > .bk-spin-btn { display: none !important; }
.bk-spin-wrapper input { padding-right: .5em !important; }
"""
VIEWPORT = {"viewport": "width=device-width, initial-scale=1"}


class Clock(JSComponent):
    """The countdown (run in the browser from the server's deadline) and the connection watch.

    The server sends a heartbeat (a custom message, :meth:`beat`: much cheaper than a parameter
    change) every ``POLL_MS``; when none has come for
    ``STALE_MS`` (the server stopped, or only the live connection dropped: a phone asleep, Wi-Fi
    roaming) a banner says "Connection lost, reconnecting", and the page asks ``/rp/alive`` with
    a growing, jittered pause (at most 4 s) until the server answers. A new boot id (the server
    restarted) reloads the page at once; the same one means the server was busy or only this
    page's link dropped: if heartbeats resume within 4.5 s the banner goes, else the page
    reloads. One reload in flight, never a storm. A Submit click that is not answered within
    ``STALE_MS`` (:meth:`ack`) says so on the banner instead of doing nothing."""

    deadline = param.Number(default=0.0, doc="end of the countdown, seconds since the epoch; 0: none")
    server_now = param.Number(default=0.0, doc="the server's clock when sent (corrects skew)")
    boot = param.String(default="")
    alive = param.String(default="/rp/alive")
    stale_ms = param.Integer(default=STALE_MS)
    texts = param.Dict(default={}, doc="what the clock and the banner say, in the page's language")

    def beat(self) -> None:
        """Tell the browser the connection is alive (one small message, no model change)."""
        self._send_msg(1)

    def ack(self) -> None:
        """Tell the browser its Submit click was answered (and that the connection is alive)."""
        self._send_msg("ack")

    _esm = """
export function render({ model, el }) {
  const clock = document.createElement("div");
  clock.className = "govsim-rp-clock";
  clock.style.cssText = "font-size: 2em; font-weight: bold; font-variant-numeric: tabular-nums;";
  const banner = document.createElement("div");
  banner.className = "govsim-rp-banner";
  banner.setAttribute("role", "alert");
  banner.style.cssText = "display:none; position:fixed; top:0; left:0; right:0; z-index:1000; " +
    "padding:.6em; background:#b00; color:#fff; font-size:20px; text-align:center;";
  el.appendChild(clock);
  el.appendChild(banner);
  let offset = model.server_now - Date.now() / 1000;
  model.on("server_now", () => { offset = model.server_now - Date.now() / 1000; });
  function tick() {
    if (!model.deadline) { clock.textContent = ""; return; }
    const left = Math.max(0, Math.round(model.deadline - (Date.now() / 1000 + offset)));
    const m = Math.floor(left / 60), s = left % 60;
    const time = `${m}:${String(s).padStart(2, "0")}`;
    clock.textContent = left > 0 ? model.texts.left.replace("{time}", time) : model.texts.up;
  }
  let lastBeat = Date.now(), recovering = false, reloading = false, pending = 0;
  function say(text) {
    if (banner.style.display === "block" && banner.textContent === text) { return; }
    banner.textContent = text;
    banner.style.display = "block";
    try {  // what the banner said, kept across the reload (the page's own record)
      const said = JSON.parse(sessionStorage.getItem("govsim-banner") || "[]");
      said.push(text);
      sessionStorage.setItem("govsim-banner", JSON.stringify(said.slice(-20)));
    } catch (err) { /* storage off: the banner still shows */ }
  }
  model.on("msg:custom", (msg) => {
    lastBeat = Date.now();
    if (msg === "ack") { pending = 0; }
    if (recovering && !reloading) {  // the server was only busy: the connection is fine
      recovering = false;
      banner.style.display = "none";
    }
  });
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  async function recover(tries) {
    if (reloading || !recovering) { return; }
    try {
      const info = await (await fetch(model.alive, { cache: "no-store" })).json();
      if (info.boot === model.boot) {
        // the same server: busy (it beats again soon) or only this page's link dropped
        for (let i = 0; i < 3; i++) {
          const asked = Date.now();
          await sleep(model.stale_ms / 2);
          if (!recovering || lastBeat >= asked) { return; }
        }
        await (await fetch(model.alive, { cache: "no-store" })).json();  // still there?
      }
      reloading = true;  // one reload in flight: never another while it waits for the server
      location.reload();
      return;
    } catch (err) { /* not back yet */ }
    const pause = Math.min(4000, 500 * 2 ** tries) * (0.5 + Math.random() / 2);
    setTimeout(() => recover(tries + 1), pause);
  }
  function lost(text) {
    say(text);
    if (!recovering) { recovering = true; setTimeout(() => recover(0), 250 + Math.random() * 750); }
  }
  function check() {
    if (Date.now() - lastBeat > model.stale_ms) {
      lost(pending ? model.texts.not_sent : model.texts.lost);
    } else if (pending && Date.now() - pending > model.stale_ms) {
      lost(model.texts.no_answer);
    }
  }
  document.addEventListener("click", (event) => {
    const onSubmit = event.composedPath().some(
      (n) => n.classList && n.classList.contains("govsim-rp-submit"));
    if (!onSubmit) { return; }
    pending = Date.now();
    if (recovering || Date.now() - lastBeat > model.stale_ms) {
      lost(model.texts.not_sent);
    }
  }, true);
  setInterval(tick, 250);
  setInterval(check, 500);
  tick();
}
"""


def clock_texts() -> dict[str, str]:
    """What :class:`Clock` says in the browser, in the current language."""
    return {
        "left": _("Caucus: {time} left"),
        "up": _("Caucus: time is up"),
        "lost": _("Connection lost, reconnecting…"),
        "not_sent": _("Your move was NOT sent: the connection is lost. Reconnecting…"),
        "no_answer": _("No answer from the server: your move may not have been sent. Reconnecting…"),
    }


def new_clock() -> Clock:
    """A page's clock, speaking the current language."""
    return Clock(boot=BOOT, texts=clock_texts())


def spoken(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a page's method in the page's own language (``self.lang``): its callbacks come from
    the server's loop, outside the language the page was built in."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with language(self.lang):
            return method(self, *args, **kwargs)

    return run


def language_links(code: str, lang: str) -> str:
    """Links that reopen this page in each language of the kit (each name in its own language)."""
    links = [
        f"<b>{esc(name)}</b>"
        if key == lang
        else f"<a href='/room?code={esc(code)}&amp;lang={key}'>{esc(name)}</a>"
        for key, name in LANGUAGES.items()
    ]
    return f"<p class='govsim-rp-lang'><span translate='no'>{' · '.join(links)}</span></p>"


def _typed(box: Any) -> str:
    """What a text field holds as typed (``value_input`` follows each key; ``value`` the last
    Enter or change of focus)."""
    typed = getattr(box, "value_input", None)
    return box.value if typed is None else typed


def set_viewport() -> None:
    """Give the page being built the phone viewport tag (Panel's page template reads ``meta``)."""
    doc = pn.state.curdoc
    if doc is not None:
        doc.template_variables["meta"] = {**doc.template_variables.get("meta", {}), **VIEWPORT}


class Hub:
    """The open pages of each room, so a change made on one page is pushed to the pages it
    concerns at once (each on its own document's next tick); the periodic poll stays as the
    safety net. A team's submission concerns only that team's pages and the facilitator's and
    projector's (who has submitted); a phase change concerns every page."""

    def __init__(self) -> None:
        self.pages: dict[int, tuple[Any, Any, Any]] = {}

    def add(self, room: Room, page: Any) -> None:
        doc, key = pn.state.curdoc, id(page)
        self.pages[key] = (room, doc, page)
        pn.state.on_session_destroyed(lambda _context: self.pages.pop(key, None))

    def notify(self, room: Room, team: str | None = None) -> None:
        """Refresh the room's pages (with ``team``: that team's pages and the room-wide ones)."""
        for other, doc, page in list(self.pages.values()):
            if other is not room or doc is None:
                continue
            if team is not None and getattr(page, "team", None) not in (None, team):
                continue
            if getattr(page, "queued", False):
                continue  # a refresh is already on its way: it will read the newest state
            try:
                doc.add_next_tick_callback(queued_refresh(page))
                page.queued = True
            except Exception:  # a page closing right now: its poll is gone with it
                continue


HUB = Hub()


def queued_refresh(page: Any) -> Callable[[], None]:
    """A page's refresh as queued by :class:`Hub` (a burst of submissions queues it once)."""

    def run() -> None:
        page.queued = False
        page.refresh()

    return run


def heartbeat(page: Any) -> Callable[[], None]:
    """The periodic callback of a page: a heartbeat, then a refresh if the session moved."""

    def beat() -> None:
        page.clock.beat()
        page.refresh()

    return beat


class TeamPage:
    """One team's page: its card, the table, the countdown and its move form (one column)."""

    def __init__(self, room: Room, team: str, lang: str | None = None) -> None:
        self.lang = parse_language(lang or current())
        self._build(room, team)

    @spoken
    def _build(self, room: Room, team: str) -> None:
        self.room, self.team = room, team
        self.shown: tuple = ()
        self._version = -1
        self._round = room.state().round
        self.card = role_card(room.play.setup, team, room.play.protocol)
        label = Group.parse(team).label
        self.head = RoomHTML(
            f"<div class='govsim-rp-head'><h1>{esc(label)}</h1>{esc(name(room.play.setup.title))}</div>"
            + language_links(room.codes[team], self.lang),
            stylesheets=[PAGE_CSS],
            css_classes=["govsim-rp-team-head"],
            sizing_mode="stretch_width",
        )
        self.clock = new_clock()
        self.status = _pane("govsim-rp-status-pane")
        control = {"stylesheets": [CONTROL_CSS], "sizing_mode": "stretch_width", "max_width": 420}
        self.move = pn.widgets.Select(
            name=_("Your move"),
            # the moves by name in the page's language (in English by value, as the CLI and files say)
            options=[m.value for m in Move]
            if self.lang == "en"
            else {move_name(m.value): m.value for m in Move},
            value=Move.SIMULATED.value,
            css_classes=["govsim-rp-move"],
            **control,
        )
        self.meaning = _pane("govsim-rp-meaning")
        setup = room.play.setup
        start = setup.in_file_units(setup.agenda[0].draft or setup.agenda[0].status_quo)
        # Text fields, read in the page's locale (a browser's number field silently dropped a
        # typed decimal comma and the old value was sent): "0,4" and "0.4" both read as 0.4,
        # anything else is refused in one visible line and nothing is sent.
        self.scales = scales_of(setup)
        self.fields = [name(d) for d in setup.dimensions]  # how a refusal names each field
        self.points = [
            pn.widgets.TextInput(
                name=_("amendment: {dimension} (from {low} to {high})").format(
                    dimension=name(d), low=number(scale.low), high=number(scale.high)
                ),
                value=decimal(float(v), 2),
                css_classes=["govsim-rp-amend", f"govsim-rp-amend-{i}"],
                **control,
            )
            for i, (d, v, scale) in enumerate(zip(setup.dimensions, start, self.scales, strict=True))
        ]
        self.submit = pn.widgets.Button(
            name=_("Submit move"), button_type="primary", css_classes=["govsim-rp-submit"], **control
        )
        self.message = _pane("govsim-rp-message")
        self.current = _pane("govsim-rp-current")
        self.revealed = _pane("govsim-rp-revealed-pane")
        self.debrief = _pane("govsim-rp-debrief-pane")
        self.card_pane = RoomHTML(
            self.card.html(),
            stylesheets=[CARD_CSS, PAGE_CSS],
            css_classes=["govsim-rp-card"],
            sizing_mode="stretch_width",
        )
        self.form = pn.Column(
            self.move, self.meaning, *self.points, self.submit, self.message, sizing_mode="stretch_width"
        )
        self.move.param.watch(lambda _: self._show_meaning(), "value")
        self.submit.on_click(self._clicked)
        self.layout = pn.Column(
            self.head,
            self.clock,
            self.status,
            self.form,
            self.current,
            self.revealed,
            self.debrief,
            self.card_pane,
            sizing_mode="stretch_width",
            css_classes=["govsim-rp-team", f"govsim-rp-team-{team}"],
        )
        self._show_meaning()
        self.refresh()

    @spoken
    def _show_meaning(self) -> None:
        effects = dict(self.card.moves)
        self.meaning.object = f"<i>{esc(effects.get(self.move.value, ''))}</i>"
        for box in self.points:
            box.visible = self.move.value == Move.AMEND.value

    async def _clicked(self, _: Any) -> None:
        await self.send()

    async def send(self) -> None:
        """Send the form's move; the page always says what happened (recorded, or why not).

        The session file's write (a synced transaction) runs in a worker thread, so a burst of
        submissions from 24 devices does not hold up every page behind each disk write."""
        with language(self.lang):
            await self._send()

    async def _send(self) -> None:
        import asyncio

        round_ = self.shown_round + 1
        point = None
        if self.move.value == Move.AMEND.value:
            try:
                typed = [
                    read_number(_typed(box), scale.low, scale.high, field)
                    for box, scale, field in zip(self.points, self.scales, self.fields, strict=True)
                ]
            except ValueError as unreadable:  # said beside the form; nothing is sent
                refused = _("Not sent. {why}").format(why=unreadable)
                self.message.object = f"<span class='govsim-rp-refused'>{esc(refused)}</span>"
                return
            point = to_model_units(self.room.play.setup, typed)
        try:
            spoken = contextvars.copy_context()  # the worker thread answers in the page's language
            ok, text = await asyncio.get_running_loop().run_in_executor(
                None, spoken.run, self.room.submit, self.team, round_, self.move.value, point
            )
        except Exception as exc:  # the session file cannot be read or written: say so, never nothing
            ok, text = (
                False,
                _("Not recorded: the server could not save it ({error}). Try again.").format(
                    error=type(exc).__name__
                ),
            )
        self.message.object = (
            f"<span class='{'govsim-rp-ok' if ok else 'govsim-rp-refused'}'>{esc(text)}</span>"
        )
        self.clock.ack()
        HUB.notify(self.room, self.team)
        self.refresh(force=True)

    @property
    def shown_round(self) -> int:
        return self._round

    @spoken
    def refresh(self, force: bool = False) -> None:
        """Show the session's state; nothing is sent to the browser unless something this page
        shows has changed (a submission by another team changes nothing here)."""
        version = self.room.store.version()
        if version == self._version and not force:
            return
        self._version = version
        state, moves = self.room.view()
        phase = Phase(state.phase)
        own = moves.get(self.team) if phase in (Phase.CAUCUS, Phase.MOVES, Phase.REVEAL) else None
        view = (state.phase, state.round, state.deadline, own and own["at"], len(self.room.play.history))
        if view == self.shown and not force:
            return
        shown, self.shown = self.shown, view
        self._round = state.round
        if shown and view[:2] != shown[:2]:
            self.message.object = ""  # a new phase: the last confirmation no longer applies
            if phase is Phase.CAUCUS:
                self.move.value = Move.SIMULATED.value  # a new round starts from a clean form
        if not shown or view[2] != shown[2]:
            deadline = (state.deadline or 0.0) if phase is Phase.CAUCUS else 0.0
            self.clock.param.update(deadline=deadline, server_now=time.time())
        if not shown or view[3] != shown[3] or view[:2] != shown[:2]:
            self._show_own(state, phase, own)
        if shown and view[:2] == shown[:2] and view[4] == shown[4]:
            return  # only this team's move changed
        self.status.object = status_html(self.room, self.team, state)
        self.form.visible = phase in (Phase.CAUCUS, Phase.MOVES)
        revealed = self.room.revealed(state)
        title = _("Moves revealed") if phase is Phase.REVEAL else _("Moves of the last round")
        self.revealed.object = moves_html(revealed, title, self.room.play.setup)
        self.debrief.object = team_debrief_html(self.room, self.team) if phase is Phase.ENDED else ""

    def _show_own(self, state: Any, phase: Phase, own: dict[str, Any] | None) -> None:
        if own:
            at = time.strftime("%H:%M:%S", time.localtime(own["at"]))
            setup = self.room.play.setup
            amend = (
                " " + esc(_("at ({point})").format(point=said_point(setup, own["amendment"])))
                if own["amendment"]
                else ""
            )
            self.current.object = esc(
                _("Your team's move for round {round} of issue {issue}: {move}{amend} (sent {at}).")
            ).format(
                **issue_round(self.room.play),
                move=f"<b>{esc(move_name(own['move']))}</b>",
                amend=amend,
                at=at,
            )
        elif phase in (Phase.CAUCUS, Phase.MOVES):
            self.current.object = esc(_("No move sent yet: without one, the simulation plays your members."))
        elif phase is Phase.RESULT:
            self.current.object = esc(_("Next: the facilitator opens the next round's caucus."))
        else:
            self.current.object = ""


class RoomView:
    """What the whole room may see: the rules, the countdown, where the session stands, who has
    submitted (never what, before the reveal), the revealed moves, the projector picture and the
    debrief. The facilitator's page adds its controls; the projector page is this alone."""

    compact = False

    def _room_parts(self, room: Room) -> None:
        play = room.play
        rules = _("The rules of this session.")
        self.head = RoomHTML(
            stylesheets=[PAGE_CSS],
            object=f"<div class='govsim-rp-head'><h1>{esc(name(play.setup.title))}</h1>"
            f"<p class='govsim-rp-announcement'><b>{esc(rules)}</b> {esc(play.announcement)}</p></div>"
            + language_links(self.code, self.lang),
            sizing_mode="stretch_width",
        )
        self.clock = new_clock()
        self.status = _pane("govsim-rp-status-pane")
        self.who = _pane("govsim-rp-submitted")
        self.revealed = _pane("govsim-rp-revealed-pane")
        self.picture = _pane("govsim-rp-projector")
        self.debrief = _pane("govsim-rp-debrief")

    def _show_room(self, state: Any) -> None:
        room, phase = self.room, Phase(state.phase)
        deadline = (state.deadline or 0.0) if phase is Phase.CAUCUS else 0.0
        if deadline != self.clock.deadline or not self.clock.server_now:
            self.clock.param.update(deadline=deadline, server_now=time.time())
        self.status.object = status_html(room, None, state)
        if phase in (Phase.CAUCUS, Phase.MOVES):
            sent = set(room.view()[1]) if state.version == room.view()[0].version else set(room.submitted())
            cells = "".join(
                f"<tr><td>{esc(Group.parse(t).label)}</td><td class='govsim-rp-sent-{esc(t)}'>"
                f"{esc(_('submitted') if t in sent else _('waiting'))}</td></tr>"
                for t in room.play.teams
            )
            moves_in = _("Moves in: {count} of {teams}").format(count=len(sent), teams=len(room.play.teams))
            self.who.object = f"<h3>{esc(moves_in)}</h3><table class='govsim-rp-table'>{cells}</table>"
        else:
            self.who.object = ""
        title = _("Moves revealed") if phase is Phase.REVEAL else _("Moves of the last round")
        self.revealed.object = moves_html(room.revealed(state), title, room.play.setup)
        height = "max-height: 60vh; width: auto;" if self.compact else ""
        ended = phase is Phase.ENDED
        self.picture.object = (
            ""
            if ended and self.compact  # the projector shows the debrief alone, to fit the screen
            else f"<img alt='{esc(_('projector view'))}' style='max-width:100%; {height}' src='{projector_png(room)}'>"
        )
        self.debrief.object = facilitator_debrief_html(room, compact=self.compact) if ended else ""


class FacilitatorPage(RoomView):
    """The facilitator's page: the room's view plus the controls, on the facilitator's own screen."""

    team = None

    def __init__(self, room: Room, code: str, lang: str | None = None) -> None:
        self.lang = parse_language(lang or current())
        self._build(room, code)

    @spoken
    def _build(self, room: Room, code: str) -> None:
        self.room, self.code = room, code
        self.shown = (-1, "", 0)
        play = room.play
        self._room_parts(room)
        control = {"stylesheets": [CONTROL_CSS]}
        self.caucus = pn.widgets.IntInput(
            name=_("caucus (seconds)"),
            value=play.plan.caucus_seconds,
            start=0,
            end=3600,
            step=30,
            css_classes=["govsim-rp-caucus-seconds"],
            width=180,
            **control,
        )
        self.next = pn.widgets.Button(
            name=_("Next"), button_type="primary", css_classes=["govsim-rp-next"], **control
        )
        self.extend = pn.widgets.Button(
            name=_("+{minutes} min").format(minutes=EXTEND_SECONDS // 60),
            css_classes=["govsim-rp-extend"],
            **control,
        )
        self.skip = pn.widgets.Button(name=_("Skip the countdown"), css_classes=["govsim-rp-skip"], **control)
        self.end = pn.widgets.Button(
            name=_("End the session"), button_type="danger", css_classes=["govsim-rp-end"], **control
        )
        q = f"?code={esc(code)}"
        projector = f"?code={esc(room.codes[PROJECTOR])}"
        q += f"&amp;lang={self.lang}"
        projector += f"&amp;lang={self.lang}"
        said = esc(
            _(
                "{on_projector} open {projector_view} (it has no controls and not your code). Print: "
                "{cards} · {join} · {export} · {sheet}"
            )
        ).format(
            on_projector=f"<b>{esc(_('On the projector'))}</b>",
            projector_view=f"<a href='/room{projector}' target='_blank' class='govsim-rp-projector-link'>"
            f"{esc(_('the projector view'))}</a>",
            cards=f"<a href='/rp/card{q}' target='_blank'>{esc(_('role cards'))}</a>",
            join=f"<a href='/rp/join{q}' target='_blank'>{esc(_('join sheet with QR codes'))}</a>",
            export=f"<a href='/rp/export{q}' target='_blank' class='govsim-rp-export'>"
            f"{esc(_('export the session (JSON)'))}</a>",
            sheet=f"<a href='/rp/debrief{q}' target='_blank' class='govsim-rp-sheet'>{esc(_('debrief sheet'))}</a>",
        )
        self.links = RoomHTML(
            f"<p>{said}</p>",
            stylesheets=[PAGE_CSS],
            sizing_mode="stretch_width",
        )
        self.error = _pane("govsim-rp-error")
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
        # the buttons wrap onto a second line on a phone (a row of them was 574 px wide)
        self.controls = pn.FlexBox(
            self.caucus,
            self.next,
            self.extend,
            self.skip,
            self.end,
            flex_wrap="wrap",
            sizing_mode="stretch_width",
        )
        self.layout = pn.Column(
            self.head,
            self.clock,
            self.status,
            self.controls,
            self.error,
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
        def run(_event: Any) -> None:
            try:
                action()
                self.error.object = ""
            except Exception as exc:  # the session file cannot be written: say so on the page
                with language(self.lang):
                    said = _("Not done:")
                self.error.object = f"<b>{esc(said)}</b> {esc(type(exc).__name__)}: {esc(str(exc))}"
            self.refresh(force=True)
            HUB.notify(self.room)

        return run

    @spoken
    def refresh(self, force: bool = False) -> None:
        version = self.room.store.version()
        if version == self.shown[0] and not force:
            return
        state = self.room.state()
        phase = Phase(state.phase)
        self.shown = (version, state.phase, state.round)
        label = _(NEXT_LABEL[phase]) if phase in NEXT_LABEL else ""
        if phase is Phase.RESULT and self.room.play.finished:
            label = _("Finish: debrief")
        self.next.name = label
        self.next.visible = phase is not Phase.ENDED
        self.extend.visible = self.skip.visible = phase is Phase.CAUCUS
        self.caucus.visible = phase in (Phase.BRIEFING, Phase.RESULT)
        self.end.visible = phase is not Phase.ENDED
        self._show_room(state)


class ProjectorPage(RoomView):
    """The room's screen: what the facilitator's page shows, without its controls or its code,
    laid out to fit a 1920x1080 projector in every phase (two columns, the picture capped)."""

    team = None
    compact = True
    CSS = """
    :host { font-size: 20px; }
    .govsim-rp-head h1 { font-size: 1.5em; margin: 0; }
    .govsim-rp-announcement { font-size: .85em; margin: .2em 0; }
    """

    def __init__(self, room: Room, lang: str | None = None) -> None:
        self.lang = parse_language(lang or current())
        self.code = room.codes[PROJECTOR]
        self._build(room)

    @spoken
    def _build(self, room: Room) -> None:
        self.room = room
        self.shown = (-1, "", 0)
        self._room_parts(room)
        self.head.stylesheets = [PAGE_CSS, self.CSS]
        left = pn.Column(
            self.clock,
            self.status,
            self.who,
            self.revealed,
            width=560,
            css_classes=["govsim-rp-left"],
            stylesheets=[NARROW_CSS],
        )
        right = pn.Column(self.picture, self.debrief, sizing_mode="stretch_width", stylesheets=[BESIDE_CSS])
        self.layout = pn.Column(
            self.head,
            # side by side on a projector; one under the other on a phone (never wider than it)
            pn.FlexBox(left, right, flex_wrap="wrap", sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
            css_classes=["govsim-rp-projector-page"],
        )
        self.refresh()

    @spoken
    def refresh(self, force: bool = False) -> None:
        version = self.room.store.version()
        if version == self.shown[0] and not force:
            return
        state = self.room.state()
        self.shown = (version, state.phase, state.round)
        self._show_room(state)


def refused_page(text: str | None = None) -> pn.viewable.Viewable:
    """The page a wrong (or rate-limited) join code gets, in the current language."""
    set_viewport()
    text = text or _("This join code is not valid.")
    ask = _("Ask the facilitator for your team's address.")
    return RoomHTML(
        f"<h1 class='govsim-rp-refused'>{esc(text)}</h1><p>{esc(ask)}</p>",
        stylesheets=[PAGE_CSS],
    )
