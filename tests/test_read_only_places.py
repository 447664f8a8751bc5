"""Folders and files govsim may not write: one line naming the place and what to do, nothing
written, never a raw ``OSError`` message (issue 26; reliability3).

``chattr +i`` is not available here, and root ignores permissions: as root the commands run
under ``setpriv`` without the capabilities that override them (``CAP_DAC_OVERRIDE``,
``CAP_DAC_READ_SEARCH``, ``CAP_FOWNER``), so a read-only folder refuses root as it refuses a
user. Kinds: a read-only folder, a new folder under a read-only one, a folder owned by nobody
(writable only by its owner), a read-only file govsim would replace.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import govsim
from govsim import safefiles

SRC = Path(govsim.__file__).resolve().parents[1]
NOBODY = 65534
TINY = """name = "tiny"
scenario = "classroom"
replicates = 2
seed = 3
[design]
kind = "list"
[[design.points]]
protocol = "top_down"
"""


def _as_user() -> list[str]:
    """The command prefix under which file permissions apply to this process."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root without setpriv: permissions cannot be made to apply")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def _govsim(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}
    return subprocess.run(
        [*_as_user(), sys.executable, "-m", "govsim", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
        if not p.is_symlink()
    }


def _session(path: Path) -> Path:
    from govsim.roleplay.room import Room

    room = Room(path, seed=3)
    for _ in range(4):  # one round committed
        state = room.state()
        room.advance(state.phase, state.round)
    return path


@pytest.fixture(scope="module")
def session_file(tmp_path_factory) -> Path:
    return _session(tmp_path_factory.mktemp("session") / "room.sqlite")


def _place(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    """(the path to give the command, the place the message must name) for one kind."""
    if kind == "read-only folder":
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        return folder, folder
    if kind == "new folder under a read-only one":
        parent = tmp_path / "ro"
        parent.mkdir()
        parent.chmod(0o555)
        return parent / "new", parent
    assert kind == "folder owned by nobody"
    folder = tmp_path / "theirs"
    folder.mkdir()
    if os.geteuid() == 0:
        os.chown(folder, NOBODY, NOBODY)
    else:
        folder.chmod(0o555)  # not root: cannot give it away; the same refusal
    return folder, folder


KINDS = ["read-only folder", "new folder under a read-only one", "folder owned by nobody"]


def _command(name: str, tmp_path: Path, target: Path, session: Path) -> list[str]:
    (tmp_path / "tiny.toml").write_text(TINY)
    return {
        "sweep": ["sweep", "tiny.toml", "--out", str(target), "--backend", "serial", "--quiet"],
        "roleplay serve": ["roleplay", "serve", "--session", str(target / "room.sqlite"), "--port", "1", "--no-qr"],
        "roleplay export": ["roleplay", "export", "--session", str(session), "--out", str(target / "out.json")],
        "handouts": ["handouts", str(target), "--html-only"],
        "solutions": ["solutions", str(target)],
    }[name]  # fmt: skip


def _one_line(done: subprocess.CompletedProcess, command: str, place: Path) -> str:
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 1, (done.returncode, done.stderr[-2000:])
    line = lines[0]
    assert line.startswith(f"govsim {command.split()[0]}: error: cannot "), line
    assert str(place) in line and "writable" in line, line
    assert safefiles.TEMP_PREFIX not in line and "Errno" not in line and "Traceback" not in done.stderr
    return line


COMMANDS = ["sweep", "roleplay serve", "roleplay export", "handouts", "solutions"]


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (command, kind)
        for command in COMMANDS
        for kind in KINDS
        if not (command.startswith("roleplay") and kind.startswith("new"))  # it makes no folders
    ],
)
def test_a_folder_govsim_cannot_write_is_named_in_one_line(tmp_path, session_file, command, kind):
    target, place = _place(tmp_path, kind)
    session = tmp_path / "room.sqlite"
    shutil.copy(session_file, session)
    before = _snapshot(tmp_path)
    line = _one_line(_govsim(tmp_path, *_command(command, tmp_path, target, session)), command, place)
    assert line.endswith("or choose another folder") and "(permission denied)" in line
    after = _snapshot(tmp_path)
    assert {k: v for k, v in after.items() if k != "tiny.toml"} == {
        k: v for k, v in before.items() if k != "tiny.toml"
    }, "nothing is written"


