"""Actor-table files: the Decide and KTAB formats, read into :class:`govsim.actors.ActorTable`.

The field's standard input is one row per actor and issue: a position on the issue's scale,
a salience (how much the actor cares, in [0, 1]) and a power (capability). It is the input of
the Stokman compromise and exchange models (Stokman & Van Oosten 1994; Stokman & Thomson 2004),
of Bueno de Mesquita's expected-utility model (1994) and of KAPSARC's KTAB toolkit. Two file
formats are read unchanged:

* **Decide** (the Stokman exchange model): typed rows separated by tabs (or semicolons),
  fields optionally in single quotes. ``#A`` actor key, name, comment; ``#P`` issue key, name,
  description; ``#M`` issue, scale point, meaning; ``#D`` actor, issue, position, salience,
  power; ``#/`` comment. The issue's scale runs from its lowest to its highest ``#M`` point; a
  ``#M`` point whose meaning is ``status quo`` states the status quo.
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
from pathlib import Path

from govsim.actors import OPTIONAL_TRAITS, Actor, ActorTable, Scale
from govsim.escape import has_control
from govsim.groups import Group
from govsim.reading import read_text
from govsim.values import describe

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
        value = self.fields[index]
        if has_control(value):
            raise self.fail(
                f"field {field}={value!a} contains a control or text-direction character "
                "(allowed: printable text)"
            )
        return value

    def number(self, index: int, field: str, low: float = -math.inf, high: float = math.inf) -> float:
        raw = self.text(index, field)
        allowed = describe("a number", *(b if math.isfinite(b) else None for b in (low, high)))
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(f"field {field}={raw!r} is not a number (allowed: {allowed})") from None
        if not math.isfinite(value):
            raise self.fail(f"field {field}={raw} is not a finite number (allowed: {allowed})")
        if not low <= value <= high:
            raise self.fail(f"field {field}={raw} is out of range (allowed: {allowed})")
        return value


def read_actor_file(path: str | Path) -> ActorTable:
    """Read a Decide or KTAB actor table; the format is recognised from the content."""
    path = Path(path)
    text = read_text(path, path.name)
    return parse_actor_text(text, path.name, path.stem)


def parse_actor_text(text: str, source: str = "<actors>", name: str = "actors") -> ActorTable:
    """Parse an actor table given as text (see the module docstring for the two formats)."""
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first:
        raise ValueError(f"{source}: the actor table is empty")
    if first.startswith("#"):
        return _read_decide(lines, source, name)
    head = _csv_fields(first)
    if len(head) >= 4 and all(_is_whole(v) for v in head[2:4]):
        return _read_ktab(lines, source)
    raise ValueError(
        f"{source}: line 1: neither a Decide file (rows starting #A, #P, #M, #D) nor a KTAB CSV "
        "(a first line 'name, description, actors, dimensions', then 'Actor, Description, Power, "
        "Position1, Salience1, ...')"
    )


def _csv_fields(line: str, delimiter: str = ",", quote: str = '"') -> list[str]:
    fields = next(csv.reader(io.StringIO(line), delimiter=delimiter, quotechar=quote), [])
    fields = [f.strip() for f in fields]
    while fields and not fields[-1]:
        fields.pop()  # KTAB rows end with a comma
    return fields


def _is_whole(value: str) -> bool:
    return value.isdigit()


# ---------------------------------------------------------------- Decide
def _read_decide(lines: list[str], source: str, name: str) -> ActorTable:
    actors: dict[str, tuple[str, int]] = {}  # key -> (comment, line)
    issues: dict[str, tuple[str, int]] = {}  # key -> (name, line)
    points: dict[str, list[tuple[float, str]]] = {}
    data: dict[tuple[str, str], tuple[float, float, float, int]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#/"):
            continue
        if not line.startswith("#") or len(line) < 2:
            raise ValueError(f"{source}: line {number}: a Decide row starts with #A, #P, #M, #D or #/")
        delimiter = "\t" if "\t" in line else ";"
        row = _Row(source, number, _csv_fields(line, delimiter, "'"))
        kind = row.fields[0].upper()
        if kind == "#A":
            key = row.text(1, "actor")
            if key in actors:
                raise row.fail(f"actor {key!r} is declared twice (first on line {actors[key][1]})")
            actors[key] = (" ".join(f for f in row.fields[2:4] if f), number)
        elif kind == "#P":
            key = row.text(1, "issue")
            if key in issues:
                raise row.fail(f"issue {key!r} is declared twice (first on line {issues[key][1]})")
            issues[key] = (row.fields[2] if len(row.fields) > 2 and row.fields[2] else key, number)
        elif kind == "#M":
            key = row.text(1, "issue")
            if key not in issues:
                raise row.fail(
                    f"field issue={key!r} is not declared by a #P row above (declared: {', '.join(issues)})"
                )
            meaning = row.fields[3] if len(row.fields) > 3 else ""
            if _is_status_quo(meaning) and any(_is_status_quo(m) for _, m in points.get(key, [])):
                raise row.fail(f"issue {key!r} has a second 'status quo' #M row (allowed: one per issue)")
            points.setdefault(key, []).append((row.number(2, "scale point"), meaning))
        elif kind == "#D":
            actor, issue = row.text(1, "actor"), row.text(2, "issue")
            if actor not in actors:
                raise row.fail(
                    f"field actor={actor!r} is not declared by an #A row (declared: {', '.join(actors)})"
                )
            if issue not in issues:
                raise row.fail(
                    f"field issue={issue!r} is not declared by a #P row (declared: {', '.join(issues)})"
                )
            if (actor, issue) in data:
                first = data[actor, issue][3]
                raise row.fail(f"a second row for actor {actor!r} on issue {issue!r} (first on line {first})")
            values = (
                row.number(3, "position"),
                row.number(4, "salience", 0.0, 1.0),
                row.number(5, "power", 0.0),
            )
            data[actor, issue] = (*values, number)
        elif kind != "#O":
            raise row.fail(f"unknown row type {row.fields[0]!r} (allowed: #A, #P, #M, #D, #O, #/)")
    if not actors or not data:
        raise ValueError(f"{source}: the actor table is empty (it needs #A actors and #D data rows)")
    for key, (_, line) in issues.items():
        if len({p for p, _ in points.get(key, [])}) < 2:
            raise ValueError(
                f"{source}: line {line}: issue {key!r} has no scale (allowed: two or more #M rows "
                "giving its scale points, e.g. 0 and 100)"
            )
    scales = {k: Scale(min(p for p, _ in points[k]), max(p for p, _ in points[k])) for k in issues}
    for (_actor, issue), (position, _, _, line) in data.items():
        scale = scales[issue]
        if not scale.low <= position <= scale.high:
            raise ValueError(
                f"{source}: line {line}: field position={position:g} is outside the scale of issue {issue!r} "
                f"(allowed: [{scale.low:g}, {scale.high:g}])"
            )
    powers: dict[str, tuple[float, int, str]] = {}
    for (actor, issue), (_, _, power, line) in data.items():
        if actor in powers and powers[actor][0] != power:
            first, first_line, first_issue = powers[actor]
            raise ValueError(
                f"{source}: line {line}: field power={power:g} for actor {actor!r} differs from its power "
                f"{first:g} on issue {first_issue!r} (line {first_line}); govsim gives each actor one power"
            )
        powers.setdefault(actor, (power, line, issue))
    keys = list(issues)
    status = tuple(_status_quo(points[k], scales[k]) for k in keys)
    top = max(p for p, _, _ in powers.values())
    if top <= 0:
        raise ValueError(f"{source}: every power is 0 (allowed: at least one actor with power > 0)")
    table = []
    for actor in actors:
        row = [data.get((actor, k)) for k in keys]
        table.append(
            Actor(
                name=actor,
                group=Group.GOVERNMENT,
                capability=powers.get(actor, (0.0,))[0] / top,
                position=tuple(scales[k].to_unit(r[0]) if r else 0.5 for k, r in zip(keys, row, strict=True)),
                salience=tuple(r[1] if r else 0.0 for r in row),
                description=actors[actor][0],
            )
        )
    return ActorTable(
        source=source,
        format="decide",
        name=name,
        description="",
        dimensions=tuple(keys),
        scales=tuple(scales[k] for k in keys),
        status_quo=status,
        actors=tuple(table),
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
    head = _Row(source, n0, _csv_fields(first))
    n_actors = int(head.number(2, "number of actors", 1))
    n_dims = int(head.number(3, "number of dimensions", 1))
    if not rest:
        raise ValueError(f"{source}: the actor table is empty (no header and no actor rows after line {n0})")
    n1, header_line = rest[0]
    header = [h.lower() for h in _csv_fields(header_line)]
    columns = 3 + 2 * n_dims
    if len(header) < columns or header[0] != "actor":
        raise ValueError(
            f"{source}: line {n1}: the header must be 'Actor, Description, Power' then a position and a "
            f"salience column for each of the {n_dims} dimensions (found {len(header)} columns)"
        )
    extra = header[columns:]
    for name in extra:
        if name not in _KTAB_EXTRA:
            raise ValueError(
                f"{source}: line {n1}: unknown column {name!r} (allowed after the dimensions: "
                f"{', '.join(_KTAB_EXTRA)})"
            )
    names = _Row(source, n1, _csv_fields(header_line))
    dims = tuple(names.text(3 + 2 * d, f"Position{d + 1} header") for d in range(n_dims))
    for d, dim in enumerate(dims):
        if dim in dims[:d]:
            raise names.fail(
                f"dimension name {dim!r} is used twice (each position column needs its own name)"
            )
    rows = [_Row(source, n, _csv_fields(line)) for n, line in rest[1:]]
    if not rows:
        raise ValueError(f"{source}: the actor table is empty (no actor rows after the header)")
    if len(rows) != n_actors:
        raise ValueError(f"{source}: line {n0}: says {n_actors} actors but the table has {len(rows)} rows")
    seen: dict[str, int] = {}
    powers = []
    for row in rows:
        name = row.text(0, "Actor")
        if name in seen:
            raise row.fail(f"a second row for actor {name!r} (first on line {seen[name]})")
        seen[name] = row.line
        powers.append(row.number(2, "Power", 0.0))
    top = max(powers)
    if top <= 0:
        raise ValueError(f"{source}: every Power is 0 (allowed: at least one actor with Power > 0)")
    actors = []
    for row, power in zip(rows, powers, strict=True):
        if len(row.fields) > columns + len(extra):
            raise row.fail(
                f"{len(row.fields)} cells, the header {columns + len(extra)} (allowed: no cells past the header)"
            )
        position = tuple(
            KTAB_SCALE.to_unit(row.number(3 + 2 * d, f"Position{d + 1}", 0.0, 100.0)) for d in range(n_dims)
        )
        salience = tuple(row.number(4 + 2 * d, f"Salience{d + 1}", 0.0, 100.0) / 100 for d in range(n_dims))
        if sum(salience) > 1.0 + 1e-9:  # KTAB's own rule: at most 100% of attention in all
            raise row.fail(
                f"field Salience: the saliences add up to {100 * sum(salience):g} (allowed: at most 100 "
                "per actor over all dimensions, as KTAB requires)"
            )
        traits: dict[str, object] = {}
        for offset, column in enumerate(extra):
            index = columns + offset
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
        actors.append(
            Actor(
                name=row.fields[0],
                group=traits.pop("group", Group.GOVERNMENT),
                capability=power / top,
                position=position,
                salience=salience,
                description=row.fields[1] if len(row.fields) > 1 else "",
                **traits,
            )
        )
    return ActorTable(
        source=source,
        format="ktab",
        name=head.text(0, "scenario name"),
        description=head.fields[1] if len(head.fields) > 1 else "",
        dimensions=dims,
        scales=(KTAB_SCALE,) * n_dims,
        status_quo=(None,) * n_dims,
        actors=tuple(actors),
    )
