"""Hostile handout data files: glossary, readings and worksheets are read by one checker
(:func:`govsim.handouts.content.fields`); any edit of the bundled files (a key removed, a key
added, a value replaced by any TOML-like value, at any level) is read or refused in one line
naming the file and entry, never another exception."""

from __future__ import annotations

import copy
import json
import warnings

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim import i18n
from govsim.handouts import content
from govsim.i18n import language

from helpers import get, json_values, one_line_or_read, paths, tables

READERS = {
    "glossary.toml": content.glossary,
    "readings.toml": content.readings,
    "worksheets.toml": content.worksheets,
}
REAL = {name: content._load(name) for name in READERS}


def _read(monkeypatch, name):
    """The reader of ``name``, reading whatever it is given instead of the bundled file."""

    def read(data):
        monkeypatch.setattr(content, "_load", lambda _name: data)
        READERS[name].cache_clear()
        try:
            return READERS[name]()
        finally:
            READERS[name].cache_clear()

    return read


@pytest.mark.parametrize("name", READERS)
def test_the_bundled_files_are_read(name):
    assert READERS[name]()


@settings(max_examples=200)
@given(st.data())
def test_a_value_replaced_anywhere_is_read_or_refused_in_one_line(data):
    with pytest.MonkeyPatch.context() as monkeypatch:
        name = data.draw(st.sampled_from(list(READERS)))
        mutated = copy.deepcopy(REAL[name])
        path = data.draw(st.sampled_from(paths(mutated)))
        get(mutated, path[:-1])[path[-1]] = data.draw(json_values())
        one_line_or_read(_read(monkeypatch, name), mutated)


@settings(max_examples=100)
@given(st.data())
def test_a_key_added_or_removed_anywhere_is_read_or_refused_in_one_line(data):
    with pytest.MonkeyPatch.context() as monkeypatch:
        name = data.draw(st.sampled_from(list(READERS)))
        mutated = copy.deepcopy(REAL[name])
        if data.draw(st.booleans()):
            get(mutated, data.draw(st.sampled_from(tables(mutated))))[data.draw(st.text(max_size=8))] = (
                data.draw(json_values())
            )
        else:
            path = data.draw(st.sampled_from(paths(mutated)))
            del get(mutated, path[:-1])[path[-1]]
        one_line_or_read(_read(monkeypatch, name), mutated)


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [  # the reported cases
        (
            "readings.toml",
            lambda d: d["event"].__setitem__(0, "wcit"),
            r"readings.toml, event 1: 'wcit' is not a table",
        ),
        (
            "readings.toml",
            lambda d: d["event"][0]["reading"].__setitem__(0, 3),
            r"readings.toml, event 1, reading 1: 3 is not a table",
        ),
        ("readings.toml", lambda d: d["event"][0].update(colour="red"), r"event 1: unknown field 'colour'"),
        ("readings.toml", lambda d: d["event"][0].update(scenario=7), r"event 1: scenario=7 is not a string"),
        (
            "readings.toml",
            lambda d: d["event"][0].update(scenario="atlantis"),
            r"scenario='atlantis' is not known",
        ),
        (
            "worksheets.toml",
            lambda d: d.__setitem__("00_start_here", ["x"]),
            r"worksheets.toml, \[00_start_here\]: \['x'\] is not a table",
        ),
        (
            "worksheets.toml",
            lambda d: d["02_top_down_vs_bottom_up"].update(predict="yes"),
            r"\[02_top_down_vs_bottom_up\]: predict='yes' is not a table",
        ),
        (
            "worksheets.toml",
            lambda d: d["00_start_here"].update(title=5),
            r"\[00_start_here\]: title=5 is not a",
        ),
        ("worksheets.toml", lambda d: d["00_start_here"].update(slip=5), r"unknown field 'slip'"),
    ],
)
def test_each_reported_case_is_one_line_naming_the_entry(monkeypatch, name, edit, message):
    data = copy.deepcopy(REAL[name])
    edit(data)
    with pytest.raises(ValueError, match=message):
        _read(monkeypatch, name)(data)


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (
            {"teaching_minutes": "ten"},
            r"lesson.ipynb: metadata.govsim: teaching_minutes='ten' is not a whole number",
        ),
        ({"teaching_minutes": -5}, r"lesson.ipynb: metadata.govsim.teaching_minutes=-5 is out of range"),
        (
            {"objectives": "learn"},
            r"lesson.ipynb: metadata.govsim: objectives='learn' is not a list of non-empty",
        ),
        ({"objectives": [1, 2]}, r"objectives=\[1, 2\] is not a list of non-empty strings"),
        ("everything", r"lesson.ipynb: metadata.govsim: 'everything' is not a table"),
    ],
)
def test_a_notebooks_bad_metadata_is_one_line_naming_the_notebook(tmp_path, meta, message):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A lesson")])
    nb.metadata["govsim"] = meta
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        content.block(path)


