"""The room server's gates and memory, through a real ``govsim room serve`` process over HTTP:
a participant's key shows that participant's own settings, prediction and answers and nothing
of anyone else's; wrong codes and keys get nothing (and are rate-limited as the role-play's
are); the facilitator's actions need the facilitator's code; a POST from another site is
refused; names are refused in one line or kept exactly as typed, and every HTML page escapes
them; ``kill -9`` and a restart lose nothing; the command line's one-line errors."""

from __future__ import annotations

import json

import pytest
from roleplay_server import assert_loopback_only, free_port
from room_server import RoomServed, serve_room

from govsim.cli import main
from govsim.room.answering import answer_questions, describe
from govsim.room.questions import room_questions

pytestmark = [pytest.mark.slow]

HOSTILE = "<img src=x onerror=alert(1)>&amp;\"'"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = serve_room(tmp_path_factory.mktemp("room"), "--workers", "1")
    yield served
    served.kill()


def a_choice_question() -> str:
    return next(q for q in answer_questions() if describe(q)["options"])


def test_a_participant_sees_only_their_own_settings_prediction_and_answers(server):
    ana, bo = server.join("Ana"), server.join("Bo")
    status, run = server.api("/api/explore", {"key": ana, "settings": {"seed": 7}})
    assert status == 200 and run["settings"]["seed"] == 7 and run["recording"]["frames"]
    qid = a_choice_question()
    status, judged = server.api("/api/answer", {"key": ana, "qid": qid, "text": "a"})
    assert status == 200 and judged["result"]["status"]
    question = next(iter(room_questions()))
    fac = server.code("facilitate")
    status, posed = server.api("/api/act", {"code": fac, "action": "pose", "qid": question})
    assert status == 200
    option = room_questions()[question].options[0]
    status, predicted = server.api("/api/predict", {"key": ana, "poll": posed["poll"], "value": option})
    assert status == 200 and predicted["poll"]["mine"] == option
    status, mine = server.api(f"/api/me?key={ana}")
    assert mine["name"] == "Ana" and mine["settings"]["seed"] == 7 and qid in mine["answers"]
    assert mine["poll"]["mine"] == option
    status, theirs = server.api(f"/api/me?key={bo}")
    assert status == 200 and theirs["name"] == "Bo"
    assert theirs["settings"] is None and theirs["answers"] == {} and theirs["poll"]["mine"] is None
    assert "Ana" not in json.dumps(theirs) and ana not in json.dumps(theirs)
    status, state = server.api(f"/api/state?key={bo}")
    assert "tally" not in json.dumps(state["poll"]) and "Ana" not in json.dumps(state)
    # the projector shows counts, never names or keys
    status, shown = server.api(f"/api/room?code={server.code('projector')}")
    assert status == 200 and shown["poll"]["tally"][option] >= 1
    assert "Ana" not in json.dumps(shown) and ana not in json.dumps(shown) and "participants" not in shown
    assert fac not in json.dumps(shown) and shown["join"].endswith(f"/join?code={server.code('join')}")
    status, headers, svg = server.request("GET", f"/join-qr.svg?code={server.code('projector')}")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and "xmlns" in svg
    assert server.request("GET", f"/join-qr.svg?code={server.code('join')}")[0] == 403
    # the facilitator sees who joined and whether each predicted, not what
    status, room = server.api(f"/api/room?code={fac}")
    names = {p["name"]: p for p in room["participants"]}
    assert names["Ana"]["predicted"] and not names["Bo"]["predicted"]
    assert option not in json.dumps(room["participants"])


def test_wrong_codes_and_keys_get_nothing(server):
    fac, join = server.code("facilitate"), server.code("join")
    anyone = server.join("Cy")
    for path in ("/me", "/api/me", "/api/state"):
        for key in ("", "x", anyone + "x", fac, join):
            status, _headers, body = server.request("GET", f"{path}?key={key}")
            assert status == 403 and "refused" in body, (path, key)
    for path in ("/facilitate", "/api/export", "/join-sheet"):
        for code in ("", join, server.code("projector"), anyone):
            assert server.request("GET", f"{path}?code={code}")[0] == 403, (path, code)
    for code in ("", join, server.code("projector"), anyone):
        status, _ = server.api("/api/act", {"code": code, "action": "export"})
        assert status == 403, code
    assert server.request("GET", "/join?code=nope")[0] == 403
    status, _headers, body = server.request("POST", "/join", form={"code": "nope", "name": "Eve"})
    assert status == 403
    status, _ = server.api("/api/explore", {"key": "nope", "settings": {}})
    assert status == 403
    assert server.request("GET", f"/projector?code={server.code('projector')}")[0] == 200
    assert server.request("GET", f"/facilitate?code={fac}")[0] == 200


