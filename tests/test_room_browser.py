"""The room server in a real room (issue 24), in a real Chromium driven by Playwright: a
facilitator and five participants on phones (390 px, touch) through Explore, a room prediction
and two exercises; then ``kill -9`` and a restart: nothing lost, and every page comes back by
itself (one reload each, no storm). Every page may reach only the server: any other request
is aborted and counted (none may be made: the room works with no internet).

On the phones: no sideways scrolling, every visible text at least 16 px, every control at
least 48 px tall (measured in the page); a name typed as HTML shows as typed and runs nothing;
no participant's page ever holds another participant's name, key or answers.
Screenshots go to ``test-output/browser/``.
"""

from __future__ import annotations

import time

import pytest
from roleplay_server import free_port
from room_server import RoomServed
from test_browser import OUTPUT
from test_roleplay_room_browser import browser  # noqa: F401  (the shared Chromium fixture)

from govsim.room.answering import answer_questions
from govsim.room.questions import room_questions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT_MS = 90_000
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
NAMES = ("Ana Quill", "Bo Wexford", "<img src=x onerror=window.__hit=1>", "Dee Xanto", "Eli Yarrow")
NUMBER, YES_NO = "ex3.q1", "ex3.q2"  # a share and a yes/no: typed, and a button
#: every element with its own visible text (tag, computed font size in px, the text)
TEXT_SIZES_JS = """() => {
  const out = [];
  const skip = new Set(["STYLE", "SCRIPT", "TITLE", "NOSCRIPT", "OPTION"]);
  for (const el of document.querySelectorAll("body *")) {
    if (skip.has(el.tagName) || el.closest("[hidden]")) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden" || style.display === "none") continue;
    out.push([el.tagName, parseFloat(style.fontSize), el.textContent.trim().slice(0, 40)]);
  }
  return out;
}"""
CONTROL_SIZES_JS = """() => [...document.querySelectorAll("button, select, input, summary, a.button")]
  .filter((el) => { const b = el.getBoundingClientRect(); return b.width && b.height && !el.closest("[hidden]"); })
  .map((el) => [el.tagName, el.className, Math.round(el.getBoundingClientRect().height)])"""


