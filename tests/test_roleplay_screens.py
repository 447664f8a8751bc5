"""The served role-play's fragment cache: keyed by the room itself (held weakly), the rounds
played and the language; bounded per room."""

from __future__ import annotations

import gc
import weakref

import pytest

from govsim.i18n import language
from govsim.roleplay import screens
from govsim.roleplay.debrief import debrief
from govsim.roleplay.plan import SessionPlan
from govsim.roleplay.room import Room


@pytest.fixture
def quick_debrief(monkeypatch):
    """The debrief with three seeds and no landscape (the full one runs 100 seeds)."""
    monkeypatch.setattr(screens, "debrief", lambda play: debrief(play, seeds=range(3), with_landscape=False))


def _room(path, scenario="classroom", seed=3) -> Room:
    return Room(path, scenario=scenario, seed=seed, plan=SessionPlan(issues=1, budget=2))


def test_the_debrief_speaks_each_language_whichever_asked_first(tmp_path, quick_debrief):
    """The reported case: the cache key had no language, so the rules stayed in the first one."""
    room = _room(tmp_path / "room.sqlite")
    with language("fr"):
        french = screens.room_debrief(room).announcement
        assert french == room.play.announcement
    english = screens.room_debrief(room).announcement
    assert english == room.play.announcement
    assert english != french
    with language("es"):
        assert screens.room_debrief(room).announcement == room.play.announcement
    assert screens.room_debrief(room).simulated is screens.room_debrief(room).simulated  # runs made once


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_fragment_is_in_the_language_asked(tmp_path, quick_debrief, lang):
    room = _room(tmp_path / "room.sqlite")
    team = room.play.teams[0]
    english = [screens.status_html(room, team), screens.team_debrief_html(room, team)]
    with language(lang):
        other = [screens.status_html(room, team), screens.team_debrief_html(room, team)]
        fresh = [
            screens._status_html(room, team, room.state()),
            screens._team_debrief_html(room, team),
        ]
    assert other == fresh
    assert all(a != b for a, b in zip(english, other, strict=True))


def test_a_freed_rooms_fragments_go_with_it(tmp_path):
    room = _room(tmp_path / "room.sqlite")
    screens.status_html(room, None)
    gone = weakref.ref(room)
    assert room in screens._ROOMS
    del room
    gc.collect()
    assert gone() is None
    assert all(r is not None for r in screens._ROOMS.keys())
    assert not any(str(r.store.path).startswith(str(tmp_path)) for r in screens._ROOMS.keys())


def test_a_new_room_never_gets_another_rooms_fragments(tmp_path):
    """An ``id`` is reused once its object is freed: keyed by ``id(room)``, a new room could be
    served the old one's pages. Rooms of other scenarios are made and freed in turn."""
    for n in range(12):
        scenario = ("classroom", "wcit_2012")[n % 2]
        room = _room(tmp_path / f"room{n}.sqlite", scenario=scenario, seed=n)
        assert screens.status_html(room, None) == screens._status_html(room, None, room.state())
        del room
        gc.collect()


def test_at_most_keep_fragments_per_room_least_recently_used_first_out(tmp_path):
    room = _room(tmp_path / "room.sqlite")
    for n in range(screens.KEEP + 10):
        assert screens.cached(room, ("test", n), lambda n=n: n) == n
        screens.cached(room, ("test", 0), lambda: "made again")  # kept: used every time
    kept = screens._ROOMS[room]
    assert len(kept) == screens.KEEP
    assert screens.cached(room, ("test", 0), lambda: "made again") == 0
    assert screens.cached(room, ("test", 1), lambda: "made again") == "made again"
