"""Hard links planted at the names govsim writes never carry a write to their target (issue 26, item 9).

The reliability review planted ``ln victim DIR/.lock``, ``ln victim SESSION.lock`` and
``ln victim SESSION-shm`` and found the victim overwritten (R5, R6, S4, S13). ``O_NOFOLLOW``
does not see a hard link; the rule is to write only into new files (:mod:`govsim.safefiles`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim import cli, safefiles
from govsim.locks import SessionLock, SweepLock
from govsim.sweep import Experiment, Factor, load_runs, run_sweep

SMALL = Experiment(factors=(Factor("rho", levels=(0.1, 0.2)),), fixed={"max_rounds": 3}, replicates=2)
SECRET = "root:x:0:0:root:/root:/bin/bash\nyears of work\n"


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victims" / "passwd"
    victim.parent.mkdir(exist_ok=True)
    victim.write_text(SECRET)
    return victim


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("how", ["new", "resume", "overwrite"])
def test_a_hard_link_at_the_results_lock_is_never_written_through(tmp_path, how):
    """R5 (resume) and R6 (--overwrite), and a first run into a folder holding only the link."""
    victim, out = _victim(tmp_path), tmp_path / "res"
    if how != "new":
        run_sweep(SMALL, out, backend="serial", quiet=True)
        (out / "runs" / "part-000001.parquet").unlink()
    out.mkdir(exist_ok=True)
    before = _digest(victim)
    os.link(victim, out / ".lock")
    result = run_sweep(
        SMALL, out, backend="serial", quiet=True, resume=how == "resume", overwrite=how == "overwrite"
    )
    assert result.missing == 0 and len(load_runs(out)) == 4
    assert _digest(victim) == before and victim.stat().st_nlink == 1
    assert not (out / ".lock").exists()


def test_the_lock_held_is_a_new_file_with_one_name(tmp_path):
    victim = _victim(tmp_path)
    session = tmp_path / "room.sqlite"
    os.link(victim, tmp_path / "room.sqlite.lock")  # S4
    with SessionLock(session):
        held = tmp_path / "room.sqlite.lock"
        assert held.stat().st_nlink == 1 and str(os.getpid()) in held.read_text()
        with pytest.raises(ValueError, match=f"in use by another role-play server \\(process {os.getpid()}"):
            SessionLock(session).acquire()
    assert victim.read_text() == SECRET
    assert not (tmp_path / "room.sqlite.lock").exists()


def test_a_symbolic_link_at_the_lock_is_still_refused(tmp_path):
    victim = _victim(tmp_path)
    (tmp_path / ".lock").symlink_to(victim)
    with pytest.raises(ValueError, match="is a symbolic link"), SweepLock(tmp_path):
        pass
    assert victim.read_text() == SECRET


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _never_serve(*args, **kwargs):
    raise AssertionError("the server started on a session file that should have been refused")


@pytest.fixture(scope="module")
def session_file(tmp_path_factory) -> Path:
    from govsim.roleplay.room import Room

    path = tmp_path_factory.mktemp("session") / "room.sqlite"
    Room(path, seed=3)
    return path


@pytest.mark.parametrize("end", ["-shm", "-wal", ""])
@pytest.mark.parametrize("action", ["serve", "export"])
def test_a_hard_link_beside_a_session_is_refused_before_sqlite_opens_it(
    session_file, tmp_path, capsys, monkeypatch, end, action
):
    """S13: SQLite writes its -shm (and -wal) in place; a hard link there, or a second name for
    the session file itself, is refused in one line and the victim is untouched."""
    session = tmp_path / "room.sqlite"
    shutil.copy(session_file, session)
    victim = _victim(tmp_path)
    if end:
        os.link(victim, tmp_path / f"room.sqlite{end}")
        linked = tmp_path / f"room.sqlite{end}"
    else:
        os.link(session, tmp_path / "victims" / "other-name.sqlite")
        linked = session
    before = {p: _digest(p) for p in (victim, session)}
    monkeypatch.setattr("govsim.roleplay.serve.serve", _never_serve)
    args = {"serve": ["--port", str(_free_port())], "export": ["--out", str(tmp_path / "out.json")]}[action]
    assert cli.main(["roleplay", action, "--session", str(session), *args]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"govsim roleplay: error: {linked} is a hard link (2 names for one file); "
        "govsim never writes through a link (delete that name and try again)\n"
    )
    assert {p: _digest(p) for p in before} == before


@given(kind=st.sampled_from(["file", "hard link", "symlink", "folder", "dangling symlink"]))
def test_create_new_never_touches_what_is_at_the_name(tmp_path_factory, kind):
    tmp_path = tmp_path_factory.mktemp("create")
    victim = _victim(tmp_path)
    name = tmp_path / "name"
    match kind:
        case "file":
            name.write_text(SECRET)
        case "hard link":
            os.link(victim, name)
        case "symlink":
            name.symlink_to(victim)
        case "folder":
            name.mkdir()
        case "dangling symlink":
            name.symlink_to(tmp_path / "nowhere")
    assert safefiles.create_new(name, b"new") is None
    assert victim.read_text() == SECRET and not (tmp_path / "nowhere").exists()
    assert [p.name for p in tmp_path.iterdir() if safefiles.is_temporary(p.name)] == []
    fresh = tmp_path / "fresh"
    fd = safefiles.create_new(fresh, b"new")
    os.close(fd)
    assert fresh.read_bytes() == b"new" and fresh.stat().st_nlink == 1
