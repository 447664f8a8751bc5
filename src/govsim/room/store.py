"""Everything a room produces, in one SQLite file: who joined, their dashboard settings, the
polls and predictions, every answer tried, and what the facilitator pushed to every page.

The file is the room: a server started again on the same file (after ``kill -9``) sees every
participant, prediction, answer and push, and a participant's page address (its token) still
works. The plumbing (created owner-only and new, never through a link, a foreign or damaged
file refused with one line, write-ahead logging, one ``BEGIN IMMEDIATE`` transaction per
change) is :class:`govsim.sqlitefile.SQLiteFile`'s.

Tables: ``participants`` (pid, token, name, joined, last_seen), ``settings`` (pid, JSON, at),
``polls`` (id, question, opened, closed), ``predictions`` (poll, pid, value, at; the latest
wins), ``answers`` (id, pid, question, text, JSON result, at; every try kept) and ``pushes``
(id, kind, JSON payload, at) and ``writes`` (pid, id, at: the write ids pages gave, so a write
a page sends again after an outage is done once; not exported). Times are ``time.time()``
seconds.

A participant's token is the private key in their page's address: it is never exported
(:meth:`RoomStore.export`, :meth:`RoomStore.as_json`).
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import sqlite3
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsim import safefiles
from govsim.reading import parse_json
from govsim.room.questions import room_question
from govsim.sqlitefile import SQLiteFile
from govsim.values import printable

NAME_LENGTH = 40  # characters a participant's name may have
KIND_LENGTH = 40  # characters a push's kind may have
TEXT_LENGTH = 2000  # characters an answer's text may have
SEEN_EVERY = 5.0  # seconds between two writes of one participant's last_seen
SCHEMA = """
CREATE TABLE IF NOT EXISTS participants (
    pid INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    joined REAL NOT NULL, last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (pid INTEGER PRIMARY KEY, value TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS polls (
    id INTEGER PRIMARY KEY, question TEXT NOT NULL, opened REAL NOT NULL, closed REAL
);
CREATE TABLE IF NOT EXISTS predictions (
    poll INTEGER NOT NULL, pid INTEGER NOT NULL, value TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (poll, pid)
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, question TEXT NOT NULL, text TEXT NOT NULL,
    result TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS pushes (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS writes (pid INTEGER NOT NULL, id TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (pid, id));
"""
#: tables added after the first room files: a file without them gets them when opened for writing
LATER = {
    "writes": "CREATE TABLE IF NOT EXISTS writes (pid INTEGER NOT NULL, id TEXT NOT NULL, "
    "at REAL NOT NULL, PRIMARY KEY (pid, id));"
}
WRITE_ID = 64  # characters a page's write id may have
COLUMNS = {  # what a room file holds, table -> columns (checked before any write)
    "participants": ["pid", "token", "name", "joined", "last_seen"],
    "settings": ["pid", "value", "at"],
    "polls": ["id", "question", "opened", "closed"],
    "predictions": ["poll", "pid", "value", "at"],
    "answers": ["id", "pid", "question", "text", "result", "at"],
    "pushes": ["id", "kind", "payload", "at"],
    "writes": ["pid", "id", "at"],
}
EXPORTED = {  # table -> the columns an export shows (never the token)
    "participants": "SELECT pid, name, joined, last_seen FROM participants ORDER BY pid",
    "settings": "SELECT pid, value, at FROM settings ORDER BY pid",
    "polls": "SELECT id, question, opened, closed FROM polls ORDER BY id",
    "predictions": "SELECT poll, pid, value, at FROM predictions ORDER BY poll, pid",
    "answers": "SELECT id, pid, question, text, result, at FROM answers ORDER BY id",
    "pushes": "SELECT id, kind, payload, at FROM pushes ORDER BY id",
}
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell that starts so


@dataclass(frozen=True)
class Participant:
    """One participant: ``pid`` (1, 2, ...), ``token`` (the private key in their page's
    address), ``name``, ``joined`` and ``last_seen`` (``time.time()`` seconds)."""

    pid: int
    token: str
    name: str
    joined: float
    last_seen: float


@dataclass(frozen=True)
class Poll:
    """One posed question: ``id``, ``question`` (a :func:`govsim.room.questions.room_questions`
    id), ``opened`` and ``closed`` (``time.time()`` seconds; ``closed`` None while open)."""

    id: int
    question: str
    opened: float
    closed: float | None

    @property
    def open(self) -> bool:
        """Whether predictions are still taken."""
        return self.closed is None


@dataclass(frozen=True)
class Prediction:
    """A participant's latest prediction in a poll: one of the question's options."""

    poll: int
    pid: int
    value: str
    at: float


@dataclass(frozen=True)
class Answer:
    """The latest try at one exercise question: the ``text`` sent, the ``result`` as judged
    (``{"status", "correct", "message"}``), when, and how many ``tries`` there were."""

    question: str
    text: str
    result: dict[str, Any]
    at: float
    tries: int


@dataclass(frozen=True)
class Push:
    """Something the facilitator sent to every page: ``kind`` (e.g. ``"settings"``,
    ``"question"``) and a JSON ``payload``; ``id`` grows with every push."""

    id: int
    kind: str
    payload: dict[str, Any]
    at: float


def participant_name(name: Any) -> str:
    """``name`` trimmed, or a one-line ``ValueError``: it must be text, 1 to 40 characters,
    with no control or text-direction character (:func:`govsim.values.printable`)."""
    if not isinstance(name, str):
        raise ValueError(f"name={name!r} is not text (allowed: 1 to {NAME_LENGTH} printable characters)")
    printable(name, "name")
    trimmed = " ".join(name.split())
    if not trimmed or len(trimmed) > NAME_LENGTH:
        raise ValueError(
            f"name={name!r} has {len(trimmed)} characters (allowed: 1 to {NAME_LENGTH} printable characters)"
        )
    if not any(unicodedata.category(c)[0] in "LNPS" for c in trimmed):
        raise ValueError(
            f"name={name!r} shows nothing: it holds only invisible characters (zero-width, "
            "text-direction or combining marks) (allowed: a name with letters, digits or signs)"
        )
    return trimmed


def told_apart(name: str, taken: list[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... when a participant already has it (compared
    without case, spaces or invisible characters), so the facilitator can tell them apart."""

    def seen(text: str) -> str:
        return "".join(c for c in text if unicodedata.category(c)[0] in "LNPS").casefold()

    held = {seen(t) for t in taken}
    if seen(name) not in held:
        return name
    n = 2
    while seen(f"{name} ({n})") in held:
        n += 1
    return f"{name} ({n})"


def _json_dict(value: Any, where: str) -> str:
    """``value`` as JSON text when it is a dict of JSON values with text keys (no NaN)."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}={value!r} is not a dict (allowed: a dict of JSON values)")
    try:
        return json.dumps(dict(value), allow_nan=False, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{where} is not plain JSON ({exc}) (allowed: text, numbers, lists, dicts)"
        ) from None


def _result(result: Any) -> dict[str, Any]:
    """A judged answer as plain data: from a :class:`govsim.exercises.checks.Result` or a dict."""
    if isinstance(result, Mapping):
        return dict(result)
    status = getattr(result, "status", None)
    if status is None:
        raise ValueError(f"result={result!r} is not a check's Result (allowed: a Result or a dict)")
    return {
        "status": getattr(status, "value", str(status)),
        "correct": bool(getattr(result, "correct", False)),
        "message": str(getattr(result, "message", "")),
    }


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text (a leading ``=``, ``+``, ``-``, ``@`` is quoted)."""
    if isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value
    return value


class RoomStore(SQLiteFile):
    """The room file (every method opens, uses and closes its own connection). Every method
    raises a one-line ``ValueError`` for a refused value (named, with what is allowed) or when
    SQLite refuses (the file is named)."""

    KIND = "room file"
    SCHEMA = SCHEMA
    COLUMNS = COLUMNS
    WRITER = "the room server"
    START = "move it aside or choose another --folder to start a room"
    LATER = LATER

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        """Open the room file at ``path``; a missing file is created when ``create``
        (:class:`govsim.sqlitefile.SQLiteFile`: a link, a foreign, damaged or unwritable file
        is refused with one line)."""
        self._written: dict[int, float] = {}  # pid -> when seen() last wrote
        super().__init__(path, create=create)

    # ------------------------------------------------------------ participants
    def add_participant(self, name: str) -> Participant:
        """A new participant called ``name`` (trimmed; :func:`participant_name`) with a fresh
        token (``secrets.token_urlsafe``). A name already taken is numbered ("Alice (2)",
        :func:`told_apart`), so the facilitator can tell the two apart."""
        name = participant_name(name)
        token, now = secrets.token_urlsafe(18), time.time()
        with self.transaction() as db:
            name = told_apart(name, [row[0] for row in db.execute("SELECT name FROM participants")])
            cursor = db.execute(
                "INSERT INTO participants (token, name, joined, last_seen) VALUES (?, ?, ?, ?)",
                (token, name, now, now),
            )
            pid = int(cursor.lastrowid)
        return Participant(pid, token, name, now, now)

    def participant(self, token: str) -> Participant | None:
        """The participant whose page address holds ``token``, or None (an unknown or
        malformed token)."""
        if not isinstance(token, str) or not token or len(token) > 100:
            return None
        rows = self._read(
            "SELECT pid, token, name, joined, last_seen FROM participants WHERE token = ?", (token,)
        )
        return Participant(*rows[0]) if rows else None

    def _known(self, db: sqlite3.Connection, pid: Any) -> int:
        if isinstance(pid, bool) or not isinstance(pid, int):
            raise ValueError(f"pid={pid!r} is not a participant number (allowed: a whole number)")
        if db.execute("SELECT 1 FROM participants WHERE pid = ?", (pid,)).fetchone() is None:
            raise ValueError(f"pid={pid!r} is not a participant of this room")
        return pid

    @staticmethod
    def _first_time(db: sqlite3.Connection, pid: int, write: str | None) -> bool:
        """Whether the page's write ``write`` (its id, or None: no id) is new for participant
        ``pid``, noting it in the same transaction as the write itself (so a write sent again
        after an outage, whether or not its first sending was committed, is done exactly once)."""
        if write is None:
            return True
        if not isinstance(write, str) or not write or len(write) > WRITE_ID or not write.isprintable():
            raise ValueError(
                f"write={str(write)[:80]!r} is not a write id (allowed: 1 to {WRITE_ID} printable characters)"
            )
        if db.execute("SELECT 1 FROM writes WHERE pid = ? AND id = ?", (pid, write)).fetchone():
            return False
        db.execute("INSERT INTO writes VALUES (?, ?, ?)", (pid, write, time.time()))
        return True

    def seen(self, pid: int) -> None:
        """Note that participant ``pid``'s page is alive now (``last_seen``). Pages call this
        with every heartbeat: it writes at most once every :data:`SEEN_EVERY` seconds per
        participant, so ``last_seen`` may be that much behind."""
        now = time.time()
        if type(pid) is int and now - self._written.get(pid, -SEEN_EVERY) < SEEN_EVERY:
            return
        with self.transaction() as db:
            self._known(db, pid)
            db.execute("UPDATE participants SET last_seen = ? WHERE pid = ?", (now, pid))
        self._written[pid] = now

    def participants(self) -> list[Participant]:
        """Every participant, in the order they joined."""
        rows = self._read("SELECT pid, token, name, joined, last_seen FROM participants ORDER BY pid")
        return [Participant(*row) for row in rows]

    # ------------------------------------------------------------ a participant's dashboard
    def save_settings(self, pid: int, settings: Mapping[str, Any], write: str | None = None) -> bool:
        """Keep participant ``pid``'s dashboard settings (a dict of JSON values, as
        :func:`govsim.room.explore.check_settings` returns them), replacing earlier ones.
        ``write`` is the page's id of this write: one already done is not done again (False)."""
        value = _json_dict(settings, "settings")
        with self.transaction() as db:
            self._known(db, pid)
            if not self._first_time(db, pid, write):
                return False
            db.execute("INSERT OR REPLACE INTO settings VALUES (?, ?, ?)", (pid, value, time.time()))
        return True

    def settings(self, pid: int) -> dict[str, Any] | None:
        """Participant ``pid``'s latest saved settings, or None when they saved none."""
        rows = self._read("SELECT value FROM settings WHERE pid = ?", (pid,))
        return parse_json(rows[0][0], f"{self.path}: settings of participant {pid}") if rows else None

    # ------------------------------------------------------------ polls and predictions
    def pose(self, question_id: str) -> int:
        """Open a new poll on the room question ``question_id`` (one of
        :func:`govsim.room.questions.room_questions`); the poll open until now closes.
        Returns the new poll's id."""
        room_question(question_id)
        now = time.time()
        with self.transaction() as db:
            db.execute("UPDATE polls SET closed = ? WHERE closed IS NULL", (now,))
            cursor = db.execute("INSERT INTO polls (question, opened) VALUES (?, ?)", (question_id, now))
            return int(cursor.lastrowid)

    def close_poll(self) -> Poll | None:
        """Close the open poll (no more predictions: the projector reveals the model's answer);
        returns it closed, or None when no poll was open."""
        with self.transaction() as db:
            row = db.execute("SELECT id FROM polls WHERE closed IS NULL").fetchone()
            if row is not None:
                db.execute("UPDATE polls SET closed = ? WHERE id = ?", (time.time(), row[0]))
        return None if row is None else self.poll(row[0])

    def poll(self, poll_id: int) -> Poll | None:
        """The poll ``poll_id``, open or closed, or None."""
        rows = self._read("SELECT id, question, opened, closed FROM polls WHERE id = ?", (poll_id,))
        return Poll(*rows[0]) if rows else None

    def current_poll(self) -> Poll | None:
        """The latest poll (open, or closed by :meth:`close_poll` and not yet followed by
        another), or None before the first."""
        rows = self._read("SELECT id, question, opened, closed FROM polls ORDER BY id DESC LIMIT 1")
        return Poll(*rows[0]) if rows else None

    def predict(self, pid: int, poll_id: int, value: str, write: str | None = None) -> bool:
        """Participant ``pid``'s prediction in poll ``poll_id``; a later one replaces it.
        ``write`` is the page's id of this write: one already done is not done again (False).

        Refused (one line) when the poll does not exist or is closed, or ``value`` is not one
        of its question's options.
        """
        with self.transaction() as db:
            self._known(db, pid)
            row = db.execute("SELECT question, closed FROM polls WHERE id = ?", (poll_id,)).fetchone()
            if row is None:
                raise ValueError(f"poll={poll_id!r} does not exist in this room")
            if row[1] is not None:
                raise ValueError(f"poll={poll_id!r} is closed: predictions are no longer taken")
            options = room_question(row[0]).options
            if value not in options:
                raise ValueError(f"prediction={value!r} is not an option (allowed: {', '.join(options)})")
            if not self._first_time(db, pid, write):
                return False
            db.execute(
                "INSERT OR REPLACE INTO predictions VALUES (?, ?, ?, ?)", (poll_id, pid, value, time.time())
            )
        return True

    def predictions(self, poll_id: int) -> list[Prediction]:
        """Every participant's latest prediction in poll ``poll_id``, by participant."""
        rows = self._read(
            "SELECT poll, pid, value, at FROM predictions WHERE poll = ? ORDER BY pid", (poll_id,)
        )
        return [Prediction(*row) for row in rows]

    # ------------------------------------------------------------ exercise answers
    def record_answer(self, pid: int, qid: str, text: str, result: Any, write: str | None = None) -> bool:
        """Keep one try of participant ``pid`` at exercise question ``qid``: the ``text`` sent
        (at most 2,000 characters) and the judged ``result`` (a check's
        :class:`~govsim.exercises.checks.Result`, or a dict). Every try is kept; the latest counts.
        ``write`` is the page's id of this try: one already kept is not kept again (False)."""
        if not isinstance(qid, str) or not qid or len(qid) > 100:
            raise ValueError(f"question={qid!r} is not a question id")
        if not isinstance(text, str) or len(text) > TEXT_LENGTH:
            raise ValueError(f"answer={str(text)[:60]!r}... is not text of at most {TEXT_LENGTH} characters")
        judged = _json_dict(_result(result), "result")
        with self.transaction() as db:
            self._known(db, pid)
            if not self._first_time(db, pid, write):
                return False
            db.execute(
                "INSERT INTO answers (pid, question, text, result, at) VALUES (?, ?, ?, ?, ?)",
                (pid, qid, text, judged, time.time()),
            )
        return True

    def answers(self, pid: int) -> dict[str, Answer]:
        """Participant ``pid``'s latest try at each question they answered, by question id."""
        rows = self._read(
            "SELECT question, text, result, at, (SELECT COUNT(*) FROM answers b "
            "WHERE b.pid = a.pid AND b.question = a.question) FROM answers a WHERE pid = ? "
            "AND id = (SELECT MAX(id) FROM answers c WHERE c.pid = a.pid AND c.question = a.question) "
            "ORDER BY id",
            (pid,),
        )
        return {
            q: Answer(q, text, parse_json(result, f"{self.path}: answer to {q}"), at, tries)
            for q, text, result, at, tries in rows
        }

    # ------------------------------------------------------------ pushes
    def push(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Send ``payload`` (a dict of JSON values) of ``kind`` (printable text, 1 to 40
        characters) to every page; returns the push's id (pages show the newest)."""
        if not isinstance(kind, str) or not kind.strip() or len(kind) > KIND_LENGTH:
            raise ValueError(
                f"kind={kind!r} is not a push kind (allowed: 1 to {KIND_LENGTH} printable characters)"
            )
        printable(kind, "kind")
        value = _json_dict(payload, "payload")
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO pushes (kind, payload, at) VALUES (?, ?, ?)", (kind, value, time.time())
            )
            return int(cursor.lastrowid)

    def latest_push(self) -> Push | None:
        """The newest push, or None before the first."""
        rows = self._read("SELECT id, kind, payload, at FROM pushes ORDER BY id DESC LIMIT 1")
        if not rows:
            return None
        pid, kind, payload, at = rows[0]
        return Push(pid, kind, parse_json(payload, f"{self.path}: push {pid}"), at)

    # ------------------------------------------------------------ export
    def _tables(self) -> dict[str, tuple[list[str], list[tuple]]]:
        """Each table's exported columns and rows (no token), read in one transaction."""
        try:
            db = self._connect()
            try:
                db.execute("BEGIN")
                out = {}
                for table, sql in EXPORTED.items():
                    cursor = db.execute(sql)
                    out[table] = ([c[0] for c in cursor.description], cursor.fetchall())
                db.execute("COMMIT")
                return out
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def as_json(self) -> dict[str, Any]:
        """Everything the room produced, JSON-ready: per table a list of rows as dicts (JSON
        columns decoded), without the participants' tokens."""
        decoded = {("settings", "value"), ("answers", "result"), ("pushes", "payload")}
        out: dict[str, Any] = {"format": "govsim-room/1"}
        for table, (columns, rows) in self._tables().items():
            out[table] = [
                {
                    c: parse_json(v, f"{self.path}: {table}.{c}") if (table, c) in decoded else v
                    for c, v in zip(columns, row, strict=True)
                }
                for row in rows
            ]
        return out

    def export(self, folder: str | Path) -> list[Path]:
        """Write one CSV per table and one JSON of everything (:meth:`as_json`) into
        ``folder`` (created when missing; a link refused), named
        ``room-YYYYMMDD-HHMMSS[-N]-TABLE.csv`` and ``...-all.json`` so an export never
        replaces a file. Spreadsheet formulas in participants' text are quoted.

        Returns
        -------
        list of Path
            The files written: six CSV files, then the JSON.
        """
        folder = safefiles.real_folder(folder)
        tables, everything = self._tables(), self.as_json()
        stamp = datetime.now(UTC).strftime("room-%Y%m%d-%H%M%S")
        for n in range(1, 1000):
            prefix = stamp if n == 1 else f"{stamp}-{n}"
            names = [*(f"{prefix}-{t}.csv" for t in tables), f"{prefix}-all.json"]
            if not any((folder / name).exists() or (folder / name).is_symlink() for name in names):
                break
        else:
            raise ValueError(f"{folder} has no free export name for {stamp}; choose another folder")
        written = []
        for (columns, rows), name in zip(tables.values(), names[:-1], strict=True):
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns)
            writer.writerows([_cell(v) for v in row] for row in rows)
            data = text.getvalue().encode("utf-8")
            written.append(safefiles.write_atomic(folder / name, lambda h, d=data: h.write(d), replace=False))
        data = (json.dumps(everything, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        written.append(safefiles.write_atomic(folder / names[-1], lambda h: h.write(data), replace=False))
        return written


__all__ = ["Answer", "Participant", "Poll", "Prediction", "Push", "RoomStore", "participant_name"]
