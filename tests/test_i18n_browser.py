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
