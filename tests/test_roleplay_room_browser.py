"""The served role-play in a real room (issue 23), in a real Chromium driven by Playwright:

- team pages on phones (Playwright's iPhone 13 and Pixel 5 descriptors): the viewport tag, no
  sideways scrolling, one column, every visible text at least 16 px and every control at least
  44 px, measured in the page (computed style and bounding boxes), not only found;
- the projector view: no controls, not the facilitator's code, and the whole page inside
  1920x1080 in every phase, the debrief included;
- a dropped live connection (the websocket closed while HTTP works): a banner within 5 s, the
  page back on the current phase, and a Submit pressed meanwhile says it was not sent;
- 25 pages (the facilitator and 24 team pages) after ``kill -9`` at the debrief and a restart:
  every page asks again and is answered within 15 s of the server answering, with at most two
  reloads each (one in flight, no storm), every page shows the debrief again, and nothing is lost.

Every page may reach only the server. Screenshots go to ``test-output/browser/``.
"""

from __future__ import annotations

import json
import time

import pytest
from roleplay_server import serve
from test_browser import CHROMIUM, CHROMIUM_ARGS, OUTPUT, _need_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT_MS = 60_000
TEAMS = ("government", "business", "civil_society", "technical")
SHORT = ("--scenario", "classroom", "--issues", "1", "--budget", "1", "--fallback", "table_vote")
#: every element with its own visible text: tag, computed font size (px), the text; shadow roots too
TEXT_SIZES_JS = """() => {
  const out = [];
  const skip = new Set(["STYLE", "SCRIPT", "TITLE", "NOSCRIPT", "OPTION"]);
  function walk(root) {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (skip.has(el.tagName)) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!box.width || !box.height || style.visibility === "hidden" || style.display === "none") continue;
      out.push([el.tagName, parseFloat(style.fontSize), el.textContent.trim().slice(0, 40)]);
    }
  }
  walk(document);
  return out;
}"""
#: record the page's websockets, so a test can drop the live connection and keep HTTP
SOCKETS_JS = """
window.__sockets = [];
const Native = window.WebSocket;
window.WebSocket = function (...args) { const s = new Native(...args); window.__sockets.push(s); return s; };
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
"""


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        chromium.devices = playwright.devices
        yield chromium
        chromium.close()


def open_page(browser, server, who: str, device: str | None = None, size=(1300, 1000), script: str = ""):
    """``who``'s page in a fresh context (a phone descriptor or a desktop size) that can reach
    nothing but the server."""
    if device:
        options = {k: v for k, v in browser.devices[device].items() if k != "default_browser_type"}
    else:
        options = {"viewport": {"width": size[0], "height": size[1]}}
    context = browser.new_context(**options)
    context.set_default_timeout(WAIT_MS)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(server.base) else route.abort(),
    )
    if script:
        context.add_init_script(script)
    page = context.new_page()
    page.navigations, page.answered = [], []  # navigation requests; when their answers came

    def navigation(r) -> bool:
        return r.is_navigation_request() and r.frame == page.main_frame

    page.on("request", lambda r: page.navigations.append(r.url) if navigation(r) else None)
    page.on("response", lambda r: page.answered.append(time.monotonic()) if navigation(r.request) else None)
    page.goto(server.links[who], wait_until="commit")
    return page


def ready(page) -> None:
    page.locator(".govsim-rp-status").first.wait_for()


def wait_text(page, selector: str, text: str, timeout: float | None = None) -> None:
    page.locator(selector).filter(has_text=text).first.wait_for(timeout=timeout)


def reloaded(page, loads: int, timeout: float = 20.0) -> None:
    """Wait until ``page`` has navigated again (more than ``loads`` loads) and shows its status."""
    deadline = time.monotonic() + timeout
    while len(page.navigations) <= loads:
        assert time.monotonic() < deadline, "the page did not reload itself"
        page.wait_for_timeout(100)
    page.wait_for_load_state()
    ready(page)


def press(fac, label: str, then: str) -> None:
    wait_text(fac, ".govsim-rp-next button", label)
    fac.locator(".govsim-rp-next button").click()
    wait_text(fac, ".govsim-rp-status", then)


