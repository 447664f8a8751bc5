"""The served role-play's gates, through a real server process and Bokeh's own client: a team
address sees only its own card and cannot act as facilitator, a wrong join code gets nothing,
the server binds to loopback by default and refuses websockets from other origins; the CLI's
one-line errors."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest
from roleplay_server import Served, assert_loopback_only, free_port, serve

from govsim.cli import main

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:There is no current event loop:DeprecationWarning"),
]

UNIQUE = {  # a line each group's card has and no other card has
    "government": "Protect people online: enforce national law",
    "business": "Open markets and data",
    "civil_society": "Human rights online",
    "technical": "An Internet that keeps working",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = serve(
        tmp_path_factory.mktemp("serve"), "--scenario", "classroom", "--issues", "1", "--budget", "2"
    )
    yield served
    served.kill()


def page_text(server, code: str) -> str:
    """Everything a page's document holds, as its browser would receive it."""
    import panel  # noqa: F401  (registers Panel's models with Bokeh's client)
    from bokeh.client import pull_session

    import govsim.roleplay.serve  # noqa: F401  (the countdown component's model)

    with pull_session(url=f"{server.base}/room", arguments={"code": code}) as session:
        return "\n".join(
            repr(v)
            for m in session.document.models
            for v in m.properties_with_values(include_defaults=False).values()
        )


def test_a_team_page_holds_its_own_card_only_and_no_facilitator_controls(server):
    text = page_text(server, server.code("business"))
    assert UNIQUE["business"] in text
    assert not any(UNIQUE[g] in text for g in UNIQUE if g != "business")
    assert "govsim-rp-next" not in text and "End the session" not in text
    facilitator = page_text(server, server.code("facilitator"))
    assert "govsim-rp-next" in facilitator and not any(line in facilitator for line in UNIQUE.values())


def test_a_wrong_join_code_gets_nothing(server):
    text = page_text(server, "not-a-code")
    assert "This join code is not valid" in text and "Interests" not in text and "govsim-rp-next" not in text
    for path in ("/rp/card", "/rp/join", "/rp/export", "/rp/debrief"):
        for code in ("", "x", server.code("business") + "x"):
            status, body = server.get(path, code=code)
            assert status == 403 and "refused" in body, (path, code)


def test_a_team_address_cannot_fetch_another_card_or_act_as_facilitator(server):
    team = server.code("civil_society")
    status, body = server.get("/rp/card", code=team)
    assert status == 200 and UNIQUE["civil_society"] in body and body.count("class='govsim-card'") == 1
    status, _ = server.get("/rp/card", code=team, team="government")
    assert status == 403
    for path in ("/rp/join", "/rp/export", "/rp/debrief"):
        assert server.get(path, code=team)[0] == 403, path
    status, body = server.get("/rp/card", code=server.code("facilitator"))
    assert status == 200 and all(line in body for line in UNIQUE.values())
    status, body = server.get("/rp/export", code=server.code("facilitator"))
    assert status == 200 and json.loads(body)["format"] == "govsim-roleplay"
    status, body = server.get("/rp/join", code=server.code("facilitator"))
    assert status == 200 and body.count("<svg") == 4 and server.code("technical") in body


def test_pages_are_not_cached_and_the_debrief_waits_for_the_end(server):
    with urllib.request.urlopen(f"{server.base}/rp/alive") as reply:
        assert reply.headers["Cache-Control"] == "no-store"
    assert server.get("/rp/debrief", code=server.code("facilitator"))[0] == 409


def test_default_bind_is_loopback_and_foreign_websocket_origins_are_refused(server):
    assert_loopback_only(server)
    assert handshake(server, "http://evil.example").startswith("HTTP/1.1 403")
    assert handshake(server, f"http://127.0.0.1:{server.port}").startswith("HTTP/1.1 101")


