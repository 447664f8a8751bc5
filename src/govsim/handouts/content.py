"""What the printable handouts say, read from data files and notebooks (never typed twice).

- :func:`glossary` reads ``govsim/data/glossary.toml``; :func:`readings` reads
  ``govsim/data/readings.toml``; :func:`worksheets` reads ``govsim/data/worksheets.toml``.
  Each is type-checked key by key: a bad entry raises ``ValueError`` naming the file, the
  entry and the field.
- :func:`blocks` reads each course notebook: its title, objectives and minutes (metadata), its
  "Key points" and "Things to try" cells, the glossary terms its text uses and the reading-list
  events it mentions.
- :func:`parameter_rows` lists every declared parameter (``params.py``, ``population.py``)
  for the cheat-sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from govsim.checkout import checkout_folder
from govsim.i18n import N_, _, collation_key, current, data_file, fresh, text, typography
from govsim.reading import read_toml
from govsim.scenarios import scenario_names
from govsim.values import whole

DATA = resources.files("govsim") / "data"
VIEWS = ("primary", "supportive", "critical", "analysis")
KINDS = ("governance", "model")


@dataclass(frozen=True)
class Term:
    """One glossary entry: ``term`` (as written), optional ``expansion``, a definition of one or
    two sentences, a ``source`` where it can be checked, its ``kind``, and optional ``more``
    (context, history and what is disputed, of any length, printed after the definition)."""

    term: str
    definition: str
    source: str
    kind: str
    expansion: str = ""
    more: str = ""
    key: str = ""  # the English term, when this entry is a translation (keeps anchors stable)
    source_kept: bool = True  # the source is shown as published (not translated)

    @property
    def anchor(self) -> str:
        """The entry's HTML ``id``: ``term-`` and the English term (``key`` for a translation,
        so links survive translation) in lower case, each run of other characters a hyphen.

        >>> Term("Rough consensus", "Not unanimity.", "RFC 7282", "governance").anchor
        'term-rough-consensus'
        """
        return "term-" + re.sub(r"[^a-z0-9]+", "-", (self.key or self.term).lower()).strip("-")


CITED = ("authors", "title", "published")


@dataclass(frozen=True)
class Reading:
    """One publication: authors, year, title, where it was published, its view and a note.
    ``kept`` names the citation fields shown as published (not translated)."""

    authors: str
    year: int
    title: str
    published: str
    view: str
    note: str
    kept: frozenset[str] = frozenset(CITED)


@dataclass(frozen=True)
class Event:
    """One event or topic of the reading list, with its readings in the order given."""

    key: str
    title: str
    why: str
    scenario: str
    mentions: tuple[str, ...]
    readings: tuple[Reading, ...]


def _load(name: str) -> dict[str, Any]:
    return read_toml(DATA / name, name)


#: the kinds of field these data files hold: (the test, what is allowed in words)
Kind = tuple[Callable[[Any], bool], str]
TEXT: Kind = (lambda v: isinstance(v, str) and bool(v.strip()), "a non-empty string")
TEXT_OR_EMPTY: Kind = (lambda v: isinstance(v, str), "a string")
WHOLE: Kind = (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number")
TEXTS: Kind = (
    lambda v: isinstance(v, list) and all(TEXT[0](s) for s in v),
    "a list of non-empty strings",
)
TABLE: Kind = (lambda v: isinstance(v, dict), "a table")
TABLES: Kind = (lambda v: isinstance(v, list), "a list of tables")  # each table checked by fields()
PAIRS: Kind = (
    lambda v: isinstance(v, list) and all(_pair(m) for m in v),
    "a list of [column, label] pairs of non-empty strings",
)
REQUIRED = object()  # a field's default when it must be given


def _said(value: Any, most: int = 60) -> str:
    """``repr(value)``, cut to ``most`` characters (a whole table would make a long line)."""
    said = repr(value)
    return said if len(said) <= most else said[: most - 3] + "..."


def fields(where: str, entry: Any, spec: dict[str, tuple[Kind, Any]], others: bool = False) -> dict[str, Any]:
    """``entry`` checked against ``spec`` (field -> (kind, default)): the one reader of the
    handouts' data files and notebook metadata.

    >>> fields("worksheets.toml, [x]", {"slips": 2}, {"slips": (WHOLE, 0), "title": (TEXT, "")})
    {'slips': 2, 'title': ''}

    Returns
    -------
    dict
        Every field of ``spec``: its value, or its default when absent.

    Raises
    ------
    ValueError
        One line starting with ``where``: ``entry`` is not a table, has a field that ``spec``
        does not name (unless ``others``), lacks a field whose default is :data:`REQUIRED`, or
        has a value that is not of its kind (the value and what is allowed are named).
    """
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: {_said(entry)} is not a table (allowed fields: {', '.join(spec)})")
    unknown = sorted(set(entry) - set(spec), key=repr)
    if unknown and not others:
        raise ValueError(f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(spec)})")
    found = {}
    for key, ((test, allowed), default) in spec.items():
        if key not in entry:
            if default is REQUIRED:
                raise ValueError(f"{where}: missing field {key!r} ({allowed})")
            found[key] = default
        elif not test(entry[key]):
            raise ValueError(f"{where}: {key}={_said(entry[key])} is not {allowed}")
        else:
            found[key] = entry[key]
    return found


ABBREVIATIONS = re.compile(r"\b(?:paras?|e\.g|i\.e|etc|ed|eds|no|vol|cf)\.", re.I)


def _sentences(text: str) -> int:
    """Sentences in ``text``: ends of sentence, not counting abbreviations such as "para."."""
    return len(re.findall(r"[.!?](?:\s|$)", ABBREVIATIONS.sub("", text.strip())))


TERM_FIELDS = {
    "term": (TEXT, REQUIRED),
    "definition": (TEXT, REQUIRED),
    "source": (TEXT, REQUIRED),
    "kind": (TEXT, REQUIRED),
    "expansion": (TEXT, ""),
    "more": (TEXT, ""),
}


@cache
def glossary() -> tuple[Term, ...]:
    """Every glossary term of ``govsim/data/glossary.toml``, in English, sorted alphabetically
    (accents and case folded: :func:`govsim.i18n.collation_key`). Read once, then cached.

    Returns
    -------
    tuple of Term

    Raises
    ------
    ValueError
        One line naming ``glossary.toml`` and the entry: the file is not valid TOML
        (:class:`govsim.reading.FileError`), an entry is not a table, has an unknown field, lacks
        ``term``, ``definition``, ``source`` or ``kind`` or gives one that is not a non-empty
        string, has a ``kind`` other than :data:`KINDS`, or a definition that is not one or two
        sentences; or a term is defined twice (case folded).
    """
    entries = fields("glossary.toml", _load("glossary.toml"), {"term": (TABLES, [])})["term"]
    found = []
    for i, entry in enumerate(entries):
        where = f"glossary.toml, term {i + 1}"
        term = Term(**fields(where, entry, TERM_FIELDS))
        if term.kind not in KINDS:
            raise ValueError(f"{where}: kind={term.kind!r} (allowed: {', '.join(KINDS)})")
        if not 1 <= _sentences(term.definition) <= 2:
            raise ValueError(f"{where}: the definition of {term.term!r} must be one or two sentences")
        found.append(term)
    names = [t.term.lower() for t in found]
    if len(set(names)) != len(names):
        raise ValueError("glossary.toml: a term is defined twice")
    return tuple(sorted(found, key=lambda t: collation_key(t.term)))


EVENT_FIELDS = {
    "key": (TEXT, REQUIRED),
    "title": (TEXT, REQUIRED),
    "why": (TEXT, REQUIRED),
    "scenario": (TEXT_OR_EMPTY, ""),
    "mentions": (TEXTS, []),
    "reading": (TABLES, []),
}
READING_FIELDS = {
    "authors": (TEXT, REQUIRED),
    "year": (WHOLE, REQUIRED),
    "title": (TEXT, REQUIRED),
    "published": (TEXT, REQUIRED),
    "view": (TEXT, REQUIRED),
    "note": (TEXT, REQUIRED),
}


@cache
def readings() -> tuple[Event, ...]:
    """The reading list of ``govsim/data/readings.toml``, in English, event by event in the
    file's order (each event's readings in the order given). Read once, then cached.

    Returns
    -------
    tuple of Event

    Raises
    ------
    ValueError
        One line naming ``readings.toml``, the event and the reading (:func:`fields`): the
        file is not valid TOML, an event or reading is not a table or has a field that is not
        of :data:`EVENT_FIELDS` / :data:`READING_FIELDS`, a field is missing or of the wrong
        type, a ``view`` is not one of :data:`VIEWS`, a ``year`` is outside 1900-2100, or a
        ``scenario`` is neither empty nor a scenario name.
    """
    events = []
    entries = fields("readings.toml", _load("readings.toml"), {"event": (TABLES, [])})["event"]
    for i, entry in enumerate(entries):
        where = f"readings.toml, event {i + 1}"
        event = fields(where, entry, EVENT_FIELDS)
        items = []
        for j, item in enumerate(event.pop("reading")):
            at = f"{where}, reading {j + 1}"
            reading = Reading(**fields(at, item, READING_FIELDS))
            if reading.view not in VIEWS:
                raise ValueError(f"{at}: view={reading.view!r} (allowed: {', '.join(VIEWS)})")
            if not 1900 <= reading.year <= 2100:
                raise ValueError(f"{at}: year={reading.year!r} is out of range (allowed: 1900-2100)")
            items.append(reading)
        if event["scenario"] and event["scenario"] not in scenario_names():
            allowed = ", ".join(scenario_names())
            raise ValueError(f"{where}: scenario={event['scenario']!r} is not known (allowed: '', {allowed})")
        event["mentions"] = tuple(event["mentions"])
        events.append(Event(**event, readings=tuple(items)))
    return tuple(events)


SHEET_FIELDS = {
    "title": (TEXT, ""),
    "prompts": (TEXTS, []),
    "predict": (TABLE, None),
    "slips": (WHOLE, 0),
}
PREDICT_FIELDS = {"rules": (TEXTS, REQUIRED), "measures": (PAIRS, REQUIRED)}


@cache
def worksheets() -> dict[str, dict[str, Any]]:
    """The worksheets of ``govsim/data/worksheets.toml``, in English, by notebook stem. Read
    once, then cached.

    Returns
    -------
    dict of str to dict
        Per notebook stem: ``prompts`` (list of str, questions to write an answer to),
        ``predict`` (None, or a table with ``rules``, a list of protocol names, and
        ``measures``, a list of [summary column, label] pairs), ``title`` (str, ``""`` when
        absent) and ``slips`` (int, the number of role-play move slips to print, 0 to 12).

    Raises
    ------
    ValueError
        One line naming ``worksheets.toml`` and the stem (:func:`fields`): the file is not
        valid TOML, an entry or its ``predict`` is not a table or has a field not in
        :data:`SHEET_FIELDS` / :data:`PREDICT_FIELDS`, ``title`` is not a non-empty string,
        ``prompts`` is not a list of non-empty strings, ``predict.rules`` is not a list of
        strings, ``predict.measures`` is not a list of [column, label] pairs, or ``slips`` is
        not a whole number from 0 to 12.
    """
    found = {}
    for stem, entry in _load("worksheets.toml").items():
        where = f"worksheets.toml, [{stem}]"
        sheet = fields(where, entry, SHEET_FIELDS)
        if sheet["predict"] is not None:
            sheet["predict"] = fields(f"{where}.predict", sheet["predict"], PREDICT_FIELDS)
        sheet["slips"] = whole(sheet["slips"], f"{where}: slips", 0, 12)
        found[stem] = sheet
    return found


# ------------------------------------------------------------------ in the room's language
VIEW_NAMES = {
    "primary": N_("primary"),
    "supportive": N_("supportive"),
    "critical": N_("critical"),
    "analysis": N_("analysis"),
}


def term_in_language(t: Term) -> Term:
    """``t`` in the current language (:mod:`govsim.i18n`; ``data/lang/<lang>/glossary.toml``,
    one table per English term, with an optional ``note`` for that language's readers). The
    source stays as published unless the table's ``cited`` gives it in the language (connecting
    words, official titles; ``cited.source`` is the fingerprint of the English source); the
    anchor stays English."""
    where = f"glossary.toml: [term.{t.term!r}]"
    english = {"term": t.term, "expansion": t.expansion, "definition": t.definition, "more": t.more}
    found = fresh(data_file("glossary.toml", "term").get(t.term), english, where)
    more = text(t.more, found.get("more"), f"{where}.more") if t.more else ""
    note = found.get("note")  # for this language's readers only (the region's own words for the term)
    if isinstance(note, str) and note.strip():
        more = f"{more} {typography(note.strip())}".strip()
    cited = found.get("cited")
    cited = fresh(cited, {"source": t.source}, f"{where}.cited") if isinstance(cited, dict) else {}
    return Term(
        term=text(t.term, found.get("term", t.term if t.term.isupper() else None), f"{where}.term"),
        definition=text(t.definition, found.get("definition"), f"{where}.definition"),
        source=typography(cited["text"]) if isinstance(cited.get("text"), str) else t.source,
        kind=t.kind,
        expansion=text(t.expansion, found.get("expansion"), f"{where}.expansion") if t.expansion else "",
        more=more,
        key=t.term,
        source_kept="text" not in cited,
    )


def event_in_language(e: Event) -> Event:
    """``e`` in the current language (``data/lang/<lang>/readings.toml``, one table per event
    key with ``title``, ``why`` and ``notes``, one per reading). A reading's citation stays as
    published except the fields the language's ``cited`` table gives for it (keyed by the
    English title): connecting words and dates, and a document's official title in that
    language (the UN's and ITU's own translations)."""
    where = f"readings.toml: [event.{e.key}]"
    english = {"title": e.title, "why": e.why, "notes": [r.note for r in e.readings]}
    found = fresh(data_file("readings.toml", "event").get(e.key), english, where)
    notes = text([r.note for r in e.readings], found.get("notes"), f"{where}.notes")
    cited = found.get("cited", {})
    if not isinstance(cited, dict):
        raise ValueError(f"data/lang/{current()}/{where}.cited={_said(cited)} is not a table")
    return Event(
        key=e.key,
        title=text(e.title, found.get("title"), f"{where}.title"),
        why=text(e.why, found.get("why"), f"{where}.why"),
        scenario=e.scenario,
        mentions=e.mentions,
        readings=tuple(
            reading_in_language(r, note, cited.get(r.title), f"{where}.cited.{r.title!r}")
            for r, note in zip(e.readings, notes, strict=True)
        ),
    )


def reading_in_language(r: Reading, note: str, cited: Any, where: str) -> Reading:
    """``r`` with its view and ``note`` in the current language and the citation fields
    ``cited`` gives (checked against the fingerprint of the English citation)."""
    own = fresh(cited, {f: getattr(r, f) for f in CITED}, where)
    said = {f: typography(own[f]) for f in CITED if isinstance(own.get(f), str) and own[f].strip()}
    return Reading(
        authors=said.get("authors", r.authors),
        year=r.year,
        title=said.get("title", r.title),
        published=said.get("published", r.published),
        view=_(VIEW_NAMES[r.view]),
        note=note,
        kept=frozenset(f for f in CITED if f not in said),
    )


def worksheet_in_language(stem: str, sheet: dict[str, Any]) -> dict[str, Any]:
    """A block's worksheet (:func:`worksheets`) in the current language
    (``data/lang/<lang>/worksheets.toml``: ``title``, ``prompts`` and the predict ``labels``)."""
    if not sheet:
        return sheet
    where = f"worksheets.toml: [{stem}]"
    english = {
        "title": sheet.get("title", ""),
        "prompts": list(sheet["prompts"]),
        "labels": [label for _c, label in (sheet.get("predict") or {}).get("measures", [])],
    }
    found = fresh(data_file("worksheets.toml").get(stem), english, where)
    out = dict(sheet)
    if sheet.get("title"):
        out["title"] = text(sheet["title"], found.get("title"), f"{where}.title")
    out["prompts"] = text(list(sheet["prompts"]), found.get("prompts"), f"{where}.prompts")
    if sheet.get("predict"):
        predict = dict(sheet["predict"])
        labels = text([label for _c, label in predict["measures"]], found.get("labels"), f"{where}.labels")
        predict["measures"] = [[c, label] for (c, _l), label in zip(predict["measures"], labels, strict=True)]
        out["predict"] = predict
    return out


def block_in_language(b: Block) -> Block:
    """A block handout's words from its notebook (title, objectives, key points, the first three
    things to try, as the page prints them) in the current language (``data/lang/<lang>/blocks.toml``, one table per notebook stem);
    terms and readings in the current language too."""
    where = f"blocks.toml: [{b.stem}]"
    english = {
        "title": b.title,
        "objectives": list(b.objectives),
        "key_points": list(b.key_points),
        "things_to_try": list(b.things_to_try[:3]),
    }
    found = fresh(data_file("blocks.toml").get(b.stem), english, where)
    return Block(
        stem=b.stem,
        title=text(b.title, found.get("title"), f"{where}.title"),
        teaching_minutes=b.teaching_minutes,
        exercise_minutes=b.exercise_minutes,
        objectives=tuple(text(list(b.objectives), found.get("objectives"), f"{where}.objectives")),
        key_points=tuple(text(list(b.key_points), found.get("key_points"), f"{where}.key_points")),
        things_to_try=tuple(
            text(list(b.things_to_try[:3]), found.get("things_to_try"), f"{where}.things_to_try")
        ),
        terms=tuple(term_in_language(t) for t in b.terms),
        events=tuple(event_in_language(e) for e in b.events),
    )


def _pair(item: Any) -> bool:
    return isinstance(item, list) and len(item) == 2 and all(isinstance(s, str) and s for s in item)


# ------------------------------------------------------------------ notebooks
@dataclass(frozen=True)
class Block:
    """One course notebook as a handout sees it."""

    stem: str
    title: str
    teaching_minutes: int
    exercise_minutes: int
    objectives: tuple[str, ...]
    key_points: tuple[str, ...]
    things_to_try: tuple[str, ...]
    terms: tuple[Term, ...]
    events: tuple[Event, ...]

    @property
    def minutes(self) -> int:
        """The block's length in minutes: teaching plus exercises (the notebook's metadata)."""
        return self.teaching_minutes + self.exercise_minutes


def default_notebooks() -> Path:
    """The repository's ``notebooks/`` folder (next to ``src/``): it exists in a source
    checkout, not beside an installed package.

    Raises
    ------
    FileNotFoundError
        One line when govsim runs without its checkout, saying to give ``--source``
        (:func:`govsim.checkout.checkout_folder`).
    """
    return checkout_folder("notebooks", "--source")


def _section(markdown: str, heading: str) -> tuple[str, ...]:
    """The list items under ``## heading`` (up to the next heading), joined across lines."""
    match = re.search(rf"^##\s+{re.escape(heading)}\s*$(.*?)(?=^#|\Z)", markdown, re.M | re.S)
    if not match:
        return ()
    items: list[str] = []
    open_item = False  # a blank line ends an item; text after it is not part of the list
    for line in match.group(1).splitlines():
        start = re.match(r"^\s*(?:[-*]|\d+\.)\s+(.*)$", line)
        if start:
            items.append(start.group(1).strip())
            open_item = True
        elif line.strip() and open_item:
            items[-1] += " " + line.strip()
        else:
            open_item = False
    return tuple(items)