@pytest.mark.parametrize("device", ["iPhone 13", "Pixel 5"])
def test_team_pages_read_and_tap_on_a_phone(browser, tmp_path, device):
    server = serve(tmp_path, *SHORT)
    try:
        fac = open_page(browser, server, "facilitator")
        phone = open_page(browser, server, "civil_society", device=device)
        ready(fac)
        ready(phone)
        press(fac, "Start the first caucus", "Caucus")
        wait_text(phone, ".govsim-rp-status", "Caucus")
        phone.locator(".govsim-rp-move select").select_option("amend")
        phone.locator(".govsim-rp-amend-1 input").wait_for()
        width = browser.devices[device]["viewport"]["width"]
        layout = phone.evaluate(
            "() => ({tag: document.querySelector('meta[name=viewport]')?.content,"
            " width: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth,"
            " scale: window.visualViewport.scale})"
        )
        assert layout["tag"] and "width=device-width" in layout["tag"], layout
        assert layout["width"] == width and layout["scroll"] <= width and layout["scale"] == 1, layout
        sizes = phone.evaluate(TEXT_SIZES_JS)
        assert len(sizes) > 20  # the card, the status, the form: the walk saw the page
        small = [s for s in sizes if s[1] < 16]
        assert not small, small
        controls = [
            ".govsim-rp-move select",
            ".govsim-rp-amend-0 input",
            ".govsim-rp-amend-1 input",
            ".govsim-rp-submit button",
        ]
        boxes = {c: phone.locator(c).first.bounding_box() for c in controls}
        for name, box in boxes.items():
            assert box["height"] >= 44 and box["width"] >= 44, (name, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
        buttons = [b.bounding_box() for b in phone.locator("button").all()]  # spinner arrows too
        small = [b for b in buttons if b is not None and (b["height"] < 44 or b["width"] < 44)]
        assert not small, small  # break23r F5: the number boxes' arrows were 30 x 24 px
        words = phone.evaluate(
            "() => [...document.querySelectorAll('*')].flatMap(e => e.shadowRoot ? [e.shadowRoot] : [])"
            ".flatMap(r => [...r.querySelectorAll('table.govsim-rp-table td')])"
            ".map(td => getComputedStyle(td).overflowWrap)"
        )
        assert "anywhere" not in words, words
        ys = [boxes[c]["y"] for c in controls]
        assert ys == sorted(ys) and len(set(ys)) == len(ys)  # one column: each below the last
        phone.locator(".govsim-rp-amend-0 input").fill("0.7")
        phone.locator(".govsim-rp-amend-1 input").fill("0.8")
        phone.locator(".govsim-rp-amend-1 input").press("Enter")
        phone.locator(".govsim-rp-submit button").tap()
        wait_text(phone, ".govsim-rp-message", "Move recorded")
        phone.screenshot(path=str(OUTPUT / f"roleplay-phone-{device.replace(' ', '-')}.png"))
    finally:
        server.kill()


def test_the_projector_view_fits_1080p_in_every_phase_and_has_no_controls(browser, tmp_path):
    server = serve(tmp_path, *SHORT)
    try:
        fac = open_page(browser, server, "facilitator")
        room = open_page(browser, server, "projector", size=(1920, 1080))
        team = open_page(browser, server, "business", size=(420, 900))
        for page in (fac, room, team):
            ready(page)
        assert server.code("facilitator") not in room.url
        assert room.locator(".govsim-rp-next, .govsim-rp-end, .govsim-rp-export").count() == 0
        steps = [
            ("briefing", None, None),
            ("caucus", "Start the first caucus", "Caucus"),
            ("moves", "End the caucus", "Secret moves"),
            ("reveal", "Reveal the moves", "Moves revealed"),
            ("result", "Play the round", "Result of the round"),
            ("ended", "Finish: debrief", "Session over"),
        ]
        for phase, label, then in steps:
            if label:
                if phase == "moves":
                    team.locator(".govsim-rp-move select").select_option("lobby")
                    team.locator(".govsim-rp-submit button").click()
                    wait_text(team, ".govsim-rp-message", "Move recorded")
                press(fac, label, then)
                wait_text(room, ".govsim-rp-status", then)
            if phase == "ended":
                room.locator(".govsim-rp-effects").first.wait_for()
            else:
                room.locator(".govsim-rp-projector img").first.wait_for()
            time.sleep(0.5)  # let the picture lay out
            size = room.evaluate(
                "() => ({h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth})"
            )
            room.screenshot(path=str(OUTPUT / f"roleplay-projector-{phase}.png"))
            assert size["h"] <= 1080 and size["w"] <= 1920, (phase, size)
        assert "Business" in room.locator(".govsim-rp-effects").first.inner_text()
        refused = room.request.get(f"{server.base}/rp/export?code={server.code('projector')}")
        assert refused.status == 403  # the projector's code opens nothing but its view
    finally:
        server.kill()


def test_a_dropped_connection_shows_a_banner_and_recovers(browser, tmp_path):
    server = serve(tmp_path, *SHORT)
    try:
        fac = open_page(browser, server, "facilitator")
        phone = open_page(browser, server, "technical", device="Pixel 5", script=SOCKETS_JS)
        ready(fac)
        ready(phone)
        press(fac, "Start the first caucus", "Caucus")
        wait_text(phone, ".govsim-rp-status", "Caucus")
        loads = len(phone.navigations)
        phone.evaluate("() => window.__sockets.forEach((s) => s.close())")  # Wi-Fi roaming
        press(fac, "End the caucus", "Secret moves")  # the phone misses this
        phone.locator(".govsim-rp-move select").select_option("object")
        phone.locator(".govsim-rp-submit button").tap()  # into a dead connection
        # within 5 s: the banner, then the page reloads itself onto the current phase
        phone.wait_for_function(
            "() => (sessionStorage.getItem('govsim-banner') || '').includes('NOT sent')"
            " || (sessionStorage.getItem('govsim-banner') || '').includes('may not have been sent')",
            timeout=5_000,
        )
        reloaded(phone, loads)
        wait_text(phone, ".govsim-rp-status", "Secret moves")
        assert phone.locator(".govsim-rp-banner").first.is_hidden()
        wait_text(phone, ".govsim-rp-current", "No move sent yet")  # the lost click changed nothing
        wait_text(fac, ".govsim-rp-submitted", "Moves in: 0 of 4")
        loads = len(phone.navigations)
        phone.evaluate("() => window.__sockets.forEach((s) => s.close())")  # and without a click
        phone.wait_for_function(
            "() => (sessionStorage.getItem('govsim-banner') || '').split('Connection lost').length > 1",
            timeout=5_000,
        )
        reloaded(phone, loads)
        wait_text(phone, ".govsim-rp-status", "Secret moves")
        phone.locator(".govsim-rp-move select").select_option("object")
        phone.locator(".govsim-rp-submit button").tap()
        wait_text(phone, ".govsim-rp-message", "Move recorded")
        wait_text(fac, ".govsim-rp-submitted", "Moves in: 1 of 4")
    finally:
        server.kill()


def test_25_pages_come_back_after_kill_9_at_the_debrief(browser, tmp_path):
    server = serve(tmp_path, *SHORT)
    try:
        fac = open_page(browser, server, "facilitator")
        ready(fac)
        press(fac, "Start the first caucus", "Caucus")
        press(fac, "End the caucus", "Secret moves")
        press(fac, "Reveal the moves", "Moves revealed")
        press(fac, "Play the round", "Result of the round")
        press(fac, "Finish: debrief", "Session over")
        opened = time.monotonic()
        phones = [open_page(browser, server, t, size=(390, 800)) for _ in range(6) for t in TEAMS]
        pages = [fac, *phones]
        for page in pages:
            page.locator(".govsim-rp-team-debrief, .govsim-rp-debrief-table").first.wait_for()
        print(f"24 team pages opened in {time.monotonic() - opened:.1f} s")
        before = fac.request.get(f"{server.base}/rp/export?code={server.code('facilitator')}").text()
        loads = [len(p.navigations) for p in pages]

        server.kill()  # kill -9 after "Finish: debrief"
        fac.locator(".govsim-rp-banner").wait_for(state="visible", timeout=10_000)
        server.start()  # the same session file and port: answers /rp/alive
        back = time.monotonic()
        times = []
        for page, n in zip(pages, loads, strict=True):
            reloaded(page, n, timeout=60.0)  # the old page's dead copy does not count
            page.locator(".govsim-rp-team-debrief, .govsim-rp-debrief-table").first.wait_for()
            times.append(time.monotonic() - back)
        took = max(times)
        served = max(p.answered[-1] for p in pages) - back
        print(
            "back after (s):",
            [round(t, 1) for t in times],
            f"every page's reload answered after {served:.1f} s",
        )
        reloads = [len(p.navigations) - n for p, n in zip(pages, loads, strict=True)]
        assert min(reloads) >= 1 and max(reloads) <= 2, reloads  # one reload in flight: no storm
        after = fac.request.get(f"{server.base}/rp/export?code={server.code('facilitator')}").text()
        assert json.loads(after) == json.loads(before)  # nothing lost, nothing added
        print(f"25 pages back {took:.1f} s after the restart; reloads per page {sorted(set(reloads))}")
        # The server's side: each page asked again (jittered back-off, at most 4 s apart) and got
        # its page within 15 s. Drawing 25 pages in one headless browser on a shared 2-core
        # machine is not a room of phones, so the full time is reported, and measured in
        # benchmarks/roleplay_serve_latency.py --restart.
        assert served <= 15.0, (served, times)
    finally:
        server.kill()
