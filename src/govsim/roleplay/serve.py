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

import ipaddress
import json
import socket
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import panel as pn
from tornado.web import RequestHandler

from govsim.escape import html_text as esc
from govsim.groups import Group
from govsim.i18n import _, language, parse_language
from govsim.roleplay.cards import role_card, role_cards
from govsim.roleplay.debrief import debrief_sheet_html
from govsim.roleplay.page import page_html
from govsim.roleplay.pages import (
    BOOT,
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
from govsim.values import whole

# ---------------------------------------------------------------- guessing
GUESSES_PER_MINUTE = 20  # wrong join codes one address may try per minute
LOOPBACK_GUESSES_PER_MINUTE = 60  # the serving machine itself: the facilitator's laptop


def _loopback(who: str) -> bool:
    try:
        return ipaddress.ip_address(who.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class GuessLimit:
    """Join-code guesses, rate-limited per client address: after ``per_minute`` wrong codes in
    the last 60 s, an address's codes are not even checked (right or wrong, the answer is "wait")
    until the oldest guess is a minute old. A participant who mistypes is not locked out for long;
    a guesser gets ``per_minute`` tries a minute instead of hundreds a second. The serving
    machine's own loopback address (the facilitator's laptop) may try
    :data:`LOOPBACK_GUESSES_PER_MINUTE`, so a facilitator who mistypes there is not locked out."""

    def __init__(
        self, per_minute: int = GUESSES_PER_MINUTE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute, self.clock = per_minute, clock
        self.wrong: dict[str, deque[float]] = {}

    def blocked(self, who: str) -> bool:
        times = self.wrong.get(who)
        if not times:
            return False
        while times and self.clock() - times[0] >= 60.0:
            times.popleft()
        if not times:
            self.wrong.pop(who, None)
        return len(times) >= (LOOPBACK_GUESSES_PER_MINUTE if _loopback(who) else self.per_minute)

    def failed(self, who: str) -> None:
        if len(self.wrong) > 10_000:  # many addresses: forget those with nothing recent
            for key in [k for k, v in self.wrong.items() if not v or self.clock() - v[-1] >= 60.0]:
                self.wrong.pop(key, None)
        self.wrong.setdefault(who, deque()).append(self.clock())

    def check(self, room: Room, code: str | None, who: str) -> tuple[Any, str]:
        """(the code's holder or None, why not): the room's :meth:`Room.access` behind the limit."""
        if self.blocked(who):
            return None, _("Too many wrong join codes from this device: wait a minute, then try again.")
        holder = room.access(code)
        if holder is None:
            self.failed(who)
            return None, _("This join code is not valid.")
        return holder, ""


GUESSES = GuessLimit()


# ---------------------------------------------------------------- HTTP routes
class _Gate(RequestHandler):
    lang: str = "en"  # the session's language (``serve --lang``); ``?lang=`` overrides it per page

    def initialize(self, room: Room) -> None:
        self.room = room

    def prepare(self) -> None:
        asked = self.get_query_argument("lang", None)
        try:
            self.spoken = parse_language(asked) if asked else type(self).lang
        except ValueError:
            self.spoken = type(self).lang

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")

    def holder(self, facilitator_only: bool = False) -> Any:
        blocked = GUESSES.blocked(self.request.remote_ip)  # as check() decides it, before this guess
        who, _why = GUESSES.check(self.room, self.get_query_argument("code", None), self.request.remote_ip)
        if who is None and blocked:
            self.set_status(429)
            self.set_header("Retry-After", "60")
            self.finish("refused: too many wrong join codes from this address; wait a minute\n")
            return None
        if who is None or (facilitator_only and who.role != "facilitator") or who.role == PROJECTOR:
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
    def cards(self) -> None:
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
            codes = self.room.codes
            parts = []
            for team in self.room.play.teams:
                url = f"{self.base}/room?code={codes[team]}" + (
                    f"&lang={self.spoken}" if self.spoken != "en" else ""
                )
                scan = _("Scan the code, or type the address, on your team's phone or tablet.")
                parts.append(
                    "<section style='page-break-after: always'>"
                    f"<h1>{esc(Group.parse(team).label)}</h1><p>{esc(scan)}</p><p translate='no'>{esc(url)}</p>"
                    f"{qr_svg(url)}</section>"
                )
            self.page(page_html(_("Join sheet"), "".join(parts)))


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
                return refused_page(why)
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


def check_address(host: str, port: int, origins: tuple[str, ...] = ()) -> None:
    """Refuse, before anything is created, an address the server could not listen on.

    ``port`` must be a whole number in [1, 65535] (0, "any free port", is refused: the join
    addresses are printed before the server starts); ``host`` must be an address or name of
    this machine, and ``host:port`` free (checked by binding it once, as the server will); a
    single IPv6 address other than ``::1`` is refused (Bokeh cannot allow an IPv6 websocket
    origin, so no page opened at it could connect: use ``::`` or ``0.0.0.0``); the websocket
    origins the server will allow (:func:`websocket_origins`) must be ones Bokeh accepts.

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
    if ":" in host and host not in ("::", "::1"):
        raise ValueError(
            f"--host {host!r}: a single IPv6 address cannot be served (browsers' websocket origins "
            "for it are refused); use :: or 0.0.0.0 (every address) or an IPv4 address or host name"
        )
    websocket_origins(host, port, origins)


def websocket_origins(host: str, port: int, origins: tuple[str, ...] = ()) -> list[str]:
    """The ``host:port`` origins whose websockets the server accepts: :func:`local_addresses`
    and ``origins`` (``--allow-origin``), checked as Bokeh will check them at start-up.

    Raises
    ------
    ValueError
        One line naming an origin Bokeh refuses (an IPv6 address: Bokeh splits on ``:``).
    """
    from bokeh.server.util import create_hosts_allowlist

    allowed = [f"{h}:{port}" for h in local_addresses(host)] + list(origins)
    for origin in allowed:
        try:
            create_hosts_allowlist([origin], port)
        except ValueError as exc:
            raise ValueError(
                f"websocket origin {origin!r} (from --host or --allow-origin) is not host[:port] "
                f"with an IPv4 address or a name ({exc})"
            ) from None
    return allowed


NO_ROUTE = ("192.0.2.1", "2001:db8::1")  # TEST-NET-1 and the documentation prefix (RFC 5737, 3849)


def outbound_addresses() -> list[str]:
    """This machine's addresses on the network it would reach others through (the outbound
    interface), for phones on the same Wi-Fi: a UDP socket "connected" to a documentation
    address (no packet is sent; the kernel only picks a route and source address), then, if that
    finds nothing, the addresses of every interface (``ip -o addr``/``getifaddrs`` through
    ``socket.if_nameindex``). Never the host name's lookup, which on Debian and Ubuntu gives only
    127.0.1.1. Loopback and link-local addresses are left out."""
    found: list[str] = []
    for family, target in ((socket.AF_INET, NO_ROUTE[0]), (socket.AF_INET6, NO_ROUTE[1])):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 9))  # UDP connect(): a route lookup, nothing is sent
                found.append(probe.getsockname()[0])
        except OSError:
            continue
    if not [a for a in found if _reachable(a)]:
        found += _interface_addresses()
    return [*dict.fromkeys(a for a in found if _reachable(a))]


def _reachable(address: str) -> bool:
    """An address another device could use: not loopback, link-local, unspecified or multicast."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def _interface_addresses() -> list[str]:
    """Every interface's IPv4 address (Linux: SIOCGIFADDR per interface name); empty elsewhere."""
    try:
        import fcntl
        import struct
    except ImportError:  # Windows: no ioctl
        return []
    found = []
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for name in names:
            try:
                raw = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
            except OSError:
                continue
            found.append(socket.inet_ntoa(raw[20:24]))
    return found


def local_addresses(host: str) -> list[str]:
    """Host names a browser may use to reach a server bound to ``host`` (for websocket origins
    and the printed addresses), the one to print first: loopback for 127.0.0.1 (``localhost``
    for ::1); for 0.0.0.0 (or ::) the machine's IPv4 LAN addresses (:func:`outbound_addresses`),
    then loopback, then the machine's own name, so a phone on the room's network gets an address
    it can open. IPv6 addresses are left out: Bokeh cannot allow an IPv6 websocket origin
    (``[fd00::2]:8731`` fails its ``host:port`` check), so a page opened at one would not connect;
    on an IPv6-only network the machine's name is printed first."""
    if host in ("127.0.0.1", "localhost"):
        return ["127.0.0.1", "localhost"]
    if host == "::1":
        return ["localhost"]
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    lan = [a for a in outbound_addresses() if ":" not in a]
    name = socket.gethostname()
    named = [name] if name and ":" not in name and name != "localhost" else []
    if not lan:
        return [*dict.fromkeys([*named, "127.0.0.1", "localhost"])]
    return [*dict.fromkeys([*lan, "127.0.0.1", "localhost", *named])]


def addresses(room: Room, host: str, port: int) -> dict[str, str]:
    """The join address of the facilitator and of each team (first reachable host name)."""
    base = f"http://{local_addresses(host)[0]}:{port}"
    codes = room.codes
    return {who: f"{base}/room?code={codes[who]}" for who in ["facilitator", PROJECTOR, *room.play.teams]}


def build_server(
    room: Room, host: str = "127.0.0.1", port: int = 5006, origins: tuple[str, ...] = (), lang: str = "en"
) -> Any:
    """The Panel server (not started): the room app and the gated HTTP routes, speaking ``lang``
    unless a page asks for another (``?lang=fr``)."""
    lang = parse_language(lang)
    allowed = websocket_origins(host, port, origins)
    JoinHandler.base = f"http://{local_addresses(host)[0]}:{port}"
    _Gate.lang = lang
    routes = [
        (r"/rp/alive", AliveHandler, {"room": room}),
        (r"/rp/card", CardHandler, {"room": room}),
        (r"/rp/join", JoinHandler, {"room": room}),
        (r"/rp/export", ExportHandler, {"room": room}),
        (r"/rp/debrief", DebriefHandler, {"room": room}),
    ]
    return pn.serve(
        {"room": app_factory(room, lang)},
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
    lang: str = "en",
) -> None:
    """Print the join addresses (and QR codes), then serve until interrupted (see
    :func:`check_address` for the address rules; the command line checks them before it
    creates the session file)."""
    check_address(host, port, origins)
    server = build_server(room, host, port, origins, lang)
    links = addresses(room, host, port)
    with language(lang):  # the facilitator's terminal speaks the session's language too
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
        if host not in ("127.0.0.1", "localhost"):
            out(
                _("listening on {address}: anyone on this network who has a join address can open it").format(
                    address=f"{host}:{port}"
                )
            )
        out(_("stop with Ctrl+C; start again with the same --session file to resume"))
        stopped = "govsim roleplay: " + _("stopped (the session file keeps every committed round)")
        warm(room)
    server.start()
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        out(stopped)
    finally:
        server.stop()