def uses(text: str, term: Term) -> bool:
    """True when ``text`` uses the glossary term or its expansion as a whole word (not inside a
    longer word or hyphenated compound); acronyms (all capitals, or a capitalised first part
    before a hyphen) match case-sensitively, other words in any case.

    >>> igf = Term("IGF", "A forum.", "Tunis Agenda, para. 72", "governance", "Internet Governance Forum")
    >>> uses("The IGF met.", igf), uses("the igf met", igf), uses("the internet governance forum", igf)
    (True, False, True)
    """
    names = [term.term] + ([term.expansion] if term.expansion else [])
    for name in names:
        flags = 0 if name.isupper() or ("-" in name and name.split("-")[0].isupper()) else re.I
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags):
            return True
    return False


#: the notebook metadata (``govsim``) a block reads; other readers own its other keys
BLOCK_FIELDS = {"teaching_minutes": (WHOLE, 0), "exercise_minutes": (WHOLE, 0), "objectives": (TEXTS, [])}


def block(path: Path) -> Block:
    """Read one course notebook into a :class:`Block` (in English).

    The title is the first cell's ``# heading`` (else the file's stem); minutes and objectives
    come from the notebook's ``govsim`` metadata; key points and things to try from the list
    items under ``## Key points`` and ``## Things to try``; the terms are the glossary terms
    its Markdown uses (:func:`uses`); the events are those of the reading list whose
    scenario or one of whose ``mentions`` appears anywhere in the notebook, code included.

    Raises
    ------
    ValueError
        One line naming the notebook: its first cell is not Markdown, or its ``govsim``
        metadata (:data:`BLOCK_FIELDS`) is not a table, has minutes that are not whole
        numbers of 0 or more, or objectives that are not a list of non-empty strings.
    """
    import nbformat  # slow to import (jsonschema): only when a notebook is read

    nb = nbformat.read(path, as_version=4)
    meta = fields(f"{path.name}: metadata.govsim", nb.metadata.get("govsim", {}), BLOCK_FIELDS, others=True)
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        raise ValueError(f"{path.name}: the first cell is not markdown (allowed: a notebook of the course)")
    first = nb.cells[0].source
    title = re.search(r"^#\s+(.+)$", first, re.M)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    everything = "\n\n".join(c.source for c in nb.cells)
    return Block(
        stem=path.stem,
        title=title.group(1).strip() if title else path.stem,
        teaching_minutes=whole(meta["teaching_minutes"], f"{path.name}: metadata.govsim.teaching_minutes", 0),
        exercise_minutes=whole(meta["exercise_minutes"], f"{path.name}: metadata.govsim.exercise_minutes", 0),
        objectives=tuple(meta["objectives"]),
        key_points=_section(markdown, "Key points"),
        things_to_try=_section(markdown, "Things to try"),
        terms=tuple(t for t in glossary() if uses(markdown, t)),
        events=tuple(
            e
            for e in readings()
            if (e.scenario and e.scenario in everything) or any(m in everything for m in e.mentions)
        ),
    )


