"""The room's file (govsim.room.store): what participants bring (hostile names, stale pages,
closed polls), a restart on the same file, and files that are not a room file."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
import threading
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.exercises.checks import Result, Status
from govsim.room.questions import room_questions
from govsim.room.store import NAME_LENGTH, SEEN_EVERY, RoomStore, participant_name
from govsim.values import has_control

QIDS = list(room_questions())
OPTIONS = room_questions()[QIDS[0]].options


@pytest.fixture
def store(tmp_path):
    return RoomStore(tmp_path / "room.sqlite")


def one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    return text


HOSTILE = [
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE participants;--",
    '=HYPERLINK("http://x")',
    "Zoë Ångström",
    "李雷",
    "🦜 parrot",
    "a" * NAME_LENGTH,
    '"quoted" & <b>',
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_is_kept_as_text_and_found_by_its_token(store, name):
    who = store.add_participant(name)
    assert store.participant(who.token) == who
    assert [p.name for p in store.participants()] == [name]
    assert store.participant(who.token + "x") is None and store.participant("") is None


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "characters"),
        ("   ", "characters"),
        ("a" * (NAME_LENGTH + 1), "characters"),
        ("evil\u202etxt.exe", "control or text-direction"),
        ("two\nlines", "control or text-direction"),
        ("nul\x00", "control or text-direction"),
        (None, "not text"),
        (42, "not text"),
    ],
)
def test_a_bad_name_is_refused_in_one_line_and_nothing_is_stored(store, name, why):
    with pytest.raises(ValueError, match=why) as info:
        store.add_participant(name)
    assert one_line(info).startswith("name=")
    assert store.participants() == []


@given(st.text(max_size=60))
def test_any_name_is_either_a_trimmed_printable_name_or_one_line(name):
    try:
        kept = participant_name(name)
    except ValueError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("name=")
        assert has_control(name) or not 1 <= len(" ".join(name.split())) <= NAME_LENGTH or not shows(name)
    else:
        assert kept == " ".join(name.split()) and 1 <= len(kept) <= NAME_LENGTH and not has_control(kept)
        assert shows(kept)


def shows(name: str) -> bool:
    """Whether a name shows anything: a letter, digit, punctuation or symbol (not only
    zero-width, text-direction, combining or unassigned characters)."""
    return any(unicodedata.category(c)[0] in "LNPS" for c in name)


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060 \u200b", "\u0301"])
def test_a_name_of_invisible_characters_only_is_refused_in_one_line(store, name):
    """The breaker's F9: a zero-width-space name was taken and showed as an empty row."""
    with pytest.raises(ValueError) as info:
        store.add_participant(name)
    assert one_line(info).startswith("name=") and "invisible" in str(info.value)
    assert store.participants() == []


def test_a_name_taken_already_is_numbered_so_the_facilitator_tells_them_apart(store):
    """The breaker's F9: three joins as "Alice", "Alice" and "alice" showed three identical rows."""
    names = [
        store.add_participant(n).name for n in ["Alice", "Alice", "alice", " Alice ", "Al\u200bice", "Bob"]
    ]
    assert names == ["Alice", "Alice (2)", "alice (3)", "Alice (4)", "Al\u200bice (5)", "Bob"]
    assert len({n.casefold() for n in names}) == len(names)
    assert [p.name for p in store.participants()] == names


def test_a_write_sent_again_is_done_once(store):
    """A page sends a write again after an outage (its id the same): the store does it once,
    whether the first sending was committed or not."""
    pid = store.add_participant("Ana").pid
    poll = store.pose(next(iter(room_questions())))
    option = room_questions()[next(iter(room_questions()))].options[0]
    assert store.record_answer(pid, "ex3.q1", "0.5", {"status": "Correct"}, write="w-1") is True
    assert store.record_answer(pid, "ex3.q1", "0.5", {"status": "Correct"}, write="w-1") is False
    assert store.answers(pid)["ex3.q1"].tries == 1
    assert store.record_answer(pid, "ex3.q1", "0.6", {"status": "Correct"}, write="w-2") is True
    assert store.answers(pid)["ex3.q1"].tries == 2
    assert store.predict(pid, poll, option, write="w-3") and not store.predict(pid, poll, option, write="w-3")
    assert store.save_settings(pid, {"seed": 2}, write="w-4") and not store.save_settings(
        pid, {"seed": 3}, write="w-4"
    )
    assert store.settings(pid) == {"seed": 2}
    with pytest.raises(ValueError, match="write="):
        store.record_answer(pid, "ex3.q1", "1", {"status": "Correct"}, write="x" * 65)
    assert "writes" not in store.as_json()  # the ids are plumbing, not what the room produced


