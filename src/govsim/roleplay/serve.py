"""Every team on its own device: the role-play served by Panel, state in a SQLite session file.

``govsim roleplay serve --scenario S --session room.sqlite`` starts one Panel server (bound to
127.0.0.1 unless ``--host`` is given; with ``--host 0.0.0.0`` the printed addresses and QR codes
use the machine's LAN address, :func:`local_addresses`) with one app, ``/room``. The join code in
the address decides what a page is: the facilitator's (advance, extend, skip, end; who has
submitted; the debrief), the projector's (the same view without controls, sized for a 1080p
screen, with its own code: photographing it gives nothing to act with) or one team's (its own
card, the text on the table, the countdown and a move form, laid out for a phone). A page is
built on the server for its holder only, so a team's browser never receives another team's card,
or any team's move before the reveal. A wrong code gets a page that says so and nothing else;
more than :data:`GUESSES_PER_MINUTE` wrong codes a minute from one address are not even checked.

Plain HTTP routes (also gated by the code): ``/rp/card`` (the holder's printable card; all
cards for the facilitator), ``/rp/join`` (facilitator: printable join sheet with QR codes),
``/rp/export`` (facilitator: the session as hot-seat JSON), ``/rp/debrief`` (facilitator: the
printable debrief sheet) and ``/rp/alive`` (the server's boot id). Pages get a heartbeat; when
it stops they show "Connection lost, reconnecting" and reload once the server answers (with a
jittered back-off: see :class:`govsim.roleplay.pages.Clock`). What the first pages after a start
show is computed before the server listens (:func:`warm`), so a restart in any phase, the
debrief included, serves every page cheaply.

The pages themselves are in :mod:`govsim.roleplay.pages`, the HTML they show in
:mod:`govsim.roleplay.screens`, the session's rules in :mod:`govsim.roleplay.room`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import panel as pn

from govsim.escape import html_text as esc
from govsim.groups import Group
from govsim.i18n import _, language, locale_name, parse_language
from govsim.roleplay.cards import role_card, role_cards
from govsim.roleplay.debrief import debrief_sheet_html
from govsim.roleplay.page import page_html
from govsim.roleplay.pages import (
    HUB,
    POLL_MS,
    FacilitatorPage,
    ProjectorPage,
    TeamPage,
    heartbeat,
    refused_page,
    set_viewport,
)
from govsim.roleplay.room import PROJECTOR, Phase, Room
from govsim.roleplay.screens import facilitator_debrief_html, projector_png, room_debrief, team_debrief_html
from govsim.screen.serving import (
    GUESSES,
    AliveHandler,
    Gated,
    check_address,
    local_addresses,
    qr_svg,
    qr_text,
    speak_page,
    websocket_origins,
)

__all__ = [
    "announce",
    "app_factory",
    "build_server",
    "check_address",
    "routes",
    "run",
    "serve",
    "team_join_sections",
    "warm",
]


# ---------------------------------------------------------------- HTTP routes
class _Gate(Gated):
    lang: str = "en"  # the session's language (``serve --lang``); ``?lang=`` overrides it per page

    def initialize(self, room: Room) -> None:
        self.room = room

    def prepare(self) -> None:
        asked = self.get_query_argument("lang", None)
        try:
            self.spoken = parse_language(asked) if asked else type(self).lang
        except ValueError:
            self.spoken = type(self).lang

    def holder(self, facilitator_only: bool = False) -> Any:
        who = self.admit(self.room, self.get_query_argument("code", None))
        if who is not None and ((facilitator_only and who.role != "facilitator") or who.role == PROJECTOR):
            self.refuse()
            return None
        return who


class CardHandler(_Gate):
    def cards(self) -> None:
        who = self.holder()
        if who is None:
            return
        asked = self.get_query_argument("team", None)
        play = self.room.play
        if who.role == "team":
            if asked not in (None, who.team):
                self.set_status(403)
                self.finish(_("refused: a team address shows only its own card") + "\n")
                return
            cards = [role_card(play.setup, who.team, play.protocol)]
        else:
            cards = role_cards(play.setup, play.protocol, (asked,) if asked in play.teams else play.teams)
        self.page(page_html(_("Role cards"), "".join(c.html() for c in cards)))

    def get(self) -> None:
        with language(self.spoken):
            self.cards()


class JoinHandler(_Gate):
    """A printable join sheet: one page per team with its address and QR code."""

    base: str = ""

    def get(self) -> None:
        if self.holder(facilitator_only=True) is None:
            return
        with language(self.spoken):
            sections = team_join_sections(self.room, self.base, self.spoken)
            self.page(page_html(_("Join sheet"), "".join(sections)))


def team_join_sections(room: Room, base: str, lang: str = "en") -> list[str]:
    """One printable section per team: its name, join address (``base`` + ``/room?code=``) and
    QR code, in ``lang``."""
    codes, parts = room.codes, []
    with language(lang):
        for team in room.play.teams:
            url = f"{base}/room?code={codes[team]}" + (f"&lang={lang}" if lang != "en" else "")
            scan = _("Scan the code, or type the address, on your team's phone or tablet.")
            parts.append(
                "<section style='page-break-after: always'>"
                f"<h1>{esc(Group.parse(team).label)}</h1><p>{esc(scan)}</p><p translate='no'>{esc(url)}</p>"
                f"{qr_svg(url)}</section>"
            )
    return parts


class ExportHandler(_Gate):
    def get(self) -> None:
        if self.holder(facilitator_only=True) is None:
            return
        self.set_header("Content-Type", "application/json")
        self.set_header("Content-Disposition", "attachment; filename=roleplay.json")
        self.finish(json.dumps(self.room.export(), indent=2))


class DebriefHandler(_Gate):
    """``/rp/debrief``: the printable debrief sheet, in the page's language (the session's
    unless ``?lang=`` asks for another), numbers in its locale."""

    def get(self) -> None:
        with language(self.spoken):
            self.sheet()

    def sheet(self) -> None:
        if self.holder(facilitator_only=True) is None:
            return
        if self.room.phase() is not Phase.ENDED:
            self.set_status(409)
            self.finish(_("the session is not over yet: end it first") + "\n")
            return
        self.page(debrief_sheet_html(room_debrief(self.room)))


def _arg(name: str) -> str:
    raw = pn.state.session_args.get(name, [b""])[0]
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def page_language(asked: str, session: str) -> str:
    """The language a page speaks: its ``?lang=`` when that is a language of the kit, else the
    session's (``serve --lang``)."""
    try:
        return parse_language(asked) if asked else session
    except ValueError:
        return session