def handshake(server, origin: str) -> str:
    """The status line of a websocket handshake to the room app from ``origin``."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(
            (
                f"GET /room/ws HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nOrigin: {origin}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        return s.recv(200).decode(errors="replace").split("\r\n")[0]


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert (
        main(
            [
                "roleplay",
                "serve",
                "--scenario",
                "classroom",
                "--issues",
                "9",
                "--session",
                str(tmp_path / "a"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "issues=9 is more than the 5 issues" in err and err.count("\n") == 1
    assert main(["roleplay", "serve", "--fallback", "coin", "--session", str(tmp_path / "b")]) == 2
    assert "fallback='coin' is not a fallback" in capsys.readouterr().err
    assert main(["roleplay", "export", "--session", str(tmp_path / "missing.sqlite")]) == 2
    assert "is not a session file" in capsys.readouterr().err
    out = tmp_path / "cards.html"
    assert main(["roleplay", "cards", "wcit_2012", "--out", str(out)]) == 0
    assert out.read_text().count("class='govsim-card'") == 4


def test_lan_addresses_come_from_the_outbound_interface_never_the_host_name(monkeypatch):
    """Issue 23: with --host 0.0.0.0 the first printed address is one a phone can reach: found
    from the outbound interface (a UDP connect() sends nothing), never from the host name's
    lookup (127.0.1.1 on Debian and Ubuntu); loopback comes last."""
    import govsim.screen.serving as served

    def no_lookup(*_args):
        raise AssertionError("the host name was looked up")

    monkeypatch.setattr(socket, "gethostbyname_ex", no_lookup)
    found = served.outbound_addresses()
    assert all(served._reachable(a) for a in found)
    hosts = served.local_addresses("0.0.0.0")
    assert "127.0.0.1" in hosts and "localhost" in hosts and "127.0.1.1" not in hosts
    lan = [a for a in found if ":" not in a]
    assert hosts[: len(lan)] == lan and not any(":" in h for h in hosts)
    assert not served._reachable("127.0.1.1") and not served._reachable("fe80::1")
    assert served._reachable("192.0.2.2") and served._reachable("10.1.2.3")


def test_lan_addresses_fall_back_to_the_interfaces(monkeypatch):
    """No route out (no Wi-Fi uplink): the interfaces' own addresses are used."""
    import govsim.screen.serving as served

    class NoRoute(socket.socket):
        def connect(self, _address):
            raise OSError("Network is unreachable")

    monkeypatch.setattr(served.socket, "socket", NoRoute)
    monkeypatch.setattr(served, "_interface_addresses", lambda: ["127.0.0.1", "10.0.0.7"])
    assert served.outbound_addresses() == ["10.0.0.7"]
    assert served.local_addresses("0.0.0.0")[0] == "10.0.0.7"


def test_every_address_serves_on_a_machine_with_ipv6_addresses(tmp_path):
    """break23r F1: with an IPv6 LAN address (fd00::2) ``--host 0.0.0.0`` exited 2 with
    "Invalid host value: [fd00::2]:8731" (Bokeh refuses IPv6 websocket origins) after creating
    the session file. Through a real start, address discovery returning IPv6 and IPv4: the
    server serves, prints the IPv4 LAN address, accepts websockets from it and never an IPv6 one."""
    discovered = (
        "import govsim.screen.serving as s; s.outbound_addresses = lambda: ['fd00::2', '198.51.100.7']"
    )
    served = Served(
        tmp_path / "room.sqlite", free_port(), tmp_path / "server.log",
        ["--scenario", "classroom", "--issues", "1", "--budget", "1", "--host", "0.0.0.0"], prelude=discovered,
    )  # fmt: skip
    served.start()
    try:
        assert served.links["facilitator"].startswith(f"http://198.51.100.7:{served.port}/room?code=")
        assert "fd00::2" not in served.log.read_text()
        assert handshake(served, f"http://198.51.100.7:{served.port}").startswith("HTTP/1.1 101")
        assert handshake(served, "http://evil.example").startswith("HTTP/1.1 403")
    finally:
        served.kill()


