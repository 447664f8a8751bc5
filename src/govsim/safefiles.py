"""Writing files safely: whole or absent, never through a link, deleting only what govsim wrote.

Everything govsim writes (results parts, manifests, locks, plots, saved sessions, caches)
goes through this module:

* :func:`write_atomic` writes to a fresh temporary file in the target's folder, created
  exclusively and without following links (``O_CREAT | O_EXCL | O_NOFOLLOW``) under a name
  govsim recognises as its own (``.govsim-tmp-...``), flushes and fsyncs it, then renames it
  over the target (``os.replace`` is atomic and replaces a link instead of writing through it).
  A crash at any moment leaves the old file or the new one, plus at worst a temporary file
  that :func:`clean_temporaries` removes.
* :func:`real_folder` creates or checks a folder and refuses a symbolic link, so nothing is
  written into a link's target.
* :func:`remove_owned` deletes a folder's files only when every entry is a regular file whose
  name matches govsim's own pattern; anything else (a link, a subfolder, a stranger's file)
  is refused with its name, and nothing is deleted.
* Never write through a file with more than one name. A hard link planted at a name govsim
  writes (``ln victim DIR/.lock``) shares the victim's inode, and ``O_NOFOLLOW`` does not see
  it: writing into the opened file would overwrite the victim. So govsim writes into new files
  only: :func:`write_atomic` renames a new file over the name, and :func:`create_new` puts a
  new file (already written, and flocked when asked) at a free name with ``os.link``, which
  fails rather than replace anything. Files another program writes in place beside ours
  (SQLite's ``-wal`` and ``-shm``) are checked first with :func:`refuse_linked`.
* :func:`claim_folder` and :func:`record_folder`: a command that fills a folder (``govsim
  handouts``, ``govsim solutions``) writes only into a new or empty folder, or one holding its
  marker file (``.govsim-KIND.json``, naming the command and the files it wrote), so a
  learner's or a stranger's files are never replaced.

* A file the user made read-only is never replaced or deleted, although its folder would
  allow it (renaming over a file needs only the folder's permission): govsim refuses, as it
  would for an immutable file. :func:`describe_os_error` turns the ``OSError`` of a folder or
  file govsim cannot write into one line naming it and what to do.

Errors are ``ValueError`` with one line naming the path (the command line prints it).
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".govsim-tmp-"
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; Windows has no symbolic links to follow here
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def is_temporary(name: str) -> bool:
    """Whether ``name`` is one of govsim's temporary files (safe to delete when no writer runs)."""
    return name.startswith(TEMP_PREFIX)


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def real_folder(path: str | Path, *, create: bool = True, parents: bool = False) -> Path:
    """``path`` as a real folder (created when ``create``); a symbolic link or a file is refused.

    Raises
    ------
    ValueError
        ``path`` is a symbolic link, or exists and is not a folder.
    """
    path = Path(path)
    if _is_link(path):
        raise ValueError(f"{path} is a symbolic link; govsim does not write through links (remove it)")
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path} is a file, not a folder")
    if create:
        path.mkdir(parents=parents, exist_ok=True)
        if _is_link(path) or not path.is_dir():  # replaced while we looked
            raise ValueError(f"{path} is not a real folder; govsim does not write through links")
    return path


def open_exclusive(path: str | Path, mode: int = 0o666) -> int:
    """A file descriptor on a NEW file at ``path`` (never an existing file, never through a link)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, mode)


def link_kind(path: str | Path) -> str | None:
    """Why writing through ``path`` would reach another file: ``"a symbolic link"``,
    ``"a hard link (3 names for one file)"``, or ``None`` (missing, or a file with one name)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if not stat.S_ISDIR(info.st_mode) and info.st_nlink > 1:
        return f"a hard link ({info.st_nlink} names for one file)"
    return None


def refuse_linked(*paths: str | Path) -> None:
    """Refuse, before anything writes in place, any of ``paths`` that is a link of either kind.

    Raises
    ------
    ValueError
        One line naming the first linked path and its kind.
    """
    for path in paths:
        kind = link_kind(path)
        if kind is not None:
            raise ValueError(
                f"{path} is {kind}; govsim never writes through a link (delete that name and try again)"
            )


