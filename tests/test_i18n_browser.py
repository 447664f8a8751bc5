"""The room's language in a real Chromium (Debian's, driven by Playwright as in
``test_roleplay_browser.py``): a French and a Spanish team type an amendment with a decimal
comma, as they write numbers, and the move recorded is the one they typed; text that is no
number is refused in one visible line and nothing is sent (review 25b: fr D2, es D1).
"""

from __future__ import annotations

import json

import pytest
import test_roleplay_browser
from roleplay_server import serve
from test_roleplay_browser import click_next, open_page, wait_text

from govsim.i18n import language
from govsim.roleplay.cards import move_name

pytestmark = [pytest.mark.browser, pytest.mark.slow]
browser = test_roleplay_browser.browser  # the module's Chromium fixture


def typed_move(page, lang: str, values: tuple[str, str]) -> None:
    with language(lang):
        page.locator(".govsim-rp-move select").select_option(label=move_name("amend"))
    for i, value in enumerate(values):
        box = page.locator(f".govsim-rp-amend-{i} input")
        box.fill(value)
    page.locator(".govsim-rp-submit button").click()


@pytest.mark.parametrize(("lang", "recorded", "refused"), [("fr", "Coup enregistré", "Non envoyé"),
                                                            ("es", "Jugada registrada", "No se envió")])  # fmt: skip
def test_an_amendment_typed_with_a_decimal_comma_is_the_one_recorded(
    browser, tmp_path, lang, recorded, refused
):
    server = serve(tmp_path, "--scenario", "classroom", "--issues", "1", "--budget", "2")
    try:
        fac = open_page(browser, server, "facilitator")
        server.links["civil_society"] += f"&lang={lang}"
        team = open_page(browser, server, "civil_society", width=390)
        click_next(fac, "Start the first caucus", "Caucus")
        shown = team.locator(".govsim-rp-amend-0 input").input_value()
        assert "," in shown and "." not in shown  # the page writes its numbers as it reads them
        typed_move(team, lang, ("0,4", "0.9"))
        wait_text(team, ".govsim-rp-message", recorded)
        message = team.locator(".govsim-rp-message .govsim-rp-ok").first.inner_text()
        assert "0,40" in message and "0,90" in message, message
        typed_move(team, lang, ("0,4,5", "0,9"))  # not a number: one line, and the move stays as sent
        wait_text(team, ".govsim-rp-message", refused)
        line = team.locator(".govsim-rp-message .govsim-rp-refused").first.inner_text()
        assert "0,4,5" in line and "\n" not in line.strip(), line
        click_next(fac, "End the caucus", "Secret moves")
        click_next(fac, "Reveal the moves", "Moves revealed")
        click_next(fac, "Play the round", "Result of the round")
        data = json.loads(
            fac.request.get(f"{server.base}/rp/export?code={server.code('facilitator')}").text()
        )
        assert data["moves"][0]["amendments"] == {"civil_society": [pytest.approx(0.4), pytest.approx(0.9)]}
    finally:
        server.kill()


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_projectors_debrief_figure_is_read_from_the_back_of_the_room(browser, tmp_path, lang):
    """The French reader (review 25b fr, D9) found the projector's debrief figure a thumbnail
    about 130 px wide: on a 1920 px projector it is now at least half the screen wide, and it
    lies inside the screen."""
    from roleplay_server import Served, free_port

    from govsim.roleplay.plan import SessionPlan
    from govsim.roleplay.room import Room

    room = Room(tmp_path / "room.sqlite", scenario="classroom", seed=3, plan=SessionPlan(issues=1, budget=1))
    state = room.state()
    room.advance(state.phase, state.round)
    room.end()
    server = Served(tmp_path / "room.sqlite", free_port(), tmp_path / "server.log", []).start()
    try:
        server.links["projector"] += f"&lang={lang}"
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        page.goto(server.links["projector"])
        figure = page.locator("img.govsim-rp-debrief-figure").first
        figure.wait_for(timeout=60_000)
        page.wait_for_function("() => [...document.querySelectorAll('*')].length > 0")
        box = figure.evaluate("img => { const r = img.getBoundingClientRect(); return [r.width, r.right]; }")
        assert box[0] >= 960 * 0.9 and box[1] <= 1920, box
        context.close()
    finally:
        server.kill()