def test_a_post_from_another_site_is_refused(server):
    key = server.join("Dee")
    body = {"key": key, "settings": {"seed": 3}}
    assert server.request("POST", "/api/explore", body, origin="http://evil.example")[0] == 403
    assert server.request("POST", "/api/explore", body, origin=server.base)[0] == 200
    act = {"code": server.code("facilitate"), "action": "reveal"}
    assert server.request("POST", "/api/act", act, origin="http://evil.example")[0] == 403


def test_bad_input_is_refused_in_one_line(server):
    key = server.join("Eli")
    status, reply = server.api("/api/explore", {"key": key, "settings": {"seed": "many"}})
    assert status == 400 and "seed" in reply["error"] and "\n" not in reply["error"]
    status, reply = server.api("/api/explore", {"key": key, "settings": {"warp": 1}})
    assert status == 400 and "warp" in reply["error"]
    status, reply = server.api("/api/explore", {"key": key, "settings": [1]})
    assert status == 400
    status, reply = server.api("/api/answer", {"key": key, "qid": "nope", "text": "1"})
    assert status == 400 and "nope" in reply["error"]
    status, reply = server.api("/api/predict", {"key": key, "poll": 99999, "value": "="})
    assert status == 400 and "\n" not in reply["error"]
    status, _headers, _body = server.request("POST", "/api/explore", None)
    assert status == 403  # no key
    status, reply = server.api("/api/act", {"code": server.code("facilitate"), "action": "launch"})
    assert status == 400 and "launch" in reply["error"]


@pytest.mark.parametrize("name", ["", " ", "x" * 41, "line\nbreak", "tab\tbed"])
def test_bad_names_are_refused_with_the_form_again(server, name):
    status, _headers, body = server.request("POST", "/join", form={"code": server.code("join"), "name": name})
    assert status == 400 and "<form" in body and "class='error'" in body


def test_no_control_character_reaches_a_name(server):
    """Tornado turns control characters (other than tab and line breaks) in form fields into spaces."""
    status, headers, _body = server.request(
        "POST", "/join", form={"code": server.code("join"), "name": "a\x07b"}
    )
    assert status == 303
    key = headers["Location"].split("key=", 1)[1]
    assert server.api(f"/api/me?key={key}")[1]["name"] == "a b"


def test_every_user_string_is_escaped_in_html(server):
    status, headers, body = server.request(
        "POST", "/join", form={"code": server.code("join"), "name": HOSTILE}
    )
    assert status == 400 or status == 303
    if status == 303:  # kept exactly as typed, and only ever sent as JSON or escaped HTML
        key = headers["Location"].split("key=", 1)[1]
        assert server.api(f"/api/me?key={key}")[1]["name"] == HOSTILE
    else:
        assert "<img" not in body and "&lt;img" in body
    long = HOSTILE + "x" * 40  # refused: the form shows it again, escaped
    status, _headers, body = server.request("POST", "/join", form={"code": server.code("join"), "name": long})
    assert status == 400 and "<img" not in body and "&lt;img" in body
    for path in (
        f"/join-sheet?code={server.code('facilitate')}",
        f"/facilitate?code={server.code('facilitate')}",
    ):
        status, headers, body = server.request("GET", path)
        assert status == 200 and "<img src=x" not in body
        assert (
            "script-src" in headers["Content-Security-Policy"]
            or "default-src 'none'" in (headers["Content-Security-Policy"])
        )
    status, headers, _body = server.request("GET", f"/api/room?code={server.code('facilitate')}")
    assert (
        headers["Content-Type"].startswith("application/json")
        and headers["X-Content-Type-Options"] == "nosniff"
    )


def test_pages_carry_the_security_headers_and_run_no_inline_script(server):
    key = server.join("Flo")
    status, headers, body = server.request("GET", f"/me?key={key}")
    assert status == 200 and headers["Cache-Control"] == "no-store" and headers["X-Frame-Options"] == "DENY"
    assert (
        "script-src 'self'" in headers["Content-Security-Policy"]
        and "connect-src 'self'" in (headers["Content-Security-Policy"])
    )
    assert "<script type='module' src='/rs/room.js'>" in body and "<script>" not in body
    assert "width=device-width" in body
    for path in ("/rs/room.js", "/rs/room.css", "/rs/run_view.js"):
        assert server.request("GET", path)[0] == 200, path
    assert server.request("GET", "/rs/../serve.py")[0] in (403, 404)


def test_the_server_binds_to_loopback_by_default(server):
    assert_loopback_only(server)