def create_new(path: str | Path, data: bytes, *, lock: Callable[[int], object] | None = None) -> int | None:
    """Put a new file holding ``data`` at ``path`` if that name is free; its open descriptor, or
    ``None`` when ``path`` exists (nothing is written to the existing file, whatever it is).

    The file is written (and ``lock(fd)`` applied, e.g. an ``flock``) under a temporary name
    first, then linked into place, so no one ever sees it empty or unlocked. The caller closes
    the descriptor.
    """
    path = Path(path)
    tmp, fd = _temporary(path.parent, path.name)
    try:
        if lock is not None:
            lock(fd)
        os.pwrite(fd, data, 0)
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return fd


def _temporary(folder: Path, name: str) -> tuple[Path, int]:
    for _ in range(100):
        tmp = folder / f"{TEMP_PREFIX}{name}.{secrets.token_hex(4)}"
        try:
            return tmp, open_exclusive(tmp)
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: no free temporary name for {name}")


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object], *, replace: bool = True) -> Path:
    """Write ``path`` whole or not at all: ``write(handle)`` fills a temporary file, then it is renamed.

    With ``replace=False`` an existing ``path`` is kept: the temporary file is hard-linked into
    place (``os.link`` fails when the name exists), so a file is created only whole and never
    over another.

    Raises
    ------
    ValueError
        The folder or the target is a symbolic link, or the target is a folder.
    FileExistsError
        ``replace=False`` and ``path`` exists.
    OSError
        The folder is not writable (the temporary file is removed), or ``path`` is a file the
        user made read-only (``PermissionError``; see :func:`describe_os_error`).
    """
    path = Path(path)
    real_folder(path.parent, create=False)
    if _is_link(path) or path.is_dir():
        raise ValueError(f"{path} is a symbolic link or a folder; govsim writes only regular files")
    if replace:
        refuse_read_only(path)
    tmp, fd = _temporary(path.parent, path.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path, follow_symlinks=False)
            tmp.unlink()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_bytes(path: str | Path, data: bytes) -> Path:
    """:func:`write_atomic` for bytes."""
    return write_atomic(path, lambda handle: handle.write(data))


def write_text(path: str | Path, text: str) -> Path:
    """:func:`write_atomic` for text, always UTF-8."""
    return write_bytes(path, text.encode("utf-8"))


def clean_temporaries(folder: str | Path) -> list[Path]:
    """Remove govsim's temporary files left in ``folder`` by a process that was killed."""
    folder = Path(folder)
    if not folder.is_dir() or _is_link(folder):
        return []
    removed = [p for p in folder.iterdir() if is_temporary(p.name)]
    for path in removed:
        path.unlink(missing_ok=True)  # a link is removed itself, never its target
    return removed


def foreign_entries(folder: str | Path, pattern: re.Pattern[str]) -> list[str]:
    """Names in ``folder`` that govsim did not write: not a regular file matching ``pattern``
    (or a temporary file of govsim's), e.g. links and subfolders."""
    folder = Path(folder)
    foreign = []
    for entry in os.scandir(folder):
        ours = pattern.fullmatch(entry.name) or is_temporary(entry.name)
        if not ours or not entry.is_file(follow_symlinks=False):
            foreign.append(entry.name)
    return sorted(foreign)


def remove_owned(folder: str | Path, pattern: re.Pattern[str]) -> None:
    """Delete ``folder`` and its files, provided govsim wrote every one of them.

    Raises
    ------
    ValueError
        ``folder`` is a symbolic link or not a folder, or holds an entry govsim did not write
        (named in the message); nothing is deleted then.
    """
    folder = Path(folder)
    if not folder.exists() and not _is_link(folder):
        return
    real_folder(folder, create=False)
    foreign = foreign_entries(folder, pattern)
    if foreign:
        raise ValueError(
            f"{folder} holds {foreign[0]!r}, which govsim did not write; "
            "move it away (govsim deletes only its own files)"
        )
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        refuse_read_only(entry.path)  # all checked before the first is deleted
    for entry in os.scandir(folder):
        os.unlink(entry.path)
    folder.rmdir()


