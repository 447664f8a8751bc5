"""A served role-play's state in one SQLite file: configuration, join codes, phase, the moves
submitted for the open round, and every committed round.

The file is the session: a server started again on the same file replays the committed rounds
from the seed and carries on in the same phase with the same pending moves, so ``kill -9`` loses
nothing that was shown. Write-ahead logging lets pages read while the facilitator writes; every
call opens its own short-lived connection (the web engine runs many pages on one event loop),
and every change is one ``BEGIN IMMEDIATE`` transaction that checks the state it expects, so a
double click or a stale page changes nothing.

The file holds join codes, so it is created readable by its owner only (mode 0600), new
(``O_EXCL``, never through a link). An existing file is used only when it has exactly
govsim's tables and columns: any other SQLite database, or an empty file, is refused untouched
(nothing is written to a file before it is known to be a session file). Before anything
starts, an existing file is read whole (SQLite's ``quick_check``): a damaged one is refused
with one line; a file the server will write (``create=True``) is tried with a write that is
rolled back, so a read-only file, folder or a lock held elsewhere is refused at start, not at
the facilitator's first click. The file, its ``-wal`` and its ``-shm`` (which SQLite writes in
place) are refused when they are links of either kind (:func:`govsim.safefiles.refuse_linked`).
Any later SQLite error is a ``ValueError`` naming the file. That plumbing is
:class:`govsim.sqlitefile.SQLiteFile`'s, shared with the room's file (:mod:`govsim.room.store`).

Tables: ``meta`` (key, JSON value: ``config``, ``codes``, ``debrief``), ``state`` (one row:
phase, round, deadline, version), ``moves`` (round, team, move, amendment, at) and ``rounds``
(n, JSON record as in a hot-seat session file).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from govsim.reading import parse_json
from govsim.sqlitefile import SQLiteFile

VERSION_AGE = 0.1  # seconds a read of the change counter is shared between pages
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    phase TEXT NOT NULL, round INTEGER NOT NULL, deadline REAL, version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS moves (
    round INTEGER NOT NULL, team TEXT NOT NULL, move TEXT NOT NULL, amendment TEXT,
    at REAL NOT NULL, PRIMARY KEY (round, team)
);
CREATE TABLE IF NOT EXISTS rounds (n INTEGER PRIMARY KEY, record TEXT NOT NULL);
"""
COLUMNS = {  # what a govsim session file holds, table -> columns (checked before any write)
    "meta": ["key", "value"],
    "state": ["id", "phase", "round", "deadline", "version"],
    "moves": ["round", "team", "move", "amendment", "at"],
    "rounds": ["n", "record"],
}


@dataclass(frozen=True)
class RoomState:
    """Where the session stands: ``round`` counts committed rounds (the open round is round + 1)."""

    phase: str
    round: int
    deadline: float | None
    version: int


