"""The run view on phones (issue 24): a participant's Explore tab at 360, 390 and 430 px wide,
no zoom, in a real Chromium. The picture is laid out for the page's width (its panels stacked,
never a wider canvas scaled down), so the smallest text it draws is at least 14 CSS px (as
drawn: ``run_view.js`` records the font of every ``fillText``); no text is cut or spills out of
its panel; the page does not scroll sideways; Play and the round slider are at least 48 px
tall (WCAG 2.5.5's 44 px, and the role-play pages' 48). At a desktop width the notebook's
layout is kept: panels side by side, 10-13 px text.
Screenshots go to ``test-output/browser/``."""

from __future__ import annotations

import pytest
from roleplay_server import free_port
from room_server import RoomServed
from test_browser import OUTPUT
from test_roleplay_room_browser import browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (360, 390, 430)
#: the picture as drawn: its CSS size, the room it was given, the smallest text, the cut texts
PICTURE_JS = """() => {
  const view = document.querySelector(".view"), canvas = view.querySelector("canvas");
  const box = canvas.getBoundingClientRect();
  return { shown: box.width, drawn: parseFloat(canvas.style.width), room: view.clientWidth,
           height: box.height, minFont: parseFloat(view.dataset.minFont),
           clipped: view.dataset.clipped, version: view.dataset.version };
}"""
#: Play and the round slider: [width, height] in CSS px
TARGETS_JS = """() => [".player .play", ".player input"].map((q) => {
  const b = document.querySelector(q).getBoundingClientRect(); return [q, b.width, b.height];
})"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("phones")
    server = RoomServed(tmp / "room", free_port(), tmp / "server.log", ["--workers", "1"]).start()
    yield server
    server.kill()


def explore_tab(browser, served, width: int, height: int = 844, mobile: bool = True):  # noqa: F811
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
        device_scale_factor=3 if mobile else 1,
    )
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.goto(f"{served.base}/me?key={served.join(f'phone {width}')}")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector(".view[data-version='1']")
    page.wait_for_function("document.querySelector('.view').dataset.minFont !== undefined")
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_a_phone_reads_the_picture_without_zoom(browser, served, width):  # noqa: F811
    page = explore_tab(browser, served, width)
    try:
        picture = page.evaluate(PICTURE_JS)
        page.screenshot(path=str(OUTPUT / f"run-view-phone-{width}.png"), full_page=True)
        assert picture["drawn"] <= picture["room"] and abs(picture["shown"] - picture["drawn"]) < 0.5, picture
        assert picture["minFont"] >= 14, f"{width} px: text drawn at {picture['minFont']} px"
        assert picture["clipped"] == "", f"{width} px: cut or spilling: {picture['clipped']}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for name, w, h in page.evaluate(TARGETS_JS):
            assert h >= 48 and w >= 48, f"{width} px: {name} is {w:.0f} x {h:.0f} px"
        # another run (a seed released) is drawn the same way
        page.fill("#c-seed", "4242")
        page.dispatch_event("#c-seed", "change")
        page.wait_for_selector(".view:not([data-version='1'])")
        picture = page.evaluate(PICTURE_JS)
        assert picture["minFont"] >= 14 and picture["clipped"] == ""
    finally:
        page.context.close()


def test_a_desktop_keeps_the_notebooks_layout(browser, served):  # noqa: F811
    page = explore_tab(browser, served, 1280, 900, mobile=False)
    try:
        picture = page.evaluate(PICTURE_JS)
        assert picture["minFont"] == 10 and picture["clipped"] == ""  # the notebook's sizes
        assert picture["height"] < picture["drawn"]  # panels side by side, not stacked
    finally:
        page.context.close()