def refuse_read_only(path: str | Path) -> None:
    """Raise ``PermissionError`` (EACCES, naming ``path``) when ``path`` is an existing regular
    file its owner made read-only: govsim does not replace or delete it, although the folder's
    permission would let a rename do so (the way an immutable file is refused)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) and not mode & stat.S_IWUSR:
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))


def _refused_place(path: Path) -> tuple[Path, bool]:
    """The file or folder that refused a write at ``path``: the target for govsim's temporary
    name, else the file itself when it exists, else the nearest folder on the way that does.
    Returns it and whether it is a folder."""
    if is_temporary(path.name):
        path = path.parent
    if path.is_file() or path.is_symlink():
        return path, False
    while not path.is_dir() and path.parent != path:
        path = path.parent
    return path, True


def describe_os_error(exc: OSError) -> str:
    """One line for an ``OSError`` about a path: the file or folder that refused (never one of
    govsim's temporary names), why, and what to do; other errors as ``strerror: filename``.

    >>> describe_os_error(PermissionError(13, "Permission denied", "/.govsim-tmp-a.json.1f2e"))
    'cannot write in / (permission denied): make the folder writable (chmod u+w /) or choose another folder'
    """
    if not exc.filename:
        return str(exc.strerror or exc)
    try:
        return _describe(exc, Path(os.fsdecode(exc.filename)))
    except OSError:  # the place cannot even be looked at (a folder on the way refuses): as it came
        return f"{exc.strerror or exc}: {os.fsdecode(exc.filename)}"


def _describe(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOENT:
        if not path.parent.is_dir():  # (for a temporary name: the folder it was written into)
            return f"the folder {path.parent} does not exist: create it first or choose another"
        return f"{path} does not exist"
    place, folder = _refused_place(path)
    what = "the folder" if folder else "the file"
    where = f"cannot write in {place}" if folder else f"cannot replace {place}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        read_only = not folder and not os.lstat(place).st_mode & stat.S_IWUSR
        reason = "it is read-only" if read_only else "permission denied"
        other = "choose another folder" if folder else "write elsewhere"
        return f"{where} ({reason}): make {what} writable (chmod u+w {place}) or {other}"
    if exc.errno == errno.EROFS:
        return f"{where}: it is on a read-only file system; choose a folder on a writable disk"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"{where}: no space left on the disk (or over quota); free some space or choose another folder"
    return f"{exc.strerror or exc}: {os.fsdecode(exc.filename)}"


def check_writable(folder: str | Path) -> None:
    """Create and remove a temporary file in ``folder``; a folder that refuses is named.

    Raises
    ------
    ValueError
        ``folder`` is not writable (read-only, no permission, full disk).
    """
    folder = Path(folder)
    try:
        tmp, fd = _temporary(folder, "probe")
        os.close(fd)
        tmp.unlink()
    except OSError as exc:
        raise ValueError(describe_os_error(exc)) from None


def make_folders(root: str | Path, relative: str | Path) -> Path:
    """Create ``root / relative`` one folder at a time, refusing a symbolic link at any step
    below ``root`` (``root`` itself must be a real folder), so nothing lands in a link's target.

    Raises
    ------
    ValueError
        ``root`` or a folder on the way is a symbolic link or a file.
    """
    folder = real_folder(root, create=False)
    for part in Path(relative).parts:
        folder = real_folder(folder / part)
    return folder


def marker_name(kind: str) -> str:
    """The marker file of folders written by ``govsim KIND`` (``.govsim-handouts.json``)."""
    return f".govsim-{kind}.json"


def file_hash(path: str | Path) -> str | None:
    """``"sha256:<hex>"`` of a regular file's content, read without following a link; ``None``
    for a folder, a link or a missing file."""
    import hashlib

    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as handle:
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"sha256:{digest.hexdigest()}"


def claim_folder(
    outdir: str | Path,
    kind: str,
    *,
    adopt: bool = False,
    name: str = "outdir",
    names: list[str] | tuple[str, ...] = (),
) -> tuple[Path, list[str]]:
    """Check that ``govsim KIND`` may write into ``outdir``, creating it if missing; return it
    and the files a previous run of the command wrote there.

    Allowed: a new folder, an empty one, or one holding the command's marker
    (:func:`marker_name`), written by :func:`record_folder`; with ``adopt`` (the user asked)
    also a non-empty folder without the marker. Everything is checked before anything is
    written: a file the marker lists whose content changed since govsim wrote it (its SHA-256
    is in the marker) is refused, and so is a symbolic link among the folder's entries or at
    any of ``names`` (the files the command is about to write).

    Raises
    ------
    ValueError
        (one line, naming the folder as ``name=...``) ``outdir`` is a symbolic link or a file,
        or a non-empty folder without the command's marker (or with a damaged, foreign or
        linked one), or holds a link or a file edited since govsim wrote it.
    PermissionError
        A file the command would replace or remove (or the marker) was made read-only.
    """
    out = Path(outdir)
    marker = marker_name(kind)
    allowed = f"allowed: a new folder, an empty one, or one written before by govsim {kind}"
    if _is_link(out):
        raise ValueError(f"{name}={str(out)!r} is a symbolic link ({allowed}; never written through a link)")
    if out.exists() and not out.is_dir():
        raise ValueError(f"{name}={str(out)!r} is a file ({allowed})")
    if not out.exists():
        out.mkdir(parents=True)
        return out, []
    if not any(out.iterdir()):
        return out, []
    path = out / marker
    if _is_link(path):
        raise ValueError(
            f"{name}={str(out)!r}: {marker} is a symbolic link ({allowed}; never read through a link)"
        )
    if adopt and not path.exists():
        return out, []
    if not path.is_file():
        raise ValueError(f"{name}={str(out)!r} is not empty and holds no {marker} ({allowed})")
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{name}={str(out)!r}: {marker} is damaged ({allowed})") from None
    previous = previous if isinstance(previous, dict) else {}
    files = previous.get("files")
    if previous.get("generator") != f"govsim {kind}" or not isinstance(files, (list, dict)):
        raise ValueError(f"{name}={str(out)!r}: {marker} was not written by govsim {kind} ({allowed})")
    hashes = files if isinstance(files, dict) else dict.fromkeys(files)  # a list: before hashes were kept
    hashes = {f: h for f, h in hashes.items() if isinstance(f, str) and "/" not in f and f not in (".", "..")}
    for entry in sorted({e.name for e in os.scandir(out)} | set(names)):
        if _is_link(out / entry):
            raise ValueError(
                f"{name}={str(out)!r} holds {entry!r}, a symbolic link; nothing was written "
                "(govsim never writes through a link: remove it)"
            )
    for entry, recorded in sorted(hashes.items()):
        if isinstance(recorded, str) and (out / entry).exists() and file_hash(out / entry) != recorded:
            raise ValueError(
                f"{name}={str(out)!r}: {entry} was changed since govsim {kind} wrote it; nothing was "
                "written (move it away to keep it, or delete it)"
            )
    for entry in sorted({marker, *hashes, *names}):  # replaced or removed below: none read-only
        refuse_read_only(out / entry)
    return out, sorted(hashes)


def record_folder(out: str | Path, kind: str, written: list[str], previous: list[str]) -> None:
    """Finish a folder claimed by :func:`claim_folder`: remove the files of a previous run that
    this run did not write (regular files only), then write the marker listing this run's
    entries with each regular file's SHA-256 (:func:`file_hash`; ``null`` for a folder), which
    the next :func:`claim_folder` compares to refuse a file edited since."""
    out = Path(out)
    for name in set(previous) - set(written):
        stale = out / name
        if stale.is_file() and not _is_link(stale):
            stale.unlink()
    files = {name: file_hash(out / name) for name in sorted(written)}
    marker = {"generator": f"govsim {kind}", "files": files}
    write_text(out / marker_name(kind), json.dumps(marker, indent=1) + "\n")