def open_page(browser, server, url: str, options: dict, aborted: list[str]):  # noqa: F811
    """A page in a fresh context that can reach nothing but the server (others are aborted
    and recorded), counting its navigations."""
    context = browser.new_context(**options)
    context.set_default_timeout(WAIT_MS)

    def route(r):
        if r.request.url.startswith(server.base):
            r.continue_()
        else:
            aborted.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.loads, page.problems = [], []
    page.on("framenavigated", lambda f: page.loads.append(f.url) if f == page.main_frame else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("dialog", lambda d: (page.problems.append(f"dialog {d.message}"), d.dismiss()))
    page.goto(url)
    return page


def ready(page) -> None:
    page.wait_for_selector("body[data-ready='1']")


def test_a_facilitator_and_five_phones_through_the_room_and_a_restart(browser, tmp_path):  # noqa: F811
    served = RoomServed(tmp_path / "room", free_port(), tmp_path / "server.log", ["--workers", "1"]).start()
    aborted: list[str] = []
    try:
        fac = open_page(
            browser, served, served.links["facilitate"], {"viewport": {"width": 1280, "height": 900}}, aborted
        )
        ready(fac)
        phones = []
        for n, name in enumerate(NAMES):
            phone = open_page(browser, served, served.links["join"], PHONE, aborted)
            phone.fill("#name", name)
            phone.click("button[type=submit]")
            phone.wait_for_url("**/me?key=*")
            ready(phone)
            phone.wait_for_selector(".view[data-version='1']")  # the first run drawn
            phone.key = phone.url.split("key=", 1)[1]
            phone.seed = 10 + n
            phones.append(phone)
        # Explore: each moves the seed slider to its own value; the picture follows
        for phone in phones:
            phone.eval_on_selector(
                "#c-seed", "(el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }", phone.seed
            )
            phone.wait_for_selector(".view[data-version='2']")
            assert phone.input_value("#c-seed") == str(phone.seed)
        # the room's prediction
        question = next(iter(room_questions().values()))
        fac.select_option("select[aria-label='question to pose']", question.qid)
        fac.click(".pose")
        for n, phone in enumerate(phones):
            phone.wait_for_selector("body[data-tab='predict'] .panel-predict .option")
            phone.locator(".panel-predict .option").nth(n % len(question.options)).click()
            phone.wait_for_selector(".panel-predict .option[aria-pressed='true']")
        fac.wait_for_selector(f"text={len(phones)} predictions")
        fac.click(".reveal")
        phones[0].wait_for_selector(".panel-predict .answer .sentence")
        # the projector: the tally beside the model's answer, the join QR code; no controls, no code
        projector = open_page(
            browser, served, served.links["projector"], {"viewport": {"width": 1920, "height": 1080}}, aborted
        )
        projector.wait_for_selector(".answer .sentence")
        projector.wait_for_function("() => document.querySelector('img.qr').naturalWidth > 0")
        assert projector.locator("button, select, input, textarea").count() == 0
        assert served.code("facilitate") not in projector.content()
        assert projector.evaluate("document.documentElement.scrollHeight") <= 1080
        projector.screenshot(path=str(OUTPUT / "room-projector.png"))
        projector.context.close()
        # two exercises: a share typed with a decimal comma, and a yes/no button
        share = answer_questions()[NUMBER].reference()
        for phone in phones:
            phone.click(".tab-exercises")
            card = phone.locator(f"[data-qid='{NUMBER}']")
            card.locator("input").fill(f"{share:.6f}".replace(".", ","))
            card.locator("button[type=submit]").click()
            card.locator(".result.correct").wait_for()
            phone.locator(f"[data-qid='{YES_NO}'] .choice").first.click()
            phone.locator(f"[data-qid='{YES_NO}'] .result").filter(has_text=YES_NO).wait_for()
        phones[0].screenshot(path=str(OUTPUT / "room-phone-exercises.png"), full_page=True)
        fac.screenshot(path=str(OUTPUT / "room-facilitator.png"), full_page=True)

        for phone in phones:
            check_phone(phone)
        check_isolation(phones)

        # kill -9, then the same command again: every page comes back by itself
        loads = [len(p.loads) for p in [fac, *phones]]
        served.kill()
        for page in [fac, *phones]:
            page.wait_for_selector(".banner:not([hidden])", timeout=20_000)
        served.start()
        back = time.monotonic()
        for page, before in zip([fac, *phones], loads, strict=True):
            deadline = time.monotonic() + 30
            while len(page.loads) <= before and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            ready(page)
            assert before < len(page.loads) <= before + 2, "one reload, no storm"
        for phone in phones:
            phone.wait_for_selector(".view[data-version='1']", state="attached")  # drawn, on a hidden tab
            assert phone.input_value("#c-seed") == str(phone.seed)  # the settings are theirs again
            phone.click(".tab-predict")
            phone.wait_for_selector(".panel-predict .option[aria-pressed='true']")
            phone.click(".tab-exercises")
            phone.locator(f"[data-qid='{NUMBER}'] .result.correct").wait_for()
            phone.locator(f"[data-qid='{YES_NO}'] .result").filter(has_text=YES_NO).wait_for()
        fac.wait_for_selector(f"text={len(phones)} joined")
        recovered = time.monotonic() - back
        assert recovered < 60
        for page in [fac, *phones]:
            assert page.problems == []
            assert page.evaluate("window.__hit") is None  # the hostile name ran nothing
        assert aborted == []  # nothing but the server was ever asked for
    finally:
        served.kill()


def check_phone(phone) -> None:
    """No sideways scrolling; text at least 16 px; controls at least 48 px tall; on each tab."""
    for tab in ("explore", "predict", "exercises"):
        phone.click(f".tab-{tab}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{tab}: the page is {width} px wide"
        small = [t for t in phone.evaluate(TEXT_SIZES_JS) if t[1] < 16]
        assert small == [], f"{tab}: text under 16 px: {small[:5]}"
        tiny = [c for c in phone.evaluate(CONTROL_SIZES_JS) if (c[2] < 48 and c[0] != "INPUT") or c[2] < 44]
        assert tiny == [], f"{tab}: controls under 48 px: {tiny[:5]}"


def check_isolation(phones) -> None:
    """A page holds its own name and key only: never another's, nor what another typed."""
    for phone in phones:
        html = phone.content()
        shown = phone.inner_text("body")
        assert phone.key in phone.url
        for other in phones:
            if other is phone:
                continue
            assert other.key not in html
        for name in NAMES:
            mine = f"You: {name}" in shown
            assert mine or name not in shown, f"{name} shown on another's page"
    hostile = phones[2]
    assert hostile.inner_text(".who") == f"You: {NAMES[2]}"  # as typed, as text
    assert hostile.locator("img[src=x]").count() == 0