def test_a_room_file_from_before_the_write_ids_opens_and_gets_them(tmp_path):
    """A room file made before the ``writes`` table (an older govsim) opens, keeps its
    participants, and gets the table."""
    path = tmp_path / "room.sqlite"
    RoomStore(path).add_participant("Ana")
    db = sqlite3.connect(path)
    db.execute("DROP TABLE writes")
    db.commit()
    db.close()
    again = RoomStore(path)
    assert [p.name for p in again.participants()] == ["Ana"]
    assert again.record_answer(1, "ex3.q1", "1", {"status": "Correct"}, write="w") is True


def test_tokens_are_distinct_private_keys_for_a_url(store):
    tokens = [store.add_participant(f"p{i}").token for i in range(30)]
    assert len(set(tokens)) == 30
    assert all(
        len(t) >= 20 and set(t) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for t in tokens
    )


def test_the_file_is_owner_only(store):
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_predictions_latest_wins_closed_poll_and_wrong_option_refused(store):
    a, b = store.add_participant("A"), store.add_participant("B")
    first = store.pose(QIDS[0])
    assert store.current_poll().id == first and store.current_poll().open
    store.predict(a.pid, first, OPTIONS[0])
    store.predict(a.pid, first, OPTIONS[1])  # changed her mind: the latest counts
    store.predict(b.pid, first, OPTIONS[2])
    assert {(p.pid, p.value) for p in store.predictions(first)} == {(a.pid, OPTIONS[1]), (b.pid, OPTIONS[2])}
    with pytest.raises(ValueError, match="is not an option") as info:
        store.predict(a.pid, first, "maybe")
    assert OPTIONS[0] in one_line(info)
    second = store.pose(QIDS[1])  # the first poll closes
    assert second != first and not store.poll(first).open and store.current_poll().id == second
    with pytest.raises(ValueError, match="closed") as info:
        store.predict(b.pid, first, OPTIONS[0])  # a stale page
    one_line(info)
    assert {(p.pid, p.value) for p in store.predictions(first)} == {(a.pid, OPTIONS[1]), (b.pid, OPTIONS[2])}
    closed = store.close_poll()
    assert closed.id == second and not closed.open and store.close_poll() is None
    with pytest.raises(ValueError, match="closed"):
        store.predict(a.pid, second, OPTIONS[0])
    with pytest.raises(ValueError, match="does not exist"):
        store.predict(a.pid, 999, OPTIONS[0])
    with pytest.raises(ValueError, match="not a participant"):
        store.predict(999, second, OPTIONS[0])
    with pytest.raises(ValueError, match="not a room question"):
        store.pose("ex1.q1")


def test_answers_keep_every_try_and_the_latest_counts(store):
    who = store.add_participant("A")
    store.record_answer(who.pid, "ex1.q1", "0.3", Result("ex1.q1", Status.INCORRECT, "not yet"))
    store.record_answer(who.pid, "ex1.q1", "0,5", Result("ex1.q1", Status.CORRECT, "yes"))
    store.record_answer(who.pid, "ex2.q1", "b", {"status": "incorrect", "correct": False, "message": ""})
    got = store.answers(who.pid)
    assert list(got) == ["ex1.q1", "ex2.q1"]
    assert got["ex1.q1"].text == "0,5" and got["ex1.q1"].result["correct"] and got["ex1.q1"].tries == 2
    assert got["ex2.q1"].tries == 1 and store.answers(store.add_participant("B").pid) == {}
    assert len(store.as_json()["answers"]) == 3  # every try kept


def test_settings_and_pushes(store):
    who = store.add_participant("A")
    assert store.settings(who.pid) is None and store.latest_push() is None
    store.save_settings(who.pid, {"rho": 0.2, "seed": 3})
    store.save_settings(who.pid, {"rho": 0.25, "seed": 3})
    assert store.settings(who.pid) == {"rho": 0.25, "seed": 3}
    first = store.push("settings", {"rho": 0.1})
    second = store.push("question", {"qid": QIDS[0]})
    assert (
        second > first
        and store.latest_push().kind == "question"
        and store.latest_push().payload == {"qid": QIDS[0]}
    )
    for bad in [float("nan"), object()]:
        with pytest.raises(ValueError, match="not plain JSON") as info:
            store.save_settings(who.pid, {"rho": bad})
        one_line(info)
    with pytest.raises(ValueError, match="kind="):
        store.push("", {})
    with pytest.raises(ValueError, match="control"):
        store.push("a\x1bb", {})
    with pytest.raises(ValueError, match="not a dict"):
        store.push("settings", [1, 2])