def app_factory(room: Room, lang: str = "en") -> Callable[[], pn.viewable.Viewable]:
    def app() -> pn.viewable.Viewable:
        code = _arg("code")
        spoken = page_language(_arg("lang"), lang)
        request = getattr(pn.state.curdoc.session_context, "request", None)
        address = getattr(request, "remote_ip", None) or "?"
        with language(spoken):
            who, why = GUESSES.check(room, code, address)
            if who is None:
                speak_page(locale_name(), _("govsim role-play"))
                return refused_page(why)
            role = (
                _("facilitator")
                if who.role == "facilitator"
                else _("projector")
                if who.role == PROJECTOR
                else Group.parse(who.team).label
            )
            speak_page(locale_name(), _("{page} · govsim role-play").format(page=role))
        set_viewport()
        if who.role == "facilitator":
            page: Any = FacilitatorPage(room, code, spoken)
        elif who.role == PROJECTOR:
            page = ProjectorPage(room, spoken)
        else:
            page = TeamPage(room, who.team, spoken)
        pn.state.add_periodic_callback(heartbeat(page), period=POLL_MS)
        HUB.add(room, page)
        return page.layout

    return app


def warm(room: Room) -> None:
    """Compute what the first pages after a start will show (the projector picture; after the
    end, the debrief and its figure), so a restart in any phase builds each page cheaply (in the
    current language: the session's)."""
    projector_png(room)
    if room.phase() is Phase.ENDED:
        room_debrief(room)
        facilitator_debrief_html(room)
        facilitator_debrief_html(room, compact=True)
        for team in room.play.teams:
            team_debrief_html(room, team)


