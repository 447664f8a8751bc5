"""The served session's rules without a browser: join codes, phases, secret moves (last one
counts), late and malformed submissions refused with nothing changed, rounds committed to the
SQLite file, resuming from the file, and export to the hot-seat format."""

import json
import sqlite3

import pytest

from govsim.roleplay import RolePlay
from govsim.roleplay.plan import SessionPlan
from govsim.roleplay.room import Access, Phase, Room

TEAMS = ("government", "business", "civil_society", "technical")


@pytest.fixture
def room(tmp_path):
    return Room(tmp_path / "room.sqlite", scenario="classroom", seed=3, plan=SessionPlan(issues=2, budget=2))


def advance(room: Room) -> Phase:
    state = room.state()
    return Phase(room.advance(state.phase, state.round).phase)


def test_codes_are_random_distinct_and_checked(room, tmp_path):
    codes = room.codes
    assert set(codes) == {"facilitator", "projector", *TEAMS} and len(set(codes.values())) == 6
    assert all(len(c) >= 12 for c in codes.values())
    assert room.access(codes["facilitator"]).role == "facilitator"
    assert room.access(codes["projector"]) == Access("projector")
    assert room.access(codes["business"]).team == "business"
    for wrong in (None, "", "nope", codes["business"][:-1], codes["business"] + "x"):
        assert room.access(wrong) is None
    other = Room(tmp_path / "other.sqlite")
    assert set(other.codes.values()).isdisjoint(codes.values())


def test_a_round_goes_through_its_phases_and_the_last_move_before_the_reveal_counts(room):
    code_round = room.state().round + 1
    ok, text = room.submit("business", code_round, "hold")
    assert not ok and "Too late: the first caucus has not started yet" in text
    assert advance(room) is Phase.CAUCUS and room.state().deadline is not None
    assert room.submit("business", 1, "hold")[0]
    ok, text = room.submit("business", 1, "lobby")
    assert ok and "You can change it until the reveal" in text
    assert room.submit("civil_society", 1, "amend", [0.7, 0.9])[0]
    assert room.submitted() == ["business", "civil_society"]
    assert room.revealed() == {}  # nothing shown before the reveal
    assert advance(room) is Phase.MOVES
    assert advance(room) is Phase.REVEAL
    shown = room.revealed()
    assert shown["business"]["move"] == "lobby" and shown["government"]["move"] == "simulated"
    ok, text = room.submit("technical", 1, "object")
    assert not ok and "Too late: the moves of round 1 have been revealed" in text
    assert "technical" not in room.submitted()
    assert advance(room) is Phase.RESULT
    record = room.play.history[-1]
    assert record["moves"] == {
        "government": "simulated",
        "business": "lobby",
        "civil_society": "amend",
        "technical": "simulated",
    }
    assert record["amendments"] == {"civil_society": [0.7, 0.9]}
    assert room.store.rounds() == [record]  # committed before anything shows it
    ok, text = room.submit("technical", 2, "object")  # breaker item 10: said "round 2 has been played"
    assert not ok and "Too late: round 1 has been played" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("business", 1, "shout"), "Not recorded: move='shout' is not a move"),
        (("business", 1, "amend"), "Not recorded: amendment=None must be 2 numbers in [0, 1]"),
        (("business", 1, "amend", [0.5, 2]), "must be 2 numbers in [0, 1]"),
        (("business", 1, "amend", ["a", "b"]), "must be 2 numbers in [0, 1]"),
        (("business", 2, "hold"), "your page showed round 2, but round 1 is open now"),
        (("press", 1, "hold"), "'press' is not a team in this session"),
    ],
)
def test_malformed_or_stale_submissions_change_nothing(room, args, message):
    advance(room)
    before = room.state().version
    ok, text = room.submit(*args)
    assert not ok and message in text and "\n" not in text
    assert room.state().version == before and room.submitted() == []


def test_a_double_click_or_a_stale_page_cannot_play_twice(room):
    for _ in range(3):
        advance(room)
    state = room.state()
    assert state.phase == "reveal"
    room.advance("reveal", 0)
    room.advance("reveal", 0)  # the second click of a double click: the page still showed reveal
    assert len(room.play.history) == 1 and len(room.store.rounds()) == 1
    assert room.state().phase == "result"


def test_extend_skip_and_end(room):
    advance(room)
    deadline = room.state().deadline
    room.extend(60)
    assert room.state().deadline == pytest.approx(deadline + 60)
    assert room.skip().phase == "moves"
    room.extend(60)  # only a caucus has a countdown
    assert room.state().deadline is None
    assert room.end().phase == "ended"
    assert not room.submit("business", 1, "hold")[0]


def play_session(room: Room, moves_per_round) -> None:
    n = 0
    while room.phase() is not Phase.ENDED:
        phase = room.phase()
        if phase is Phase.CAUCUS:
            for team, move in moves_per_round(n).items():
                point = [0.6, 0.6] if move == "amend" else None
                assert room.submit(team, room.state().round + 1, move, point)[0]
            n += 1
        advance(room)


def test_a_whole_session_exports_to_the_hot_seat_format(room, tmp_path):
    play_session(room, lambda n: {"business": ["hold", "amend"][n % 2], "technical": "object"})
    assert room.play.finished and len(room.play.history) == len(room.store.rounds())
    data = room.export()
    path = tmp_path / "room.json"
    path.write_text(json.dumps(data))
    again = RolePlay.load(path)
    assert again.to_dict() == data

    from govsim.roleplay.panel import build_roleplay_panel

    panel = build_roleplay_panel(compare_seeds=[1])
    panel.path.value = str(path)
    panel.load_button.click()
    assert panel.error is None and len(panel.play.history) == len(data["moves"])


