"""Hostile role-play files: every key type-checked, every refusal one line naming the field.

A saved session is mutated at every level (a key removed, a key added, a value replaced by any
JSON value); :meth:`RolePlay.from_dict` must either read it or raise a one-line ``ValueError``,
never ``KeyError``, ``TypeError`` or ``AttributeError``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.roleplay.plan import SessionPlan
from govsim.roleplay.session import RolePlay

from helpers import get, json_values, one_line_or_read, paths, tables


def _saved() -> dict[str, Any]:
    play = RolePlay("classroom", None, (), 1, SessionPlan(issues=1, budget=2))
    play.play_round({play.teams[0]: "amend"}, {play.teams[0]: [0.5] * play.setup.k})
    return json.loads(json.dumps(play.to_dict()))


SAVED = _saved()

PATHS = paths(SAVED)
DICTS = tables(SAVED)


def _refused_in_one_line(data: Any) -> None:
    one_line_or_read(RolePlay.from_dict, data)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: ".".join(map(str, p)))
def test_every_missing_key_is_one_line(path):
    data = copy.deepcopy(SAVED)
    parent = get(data, path[:-1])
    del parent[path[-1]]
    _refused_in_one_line(data)


@pytest.mark.parametrize("key", ["protocol", "plan", "scenario", "seed", "teams", "moves", "outcome"])
def test_a_file_without_a_top_level_key_names_it(key):
    data = copy.deepcopy(SAVED)
    del data[key]
    if key in ("plan",):  # version 2 files carry a plan; the default one differs from the saved
        with pytest.raises(ValueError):
            RolePlay.from_dict(data)
        return
    with pytest.raises(ValueError, match=key):
        RolePlay.from_dict(data)


def test_an_extra_top_level_key_is_refused_naming_it():
    with pytest.raises(ValueError, match="colour"):
        RolePlay.from_dict({**copy.deepcopy(SAVED), "colour": "red"})


@settings(max_examples=150)
@given(st.data())
def test_a_value_replaced_anywhere_is_read_or_refused_in_one_line(data):
    path = data.draw(st.sampled_from(PATHS))
    value = data.draw(json_values())
    mutated = copy.deepcopy(SAVED)
    get(mutated, path[:-1])[path[-1]] = value
    _refused_in_one_line(mutated)


@settings(max_examples=60)
@given(st.data())
def test_a_key_added_anywhere_is_read_or_refused_in_one_line(data):
    path = data.draw(st.sampled_from(DICTS))
    key = data.draw(st.text(max_size=8))
    mutated = copy.deepcopy(SAVED)
    get(mutated, path)[key] = data.draw(json_values())
    _refused_in_one_line(mutated)


@settings(max_examples=40)
@given(json_values())
def test_any_json_value_as_the_file_is_refused_in_one_line(value):
    with pytest.raises(ValueError) as exc:
        RolePlay.from_dict(value)
    assert "\n" not in str(exc.value)


def test_load_names_the_file_when_protocol_is_missing(tmp_path):
    """The reported case: a file without "protocol" raised KeyError('protocol')."""
    data = copy.deepcopy(SAVED)
    del data["protocol"]
    path = tmp_path / "session.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"session\.json: protocol"):
        RolePlay.load(path)


@settings(max_examples=40)
@given(st.data())
def test_a_served_rooms_damaged_configuration_is_one_line(tmp_path_factory, data):
    """The room's session file keeps the same fields (scenario, protocol, teams, seed, plan):
    typed the same way, refused in one line naming the session file."""
    import sqlite3

    from govsim.roleplay.room import Room

    path = tmp_path_factory.mktemp("room") / "room.sqlite"
    Room(path, scenario="classroom", seed=1, plan=SessionPlan(issues=1, budget=2))
    db = sqlite3.connect(path)
    config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
    where = data.draw(st.sampled_from(paths(config)))
    get(config, where[:-1])[where[-1]] = data.draw(json_values())
    db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.commit()
    db.close()
    try:
        Room(path)
    except ValueError as exc:
        assert "\n" not in str(exc) and "room.sqlite" in str(exc), str(exc)