# ---------------------------------------------------------------- the languages' data files
LANG_FILES = ("glossary.toml", "readings.toml", "worksheets.toml", "parameters.toml", "roles/defaults.toml")


def _render_in_french(name: str) -> None:
    """Everything that reads the French translation of data file ``name``."""
    from govsim.groups import GROUP_NAMES
    from govsim.roleplay import cards

    with language("fr"):
        if name == "glossary.toml":
            [content.term_in_language(t) for t in content.glossary()]
        elif name == "readings.toml":
            [content.event_in_language(e) for e in content.readings()]
        elif name == "worksheets.toml":
            [content.worksheet_in_language(s, w) for s, w in content.worksheets().items()]
        elif name == "parameters.toml":
            rows = content.parameter_rows()
            [content.parameter_row_in_language(r) for r in rows["process"] + rows["group"]]
        else:
            [cards.briefing("classroom", g) for g in GROUP_NAMES]


@settings(max_examples=150)
@given(st.data())
def test_a_translation_edited_anywhere_is_read_or_refused_in_one_line(data):
    """The languages' files (data/lang/<lang>/) are files govsim reads too: a table that is
    not a table, or a translated text that is not a string, is one line naming the file."""
    name = data.draw(st.sampled_from(LANG_FILES))
    mutated = copy.deepcopy(i18n._data("fr", name))
    kind = data.draw(st.sampled_from(["replace", "add", "del"]))
    if kind == "add":
        get(mutated, data.draw(st.sampled_from(tables(mutated))))[data.draw(st.text(max_size=6))] = data.draw(
            json_values()
        )
    else:
        path = data.draw(st.sampled_from(paths(mutated)))
        if kind == "del":
            del get(mutated, path[:-1])[path[-1]]
        else:
            get(mutated, path[:-1])[path[-1]] = data.draw(json_values())
    real = i18n._data
    with pytest.MonkeyPatch.context() as monkeypatch, warnings.catch_warnings():
        warnings.simplefilter("ignore", i18n.MissingTranslation)
        monkeypatch.setattr(i18n, "_data", lambda lang, n: mutated if n == name else real(lang, n))
        one_line_or_read(_render_in_french, name)


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        (
            "glossary.toml",
            lambda d: d.__setitem__("term", None),
            r"data/lang/fr/glossary.toml: term=None is not a table",
        ),
        (
            "readings.toml",
            lambda d: d.__setitem__("event", 3),
            r"data/lang/fr/readings.toml: event=3 is not a table",
        ),
    ],
)
def test_a_translation_that_is_not_a_table_is_one_line(monkeypatch, name, edit, message):
    mutated = copy.deepcopy(i18n._data("fr", name))
    edit(mutated)
    real = i18n._data
    monkeypatch.setattr(i18n, "_data", lambda lang, n: mutated if n == name else real(lang, n))
    with pytest.raises(ValueError, match=message):
        _render_in_french(name)


def test_a_translated_text_that_is_not_a_string_is_one_line(monkeypatch):
    mutated = copy.deepcopy(i18n._data("fr", "parameters.toml"))
    first = next(iter(mutated))
    mutated[first]["meaning"] = 5
    real = i18n._data
    monkeypatch.setattr(i18n, "_data", lambda lang, n: mutated if n == "parameters.toml" else real(lang, n))
    with pytest.raises(
        ValueError, match=rf"data/lang/fr/parameters.toml: \[{first}\].meaning=5 is not a non-empty"
    ):
        _render_in_french("parameters.toml")
