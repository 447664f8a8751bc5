"""The served role-play in the room's language (issue 25): every page a participant or the room
reads (each team's page, the projector, the facilitator's), in every phase, rendered in the
pseudo-locale, shows no visible word that bypassed translation; a page asks for its language
with ``?lang=`` and falls back to the session's.

The end-of-session debrief (what each team's own moves changed, the standing tables of
:mod:`govsim.roleplay.debrief`) is covered too; :data:`KNOWN_ENGLISH` would name a pane still
English (none now), and the test fails if one of them becomes translated without leaving it.
"""

from __future__ import annotations

import html
import re

import panel as pn
import pytest

from govsim import i18n
from govsim.i18n import PSEUDO, language
from govsim.roleplay.pages import FacilitatorPage, ProjectorPage, TeamPage, clock_texts, language_links
from govsim.roleplay.plan import SessionPlan
from govsim.roleplay.room import PROJECTOR, Phase, Room
from govsim.roleplay.serve import page_language
from tests.test_i18n import unmarked, visible

# (page kind, pane css class) -> why it is still English
KNOWN_ENGLISH: dict[tuple[str, str], str] = {}


def texts(layout) -> dict[str, str]:
    """Every visible text of a Panel layout, by the css class of the pane or widget holding it."""
    found: dict[str, str] = {}

    def walk(obj) -> None:
        key = next(iter(getattr(obj, "css_classes", None) or []), type(obj).__name__)
        if isinstance(obj, pn.pane.HTML) and obj.visible:
            found[key] = found.get(key, "") + " " + str(obj.object or "")
        elif isinstance(obj, pn.widgets.Widget) and obj.visible:
            said = [obj.name or ""]
            if isinstance(obj, pn.widgets.Select):
                said += [str(k) for k in (obj.options if isinstance(obj.options, dict) else [])]
            found[key] = found.get(key, "") + " " + html.escape(" ".join(said))
        elif hasattr(obj, "texts") and hasattr(obj, "deadline"):  # the clock
            found["clock"] = html.escape(" ".join(obj.texts.values()))
        for child in getattr(obj, "objects", []) or []:
            walk(child)

    walk(layout)
    return found


def room_in_every_phase(tmp_path):
    room = Room(tmp_path / "room.sqlite", scenario="classroom", seed=3, plan=SessionPlan(issues=1, budget=1))
    yield room  # briefing
    state = room.state()
    room.advance(state.phase, state.round)  # caucus
    room.submit("civil_society", 1, "amend", [0.7, 0.9])
    yield room
    for _ in range(3):  # moves, reveal, result
        state = room.state()
        room.advance(state.phase, state.round)
        yield room
    room.end()
    yield room


def pages(room: Room):
    yield "facilitator", FacilitatorPage(room, room.codes["facilitator"])
    yield "projector", ProjectorPage(room)
    for team in room.play.teams:
        yield "team", TeamPage(room, team)


@pytest.mark.slow
def test_every_served_page_in_every_phase_is_translated(tmp_path) -> None:
    left: dict[str, list[str]] = {}
    still_english: set[tuple[str, str]] = set()
    with language(PSEUDO):
        for room in room_in_every_phase(tmp_path):
            phase = Phase(room.state().phase).value
            for kind, page in pages(room):
                page.refresh(force=True)
                for pane, text in texts(page.layout).items():
                    words = unmarked(visible(text))
                    if (kind, pane) in KNOWN_ENGLISH:
                        still_english |= {(kind, pane)} if words else set()
                    elif words:
                        left[f"{phase} {kind} {pane}"] = sorted(set(words))[:8]
    assert left == {}
    assert still_english == set(KNOWN_ENGLISH)  # translated? take it off the list


def test_a_page_speaks_its_own_language_or_the_sessions(tmp_path) -> None:
    assert page_language("es", "fr") == "es"
    assert page_language("", "fr") == "fr"
    assert page_language("xx", "fr") == "fr"  # an unknown ?lang= is not an error page
    room = Room(tmp_path / "room.sqlite", scenario="classroom", seed=3)
    page = TeamPage(room, "civil_society", "fr")
    shown = " ".join(texts(page.layout).values())
    assert "Votre coup" in shown and "Société civile" in shown and "Lignes rouges" in shown
    assert i18n.current() == "en"  # built in French, without changing anyone else's language
    with language("es"):
        assert page.lang == "fr" and "Caucus" in clock_texts()["up"]
    page.refresh(force=True)
    assert "Votre coup" in " ".join(texts(page.layout).values())
    assert ProjectorPage(room, "es").lang == "es"
    links = language_links(room.codes["civil_society"], "fr")
    assert "<b>Français</b>" in links and "lang=es'>Español</a>" in links and "translate='no'" in links
    assert room.codes[PROJECTOR] not in links