def test_seen_moves_last_seen_and_an_unknown_pid_is_refused(store):
    who = store.add_participant("A")
    store.seen(who.pid)
    first = store.participants()[0].last_seen
    assert first >= who.last_seen
    store.seen(who.pid)  # a heartbeat soon after writes nothing
    assert store.participants()[0].last_seen == first
    store._written[who.pid] -= SEEN_EVERY  # as if SEEN_EVERY seconds had passed
    store.seen(who.pid)
    assert store.participants()[0].last_seen > first
    for pid in (999, "1", True):
        with pytest.raises(ValueError, match="pid="):
            store.seen(pid)


def test_a_second_store_on_the_same_file_sees_everything(tmp_path):
    """A restart (kill -9, then a new server on the same file) loses nothing."""
    path = tmp_path / "room.sqlite"
    first = RoomStore(path)
    people = [first.add_participant(n) for n in ("Ana", "<b>Bo</b>", "李雷")]
    poll = first.pose(QIDS[2])
    for who, option in zip(people, OPTIONS, strict=True):
        first.predict(who.pid, poll, option)
        first.save_settings(who.pid, {"seed": who.pid})
        first.record_answer(who.pid, "ex1.q1", f"try {who.pid}", {"status": "correct", "correct": True})
    first.push("question", {"qid": QIDS[2]})
    before = first.as_json()
    again = RoomStore(path)
    assert again.as_json() == before
    assert [again.participant(p.token) for p in people] == again.participants()
    assert again.current_poll() == first.current_poll() and again.current_poll().open
    assert again.latest_push() == first.latest_push()
    assert {p.pid: again.answers(p.pid) for p in people} == {p.pid: first.answers(p.pid) for p in people}
    again.predict(people[0].pid, poll, OPTIONS[2])  # the restarted server carries on
    assert first.predictions(poll)[0].value == OPTIONS[2]


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "room.sqlite"
    RoomStore(path)
    errors = []

    def join(n):
        try:
            store = RoomStore(path)
            for i in range(10):
                store.add_participant(f"t{n}-{i}")
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=join, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(RoomStore(path).participants()) == 40


def test_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "elsewhere.sqlite"
    RoomStore(target).add_participant("A")
    before = target.read_bytes()
    link = tmp_path / "room.sqlite"
    link.symlink_to(target)
    with pytest.raises(ValueError, match="symbolic link") as info:
        RoomStore(link)
    assert str(link) in one_line(info) and target.read_bytes() == before


def test_a_linked_wal_is_refused(tmp_path):
    path = tmp_path / "room.sqlite"
    RoomStore(path)
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "room.sqlite-wal").unlink(missing_ok=True)
    (tmp_path / "room.sqlite-wal").symlink_to(victim)
    with pytest.raises(ValueError, match="link") as info:
        RoomStore(path)
    one_line(info)
    assert victim.read_text() == "keep"


@pytest.mark.parametrize(
    "content",
    [b"", b"name,score\nAna,3\n", b"SQLite format 3\x00" + b"\x00" * 20, os.urandom(4096)],
    ids=["empty", "csv", "truncated-sqlite", "random"],
)
def test_a_file_that_is_not_a_room_file_is_refused_untouched(tmp_path, content):
    path = tmp_path / "room.sqlite"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="room file") as info:
        RoomStore(path)
    assert str(path) in one_line(info)
    assert path.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["room.sqlite"]


def test_another_database_and_a_role_play_session_are_refused_untouched(tmp_path):
    from govsim.roleplay.store import SessionStore

    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE grades (name TEXT, score INT)")
    db.commit()
    db.close()
    session = tmp_path / "session.sqlite"
    SessionStore(session)
    for path in (other, session):
        before = path.read_bytes()
        with pytest.raises(ValueError, match="is not a govsim room file") as info:
            RoomStore(path)
        one_line(info)
        assert path.read_bytes() == before
    RoomStore(tmp_path / "room.sqlite")
    with pytest.raises(ValueError, match="is not a govsim session file"):
        SessionStore(tmp_path / "room.sqlite")


def test_a_folder_or_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ValueError, match="does not exist") as info:
        RoomStore(tmp_path / "nowhere" / "room.sqlite")
    one_line(info)
    with pytest.raises(ValueError, match="not a file") as info:
        RoomStore(tmp_path)
    one_line(info)


