"""One sweep at a time per results directory: an exclusive kernel lock on ``DIR/.lock``.

The lock is ``flock(LOCK_EX | LOCK_NB)`` on a file opened without following links, so taking
it is one atomic step (two drivers can never both hold it) and the kernel drops it when the
process ends, however it ends: a killed sweep leaves no stale lock, and a lock file naming a
process id that is now someone else's blocks nothing. The lock file is never written once it
has its name (a hard link planted there would carry the write to its target): a new file is
made for each holder and a stale one is deleted, never reused. The file records who holds it (host,
process id, when that process started) so that the refusal can say so. On a file system
without locks (some network mounts) the sweep is refused with that reason; there, and for a
holder on another machine that is gone, delete ``DIR/.lock`` after checking that no sweep
still runs (docs/sweeps.md).

The same mechanism, :class:`ProcessLock`, keeps one role-play server per session file
(:class:`SessionLock`, on ``SESSION.lock`` beside it): two servers on one file would each
replay and advance it on their own and diverge.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsim import safefiles
from govsim.safefiles import CLOEXEC, NOFOLLOW

try:
    import fcntl
except ImportError:  # Windows: exclusive creation instead (a stale file must be deleted by hand)
    fcntl = None

LOCK = ".lock"


def process_started() -> str:
    """When this process started (UTC, ISO 8601), from the kernel where it says."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime")
        )
        started = boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        started = time.time()
    return datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds")


def holder_text(info: dict[str, Any]) -> str:
    """``process 123 on host h, started 2026-11-30T07:00:00+00:00`` (what is known of it)."""
    parts = [f"process {info.get('pid', '?')}"]
    if info.get("host"):
        parts.append(f"on host {info['host']}")
    if info.get("started"):
        parts.append(f"started {info['started']}")
    return " ".join(parts[:2]) + (f", {parts[2]}" if len(parts) > 2 else "")


class ProcessLock:
    """``with ProcessLock(path, subject):`` holds the lock file ``path`` for this process, or
    raises ``ValueError`` saying that ``subject`` is in use by another :attr:`kind`."""

    kind = "process"
    local_hint = "use a local folder"

    def __init__(self, path: str | Path, subject: str) -> None:
        self.path = Path(path)
        self.subject = subject
        self.fd: int | None = None

    def __enter__(self) -> ProcessLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock (once); refuse with the holder's host and process when it is taken.

        The lock file is always a new one, written and locked before it takes the name
        (:func:`govsim.safefiles.create_new`); a file already at the name is only read and
        locked, never written: when no one holds it (a holder that was killed, or a name
        planted there, even a hard link to someone's file), the name is deleted and a new file
        made. So a planted link's target is never changed.

        Raises
        ------
        ValueError
            Another live holder has it, the name is a symbolic link, or the file system has no locks.
        """
        info = {"host": socket.gethostname(), "pid": os.getpid(), "started": process_started()}
        data = json.dumps(info).encode()
        for _ in range(20):
            try:
                fd = safefiles.create_new(self.path, data, lock=self._lock)
            except FileNotFoundError:  # our temporary file was swept away by a finishing holder
                continue
            if fd is not None:
                self.fd = fd
                return
            self._clear_stale()
        raise ValueError(f"{self.path}: could not take the lock (it keeps being replaced)")

    def _lock(self, fd: int) -> None:
        if fcntl is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:  # a new file no one else can know of: only a file system without locks
            raise ValueError(
                f"{self.subject}: this file system does not support locks ({exc.strerror}); {self.local_hint}"
            ) from None

    def _clear_stale(self) -> None:
        """The file at the name: refuse when it is held (or a symbolic link), delete it otherwise."""
        try:
            fd = os.open(self.path, os.O_RDONLY | NOFOLLOW | CLOEXEC)
        except FileNotFoundError:  # released meanwhile
            return
        except OSError:
            if os.path.islink(self.path):
                raise ValueError(
                    f"{self.path} is a symbolic link; delete it (govsim never follows one)"
                ) from None
            raise
        try:
            if fcntl is None:  # no kernel locks: a file at the name is a holder's
                raise self._busy(_read_fd(fd))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise self._busy(_read_fd(fd)) from None
            except OSError as exc:
                raise ValueError(
                    f"{self.subject}: this file system does not support locks ({exc.strerror}); "
                    f"{self.local_hint}"
                ) from None
            with contextlib.suppress(FileNotFoundError):  # no holder: free the name (not the file)
                if os.path.samestat(os.fstat(fd), os.lstat(self.path)):
                    os.unlink(self.path)
        finally:
            os.close(fd)

    def _busy(self, info: dict[str, Any]) -> ValueError:
        here = info.get("host") in (None, socket.gethostname())
        hint = "wait for it or stop it" if here or fcntl is None else "wait for it or stop it there"
        if fcntl is None or not here:
            hint += f"; if it is gone, delete {self.path}"
        return ValueError(f"{self.subject} is in use by another {self.kind} ({holder_text(info)}); {hint}")

    def release(self) -> None:
        """Delete the lock file and drop the lock (safe to call twice)."""
        if self.fd is None:
            return
        try:
            if os.path.samestat(os.fstat(self.fd), os.lstat(self.path)):
                os.unlink(self.path)
        except FileNotFoundError:
            pass
        finally:
            os.close(self.fd)
            self.fd = None


class SweepLock(ProcessLock):
    """``with SweepLock(folder):`` holds ``folder/.lock`` for this process, or raises ``ValueError``."""

    kind = "sweep"
    local_hint = "use a local folder for --out"

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        super().__init__(self.folder / LOCK, str(self.folder))


class SessionLock(ProcessLock):
    """``with SessionLock(session_file):`` one role-play server per session file (``FILE.lock``)."""

    kind = "role-play server"
    local_hint = "keep the session file in a local folder"

    def __init__(self, session: str | Path) -> None:
        session = Path(session)
        super().__init__(session.with_name(session.name + ".lock"), f"session file {str(session)!r}")


def _read_fd(fd: int) -> dict[str, Any]:
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8", "replace") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _read(path: Path) -> dict[str, Any]:
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC)
    except OSError:
        return {}
    try:
        return _read_fd(fd)
    finally:
        os.close(fd)