def blocks(source: str | Path | None = None) -> list[Block]:
    """Every course notebook (``*.ipynb``) in ``source`` (default: :func:`default_notebooks`),
    read by :func:`block`, sorted by file name.

    Returns
    -------
    list of Block

    Raises
    ------
    FileNotFoundError
        ``source`` is not a folder, or holds no notebook; or ``source`` is None and govsim is
        installed without its checkout (:func:`default_notebooks`).
    ValueError
        A notebook's first cell is not Markdown.
    """
    folder = Path(source) if source is not None else default_notebooks()
    if not folder.is_dir():
        raise FileNotFoundError(f"source={str(folder)!r} is not a folder of course notebooks")
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"source={str(folder)!r} holds no notebooks (*.ipynb)")
    return [block(p) for p in paths]


# ------------------------------------------------------------------ the cheat-sheet
def parameter_rows() -> dict[str, list[dict[str, str]]]:
    """The declared settings, as rows for the cheat-sheet, in English.

    Returns
    -------
    dict of str to list of dict
        ``"process"``: one row per :class:`govsim.params.Parameters` field;
        ``"group"``: one row per :class:`govsim.population.GroupProfile` trait mean (set per
        group as ``group.trait``; the ``*_sd`` spreads are left out). Each row maps
        ``name``, ``default``, ``classroom`` (the ``classroom`` scenario's value; ``""`` for a
        group trait), ``range`` (``"low to high"``), ``unit`` and ``meaning`` to strings,
        numbers written with ``:g``.
    """
    from govsim.params import parameter_specs
    from govsim.population import profile_specs
    from govsim.scenarios import load_scenario

    classroom = load_scenario("classroom").params

    def row(spec) -> dict[str, str]:
        here = getattr(classroom, spec.name, None)
        return {
            "name": spec.name,
            "default": f"{spec.default:g}",
            # What the course's main scenario uses: a participant who predicts from the default
            # mispredicts when the scenario sets its own (issue 22.10: consensus_rounds 3 vs 1).
            "classroom": f"{here:g}" if isinstance(here, int | float) else "",
            "range": f"{spec.low:g} to {spec.high:g}",
            "unit": spec.unit,
            "meaning": spec.doc,
        }

    return {
        "process": [row(s) for s in parameter_specs()],
        "group": [row(s) for s in profile_specs() if not s.name.endswith("_sd")],
    }


def parameter_row_in_language(row: dict[str, str]) -> dict[str, str]:
    """One cheat-sheet row (:func:`parameter_rows`) in the current language: numbers in its
    locale, the unit and meaning from ``data/lang/<lang>/parameters.toml`` (one table per
    parameter name); the name stays the code name a facilitator types."""
    from govsim.i18n import number

    def said(value: str) -> str:
        return number(float(value), 4) if value else value

    where = f"parameters.toml: [{row['name']}]"
    english = {"unit": row["unit"], "meaning": row["meaning"]}
    found = fresh(data_file("parameters.toml").get(row["name"]), english, where)
    low, high = row["range"].split(" to ")
    return {
        "name": row["name"],
        "default": said(row["default"]),
        "classroom": said(row["classroom"]),
        "range": _("{low} to {high}").format(low=said(low), high=said(high)),
        "unit": text(row["unit"], found.get("unit"), f"{where}.unit") if row["unit"] else "",
        "meaning": text(row["meaning"], found.get("meaning"), f"{where}.meaning"),
    }