def test_export_writes_every_table_without_tokens_and_never_overwrites(store, tmp_path):
    people = [store.add_participant(n) for n in ("=cmd|' /C calc'!A0", "Bo")]
    poll = store.pose(QIDS[0])
    store.predict(people[0].pid, poll, OPTIONS[0])
    store.record_answer(people[1].pid, "ex1.q1", "@SUM(1+1)", {"status": "incorrect", "correct": False})
    store.save_settings(people[0].pid, {"seed": 2})
    store.push("settings", {"seed": 2})
    out = tmp_path / "export"
    first = store.export(out)
    assert [p.suffix for p in first] == [".csv"] * 6 + [".json"]
    text = "".join(p.read_text(encoding="utf-8") for p in first)
    assert all(p.token not in text for p in people)
    rows = {p.name.split("-")[-1]: list(csv.DictReader(p.open(encoding="utf-8"))) for p in first[:-1]}
    assert rows["participants.csv"][0]["name"] == "'=cmd|' /C calc'!A0"  # shown as text in a spreadsheet
    assert rows["answers.csv"][0]["text"] == "'@SUM(1+1)"
    assert len(rows["predictions.csv"]) == 1 and len(rows["pushes.csv"]) == 1
    everything = json.loads(first[-1].read_text(encoding="utf-8"))
    assert everything == store.as_json() and everything["participants"][0]["name"] == people[0].name
    contents = {p: p.read_bytes() for p in first}
    second = store.export(out)
    assert not set(first) & set(second) and all(p.read_bytes() == b for p, b in contents.items())


def test_export_refuses_a_linked_folder(store, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(ValueError, match="symbolic link") as info:
        store.export(link)
    one_line(info)
    assert list(real.iterdir()) == []


def test_a_hard_link_to_another_file_is_refused_untouched(tmp_path):
    victim = tmp_path / "victim.sqlite"
    RoomStore(victim).add_participant("A")
    before = victim.read_bytes()
    os.link(victim, tmp_path / "room.sqlite")
    with pytest.raises(ValueError, match="hard link") as info:
        RoomStore(tmp_path / "room.sqlite")
    one_line(info)
    assert victim.read_bytes() == before


def test_kill_9_loses_no_committed_change(tmp_path):
    """A writer killed with SIGKILL mid-stream: every change it reported as committed is in the
    file when a new store opens it (the restart of a room server after ``kill -9``)."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import govsim

    path = tmp_path / "room.sqlite"
    RoomStore(path)
    script = (
        "import sys\nfrom govsim.room.store import RoomStore\n"
        "store = RoomStore(sys.argv[1])\npoll = store.pose(sys.argv[2])\n"
        "for i in range(100000):\n"
        "    who = store.add_participant(f'p{i}')\n"
        "    store.predict(who.pid, poll, sys.argv[3])\n"
        "    store.record_answer(who.pid, 'ex1.q1', str(i), {'status': 'correct', 'correct': True})\n"
        "    print(who.pid, flush=True)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(govsim.__file__).parents[1])}
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(path), QIDS[0], OPTIONS[0]],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    reported = [int(child.stdout.readline()) for _ in range(25)]
    child.send_signal(signal.SIGKILL)
    child.wait()
    reported += [int(line) for line in child.stdout.read().split()]
    again = RoomStore(path)
    pids = {p.pid for p in again.participants()}
    poll = again.current_poll()
    assert set(reported) <= pids and poll.open
    predicted = {p.pid for p in again.predictions(poll.id)}
    answered = {pid for pid in pids if again.answers(pid)}
    assert set(reported) <= predicted and set(reported) <= answered


def test_a_held_connection_keeps_the_log_and_loses_nothing(tmp_path):
    """keep_open (what the server does): the write-ahead log stays between reads and writes,
    another process's view (a new store on the same file) sees every write, and release()
    leaves the file tidy (no -wal, no -shm) and whole."""
    from govsim.room.store import RoomStore

    store = RoomStore(tmp_path / "room.sqlite")
    store.keep_open()
    ana = store.add_participant("Ana")
    store.save_settings(ana.pid, {"seed": 3})
    assert (tmp_path / "room.sqlite-wal").exists()  # not deleted after each connection
    assert RoomStore(tmp_path / "room.sqlite").settings(ana.pid) == {"seed": 3}
    store.release()
    store.release()  # twice is harmless
    assert not (tmp_path / "room.sqlite-wal").exists() and not (tmp_path / "room.sqlite-shm").exists()
    assert RoomStore(tmp_path / "room.sqlite").settings(ana.pid) == {"seed": 3}