class SessionStore(SQLiteFile):
    """The session file (:class:`govsim.sqlitefile.SQLiteFile`: every method opens, uses and
    closes its own connection)."""

    KIND = "session file"
    SCHEMA = SCHEMA
    COLUMNS = COLUMNS
    WRITER = "the role-play server"
    START = "give a new file name to start a session"
    _seen: tuple[float, int] | None = None  # (when, version) of the last read of the change counter

    def _changed(self) -> None:
        self._seen = None  # the next version() reads the file again

    # ------------------------------------------------------------ meta
    def get(self, key: str) -> Any:
        """The JSON value stored under ``key`` in ``meta`` (``config``, ``codes``, ``debrief``),
        or None when there is none.

        Raises
        ------
        ValueError
            SQLite refused, or the stored value is not valid JSON (the file and key are named).
        """
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return parse_json(rows[0][0], f"{self.path}: {key}") if rows else None

    def put(self, key: str, value: Any, db: sqlite3.Connection | None = None) -> None:
        """Store ``value`` (JSON-serialisable) under ``key`` in ``meta``, replacing any earlier
        value: inside the open transaction ``db``, or in a transaction of its own."""
        sql, args = "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value))
        if db is not None:
            db.execute(sql, args)
            return
        with self.transaction() as tx:
            tx.execute(sql, args)

    def initialise(self, config: dict[str, Any], codes: dict[str, str], phase: str) -> bool:
        """Write a new session's configuration once; False when the file already holds one."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'config'").fetchone():
                return False
            self.put("config", config, db)
            self.put("codes", codes, db)
            db.execute("INSERT INTO state VALUES (1, ?, 0, NULL, 0)", (phase,))
            return True

    # ------------------------------------------------------------ state
    def state(self) -> RoomState:
        """The session's :class:`RoomState` as the file holds it now.

        Raises
        ------
        ValueError
            The file has no state row (not initialised), or SQLite refused.
        """
        rows = self._read("SELECT phase, round, deadline, version FROM state WHERE id = 1")
        if not rows:
            raise ValueError(f"session file {str(self.path)!r} holds no session state")
        return RoomState(*rows[0])

    def version(self, max_age: float = VERSION_AGE) -> int:
        """The change counter pages poll: one small read, shared by every page that asks within
        ``max_age`` seconds (a change made through this store is seen at once)."""
        now = time.monotonic()
        if self._seen is not None and now - self._seen[0] < max_age:
            return self._seen[1]
        rows = self._read("SELECT version FROM state WHERE id = 1")
        self._seen = (now, rows[0][0] if rows else -1)
        return self._seen[1]

    @staticmethod
    def set_state(db: sqlite3.Connection, phase: str, round_: int, deadline: float | None) -> None:
        """Write phase, committed rounds and the countdown's end (``time.time()`` seconds, or
        None) inside the open transaction ``db``, and count one change (``version``)."""
        db.execute(
            "UPDATE state SET phase = ?, round = ?, deadline = ?, version = version + 1 WHERE id = 1",
            (phase, round_, deadline),
        )

    @staticmethod
    def current(db: sqlite3.Connection) -> RoomState:
        """The :class:`RoomState` as seen inside the open transaction ``db`` (what a change checks
        before it writes)."""
        return RoomState(
            *db.execute("SELECT phase, round, deadline, version FROM state WHERE id = 1").fetchone()
        )

    # ------------------------------------------------------------ moves and rounds
    @staticmethod
    def upsert_move(
        db: sqlite3.Connection, round_: int, team: str, move: str, amendment: list[float] | None
    ) -> None:
        """The team's move for the open round; a later submission replaces an earlier one."""
        db.execute(
            "INSERT OR REPLACE INTO moves VALUES (?, ?, ?, ?, ?)",
            (round_, team, move, None if amendment is None else json.dumps(amendment), time.time()),
        )
        db.execute("UPDATE state SET version = version + 1 WHERE id = 1")

    def moves(self, round_: int, db: sqlite3.Connection | None = None) -> dict[str, dict[str, Any]]:
        """The moves of round ``round_`` (committed rounds + 1 for the open one) by team: each
        ``{"move", "amendment", "at"}``, ``at`` in ``time.time()`` seconds."""
        sql = "SELECT team, move, amendment, at FROM moves WHERE round = ? ORDER BY team"
        rows = db.execute(sql, (round_,)).fetchall() if db is not None else self._read(sql, (round_,))
        return {
            team: {"move": move, "amendment": None if a is None else parse_json(a, "a move"), "at": at}
            for team, move, a, at in rows
        }

    def rounds(self) -> list[dict[str, Any]]:
        """Every committed round's record, in order (as in a hot-seat session file).

        Raises
        ------
        ValueError
            SQLite refused, or a record is not valid JSON (the file and round are named).
        """
        rows = self._read("SELECT n, record FROM rounds ORDER BY n")
        return [parse_json(r, f"{self.path}: round {n}") for n, r in rows]

    @staticmethod
    def add_round(db: sqlite3.Connection, n: int, record: dict[str, Any]) -> None:
        """Commit round ``n``'s record inside the open transaction ``db`` (a round is written
        once: a second write of the same ``n`` fails the transaction)."""
        db.execute("INSERT INTO rounds VALUES (?, ?)", (n, json.dumps(record)))