def test_the_projectors_figure_is_drawn_in_each_pages_language(tmp_path) -> None:
    """The figure's labels are in the page's language: a French projector does not get the
    English figure another page drew first (cached per language)."""
    from govsim.roleplay.screens import projector_png

    room = Room(tmp_path / "room.sqlite", scenario="classroom", seed=3, plan=SessionPlan(issues=1, budget=1))
    english = projector_png(room)
    with language("fr"):
        french = projector_png(room)
        assert projector_png(room) == french
    assert english != french and projector_png(room) == english


@pytest.fixture(scope="module")
def ended_server(tmp_path_factory):
    """A served role-play whose session has ended (the debrief sheet exists), English by default."""
    from tests.roleplay_server import Served, free_port

    tmp = tmp_path_factory.mktemp("shell")
    room = Room(tmp / "room.sqlite", scenario="classroom", seed=3, plan=SessionPlan(issues=1, budget=1))
    state = room.state()
    room.advance(state.phase, state.round)
    room.submit("civil_society", 1, "amend", [0.7, 0.9])
    room.end()
    served = Served(tmp / "room.sqlite", free_port(), tmp / "server.log", []).start()
    yield served
    served.kill()


SHELL = re.compile(r"<html lang=['\"]([a-z]+)['\"].*?<title>(.*?)</title>", re.S)
WHOM = ["facilitator", "projector", "government", "business", "civil_society", "technical", "wrong code"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_served_page_says_its_language_and_its_title_in_it(ended_server, lang: str) -> None:
    """The Spanish reader (review 25b es, A2) found every served page ``<html lang="en">`` titled
    "govsim role-play", so Chrome offered to translate a Spanish page from English; the French
    reader (A1) found the printable debrief sheet in English. Every page the server sends (the
    Panel pages of each role and of a wrong code, the cards, the join sheet, the debrief sheet)
    says the page's language in ``<html lang>`` and has its ``<title>`` in that language."""
    from govsim.i18n import _, language

    served = ended_server
    fac = served.code("facilitator")
    asked = {} if lang == "en" else {"lang": lang}
    sent = {
        who: served.get("/room", code="x-wrong" if who == "wrong code" else served.code(who), **asked)
        for who in WHOM
    }
    sent |= {
        "cards": served.get("/rp/card", code=fac, **asked),
        "team card": served.get("/rp/card", code=served.code("business"), **asked),
        "join sheet": served.get("/rp/join", code=fac, **asked),
        "debrief sheet": served.get("/rp/debrief", code=fac, **asked),
    }
    with language(lang):
        words = {
            "debrief sheet": _("What happened"),
            "cards": _("Role cards"),
            "facilitator": _("facilitator"),
        }
    for page, (status, body) in sent.items():
        assert status == 200, (page, status, body[:200])
        shell = SHELL.search(body)
        assert shell, page
        said, title = shell.group(1), html.unescape(shell.group(2))
        assert said == lang, (page, said)
        assert title.strip() and (lang == "en" or "role-play" not in title), (page, title)
        if page in words:
            assert words[page] in html.unescape(body), (page, words[page])
    if lang != "en":
        with language(lang):
            english = [s for s in ("What happened", "So what", "Now what", "your room") if _(s) != s]
        assert not any(f">{s}<" in sent["debrief sheet"][1] for s in english)


@pytest.mark.slow
def test_the_debrief_sheet_refusal_speaks_the_pages_language(tmp_path) -> None:
    """Before the end, the debrief sheet is refused in the page's language, not in English."""
    from tests.roleplay_server import serve

    served = serve(tmp_path, "--scenario", "classroom", "--issues", "1", "--budget", "2")
    try:
        status, body = served.get("/rp/debrief", code=served.code("facilitator"), lang="fr")
        assert status == 409 and "terminée" in body
        status, body = served.get("/rp/card", code=served.code("business"), team="government", lang="es")
        assert status == 403 and "no disponible" in body
    finally:
        served.kill()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_team_page_numbers_rounds_within_the_issue(tmp_path, lang: str) -> None:
    """The Spanish reader (review 25b es, E2) read «Tema 2 de 2 ... ronda 1 de 3» above «Jugada
    registrada para la ronda 4»: a team page numbers the round within its issue, everywhere."""
    room = Room(tmp_path / "room.sqlite", scenario="classroom", seed=3, plan=SessionPlan(issues=2, budget=1))
    for _round in range(2):  # issue 1 in one round, then round 1 of issue 2
        state = room.state()
        room.advance(state.phase, state.round)  # caucus
        if _round == 1:
            break
        for _step in range(3):  # moves, reveal, result
            state = room.state()
            room.advance(state.phase, state.round)
    with language(lang):
        ok, said = room.submit("business", room.state().round + 1, "hold", None)
        expected = i18n._(
            "Move recorded for round {round} of issue {issue}: {move}{amend}. You can change it until the reveal."
        )
        page = TeamPage(room, "business")
        page.refresh(force=True)
        current = page.current.object
    assert ok and said.startswith(expected.split("{move}")[0].format(round=1, issue=2)), said
    words = {"en": "round 1 of issue 2", "fr": "tour 1 de la question 2", "es": "ronda 1 del tema 2"}[lang]
    assert words in said and words in html.unescape(current), (said, current)