def test_an_address_that_cannot_serve_creates_nothing(tmp_path, capsys):
    """A single IPv6 host or an IPv6 --allow-origin cannot be served: one line, exit 2, and no
    session file (it used to be created before Bokeh refused the origin)."""
    session = tmp_path / "room.sqlite"
    base = ["roleplay", "serve", "--session", str(session), "--port", str(free_port())]
    assert main([*base, "--allow-origin", "[fd00::2]:8731"]) == 2
    err = capsys.readouterr().err
    assert "websocket origin '[fd00::2]:8731'" in err and err.count("\n") == 1
    assert main([*base, "--host", "::1", "--allow-origin", "[::1]:80"]) == 2
    assert not session.exists()
    capsys.readouterr()


def test_join_code_guesses_are_rate_limited_per_address():
    from govsim.screen.serving import GuessLimit

    now = [0.0]
    limit = GuessLimit(per_minute=3, clock=lambda: now[0])

    class Room:
        def access(self, code):
            return "holder" if code == "right" else None

    room = Room()
    assert limit.check(room, "right", "a") == ("holder", "")
    for _ in range(3):
        assert limit.check(room, "wrong", "a")[0] is None
    held, why = limit.check(room, "wrong", "a")  # blocked: a wrong code is told to wait
    assert held is None and why.startswith("Too many")
    assert limit.check(room, "right", "a") == ("holder", "")  # a valid code always passes (roombreak F7)
    assert limit.check(room, "right", "b") == ("holder", "")  # another device is not held up
    now[0] = 61.0
    assert limit.check(room, "right", "a") == ("holder", "")


def test_the_facilitators_own_machine_has_a_higher_guess_limit():
    """break23r: a facilitator mistyping on the serving laptop (loopback) was locked out for a
    minute after 20 wrong codes; loopback now has LOOPBACK_GUESSES_PER_MINUTE, others still 20."""
    from govsim.screen.serving import LOOPBACK_GUESSES_PER_MINUTE, GuessLimit

    class Room:
        def access(self, code):
            return "holder" if code == "right" else None

    limit, room = GuessLimit(per_minute=20, clock=lambda: 0.0), Room()
    for who in ("127.0.0.1", "::1", "192.0.2.9"):
        for _ in range(20):
            limit.check(room, "wrong", who)
    assert limit.check(room, "wrong", "192.0.2.9")[1].startswith("Too many")
    assert not limit.check(room, "wrong", "127.0.0.1")[1].startswith("Too many")
    assert limit.check(room, "right", "192.0.2.9") == ("holder", "")  # valid codes always pass
    assert limit.check(room, "right", "127.0.0.1") == ("holder", "")
    assert limit.check(room, "right", "::1") == ("holder", "")
    for _ in range(LOOPBACK_GUESSES_PER_MINUTE):
        limit.check(room, "wrong", "127.0.0.1")
    assert limit.check(room, "wrong", "127.0.0.1")[1].startswith("Too many")


def test_a_guessing_flood_is_answered_with_wait(tmp_path):
    """770 guesses a second before issue 23: now 20 wrong codes a minute per address, then 429
    on the HTTP routes and a "wait a minute" page on /room for further wrong codes; a valid code
    always passes (the room's breakers: a blocked address was refused its own valid codes)."""
    served = serve(tmp_path, "--scenario", "classroom", "--issues", "1", "--budget", "1")
    try:
        statuses = [served.get("/rp/card", code=f"guess{n:04d}")[0] for n in range(65)]
        assert statuses[:60] == [403] * 60 and set(statuses[60:]) == {429}  # loopback: 60
        status, _ = served.get("/rp/card", code=served.code("business"))
        assert status == 200  # a valid code always passes (roombreak F7: codes carry 72 random bits)
        assert "Too many wrong join codes" in page_text(served, "guess9999")
    finally:
        served.kill()