def addresses(room: Room, host: str, port: int) -> dict[str, str]:
    """The join address of the facilitator and of each team (first reachable host name)."""
    base = f"http://{local_addresses(host)[0]}:{port}"
    codes = room.codes
    return {who: f"{base}/room?code={codes[who]}" for who in ["facilitator", PROJECTOR, *room.play.teams]}


def routes(room: Room, host: str, port: int, lang: str = "en") -> list[tuple]:
    """The role-play's gated HTTP routes (``/rp/...``), for :func:`build_server` or a server
    that serves the role-play beside other pages (:mod:`govsim.room.serve`)."""
    JoinHandler.base = f"http://{local_addresses(host)[0]}:{port}"
    _Gate.lang = parse_language(lang)
    return [
        (r"/rp/alive", AliveHandler),
        (r"/rp/card", CardHandler, {"room": room}),
        (r"/rp/join", JoinHandler, {"room": room}),
        (r"/rp/export", ExportHandler, {"room": room}),
        (r"/rp/debrief", DebriefHandler, {"room": room}),
    ]


def build_server(
    room: Room,
    host: str = "127.0.0.1",
    port: int = 5006,
    origins: tuple[str, ...] = (),
    lang: str = "en",
    more: tuple[tuple, ...] = (),
    title: str | None = None,
) -> Any:
    """The Panel server (not started): the role-play app (``/room``) and the gated HTTP routes,
    plus ``more`` routes, speaking ``lang`` unless a page asks for another (``?lang=fr``). Each
    page sets its own ``<title>`` and ``<html lang>`` in its language (``title`` is Panel's
    fallback only)."""
    lang = parse_language(lang)
    allowed = websocket_origins(host, port, origins)
    return pn.serve(
        {"room": app_factory(room, lang)},
        port=port,
        address=host,
        websocket_origin=allowed,
        show=False,
        start=False,
        title=title,
        extra_patterns=[*routes(room, host, port, lang), *more],
    )


def announce(room: Room, links: dict[str, str], qr: bool, out: Callable[[str], None]) -> None:
    """Print the session's state, rules and join addresses (QR codes with ``qr``), in the
    current language."""
    played = len(room.play.history)
    rounds = _("1 round played") if played == 1 else _("{rounds} rounds played").format(rounds=played)
    out(
        "govsim roleplay: "
        + _("session file {path} ({phase}, {rounds})").format(
            path=room.store.path, phase=room.phase().value, rounds=rounds
        )
    )
    out(_("rules: {announcement}").format(announcement=room.play.announcement))
    out(
        _("facilitator: {link}  (your screen only: it carries your controls)").format(
            link=links["facilitator"]
        )
    )
    out("  " + _("projector: {link}  (the room's screen: no controls)").format(link=links[PROJECTOR]))
    for team in room.play.teams:
        out(f"{Group.parse(team).label:>20}: {links[team]}")
        if qr:
            out(qr_text(links[team]))


def run(server: Any, stopped: str, out: Callable[[str], None] = print) -> None:
    """Start ``server`` and serve until interrupted; then say ``stopped``."""
    server.start()
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        out(stopped)
    finally:
        server.stop()


def serve(
    room: Room,
    host: str = "127.0.0.1",
    port: int = 5006,
    origins: tuple[str, ...] = (),
    qr: bool = True,
    out: Callable[[str], None] = print,
    lang: str = "en",
) -> None:
    """Print the join addresses (and QR codes), then serve until interrupted (see
    :func:`check_address` for the address rules; the command line checks them before it
    creates the session file)."""
    check_address(host, port, origins)
    server = build_server(room, host, port, origins, lang)
    links = addresses(room, host, port)
    with language(lang):  # the facilitator's terminal speaks the session's language too
        announce(room, links, qr, out)
        if host not in ("127.0.0.1", "localhost"):
            out(
                _("listening on {address}: anyone on this network who has a join address can open it").format(
                    address=f"{host}:{port}"
                )
            )
        out(_("stop with Ctrl+C; start again with the same --session file to resume"))
        stopped = "govsim roleplay: " + _("stopped (the session file keeps every committed round)")
        warm(room)
    run(server, stopped, out)
