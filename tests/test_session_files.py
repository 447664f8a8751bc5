"""Role-play session files that are damaged or cannot be written: one line before anything starts
(issue 26, item 12; the reliability review's S04, S05 and S09)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim import cli

PAGE = 4096


@pytest.fixture(scope="module")
def session_file(tmp_path_factory) -> Path:
    from govsim.roleplay.room import Room

    path = tmp_path_factory.mktemp("session") / "room.sqlite"
    room = Room(path, seed=3)
    for _ in range(4):  # briefing -> caucus -> moves -> reveal -> result: one round committed
        state = room.state()
        room.advance(state.phase, state.round)
    assert room.state().round == 1
    assert path.stat().st_size >= 7 * PAGE
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def no_server(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the server started on a session file that should have been refused")

    monkeypatch.setattr("govsim.roleplay.serve.serve", never)


def _run(action: str, session: Path, tmp_path: Path) -> list[str]:
    args = {"serve": ["--port", str(_free_port())], "export": ["--out", str(tmp_path / "out.json")]}[action]
    return ["roleplay", action, "--session", str(session), *args]


def _damage(source: Path, target: Path, start: int, pattern: bytes) -> None:
    data = bytearray(source.read_bytes())
    end = min(len(data), start + 6 * PAGE)
    data[start:end] = (pattern * (6 * PAGE // len(pattern) + 1))[: end - start]
    target.write_bytes(bytes(data))


@pytest.mark.parametrize("action", ["serve", "export"])
def test_a_damaged_session_is_one_line_before_anything_starts(
    session_file, tmp_path, capsys, no_server, action
):
    """S04/S09: garbage over pages 2-7 with page 1 intact gave a 20-line sqlite traceback."""
    session = tmp_path / "room.sqlite"
    _damage(session_file, session, PAGE, bytes(range(7, 256, 7)))
    assert cli.main(_run(action, session, tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"govsim roleplay: error: session file {str(session)!r} is damaged (")
    assert (
        err.endswith("restore a copy, or give a new file name to start a session\n") and err.count("\n") == 1
    )
    assert not (tmp_path / "out.json").exists()


@settings(max_examples=25)
@given(start=st.integers(100, 7 * PAGE - 1), pattern=st.binary(min_size=1, max_size=16))
def test_damage_anywhere_after_the_header_is_refused_in_one_line_or_read(
    session_file, tmp_path_factory, start, pattern
):
    """Whatever bytes land wherever past SQLite's 100-byte header: never a traceback."""
    tmp_path = tmp_path_factory.mktemp("damaged")
    session = tmp_path / "room.sqlite"
    _damage(session_file, session, start, pattern)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(_run("export", session, tmp_path))
    assert code in (0, 2), code
    if code == 2:
        assert err.getvalue().startswith("govsim roleplay: error: ") and err.getvalue().count("\n") == 1


def _make_read_only(path: Path) -> None:
    path.chmod(0o444)
    if os.access(path, os.W_OK):  # root ignores permissions: make the file immutable instead
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            path.chmod(0o644)
            pytest.skip("cannot make a file read-only for this user (root without chattr)")


def _writable_again(path: Path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    path.chmod(0o644)


def test_a_read_only_session_is_refused_before_the_server_starts_and_still_exports(
    session_file, tmp_path, capsys, no_server
):
    """S05: a session file that cannot be written started the server; the first facilitator
    click then failed with nothing on the page."""
    session = tmp_path / "room.sqlite"
    shutil.copy(session_file, session)
    _make_read_only(session)
    try:
        assert cli.main(_run("serve", session, tmp_path)) == 2
        err = capsys.readouterr().err
        assert err == (
            f"govsim roleplay: error: session file {str(session)!r} cannot be used (attempt to write a "
            "readonly database): the role-play server must write it (check its permissions, the folder's, "
            "free space, and that no other program holds it)\n"
        )
        assert cli.main(_run("export", session, tmp_path)) == 0  # reading it is fine
    finally:
        _writable_again(session)
    assert capsys.readouterr().out.startswith("govsim roleplay: 1 round written to")


def test_a_later_sqlite_error_is_a_value_error_naming_the_file(session_file, tmp_path, monkeypatch):
    """Past the checks at start (a disk that fills, a lock held elsewhere), the store still says
    which file failed instead of raising sqlite3's own error."""
    from govsim.roleplay.store import SessionStore as Store

    session = tmp_path / "room.sqlite"
    shutil.copy(session_file, session)
    store = Store(session, create=False)
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: connect(*a, **{**k, "timeout": 0.1}))
    holder = connect(session, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(ValueError, match=r"room.sqlite' cannot be used \(database is locked\)$"):
            store.put("note", 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
