"""One SQLite file that a server writes: created safely, checked before use, one connection per call.

The one home of the plumbing shared by the role-play's session file
(:mod:`govsim.roleplay.store`) and the room's file (:mod:`govsim.room.store`):

* A new file is created readable by its owner only (mode 0600), new (``O_EXCL``, never through
  a link). An existing file is used only when it has exactly the expected tables and columns:
  any other SQLite database, an empty file, or a file that is not SQLite at all is refused
  untouched (nothing is written to a file before it is known to be ours).
* Before anything starts an existing file is read whole (``PRAGMA quick_check``): a damaged one
  is refused with one line; a file that will be written (``create=True``) is tried with a write
  that is rolled back, so a read-only file or folder, or a lock held elsewhere, is refused at
  start and not at the first click.
* A file opened only to read (``create=False``: an export) in a folder govsim cannot write
  (a copy on a read-only disk, an archived folder) is read as immutable, since SQLite cannot
  make the ``-shm`` a WAL file needs there; unless a ``-wal`` beside it holds changes not yet
  saved into it, which immutable reading would leave out: refused with one line.
* The file, its ``-wal`` and its ``-shm`` (which SQLite writes in place) are refused when they
  are links of either kind (:func:`govsim.safefiles.refuse_linked`), at open and before every
  connection.
* Write-ahead logging, ``isolation_level=None`` (transactions are explicit), a busy timeout,
  ``synchronous=FULL`` (a committed change survives a power cut, not only ``kill -9``). Every
  call opens its own short-lived connection (a web engine runs many pages on one event loop);
  every change is one ``BEGIN IMMEDIATE`` transaction.

Errors are ``ValueError`` with one line naming the file (``"session file 'x.sqlite' ..."``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import ClassVar

from govsim.safefiles import open_exclusive, refuse_linked

BUSY_TIMEOUT = 10.0  # seconds a connection waits for another writer's lock


class SQLiteFile:
    """A SQLite file with a fixed schema; subclasses set the class attributes.

    ``KIND`` what the file is called in messages (``"session file"``), ``SCHEMA`` the
    ``CREATE TABLE IF NOT EXISTS`` script, ``COLUMNS`` table -> column names (checked before any
    write), ``WRITER`` who writes it (``"the role-play server"``), ``START`` what to do instead
    of giving a foreign file (``"give a new file name to start a session"``).
    """

    KIND = "file"
    SCHEMA = ""
    COLUMNS: ClassVar[dict[str, list[str]]] = {}
    #: tables added after the first files of this kind (table -> its CREATE statement): a file
    #: without them is accepted, and gets them when opened for writing
    LATER: ClassVar[dict[str, str]] = {}
    WRITER = "govsim"
    START = "give a new file name"

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        """Open the file at ``path``; a missing file is created when ``create``.

        Raises
        ------
        ValueError
            ``path`` is a link, its folder does not exist, it is missing (and not ``create``),
            it is not this kind of file (another database, an empty file, not SQLite), it is
            damaged, or (with ``create``) it cannot be written.
        """
        self.path = Path(path)
        self.create = create  # False: only read; SQLite's own -wal and -shm aside, nothing written
        name = str(self.path)
        if self.path.is_symlink():
            raise ValueError(f"{self.KIND} {name!r} is a symbolic link: give the file itself")
        if not self.path.parent.is_dir():
            raise ValueError(f"{self.KIND} {name!r}: the folder {str(self.path.parent)!r} does not exist")
        if self.path.exists() and not self.path.is_file():
            raise ValueError(f"{self.KIND} {name!r} is not a file (a folder or a device): give a file name")
        refuse_linked(self.path, *self._siblings())  # before any connection: SQLite writes in place
        try:
            made = create and self._create()
            if made:
                db = self._connect()
                try:
                    db.executescript(self.SCHEMA)
                finally:
                    db.close()
            elif not self.path.exists():
                raise ValueError(f"{self.KIND} {name!r} does not exist")
            else:
                self._check_schema()
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"{self.KIND} {name!r} is not a govsim {self.KIND} ({exc})") from None
        self._check_whole()
        if create:
            self._check_writable()
            if getattr(self, "_missing", None):  # a file from before these tables: add them
                db = self._connect()
                try:
                    db.executescript("".join(self.LATER[t] for t in self._missing))
                finally:
                    db.close()

    def _create(self) -> bool:
        """Create the file, owner-only and new; False when it already exists."""
        try:
            os.close(open_exclusive(self.path, 0o600))
        except FileExistsError:
            return False
        return True

    def _read_only(self) -> sqlite3.Connection:
        """A connection that only reads; in a folder that cannot be written, an immutable one.

        Raises
        ------
        ValueError
            The folder cannot be written and a ``-wal`` file beside the file holds changes
            not yet saved into it (immutable reading would leave them out).
        sqlite3.Error
            SQLite refused otherwise (the caller names the file).
        """
        uri = self.path.resolve().as_uri()
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchall()
            return db
        except sqlite3.OperationalError:
            db.close()
            if self._folder_writable():
                raise
        wal = self._siblings()[0]
        if wal.exists() and wal.stat().st_size > 0:
            raise ValueError(
                f"{self.KIND} {str(self.path)!r} is in a folder govsim cannot write and {wal.name} "
                "beside it holds changes not yet saved into it: copy the folder somewhere writable "
                "and use the copy"
            )
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)

    def _folder_writable(self) -> bool:
        return os.access(self.path.parent, os.W_OK | os.X_OK)

    def _check_schema(self) -> None:
        """Refuse a file without exactly the expected tables, reading it only (no journal mode set)."""
        db = self._read_only()
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            have = {
                t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in tables & set(self.COLUMNS)
            }
        finally:
            db.close()
        self._missing = [t for t in self.LATER if t not in tables]
        tables |= set(self._missing)
        have.update({t: self.COLUMNS[t] for t in self._missing})
        if tables != set(self.COLUMNS) or have != self.COLUMNS:
            held = ", ".join(sorted(tables)) if tables else "none"
            raise ValueError(
                f"{self.KIND} {str(self.path)!r} is not a govsim {self.KIND} (its tables: {held}; "
                f"a {self.KIND} has {', '.join(self.COLUMNS)}): {self.START}"
            )

    def _check_whole(self) -> None:
        """Read every page (``PRAGMA quick_check``): a damaged file is refused before anything starts."""
        try:
            db = self._read_only()
            try:
                found = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            found = [str(exc)]
        if found != ["ok"]:
            raise ValueError(
                f"{self.KIND} {str(self.path)!r} is damaged ({'; '.join(found)}): restore a copy, or {self.START}"
            )

    def _check_writable(self) -> None:
        """A write that is rolled back: a file that could not be written is refused now."""

        class Probe(Exception):
            pass

        try:
            with self.transaction() as db:
                db.execute("CREATE TABLE govsim_write_check (x)")
                raise Probe
        except Probe:
            return
        except ValueError as exc:
            raise ValueError(
                f"{exc.args[0]}: {self.WRITER} must write it (check its permissions, "
                "the folder's, free space, and that no other program holds it)"
            ) from None

    def _siblings(self) -> tuple[Path, ...]:
        """The files SQLite writes in place beside the file."""
        return tuple(self.path.with_name(self.path.name + end) for end in ("-wal", "-shm"))

    def _connect(self) -> sqlite3.Connection:
        refuse_linked(self.path, *self._siblings())  # SQLite would write through them
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
        except BaseException:
            db.close()
            raise
        return db

    def keep_open(self) -> None:
        """Hold one connection to the file open (used by nobody) until :meth:`release`, for a
        server that reads and writes it many times a second: while one connection stays open,
        closing the others does not checkpoint the write-ahead log and delete ``-wal`` and
        ``-shm``, and opening one does not create them again (a read then takes about 0.2 ms
        instead of 2 ms). SQLite still checkpoints the log by itself every 1000 pages."""
        if getattr(self, "_held", None) is None:
            try:
                self._held = self._connect_shared()
            except sqlite3.Error as exc:
                raise self._failed(exc) from None

    def _connect_shared(self) -> sqlite3.Connection:
        refuse_linked(self.path, *self._siblings())
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def release(self) -> None:
        """Close the connection :meth:`keep_open` held (the last to close tidies the log)."""
        held, self._held = getattr(self, "_held", None), None
        if held is not None:
            with suppress(sqlite3.Error):
                held.close()

    def _failed(self, exc: sqlite3.Error) -> ValueError:
        return ValueError(f"{self.KIND} {str(self.path)!r} cannot be used ({exc})")

    def _changed(self) -> None:
        """Called after every transaction (a subclass drops what it caches)."""

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on error.

        Raises
        ------
        ValueError
            SQLite refused (a read-only or damaged file, a full disk, a lock held too long).
        """
        try:
            db = self._connect()
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise self._failed(exc) from None
        except BaseException:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()
            self._changed()

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        """The rows of one query, on a connection of its own."""
        try:  # the last connection to close tidies -wal and -shm: a writing one where it can
            db = self._connect() if self.create or self._folder_writable() else self._read_only()
            try:
                return db.execute(sql, args).fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
