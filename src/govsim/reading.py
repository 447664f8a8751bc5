"""Reading the files govsim is handed: UTF-8 always, whatever the locale, one-line errors.

Every TOML, JSON and CSV file govsim reads (scenarios, group profiles, experiments, results
manifests, role-play files) goes through :func:`read_text`, so a file reads the same under
``LC_ALL=C`` as under a UTF-8 locale. A byte-order mark is accepted (Windows editors write
one). An error names the file and, for text that is not UTF-8, the byte offset and line, and
is a :class:`FileError`: a ``ValueError`` whose message already names its file, so callers that
add their own file name (an experiment naming its scenario) leave it as it is.

Parsed TOML and JSON may nest at most :data:`MAX_DEPTH` tables/lists deep: deeper text (which
would exhaust Python's recursion in the parser or in any later walk over the value) is one
"nested too deeply" line naming the file. :func:`parse_json` applies the same rule to JSON kept
elsewhere (a role-play session file's records).
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

MAX_DEPTH = 64  # tables/lists inside one another; govsim's own files nest fewer than 10


class FileError(ValueError):
    """Bad content in one file; the one-line message starts with the file's name."""


def _too_deep(name: object) -> FileError:
    return FileError(f"{name}: nested too deeply (more than {MAX_DEPTH} tables or lists inside one another)")


def check_depth(value: Any, name: object) -> Any:
    """``value`` unchanged when its dicts/lists nest at most :data:`MAX_DEPTH` deep (counted
    without recursion); else :class:`FileError` naming ``name``."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > MAX_DEPTH:
                    raise _too_deep(name)
                stack.append((child, depth + 1))
    return value


def read_text(path: str | Path | Traversable, label: str | None = None) -> str:
    """The file's text decoded as UTF-8 (a leading byte-order mark is dropped).

    ``label`` is how messages name the file (default: the path as given). Raises
    ``FileNotFoundError``/``OSError`` as :func:`open` does, and :class:`FileError` for bytes
    that are not UTF-8, naming the byte offset (from 0) and the line (from 1).
    """
    path = Path(path) if isinstance(path, str) else path
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1]
        raise FileError(
            f"{label or path}: not UTF-8 text (byte {exc.start}, line {line}: {bad!r}); save it as UTF-8"
        ) from None


def read_toml(path: str | Path | Traversable, label: str | None = None) -> dict[str, Any]:
    """A TOML file as a dict; invalid TOML is a :class:`FileError` with the parser's line."""
    return parse_toml(read_text(path, label), label or path)


def parse_toml(text: str, name: object) -> dict[str, Any]:
    """TOML text as a dict; invalid or too deeply nested text is a :class:`FileError` naming ``name``."""
    try:
        return check_depth(tomllib.loads(text), name)
    except tomllib.TOMLDecodeError as exc:
        raise FileError(f"{name}: not valid TOML ({exc})") from None
    except RecursionError:
        raise _too_deep(name) from None


def read_json(path: str | Path | Traversable, label: str | None = None) -> Any:
    """A JSON file's value; invalid JSON is a :class:`FileError` naming the line and column."""
    return parse_json(read_text(path, label), label or path)


def parse_json(text: str, name: object) -> Any:
    """JSON text's value; invalid or too deeply nested text is a :class:`FileError` naming ``name``."""
    try:
        return check_depth(json.loads(text), name)
    except json.JSONDecodeError as exc:
        raise FileError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise _too_deep(name) from None


def read_csv(path: str | Path | Traversable, label: str | None = None) -> list[dict[str, str]]:
    """A CSV file with a header row as one dict per data row (values are text; check them with
    :class:`govsim.values.TomlTable`). A missing header, a repeated column name, or a row with more
    or fewer cells than the header is a :class:`FileError` naming the line (from 1)."""
    name = label or path
    reader = csv.reader(io.StringIO(read_text(path, label), newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FileError(f"{name}: not valid CSV (line {reader.line_num}: {exc})") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileError(f"{name}: no header row (the first line names the columns)")
    header = [cell.strip() for cell in rows[0]]
    repeated = next((h for h in header if header.count(h) > 1), None)
    if repeated is not None:
        raise FileError(f"{name}: column {repeated!r} appears twice in the header")
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are allowed
        if len(row) != len(header):
            raise FileError(f"{name}: line {line} has {len(row)} cells, the header {len(header)}")
        records.append(dict(zip(header, row, strict=True)))
    return records
