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

The pages themselves are in :mod:`govsim.roleplay.pages`, the HTML they show in
:mod:`govsim.roleplay.screens`, the session's rules in :mod:`govsim.roleplay.room`.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from typing import Any

import panel as pn
from tornado.web import RequestHandler

from govsim.escape import html_text as esc
from govsim.groups import Group
from govsim.roleplay.cards import role_card, role_cards
from govsim.roleplay.debrief import debrief_sheet_html
from govsim.roleplay.page import page_html
from govsim.roleplay.pages import BOOT, HUB, POLL_MS, FacilitatorPage, TeamPage, refused_page
from govsim.roleplay.room import Phase, Room
from govsim.roleplay.screens import room_debrief
from govsim.values import whole
from govsim.words import plural


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


def check_address(host: str, port: int) -> None:
    """Refuse, before anything is created, an address the server could not listen on.

    ``port`` must be a whole number in [1, 65535] (0, "any free port", is refused: the join
    addresses are printed before the server starts); ``host`` must be an address or name of
    this machine, and ``host:port`` free (checked by binding it once, as the server will).

    Raises
    ------
    ValueError
        One line naming the host or port and what is allowed.
    """
    port = whole(port, "--port", 1, 65535)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not host or all(part.isdigit() for part in host.split(".")):  # 256.1.1.1: no DNS lookup
            raise ValueError(f"--host {host!r} is not an IP address or host name") from None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (OSError, UnicodeError) as exc:
        raise ValueError(f"--host {host!r} is not an address of this machine ({exc})") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(address)
        except OSError as exc:
            raise ValueError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None


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
    """Print the join addresses (and QR codes), then serve until interrupted (see
    :func:`check_address` for the address rules; the command line checks them before it
    creates the session file)."""
    check_address(host, port)
    server = build_server(room, host, port, origins)
    links = addresses(room, host, port)
    out(
        f"govsim roleplay: session file {room.store.path} ({room.phase().value}, {plural(len(room.play.history), 'round')} played)"
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