def _written_by(command: str, tmp_path: Path, session: Path) -> tuple[Path, list[str]]:
    """A folder ``command`` wrote (as this user), and the arguments that write it again."""
    out = tmp_path / "out"
    if command == "roleplay export":
        out.mkdir()  # it writes a file into a folder that exists
    args = _command(command, tmp_path, out, session)
    done = _govsim(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    return out, args


@pytest.mark.parametrize("command", ["sweep", "roleplay export", "handouts", "solutions"])
def test_a_file_made_read_only_is_not_replaced_and_nothing_is_written(tmp_path, session_file, command):
    """Renaming over a read-only file needs only the folder's permission: govsim refused
    nothing and replaced it. Now a read-only file it would replace (or delete) is refused,
    before any file is written."""
    session = tmp_path / "room.sqlite"
    shutil.copy(session_file, session)
    out, args = _written_by(command, tmp_path, session)
    if command == "sweep":
        args = [*args, "--overwrite"]
    files = sorted(p for p in out.rglob("*") if p.is_file())
    victim = files[len(files) // 2]
    victim.chmod(0o444)
    before = _snapshot(out)
    line = _one_line(_govsim(tmp_path, *args), command, victim)
    assert f"cannot replace {victim} (it is read-only): make the file writable" in line
    assert _snapshot(out) == before


def test_a_session_in_a_read_only_folder_exports(tmp_path, session_file):
    """A session copied to a read-only place (an archive, a USB stick) could not be exported:
    SQLite could not make its shared-memory file, and the message called it "not a govsim
    session file". It is read as immutable when nothing beside it holds unsaved rounds."""
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(session_file, folder / "room.sqlite")
    folder.chmod(0o555)
    done = _govsim(
        tmp_path, "roleplay", "export", "--session", str(folder / "room.sqlite"), "--out", "x.json"
    )
    assert done.returncode == 0 and done.stdout.startswith("govsim roleplay: 1 round written to x.json"), (
        done.stderr
    )
    assert sorted(p.name for p in folder.iterdir()) == ["room.sqlite"]


def test_a_read_only_session_with_unsaved_rounds_beside_it_is_refused(tmp_path, session_file):
    """Opened as immutable, SQLite would leave out what the ``-wal`` file holds: refused instead."""
    live, folder = tmp_path / "live", tmp_path / "archive"
    live.mkdir()
    folder.mkdir()
    shutil.copy(session_file, live / "room.sqlite")
    db = sqlite3.connect(live / "room.sqlite", isolation_level=None)
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("INSERT OR REPLACE INTO meta VALUES ('note', '1')")  # committed, only in the -wal
    for name in ("room.sqlite", "room.sqlite-wal"):  # copied while the server still runs
        shutil.copy(live / name, folder / name)
    db.close()
    session = folder / "room.sqlite"
    assert (folder / "room.sqlite-wal").stat().st_size > 0
    folder.chmod(0o555)
    done = _govsim(tmp_path, "roleplay", "export", "--session", str(session), "--out", "x.json")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "room.sqlite-wal beside it holds changes not yet saved into it" in done.stderr
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.EACCES, "cannot write in {d} (permission denied): make the folder writable (chmod u+w {d})"),
        (errno.EPERM, "cannot write in {d} (permission denied): make the folder writable"),
        (
            errno.EROFS,
            "cannot write in {d}: it is on a read-only file system; choose a folder on a writable disk",
        ),
        (errno.ENOSPC, "cannot write in {d}: no space left on the disk (or over quota); free some space"),
    ],
)
@pytest.mark.parametrize("name", ["parts/x.parquet", f"{safefiles.TEMP_PREFIX}manifest.json.0a1b2c3d"])
def test_an_os_error_names_the_folder_not_a_temporary_file(tmp_path, code, expected, name):
    """govsim's temporary names (and a file not there yet) are never what the user is told:
    the folder that refused is, with what to do."""
    exc = OSError(code, os.strerror(code), str(tmp_path / name))
    line = safefiles.describe_os_error(exc)
    assert line.startswith(expected.format(d=tmp_path)) and "\n" not in line


def test_a_missing_folder_is_named_not_a_temporary_file(tmp_path):
    exc = FileNotFoundError(
        errno.ENOENT, "No such file", str(tmp_path / "gone" / ".govsim-tmp-x.json.0a1b2c3d")
    )
    assert (
        safefiles.describe_os_error(exc)
        == f"the folder {tmp_path / 'gone'} does not exist: create it first or choose another"
    )
    exc = FileNotFoundError(errno.ENOENT, "No such file", str(tmp_path / "x.toml"))
    assert safefiles.describe_os_error(exc) == f"{tmp_path / 'x.toml'} does not exist"


def test_refuse_read_only_leaves_writable_files_folders_and_links_alone(tmp_path):
    (tmp_path / "w").write_text("x")
    (tmp_path / "r").write_text("x")
    (tmp_path / "r").chmod(0o444)
    (tmp_path / "link").symlink_to(tmp_path / "r")
    for name in ("w", "missing", "link", "."):
        safefiles.refuse_read_only(tmp_path / name)
    with pytest.raises(PermissionError) as refused:
        safefiles.refuse_read_only(tmp_path / "r")
    assert refused.value.errno == errno.EACCES and refused.value.filename == str(tmp_path / "r")


def test_a_place_that_cannot_be_looked_at_still_gives_one_line(tmp_path, monkeypatch):
    """Describing the error must not raise in turn (the command line prints it from its handler)."""

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "is_dir", refuse)
    monkeypatch.setattr(Path, "is_file", refuse)
    exc = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "x" / "y.json"))
    assert safefiles.describe_os_error(exc) == f"Permission denied: {tmp_path / 'x' / 'y.json'}"