def test_kill_9_and_a_restart_lose_nothing(tmp_path):
    served = RoomServed(tmp_path / "room", free_port(), tmp_path / "server.log", ["--workers", "0"]).start()
    try:
        key = served.join("Gus")
        assert served.api("/api/explore", {"key": key, "settings": {"seed": 11}})[0] == 200
        qid = a_choice_question()
        served.api("/api/answer", {"key": key, "qid": qid, "text": "b"})
        question = next(iter(room_questions()))
        fac = served.code("facilitate")
        poll = served.api("/api/act", {"code": fac, "action": "pose", "qid": question})[1]["poll"]
        option = room_questions()[question].options[-1]
        served.api("/api/predict", {"key": key, "poll": poll, "value": option})
        links = dict(served.links)
        before = served.api(f"/api/export?code={fac}")[1]
        served.kill()  # kill -9
        served.start()
        assert served.links == links  # the same join, facilitator, projector and team addresses
        status, me = served.api(f"/api/me?key={key}")
        assert status == 200 and me["settings"]["seed"] == 11 and me["answers"][qid]["text"] == "b"
        assert me["poll"]["id"] == poll and me["poll"]["mine"] == option
        after = served.api(f"/api/export?code={fac}")[1]
        for export in (before, after):  # the page's visit after the restart moved "last seen"
            for row in export["participants"]:
                row.pop("last_seen")
        assert after == before
    finally:
        served.kill()


def test_cli_errors_are_one_line(tmp_path, capsys):
    folder = tmp_path / "room"
    for argv, said in [
        (["--port", "0"], "--port"),
        (["--port", "70000"], "--port"),
        (["--host", "256.1.1.1"], "--host"),
        (["--workers", "-1"], "--workers"),
        (["--issues", "9"], "issues=9"),
    ]:
        assert main(["room", "serve", "--folder", str(folder), "--port", str(free_port()), *argv]) == 2
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, (argv, err)
    assert not (folder / "room.sqlite").exists()
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert main(["room", "serve", "--folder", str(a_file), "--port", str(free_port())]) == 2
    assert "is not a plain folder" in capsys.readouterr().err
    assert main(["room", "serve", "--folder", str(tmp_path / "no" / "room")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_role_play_is_served_beside_the_room(server):
    """The role-play's routes answer as under ``govsim roleplay serve``, on the same codes."""
    team = server.code("civil_society")
    status, body = server.get("/rp/card", code=team)
    assert status == 200 and body.count("class='govsim-card'") == 1
    assert server.get("/rp/export", code=team)[0] == 403
    status, body = server.get("/rp/join", code=server.code("facilitator"))
    assert status == 200 and body.count("<svg") == 4
    status, _headers, sheet = server.request("GET", f"/join-sheet?code={server.code('facilitate')}")
    assert status == 200 and sheet.count("<svg") == 5 and f"/join?code={server.code('join')}" in sheet
    assert server.request("GET", f"/room?code={team}")[0] == 200


def test_pushes_reach_every_page_and_exports_are_written(server):
    fac = server.code("facilitate")
    ana, bo = server.join("Ana Push"), server.join("Bo Push")
    status, pushed = server.api(
        "/api/act", {"code": fac, "action": "push", "kind": "settings", "settings": {"seed": 5}}
    )
    assert status == 200
    for key in (ana, bo):
        push = server.api(f"/api/state?key={key}")[1]["push"]
        assert (
            push["id"] == pushed["push"]
            and push["kind"] == "settings"
            and push["payload"]["settings"]["seed"] == 5
        )
    status, reply = server.api(
        "/api/act", {"code": fac, "action": "push", "kind": "settings", "settings": {"seed": -1}}
    )
    assert status == 400 and "seed" in reply["error"]
    qid = a_choice_question()
    status, pushed = server.api("/api/act", {"code": fac, "action": "push", "kind": "question", "qid": qid})
    assert status == 200 and server.api(f"/api/state?key={ana}")[1]["push"]["payload"] == {"qid": qid}
    assert (
        server.api("/api/act", {"code": fac, "action": "push", "kind": "question", "qid": "ex0.q9"})[0] == 400
    )
    status, written = server.api("/api/act", {"code": fac, "action": "export"})
    assert status == 200 and any(name.endswith(".csv") for name in written["files"])
    assert any(name.endswith(".json") for name in written["files"])
    again = server.api("/api/act", {"code": fac, "action": "export"})[1]
    assert not set(again["files"]) & set(written["files"])  # a second export replaces nothing
    assert {p.name for p in (server.session / "exports").iterdir()} == {*written["files"], *again["files"]}


def test_a_run_is_sent_gzipped_to_a_browser_and_plain_otherwise(server):
    """Browsers ask for gzip: the same JSON, about a third of the bytes on the room's Wi-Fi."""
    import gzip
    import http.client

    key = server.join("Gus")
    body = json.dumps({"key": key, "settings": {"seed": 31, "rho": 0.35}})
    replies = {}
    for encoding in ("gzip, deflate", "identity"):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            connection.request(
                "POST",
                "/api/explore",
                body,
                {"Content-Type": "application/json", "Accept-Encoding": encoding},
            )
            reply = connection.getresponse()
            replies[encoding] = (reply.status, reply.getheader("Content-Encoding"), reply.read())
        finally:
            connection.close()
    status, coding, zipped = replies["gzip, deflate"]
    assert status == 200 and coding == "gzip"
    status, coding, plain = replies["identity"]
    assert status == 200 and coding is None
    assert gzip.decompress(zipped) == plain and len(zipped) < len(plain) / 2
    assert json.loads(plain)["settings"]["seed"] == 31