def test_the_file_is_the_session_resume_exactly(room, tmp_path):
    advance(room)
    room.submit("business", 1, "hold")
    for _ in range(3):
        advance(room)
    advance(room)  # caucus of round 2
    room.submit("government", 2, "concede")
    again = Room(tmp_path / "room.sqlite")  # what a restarted server does
    assert again.codes == room.codes and again.state() == room.state()
    assert again.submitted() == ["government"]
    assert again.play.model.rounds.equals(room.play.model.rounds)
    assert again.play.model.positions.tolist() == room.play.model.positions.tolist()
    with pytest.raises(ValueError, match="holds scenario='classroom', not 'wcit_2012'"):
        Room(tmp_path / "room.sqlite", scenario="wcit_2012")
    assert Room(tmp_path / "room.sqlite", scenario="classroom", seed=3).state() == room.state()
    resumed = Room(tmp_path / "room.sqlite", teams=tuple(reversed(TEAMS)))  # breaker item 10: order
    assert resumed.play.teams == room.play.teams


def test_the_session_file_is_sqlite_in_wal_mode(room):
    db = sqlite3.connect(room.store.path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()
    assert tables == {"meta", "state", "moves", "rounds"}


def test_a_symlinked_session_file_is_refused(tmp_path):
    target = tmp_path / "real.sqlite"
    target.write_bytes(b"")
    link = tmp_path / "link.sqlite"
    link.symlink_to(target)
    with pytest.raises(ValueError, match="is a symbolic link"):
        Room(link)


def test_a_file_that_is_not_a_session_is_one_line(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(ValueError, match="is not a govsim session file") as info:
        Room(path)
    assert "\n" not in str(info.value)
    Room(tmp_path / "room.sqlite")
    db = sqlite3.connect(tmp_path / "room.sqlite")
    db.execute("UPDATE meta SET value = '\"x\"' WHERE key = 'config'")
    db.commit()
    db.close()
    with pytest.raises(ValueError, match="its configuration is damaged"):
        Room(tmp_path / "room.sqlite")


def test_bad_arguments_leave_no_session_file(tmp_path):
    with pytest.raises(ValueError, match="unknown group 'press'"):
        Room(tmp_path / "room.sqlite", teams=("press",))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["foreign", "empty"])
def test_a_foreign_database_or_empty_file_is_refused_untouched_and_export_never_creates(
    tmp_path, capsys, kind
):
    """Another program's SQLite database (or an empty file) is not taken over by serve or export."""
    from govsim.cli import main

    path = tmp_path / "foreign.db"
    if kind == "foreign":
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE notes (x)")
        db.commit()
        db.close()
    else:
        path.write_bytes(b"")
    before = path.read_bytes()
    for args in (["export", "--out", str(tmp_path / "f.json")], ["serve", "--no-qr"]):
        assert main(["roleplay", args[0], "--session", str(path), *args[1:]]) == 2
        err = capsys.readouterr().err
        assert "is not a govsim session file" in err and err.count("\n") == 1
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign.db"]
    with pytest.raises(ValueError, match="does not exist"):
        Room(tmp_path / "new.sqlite", create=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign.db"]


def test_a_new_session_file_is_owner_only_and_a_missing_folder_is_named(tmp_path):
    """The file holds the join codes: mode 0600. A folder that does not exist is said so."""
    room = Room(tmp_path / "room.sqlite")
    assert room.store.path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(ValueError, match=r"the folder '.*nowhere' does not exist"):
        Room(tmp_path / "nowhere" / "x.sqlite")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "--port=99999 is out of range (allowed: a whole number in [1, 65535])"),
        (["--port", "0"], "--port=0 is out of range"),
        (["--port", "-5"], "--port=-5 is out of range"),
        (["--host", "256.1.1.1"], "--host '256.1.1.1' is not an IP address or host name"),
        (["--host", "::1::"], "--host '::1::' is not an address of this machine"),
        ([], "cannot listen on 127.0.0.1:{busy}"),
    ],
)
def test_a_bad_address_is_one_line_before_a_session_file_is_made(tmp_path, capsys, args, message):
    """Breaker items 7 and 9: --port 99999 was a Bokeh AssertionError traceback, --port 0 served
    unusable addresses, and every bad address left a new session file behind."""
    import socket

    from govsim.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        given = args or ["--port", str(port)]
        assert main(["roleplay", "serve", "--no-qr", "--session", str(tmp_path / "s.sqlite"), *given]) == 2
    err = capsys.readouterr().err
    assert message.format(busy=port) in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_a_second_server_on_a_live_session_file_is_refused(tmp_path, capsys):
    """Breaker item 8: two servers on one session file diverged. The first holds the session's
    lock (govsim.locks's flock mechanism) as long as it runs; a second is one line."""
    from govsim.cli import main
    from govsim.locks import SessionLock

    session = tmp_path / "room.sqlite"
    Room(session)
    with SessionLock(session):  # what a running `govsim roleplay serve` holds
        argv = ["roleplay", "serve", "--no-qr", "--session", str(session), "--port", str(_free_port())]
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is in use by another role-play server (process " in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["room.sqlite"]  # the lock went with its holder
