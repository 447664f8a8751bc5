"""Serving pages to every device in the room: one home for what the role-play server
(:mod:`govsim.roleplay.serve`) and the room server (:mod:`govsim.room.serve`) share.

- who may listen where: :func:`check_address` (refused before anything is created),
  :func:`websocket_origins`, :func:`local_addresses` (the addresses printed for phones on the
  room's network: the outbound interface, never the host name's lookup);
- join codes: :class:`GuessLimit` (:data:`GUESSES`, one for the whole server, so guesses at any
  route count together) and :class:`Gated`, the HTTP handler base with the security headers,
  the code gate (403, or 429 after too many wrong codes) and the page and JSON answers;
- the heartbeat: :data:`BOOT` (changes with every server start) and :class:`AliveHandler`
  (``/rp/alive``): pages poll it, say "Connection lost, reconnecting" while it does not answer,
  and reload once when the boot id is new;
- QR codes of join addresses (:func:`qr_svg`, :func:`qr_text`).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import secrets
import socket
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from tornado.web import RequestHandler

from govsim.i18n import _
from govsim.values import whole

BOOT = secrets.token_hex(8)  # changes with every server start
#: what a page that shows no user scripts allows (the role-play's printable pages)
STRICT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


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
    the last 60 s, an address's wrong codes are answered "wait" (429) until the oldest guess is a
    minute old. Only wrong codes are limited: a valid code or key always opens its page, so a
    script (or a venue's Wi-Fi putting every phone behind one address) that sent wrong codes
    never locks the facilitator or the other participants out. That tells a blocked guesser
    nothing it could use: every code has 72 random bits (``secrets.token_urlsafe(9)``; a key,
    144), so at ``per_minute`` guesses, or even thousands a second, none is ever found. The
    serving machine's own loopback address (the facilitator's laptop) may try
    :data:`LOOPBACK_GUESSES_PER_MINUTE`."""

    def __init__(
        self, per_minute: int = GUESSES_PER_MINUTE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute, self.clock = per_minute, clock
        self.wrong: dict[str, deque[float]] = {}

    def blocked(self, who: str) -> bool:
        """Whether address ``who`` has used up its wrong codes for the last minute."""
        times = self.wrong.get(who)
        if not times:
            return False
        while times and self.clock() - times[0] >= 60.0:
            times.popleft()
        if not times:
            self.wrong.pop(who, None)
        return len(times) >= (LOOPBACK_GUESSES_PER_MINUTE if _loopback(who) else self.per_minute)

    def failed(self, who: str) -> None:
        """Count one wrong code from address ``who``."""
        if len(self.wrong) > 10_000:  # many addresses: forget those with nothing recent
            for key in [k for k, v in self.wrong.items() if not v or self.clock() - v[-1] >= 60.0]:
                self.wrong.pop(key, None)
        self.wrong.setdefault(who, deque()).append(self.clock())

    def check(self, room: Any, code: str | None, who: str) -> tuple[Any, str]:
        """(the code's holder or None, why not): ``room.access(code)``; a wrong code counts
        against the limit, and is answered "wait" once it is used up."""
        holder = room.access(code)  # a valid code always passes (compared in constant time)
        if holder is not None:
            return holder, ""
        if self.blocked(who):
            return None, _("Too many wrong join codes from this device: wait a minute, then try again.")
        self.failed(who)
        return None, _("This join code is not valid.")


def speak_page(lang: str, title: str) -> None:
    """Make the Panel page being built say its language and title: ``<html lang=..>`` (Panel's
    page template says "en" whatever the page speaks, so a browser offered to translate a
    French page from English) and ``<title>``. Call it in the app function, before the page is
    sent; the server must not impose a title of its own (``pn.serve(title=None)``)."""
    import panel as pn

    doc = pn.state.curdoc
    if doc is None:
        return
    doc.template = _page_template()
    doc.template_variables["html_lang"] = lang
    doc.template_variables["page_title"] = title


@functools.cache
def _page_template() -> Any:
    """Panel's page template with its language and title arguments (``html_lang``,
    ``page_title``: Panel sets the document's title itself after the app function runs)."""
    from panel.io.resources import _env

    source = _env.loader.get_source(_env, "base.html")[0]
    said = {
        '<html lang="en"': "<html lang=\"{{ html_lang | default('en') | e }}\"",
        '{{ title | e if title else "Panel App" }}': '{{ (page_title or title or "Panel App") | e }}',
    }
    for panels, ours in said.items():
        if panels not in source:  # a Panel whose template moved on: the page-shell tests say so
            raise RuntimeError(f"Panel's base.html no longer has {panels!r} to replace")
        source = source.replace(panels, ours, 1)
    return _env.from_string(source)


GUESSES = GuessLimit()


class Gated(RequestHandler):
    """An HTTP route of a served room: no caching, no framing, no referrer, no sniffing; a join
    code checked behind :data:`GUESSES` (:meth:`admit`); HTML (:meth:`page`) and JSON
    (:meth:`reply`) answers."""

    def set_default_headers(self) -> None:
        """Headers every answer carries (Tornado calls this before each)."""
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")

    def _request_summary(self) -> str:
        """The request as Tornado's log line shows it: the path without its query, so a join
        code or a participant's key never reaches the terminal (which may be on the projector)."""
        return f"{self.request.method} {self.request.path} ({self.request.remote_ip})"

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Log an uncaught error by path only (Tornado's own line prints the whole request,
        query and all: a participant's key would reach the terminal)."""
        from tornado.log import app_log
        from tornado.web import HTTPError

        if isinstance(value, HTTPError):
            super().log_exception(typ, value, tb)
            return
        app_log.error("Uncaught exception %s", self._request_summary(), exc_info=(typ, value, tb))

    def admit(self, room: Any, code: str | None) -> Any:
        """The holder of ``code`` in ``room`` (``room.access(code)``), or None with the answer
        already sent: 429 when this address has guessed too often, else 403."""
        blocked = GUESSES.blocked(self.request.remote_ip)  # as check() decides it, before this guess
        who, _why = GUESSES.check(room, code, self.request.remote_ip)
        if who is None and blocked:
            self.set_status(429)
            self.set_header("Retry-After", "60")
            self.finish(_("refused: too many wrong join codes from this address; wait a minute") + "\n")
            return None
        if who is None:
            self.refuse()
        return who

    def refuse(self, status: int = 403) -> None:
        """Answer ``status`` (403: a wrong code, or one that may not see this) and nothing else."""
        self.set_status(status)
        self.finish(_("refused: wrong join code, or an address that may not see this") + "\n")

    def page(self, html: str, csp: str = STRICT_CSP) -> None:
        """Answer with a whole HTML page under the Content-Security-Policy ``csp``."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", csp)
        self.finish(html)

    def reply(self, data: Any, status: int = 200) -> None:
        """Answer with ``data`` as JSON."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))


class AliveHandler(Gated):
    """``/rp/alive``: the server's boot id (the pages' heartbeat)."""

    def get(self) -> None:
        """``{"boot": BOOT}``."""
        self.reply({"boot": BOOT})


def qr_svg(url: str, standalone: bool = False) -> str:
    """An SVG QR code of ``url`` (segno): inline in a page, or ``standalone`` (an image file,
    with its XML namespace)."""
    import io

    import segno

    code = segno.make(url, error="m")
    if not standalone:
        return code.svg_inline(scale=6)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=6)
    return out.getvalue().decode("utf-8")


def qr_text(url: str) -> str:
    """A QR code of ``url`` for a terminal (segno)."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


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
    """The machine's addresses on the network it would reach others through (the outbound
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
