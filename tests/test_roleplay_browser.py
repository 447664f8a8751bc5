"""The served role-play end to end in a real Chromium (Debian's, driven by Playwright as in
``test_browser.py``): a facilitator and four team pages, each in its own browser context,
play a two-issue session through the UI (secret moves, the reveal, an amend move, the
debrief); then a server killed with ``kill -9`` mid-round is started again on the same session
file and the session finishes with nothing lost or duplicated.

Every page may only reach the server: any other request is aborted, so the pages work offline.
Screenshots go to ``test-output/browser/``.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from roleplay_server import serve
from test_browser import CHROMIUM, CHROMIUM_ARGS, OUTPUT, _need_browser

from govsim.roleplay import RolePlay

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT_MS = 30_000
TEAMS = ("government", "business", "civil_society", "technical")


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_pages(browser, server, widths: dict[str, int]) -> dict:
    """Each holder's page in its own browser context, loaded side by side (see :func:`open_page`)."""
    pages = {who: open_page(browser, server, who, width, wait=False) for who, width in widths.items()}
    for page in pages.values():
        page.locator(".govsim-rp-status").first.wait_for()
    return pages


def open_page(browser, server, who: str, width: int = 1300, wait: bool = True):
    """``who``'s page in a fresh browser context that can reach nothing but the server."""
    context = browser.new_context(viewport={"width": width, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    offsite: list[str] = []

    def only_the_server(route):
        if route.request.url.startswith(server.base):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    page = context.new_page()
    page.offsite = offsite
    page.goto(server.links[who], wait_until="commit")
    if wait:
        page.locator(".govsim-rp-status").first.wait_for()
    return page


def status(page) -> str:
    return page.locator(".govsim-rp-status").first.inner_text()


def wait_text(page, selector: str, text: str) -> None:
    page.locator(selector).filter(has_text=text).first.wait_for()


def click_next(fac, label: str, then: str) -> None:
    """Press the facilitator's main button (checking its label) and wait for the next phase."""
    button = fac.locator(".govsim-rp-next button")
    try:
        wait_text(fac, ".govsim-rp-next button", label)
        button.click()
        wait_text(fac, ".govsim-rp-status", then)
    except Exception:
        fac.screenshot(path=str(OUTPUT / f"roleplay-serve-failed-{label[:12]}.png"), full_page=True)
        raise


def submit(page, move: str, point: tuple[float, float] | None = None) -> None:
    page.locator(".govsim-rp-move select").select_option(move)
    if point is not None:
        for i, value in enumerate(point):
            box = page.locator(f".govsim-rp-amend-{i} input")
            box.fill(str(value))
            box.press("Enter")
    page.locator(".govsim-rp-submit button").click()
    wait_text(page, ".govsim-rp-message", "Move recorded")


def test_a_two_issue_session_through_the_ui(browser, tmp_path):
    server = serve(
        tmp_path, "--scenario", "classroom", "--issues", "2", "--budget", "1", "--fallback", "government_vote"
    )
    try:
        pages = open_pages(browser, server, {"facilitator": 1300, **dict.fromkeys(TEAMS, 480)})
        fac, teams = pages.pop("facilitator"), pages
        assert (
            "If an issue is not agreed by round 1: the governments present vote"
            in fac.locator(".govsim-rp-announcement").first.inner_text()
        )
        plan = {
            1: {
                "civil_society": ("amend", (0.75, 0.85)),
                "business": ("lobby", None),
                "government": ("hold", None),
            },
            2: {"civil_society": ("object", None), "technical": ("concede", None)},
        }
        played = 0
        while True:
            label = "Start the first caucus" if played == 0 else "Next round"
            click_next(fac, label, "Caucus")
            if played == 0:  # the countdown runs on every page; +1 min extends it everywhere
                wait_text(teams["technical"], ".govsim-rp-clock", "Caucus: 2:")
                fac.locator(".govsim-rp-extend button").click()
                wait_text(teams["technical"], ".govsim-rp-clock", "Caucus: 3:")
            moves = plan.get(played + 1, {"technical": ("hold", None)})
            for team, (move, point) in moves.items():
                submit(teams[team], move, point)
            for page in teams.values():  # nothing of this round's moves shows before the reveal
                assert "Moves revealed" not in page.locator(".govsim-rp-revealed-pane").first.inner_text()
            wait_text(fac, ".govsim-rp-submitted", f"Moves in: {len(moves)} of 4")
            click_next(fac, "End the caucus", "Secret moves")
            click_next(fac, "Reveal the moves", "Moves revealed")
            for page in teams.values():
                wait_text(page, ".govsim-rp-revealed-pane", "Moves revealed")
            if played == 0:
                civil = teams["business"].locator(".govsim-rp-revealed").first.inner_text()
                assert "amend (0.75, 0.85)" in civil and "lobby" in civil
                fac.screenshot(path=str(OUTPUT / "roleplay-serve-1-reveal.png"), full_page=True)
                teams["civil_society"].screenshot(
                    path=str(OUTPUT / "roleplay-serve-1-team.png"), full_page=True
                )
            click_next(fac, "Play the round", "Result of the round")
            played += 1
            wait_text(fac, ".govsim-rp-status", "Last round")
            button = fac.locator(".govsim-rp-next button").filter(has_text=re.compile("Next round|Finish"))
            if "Finish" in button.first.inner_text():
                break
            assert played < 2, "a budget of 1 round for 2 issues takes 2 rounds"
        click_next(fac, "Finish: debrief", "Session over")
        fac.locator(".govsim-rp-debrief-table").first.wait_for()
        image = fac.locator(".govsim-rp-projector img").first
        assert image.evaluate("img => img.naturalWidth") >= 1300  # 13 in at >= 100 dpi
        for page in teams.values():
            wait_text(page, ".govsim-rp-team-debrief", "all-simulated runs")
        fac.screenshot(path=str(OUTPUT / "roleplay-serve-2-debrief.png"), full_page=True)

        sheet = fac.request.get(f"{server.base}/rp/debrief?code={server.code('facilitator')}")
        assert sheet.status == 200 and "What happened" in sheet.text() and "Now what" in sheet.text()
        data = json.loads(
            fac.request.get(f"{server.base}/rp/export?code={server.code('facilitator')}").text()
        )
        assert len(data["moves"]) == played and data["moves"][0]["amendments"] == {
            "civil_society": [0.75, 0.85]
        }
        again = RolePlay.from_dict(data)
        assert again.finished and again.to_dict() == data
        assert all(not p.offsite for p in [fac, *teams.values()]), [p.offsite for p in [fac, *teams.values()]]
    finally:
        server.kill()


def test_kill_9_mid_round_then_restart_loses_nothing(browser, tmp_path):
    args = (
        "--scenario",
        "classroom",
        "--teams",
        "business",
        "civil_society",
        "--issues",
        "1",
        "--budget",
        "2",
    )
    server = serve(tmp_path, *args)
    try:
        pages = open_pages(browser, server, {"facilitator": 1300, "business": 480, "civil_society": 480})
        fac, business, civil = pages["facilitator"], pages["business"], pages["civil_society"]
        click_next(fac, "Start the first caucus", "Caucus")
        submit(business, "lobby")
        submit(civil, "hold")
        click_next(fac, "End the caucus", "Secret moves")
        click_next(fac, "Reveal the moves", "Moves revealed")
        click_next(fac, "Play the round", "Result of the round")
        click_next(fac, "Next round", "Caucus")
        submit(business, "hold")
        wait_text(fac, ".govsim-rp-submitted", "Moves in: 1 of 2")

        server.kill()  # kill -9 in the middle of round 2's caucus
        banner = business.locator(".govsim-rp-banner")
        banner.wait_for(state="visible")
        assert "Connection lost, reconnecting" in banner.inner_text()
        server.start()  # the same session file and port
        for page in (fac, business, civil):  # each page reloads itself and shows the current state
            page.locator(".govsim-rp-banner").first.wait_for(state="hidden")  # the reloaded page
            wait_text(page, ".govsim-rp-status", "round 2 of at most 2")
        wait_text(business, ".govsim-rp-current", "Your team's move for round 2 of issue 1: hold")
        wait_text(fac, ".govsim-rp-submitted", "Moves in: 1 of 2")
        assert business.locator(".govsim-rp-banner").first.is_hidden()

        submit(civil, "object")
        click_next(fac, "End the caucus", "Secret moves")
        click_next(fac, "Reveal the moves", "Moves revealed")
        click_next(fac, "Play the round", "Result of the round")
        click_next(fac, "Finish: debrief", "Session over")
        data = json.loads(
            fac.request.get(f"{server.base}/rp/export?code={server.code('facilitator')}").text()
        )
        assert [r["moves"] for r in data["moves"]] == [
            {"business": "lobby", "civil_society": "hold"},
            {"business": "hold", "civil_society": "object"},
        ]
        assert [(r["issue"], r["round"]) for r in data["moves"]] == [(0, 1), (0, 2)]
        expected = RolePlay(
            "classroom", None, ("business", "civil_society"), 1, RolePlay.from_dict(data).plan
        )
        expected.play_round({"business": "lobby", "civil_society": "hold"})
        expected.play_round({"business": "hold", "civil_society": "object"})
        assert data["outcome"] == expected.to_dict()["outcome"]
    finally:
        server.kill()
        time.sleep(0.1)
