"""Actor-table files: the Decide and KTAB formats, read into :class:`govsim.actors.ActorTable`.

The field's standard input is one row per actor and issue: a position on the issue's scale,
a salience (how much the actor cares, in [0, 1]) and a power (capability). It is the input of
the Stokman compromise and exchange models (Stokman & Van Oosten 1994; Stokman & Thomson 2004),
of Bueno de Mesquita's expected-utility model (1994) and of KAPSARC's KTAB toolkit. Two file
formats are read unchanged:

* **Decide** (the Stokman exchange model; the ``decide-exchange-model`` toolkit): typed rows,
  fields separated by tabs (or semicolons or commas) and in single quotes or none, the row
  tag included: the toolkit writes ``'#A'<TAB>'USA'<TAB>'USA'<TAB>''``. ``#A`` actor key,
  name, comment; ``#P`` issue key, name, description; ``#M`` issue, scale point, meaning;
  ``#D`` actor, issue, position, salience, power; ``#/`` and ``#O`` comment and title rows.
  Saliences are on the 0-1 scale, or on the 0-100 scale for the whole file (recognised by a
  salience above 1, divided by 100 as KTAB's, and said in the table's notes; a file mixing
  the two is refused). Power may differ by issue: each issue is then negotiated with the
  actor's power on it (:mod:`govsim.actors`; the notes name those actors). In files whose
  cells are not comma-separated, a decimal comma (``0,8``) is a decimal point, as the toolkit
  reads it (the notes say so).
  The issue's scale runs from its lowest to its highest ``#M`` point (0-100 without any, as
  the toolkit reads it); a ``#M`` point whose meaning is ``status quo`` states the status quo.
  Lines may end in CRLF; empty trailing cells, rows of empty cells and cells past a row's
  fields are ignored; an actor may lack rows for some issues (salience 0 there).
* **KTAB SMP CSV**: a first line ``name, description, actors, dimensions``; a header
  ``Actor, Description, Power, Position1, Salience1, ...``; one row per actor, positions and
  saliences on 0-100 scales (an actor's saliences add up to at most 100, as KTAB requires).
  Optional extra columns ``Group``, ``Region``, ``Capacity``,
  ``Tolerance``, ``Confidence``, ``Stubbornness`` are govsim's own.

Inside govsim every position is rescaled to [0, 1] (``Scale.to_unit``) and reported back in the
file's units (``Scale.from_unit``). Salience stays *absolute*: an actor with no row for an issue
has salience 0 on it. Capability is power divided by the largest power in the table (so the
strongest actor has 1, as the group profiles' "share of the strongest").

Every error is one line naming the file, the line, the field and what is allowed; a file that
does not read cleanly never reaches a model.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

from govsim.actors import (
    MAX_DIMENSIONS,
    OPTIONAL_TRAITS,
    Actor,
    ActorTable,
    Scale,
    issue_capability_note,
    scale_problem,
)
from govsim.groups import Group
from govsim.population import MAX_STAKEHOLDERS, check_cells
from govsim.reading import read_text
from govsim.values import decimal, printable

FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".dec")  # what load_scenario reads as an actor table


class _Row:
    """Reads typed fields of one line, with errors naming the file, line and field."""

    def __init__(self, source: str, line: int, fields: list[str]) -> None:
        self.source, self.line, self.fields = source, line, fields

    def fail(self, message: str) -> ValueError:
        return ValueError(f"{self.source}: line {self.line}: {message}")

    def text(self, index: int, field: str) -> str:
        if index >= len(self.fields) or not self.fields[index]:
            raise self.fail(f"field {field} is missing")
        try:
            return printable(self.fields[index], f"field {field}")
        except ValueError as exc:
            raise self.fail(str(exc)) from None

    def number(
        self,
        index: int,
        field: str,
        low: float = -math.inf,
        high: float = math.inf,
        allowed: str | None = None,
    ) -> float:
        raw = self.text(index, field)
        bounds = (b if math.isfinite(b) else None for b in (low, high))
        try:
            return decimal(raw, f"field {field}", *bounds, allowed=allowed)
        except ValueError as exc:
            raise self.fail(str(exc)) from None


def read_actor_file(path: str | Path) -> ActorTable:
    """Read a Decide or KTAB actor table; the format is recognised from the content."""
    path = Path(path)
    text = read_text(path, path.name)
    return parse_actor_text(text, path.name, path.stem)


def parse_actor_text(text: str, source: str = "<actors>", name: str = "actors") -> ActorTable:
    """Parse an actor table given as text (see the module docstring for the two formats).

    Raises
    ------
    ValueError
        One line naming ``source``, the line, the field, the value and what is allowed.
    """
    lines = text.splitlines()  # \n, \r\n and \r alike
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first:
        raise ValueError(f"{source}: the actor table is empty")
    if first.lstrip(DECIDE_QUOTES).startswith("#"):
        rows = (
            line for line in lines if line.strip() and not _is_comment(line.strip().lstrip(DECIDE_QUOTES))
        )
        dialect = decide_dialect(next(rows, first))
        if dialect is not None:
            return _DecideReader(source, name).read(lines, *dialect)
    head = _csv_fields(first)
    if len(head) >= 4 and all(_is_whole(v) for v in head[2:4]):
        return _read_ktab(lines, source)
    raise ValueError(
        f"{source}: line 1: neither a Decide file (rows starting #A, #P, #M, #D, quoted or not) nor a "
        "KTAB CSV (a first line 'name, description, actors, dimensions', then 'Actor, Description, "
        "Power, Position1, Salience1, ...')"
    )


def _csv_fields(line: str, delimiter: str = ",", quote: str = '"') -> list[str]:
    fields = next(csv.reader(io.StringIO(line), delimiter=delimiter, quotechar=quote), [])
    fields = [f.strip() for f in fields]
    while fields and not fields[-1]:
        fields.pop()  # KTAB rows end with a comma, Decide rows often with empty cells
    return fields


def decide_fields(line: str, delimiter: str, quote: str) -> list[str]:
    """The fields of one Decide row, quoted only where the toolkit quotes: a field is quoted
    when it starts with ``quote`` and a later ``quote`` closes it right before a delimiter or
    the end of the line (a doubled quote inside stands for one). Any other field is read as
    written, so ``'s-Hertogenbosch`` (an apostrophe, no closing quote) keeps its apostrophe.
    Spaces around fields and empty trailing fields are dropped, as :func:`_csv_fields` does."""
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] == " ":
            i += 1
        end = _closing_quote(line, i, delimiter, quote) if line.startswith(quote, i) else -1
        if end >= 0:
            fields.append(line[i + 1 : end].replace(quote * 2, quote))
            i = line.find(delimiter, end + 1) if delimiter else -1
        else:
            j = line.find(delimiter, i) if delimiter else -1
            fields.append((line[i:] if j < 0 else line[i:j]).strip())
            i = j
        if i < 0:
            break
        i += len(delimiter)
    while fields and not fields[-1]:
        fields.pop()
    return fields


def _closing_quote(line: str, start: int, delimiter: str, quote: str) -> int:
    """Index of the quote closing a quoted field opened at ``start``, or -1 if none does."""
    j = start + 1
    while (k := line.find(quote, j)) >= 0:
        rest = line[k + 1 :].lstrip(" ")
        if rest == "" or (delimiter and rest.startswith(delimiter)):
            return k
        j = k + 2 if line.startswith(quote, k + 1) else k + 1  # a doubled quote stands for one
    return -1


def _is_whole(value: str) -> bool:
    return value.isdigit()


# ---------------------------------------------------------------- Decide
DECIDE_DELIMITERS = "\t;,"
DECIDE_QUOTES = "'\""


def decide_dialect(line: str) -> tuple[str, str] | None:
    """``(delimiter, quote)`` of a Decide file from its first row, or None when the row is no
    Decide row.

    The Decide toolkit writes every field in single quotes, the row tag included
    (``'#A'<TAB>'USA'``), and reads its files with :class:`csv.Sniffer`, so hand-made files
    also come with bare tags (``#A<TAB>'USA'``), double quotes, or semicolons or commas
    between fields. The tag decides: the character after it (and after its closing quote)
    is the delimiter; the quote is the one around the tag, else a single quote.
    """
    line = line.lstrip()
    quote = line[0] if line[:1] in DECIDE_QUOTES else ""
    body = line[len(quote) :]
    if not body.startswith("#") or len(body) < 2:
        return None
    rest = body[2:]
    if quote:
        if not rest.startswith(quote):
            return None
        rest = rest[1:]
    delimiter = rest[:1]
    if delimiter and delimiter not in DECIDE_DELIMITERS:
        return None
    if not quote:  # bare tags: the quote the other fields use, Decide's single quote by default
        quote = '"' if (delimiter + '"') in line and (delimiter + "'") not in line else "'"
    return delimiter or "\t", quote


class _DecideReader:
    """Reads a Decide file row by row: one handler per row type (``#A``, ``#P``, ``#M``, ``#D``),
    then :meth:`table` checks the whole and builds the :class:`ActorTable`.

    Read as the Decide toolkit reads its files: extra cells past a row's fields are ignored
    (its descriptions and comments), trailing empty cells and rows of empty cells are
    skipped, ``#/`` and ``#O`` rows are comments, an actor may lack rows for some issues
    (salience 0 there), and an issue without ``#M`` rows runs from 0 to 100 (the toolkit's
    default scale; the table's notes say so). Saliences on the 0-100 scale are rescaled
    (:meth:`saliences`); power may differ by issue (:meth:`powers`).
    """

    def __init__(self, source: str, name: str) -> None:
        self.source, self.name = source, name
        self.actors: dict[str, tuple[str, int]] = {}  # key -> (comment, line)
        self.issues: dict[str, tuple[str, int]] = {}  # key -> (name, line)
        self.points: dict[str, list[tuple[float, str]]] = {}
        self.data: dict[tuple[str, str], tuple[float, float, float, int]] = {}
        self.handlers = {"#A": self.actor, "#P": self.issue, "#M": self.point, "#D": self.datum}
        self.comma: tuple[int, str] | None = None  # the first decimal comma read: (line, cell)

    def read(self, lines: list[str], delimiter: str, quote: str) -> ActorTable:
        """One reading pass (split every row, check its type, count the actors against
        :data:`MAX_STAKEHOLDERS` before anything is built), then the declarations (``#A``,
        ``#P``) and then the rows that refer to them (``#M``, ``#D``): as the toolkit parses
        every row first, the order of the rows does not matter."""
        declarations: list[_Row] = []
        references: list[_Row] = []
        n_actors = 0
        for number, line in enumerate(lines, start=1):
            fields = decide_fields(line, delimiter, quote)
            if not any(fields):
                continue  # a blank line, or a row of empty cells as spreadsheets save them
            kind = fields[0].upper()
            if _is_comment(kind):
                continue
            row = _Row(self.source, number, fields)
            if kind not in self.handlers:
                raise row.fail(
                    f"field row type={fields[0]!a} is not a Decide row type "
                    "(allowed: #A, #P, #M, #D, #O, #/, quoted or not)"
                )
            if kind == "#A":
                n_actors += 1
                if n_actors > MAX_STAKEHOLDERS:
                    raise row.fail(
                        f"#A row {n_actors:,} is above the limit of {MAX_STAKEHOLDERS:,} actors per table "
                        "(allowed: at most that many #A rows)"
                    )
            if delimiter != "," and kind in _NUMBER_CELLS:
                self.decimal_commas(row, _NUMBER_CELLS[kind])
            (declarations if kind in ("#A", "#P") else references).append(row)
        for row in (*declarations, *references):
            self.handlers[row.fields[0].upper()](row)
        return self.table()

    def decimal_commas(self, row: _Row, cells: tuple[int, ...]) -> None:
        """Read a decimal comma (``0,8``) in a number cell as a decimal point, as the Decide
        toolkit does (it replaces ``,`` by ``.`` in every number); only in files whose cells
        are not comma-separated, and said in the table's notes (first line and cell)."""
        for i in cells:
            if i < len(row.fields) and _DECIMAL_COMMA.fullmatch(row.fields[i].strip()):
                if self.comma is None:
                    self.comma = (row.line, row.fields[i].strip())
                row.fields[i] = row.fields[i].replace(",", ".")

    # one handler per row type
    def actor(self, row: _Row) -> None:
        key = row.text(1, "actor")
        if key in self.actors:
            raise row.fail(f"actor {key!r} is declared twice (first on line {self.actors[key][1]})")
        self.actors[key] = (" ".join(f for f in row.fields[2:4] if f), row.line)

    def issue(self, row: _Row) -> None:
        key = row.text(1, "issue")
        if key in self.issues:
            raise row.fail(f"issue {key!r} is declared twice (first on line {self.issues[key][1]})")
        if len(self.issues) >= MAX_DIMENSIONS:
            raise row.fail(f"issue {key!r} is one more than the limit of {MAX_DIMENSIONS} issues per table")
        self.issues[key] = (row.fields[2] if len(row.fields) > 2 and row.fields[2] else key, row.line)

    def point(self, row: _Row) -> None:
        key = row.text(1, "issue")
        if key not in self.issues:
            raise row.fail(
                f"field issue={key!r} is not declared by a #P row (declared: {', '.join(self.issues)})"
            )
        meaning = row.fields[3] if len(row.fields) > 3 else ""
        if _is_status_quo(meaning) and any(_is_status_quo(m) for _, m in self.points.get(key, [])):
            raise row.fail(f"issue {key!r} has a second 'status quo' #M row (allowed: one per issue)")
        self.points.setdefault(key, []).append((row.number(2, "scale point"), meaning))

    def datum(self, row: _Row) -> None:
        actor, issue = row.text(1, "actor"), row.text(2, "issue")
        if actor not in self.actors:
            raise row.fail(
                f"field actor={actor!r} is not declared by an #A row (declared: {', '.join(self.actors)})"
            )
        if issue not in self.issues:
            raise row.fail(
                f"field issue={issue!r} is not declared by a #P row (declared: {', '.join(self.issues)})"
            )
        if (actor, issue) in self.data:
            first = self.data[actor, issue][3]
            raise row.fail(f"a second row for actor {actor!r} on issue {issue!r} (first on line {first})")
        salience = row.number(4, "salience", 0.0, 100.0, SALIENCE_ALLOWED)
        values = (row.number(3, "position"), salience, row.number(5, "power", 0.0))
        self.data[actor, issue] = (*values, row.line)

    # the whole table
    def fail(self, line: int, message: str) -> ValueError:
        return ValueError(f"{self.source}: line {line}: {message}")

    def scales(self) -> dict[str, Scale]:
        scales = {}
        for key, (_, line) in self.issues.items():
            values = {p for p, _ in self.points.get(key, [])}
            if len(values) == 1:
                raise self.fail(
                    line,
                    f"issue {key!r} has one scale point, {values.pop():g} (allowed: two or more #M rows "
                    "giving its scale points, e.g. 0 and 100, or none for Decide's default 0-100)",
                )
            if not values:
                scales[key] = DECIDE_DEFAULT_SCALE
                continue
            low, high = min(values), max(values)
            problem = scale_problem(low, high)
            if problem:
                raise self.fail(
                    line, f"the #M points of issue {key!r} give a scale [{low:g}, {high:g}] that {problem}"
                )
            scales[key] = Scale(low, high)
        for (_actor, issue), (position, _, _, line) in self.data.items():
            scale = scales[issue]
            if not scale.low <= position <= scale.high:
                raise self.fail(
                    line,
                    f"field position={position:g} is outside the scale of issue {issue!r} "
                    f"(allowed: [{scale.low:g}, {scale.high:g}])",
                )
        return scales

    def powers(self) -> tuple[dict[str, float], dict[str, tuple[float, ...] | None]]:
        """Each actor's capability, and its capability on each issue where its power differs by
        issue (else None).

        Powers are divided by the largest power in the table (any issue's). An actor's power
        may differ by issue, as the Decide format gives it per actor and issue: each issue is
        then negotiated with the actor's power on it (Stokman & Van Oosten 1994 weigh c_ik x
        s_ik; in the DEU data set capability follows each proposal's decision rule, Thomson et
        al. 2006). Its ``capability`` is its mean power over the issues it has rows for, which
        it also keeps on an issue it has no row for (salience 0 there)."""
        rows: dict[str, dict[str, float]] = {actor: {} for actor in self.actors}
        for (actor, issue), (_, _, power, _) in self.data.items():
            rows[actor][issue] = power
        top = max(self.data[key][2] for key in self.data)
        if top <= 0:
            raise ValueError(f"{self.source}: every power is 0 (allowed: at least one actor with power > 0)")
        capability: dict[str, float] = {}
        by_issue: dict[str, tuple[float, ...] | None] = {}
        for actor, powers in rows.items():
            values = list(powers.values())
            if len(set(values)) <= 1:
                capability[actor] = values[0] / top if values else 0.0
                by_issue[actor] = None
                continue
            capability[actor] = math.fsum(values) / len(values) / top
            by_issue[actor] = tuple(
                powers[k] / top if k in powers else capability[actor] for k in self.issues
            )
        return capability, by_issue

    def saliences(self) -> tuple[float, str]:
        """The divisor that brings the file's saliences to [0, 1] (1, or 100 for a file on the
        0-100 scale, as KTAB reads its percent saliences), and a note saying so ("" for 1).

        A file is on the 0-100 scale when a salience exceeds 1; then none may lie strictly
        between 0 and 1 (that row was written on the 0-1 scale: the scales are mixed)."""
        cells = [(c[1], c[3]) for c in self.data.values()]
        top, top_line = max(cells, key=lambda c: (c[0], -c[1]))
        if top <= 1.0:
            return 1.0, ""
        for value, line in sorted(cells, key=lambda c: c[1]):
            if 0.0 < value < 1.0:
                raise self.fail(
                    line,
                    f"field salience={value:g} is on the 0-1 scale but line {top_line} has salience="
                    f"{top:g} on the 0-100 scale (allowed: every salience of a file on one scale, "
                    "0-1 or 0-100)",
                )
        return 100.0, (
            f"{self.source}: saliences read on the 0-100 scale (the largest is {top:g}, line "
            f"{top_line}): each divided by 100, as KTAB reads its percent saliences"
        )

    def table(self) -> ActorTable:
        if not self.actors or not self.data:
            raise ValueError(f"{self.source}: the actor table is empty (it needs #A actors and #D data rows)")
        check_cells(len(self.actors), len(self.issues), f"{self.source}: ")
        weighed: dict[str, list[tuple[float, float]]] = {key: [] for key in self.issues}
        for (_, issue), (_, salience, power, _) in self.data.items():
            weighed[issue].append((salience, power))
        for key, (_, line) in self.issues.items():
            cells = weighed[key]
            if not any(salience for salience, _ in cells):
                why = "every actor's salience on it is 0" if cells else "it has no #D rows"
                raise self.fail(
                    line,
                    f"issue {key!r} is undefined: {why}, so no actor cares about it and no compromise "
                    "exists (allowed: at least one #D row with salience > 0; or remove the #P row)",
                )
            if not any(salience > 0 and power > 0 for salience, power in cells):
                raise self.fail(line, _powerless(f"issue {key!r}", "#D row with salience > 0 and power > 0"))
        scales, (capability, by_issue) = self.scales(), self.powers()
        divisor, salience_note = self.saliences()
        keys = list(self.issues)
        actors = []
        for actor in self.actors:
            cells = [self.data.get((actor, k)) for k in keys]
            actors.append(
                Actor(
                    name=actor,
                    group=Group.GOVERNMENT,
                    capability=capability[actor],
                    position=tuple(
                        scales[k].to_unit(c[0]) if c else 0.5 for k, c in zip(keys, cells, strict=True)
                    ),
                    salience=tuple(c[1] / divisor if c else 0.0 for c in cells),
                    description=self.actors[actor][0],
                    issue_capability=by_issue[actor],
                )
            )
        unscaled = [k for k in keys if k not in self.points]
        notes = (
            (f"scale 0-100 for {', '.join(unscaled)} (Decide's default: the file gives no #M points)",)
            if unscaled
            else ()
        )
        if self.comma is not None:
            line, cell = self.comma
            notes += (
                f"{self.source}: decimal commas read as decimal points, as the Decide toolkit reads "
                f"them (first on line {line}: {cell})",
            )
        notes += (salience_note,) if salience_note else ()
        notes += issue_capability_note(self.source, actors)
        return ActorTable(
            source=self.source,
            format="decide",
            name=self.name,
            description="",
            dimensions=tuple(keys),
            scales=tuple(scales[k] for k in keys),
            status_quo=tuple(_status_quo(self.points.get(k, []), scales[k]) for k in keys),
            actors=tuple(actors),
            notes=notes,
        )


DECIDE_DEFAULT_SCALE = Scale(0.0, 100.0)  # an issue without #M points, as the Decide toolkit reads it
_NUMBER_CELLS = {"#M": (2,), "#D": (3, 4, 5)}  # the number cells of each Decide row type
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")
SALIENCE_ALLOWED = "a number in [0, 1], or in [0, 100] with every salience of the file on that scale"


def _powerless(what: str, allowed: str) -> str:
    """The one-line refusal of an issue on which every actor that cares has power 0: the
    compromise (sum_i c_i s_i x_i / sum_i c_i s_i) has no weight to divide by."""
    return (
        f"{what} is undefined: every actor that cares about it has power 0 on it, so no compromise "
        f"exists (allowed: at least one {allowed})"
    )


def _is_comment(tag: str) -> bool:
    """``#/`` (a comment, as Decide's column captions) or ``#O`` (the file's title)."""
    tag = tag.upper()
    return tag.startswith("#/") or (
        tag.startswith("#O") and tag[2:3] in ("", " ", *DECIDE_QUOTES, *DECIDE_DELIMITERS)
    )


def _is_status_quo(meaning: str) -> bool:
    return meaning.strip().lower() == "status quo"


def _status_quo(points: list[tuple[float, str]], scale: Scale) -> float | None:
    stated = [p for p, meaning in points if _is_status_quo(meaning)]
    return scale.to_unit(stated[0]) if stated else None


# ---------------------------------------------------------------- KTAB
KTAB_SCALE = Scale(0.0, 100.0)
_KTAB_EXTRA = ("group", "region", *OPTIONAL_TRAITS)


def _read_ktab(lines: list[str], source: str) -> ActorTable:
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    (n0, first), rest = numbered[0], numbered[1:]
    reader = _KtabReader(_Row(source, n0, _csv_fields(first)))
    if not rest:
        raise ValueError(f"{source}: the actor table is empty (no header and no actor rows after line {n0})")
    reader.header(_Row(source, rest[0][0], _csv_fields(rest[0][1])))
    if len(rest) - 1 > reader.n_actors:  # counted before any row is split or built
        raise ValueError(
            f"{source}: line {n0}: says {reader.n_actors} actors but the table has {len(rest) - 1} rows"
        )
    rows = [_Row(source, n, _csv_fields(line)) for n, line in rest[1:]]
    if not rows:
        raise ValueError(f"{source}: the actor table is empty (no actor rows after the header)")
    if len(rows) != reader.n_actors:
        raise ValueError(
            f"{source}: line {n0}: says {reader.n_actors} actors but the table has {len(rows)} rows"
        )
    return reader.table(rows)


class _KtabReader:
    """Reads a KTAB SMP CSV: the first line (:meth:`__init__`), the header (:meth:`header`),
    then one handler per actor row (:meth:`actor`); :meth:`table` builds the ActorTable.

    As KTAB's published examples are written: spaces around cells, a trailing comma or none,
    the position columns named as the author likes (``Pstn1``, ``Policy Position``).
    """

    def __init__(self, head: _Row) -> None:
        self.head = head
        self.n_actors = int(head.number(2, "number of actors", 1, MAX_STAKEHOLDERS))
        self.n_dims = int(head.number(3, "number of dimensions", 1, MAX_DIMENSIONS))
        check_cells(
            self.n_actors, self.n_dims, f"{head.source}: line {head.line}: "
        )  # before any row is read
        self.columns = 3 + 2 * self.n_dims
        self.extra: list[str] = []
        self.dims: tuple[str, ...] = ()

    def header(self, row: _Row) -> None:
        names = [h.lower() for h in row.fields]
        if len(names) < self.columns or names[0] != "actor":
            raise row.fail(
                "the header must be 'Actor, Description, Power' then a position and a salience column "
                f"for each of the {self.n_dims} dimensions (found {len(names)} columns)"
            )
        self.extra = names[self.columns :]
        for name in self.extra:
            if name not in _KTAB_EXTRA:
                raise row.fail(
                    f"unknown column {name!r} (allowed after the dimensions: {', '.join(_KTAB_EXTRA)})"
                )
        self.dims = tuple(row.text(3 + 2 * d, f"Position{d + 1} header") for d in range(self.n_dims))
        for d, dim in enumerate(self.dims):
            if dim in self.dims[:d]:
                raise row.fail(
                    f"dimension name {dim!r} is used twice (each position column needs its own name)"
                )

    def actor(self, row: _Row, top: float) -> Actor:
        """One actor row; ``top`` is the largest power in the table."""
        if len(row.fields) > self.columns + len(self.extra):
            raise row.fail(
                f"{len(row.fields)} cells, the header {self.columns + len(self.extra)} "
                "(allowed: no cells past the header)"
            )
        position = tuple(
            KTAB_SCALE.to_unit(row.number(3 + 2 * d, f"Position{d + 1}", 0.0, 100.0))
            for d in range(self.n_dims)
        )
        salience = tuple(
            row.number(4 + 2 * d, f"Salience{d + 1}", 0.0, 100.0) / 100 for d in range(self.n_dims)
        )
        if sum(salience) > 1.0 + 1e-9:  # KTAB's own rule: at most 100% of attention in all
            raise row.fail(
                f"field Salience: the saliences add up to {100 * sum(salience):g} (allowed: at most 100 "
                "per actor over all dimensions, as KTAB requires)"
            )
        traits = self.traits(row)
        return Actor(
            name=row.fields[0],
            group=traits.pop("group", Group.GOVERNMENT),
            capability=row.number(2, "Power", 0.0) / top,
            position=position,
            salience=salience,
            description=row.fields[1] if len(row.fields) > 1 else "",
            **traits,
        )

    def traits(self, row: _Row) -> dict[str, Any]:
        """The optional columns govsim adds after the dimensions (Group, Region, Capacity, ...)."""
        traits: dict[str, Any] = {}
        for offset, column in enumerate(self.extra):
            index = self.columns + offset
            if index >= len(row.fields) or not row.fields[index]:
                continue
            if column == "group":
                try:
                    traits["group"] = Group.parse(row.fields[index])
                except ValueError as exc:
                    raise row.fail(f"field Group: {exc}") from None
            elif column == "region":
                traits["region"] = row.fields[index]
            else:
                traits[column] = row.number(index, column.capitalize(), 0.0, 1.0)
        return traits

    def table(self, rows: list[_Row]) -> ActorTable:
        seen: dict[str, int] = {}
        for row in rows:
            name = row.text(0, "Actor")
            if name in seen:
                raise row.fail(f"a second row for actor {name!r} (first on line {seen[name]})")
            seen[name] = row.line
        top = max(row.number(2, "Power", 0.0) for row in rows)
        if top <= 0:
            raise ValueError(
                f"{self.head.source}: every Power is 0 (allowed: at least one actor with Power > 0)"
            )
        actors = tuple(self.actor(row, top) for row in rows)
        for d, dim in enumerate(self.dims):
            if not any(a.salience[d] for a in actors):
                raise self.head.fail(
                    f"dimension {dim!r} is undefined: every actor's Salience{d + 1} is 0, so no actor "
                    "cares about it and no compromise exists (allowed: at least one salience > 0)"
                )
            if not any(a.salience[d] > 0 and a.capability > 0 for a in actors):
                raise self.head.fail(
                    _powerless(f"dimension {dim!r}", "actor with Salience > 0 and Power > 0")
                )
        return ActorTable(
            source=self.head.source,
            format="ktab",
            name=self.head.text(0, "scenario name"),
            description=self.head.fields[1] if len(self.head.fields) > 1 else "",
            dimensions=self.dims,
            scales=(KTAB_SCALE,) * self.n_dims,
            status_quo=(None,) * self.n_dims,
            actors=actors,
        )
