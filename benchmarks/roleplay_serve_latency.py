"""Served role-play: time from a team pressing Submit to its own page confirming it, and to the
facilitator's screen showing it, with 4 team pages and with 24 (the same run, side by side).

Starts ``govsim roleplay serve`` on a free loopback port (the recommended session: 2 issues of
at most 3 rounds, 6 rounds in all), opens the facilitator page and ``devices`` pages per team
(each in its own Chromium context), then in each round every team page presses Submit in one
burst. Measured in the pages themselves (wall clock; a mutation observer on the element):

- confirmation: click to the page's own "Move recorded for round r" (one sample per page and round);
- facilitator: from the moment every team had sent a move (the latest of the teams' first
  clicks) to the facilitator's "Moves in: 4 of 4" (one sample per round);
- joining: the time for all pages to open and show the session (the server's share of joining).

Target (issue 23): p95 <= 1 s for both with 24 team pages; the ratio against 4 pages shows how
the work grows with the room.

    python benchmarks/roleplay_serve_latency.py                 # 4 then 24 team pages, ~3-5 min
    python benchmarks/roleplay_serve_latency.py --devices 1 3 --json latency.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from roleplay_server import serve  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TEAMS = ("government", "business", "civil_society", "technical")
MOVES = ("hold", "object", "lobby", "concede")
SESSION = ("--scenario", "classroom", "--issues", "2", "--budget", "3", "--fallback", "table_vote")
DEEP_JS = """
window.__deep = (sel, from = document) => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.matches(sel)) found.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(from);
  return found;
};
window.__text = (sel) => window.__deep(sel).map((el) => (el.shadowRoot || el).textContent).join(" ");
// call done() once the text of the first `sel` element includes `wanted`: a mutation observer on
// that element (cheap and prompt), with a 100-ms re-query in case the element is replaced
window.__when = (sel, wanted, done) => {
  let finished = false, observer = null;
  const check = () => {
    if (finished) return;
    const host = window.__deep(sel)[0];
    if (host && (host.shadowRoot || host).textContent.includes(wanted)) {
      finished = true;
      if (observer) observer.disconnect();
      clearInterval(poll);
      done(Date.now());
    }
  };
  const host = window.__deep(sel)[0];
  if (host) {
    observer = new MutationObserver(check);
    observer.observe(host.shadowRoot || host, { subtree: true, childList: true, characterData: true });
  }
  const poll = setInterval(check, 100);
  check();
};
"""
CLICK_JS = """(round) => {
  window.__lat = undefined;
  const host = window.__deep(".govsim-rp-submit")[0];
  const button = window.__deep("button", host.shadowRoot || host)[0];
  const t0 = Date.now();
  window.__t0 = t0;
  window.__when(".govsim-rp-message", `Move recorded for round ${round}`, (t1) => {
    window.__lat = (t1 - t0) / 1000;
  });
  button.click();
  return t0;
}"""
WATCH_JS = """(wanted) => {
  window.__seen = undefined;
  window.__when(".govsim-rp-submitted", wanted, (t1) => { window.__seen = t1; });
}"""


def measure(devices: int, browser) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        server = serve(Path(folder), *SESSION)
        try:
            pages = {}
            start = time.perf_counter()
            for who, n in [("facilitator", 0)] + [(t, d) for d in range(devices) for t in TEAMS]:
                context = browser.new_context(viewport={"width": 1200 if n == 0 else 390, "height": 900})
                context.set_default_timeout(120_000)
                context.add_init_script(DEEP_JS)
                page = context.new_page()
                page.goto(server.links[who], wait_until="commit")
                pages[(who, n)] = page
            for page in pages.values():
                page.locator(".govsim-rp-status").first.wait_for()
            joined = time.perf_counter() - start
            fac = pages.pop(("facilitator", 0))
            confirm, facilitator = [], []
            for round_ in range(1, 7):
                fac.locator(".govsim-rp-next button").click()  # the caucus of this round
                fac.locator(".govsim-rp-submitted").filter(has_text="Moves in: 0 of 4").first.wait_for()
                for (team, n), page in pages.items():
                    page.locator(".govsim-rp-submit button").wait_for(state="visible")
                    page.locator(".govsim-rp-move select").select_option(MOVES[(round_ + n + len(team)) % 4])
                time.sleep(0.5)  # let the menu changes settle
                fac.evaluate(WATCH_JS, "Moves in: 4 of 4")
                clicks = {key: page.evaluate(CLICK_JS, round_) for key, page in pages.items()}
                for page in pages.values():
                    page.wait_for_function("() => window.__lat !== undefined")
                    confirm.append(page.evaluate("() => window.__lat"))
                fac.wait_for_function("() => window.__seen !== undefined")
                all_in = max(min(t for (team, _), t in clicks.items() if team == name) for name in TEAMS)
                facilitator.append((fac.evaluate("() => window.__seen") - all_in) / 1000)
                for _ in range(3):  # end the caucus, reveal, play
                    fac.locator(".govsim-rp-next button").click()
                    time.sleep(0.3)
                fac.locator(".govsim-rp-status").filter(has_text="Result of the round").first.wait_for()
            rss = _rss_mb(server.process.pid)
            for page in [fac, *pages.values()]:
                page.context.close()
        finally:
            server.kill()
    return {
        "devices": devices,
        "joined_s": joined,
        "confirm": confirm,
        "facilitator": facilitator,
        "rss_mb": rss,
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, nargs="+", default=[1, 6], help="pages per team, one run each")
    parser.add_argument("--json", type=Path, help="also write the samples here")
    args = parser.parse_args()
    results = []
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for devices in args.devices:
            result = measure(devices, browser)
            results.append(result)
            n = devices * len(TEAMS)
            c, f = result["confirm"], result["facilitator"]
            print(
                f"{n:>2} team pages: joined in {result['joined_s']:.1f} s; confirmation median "
                f"{statistics.median(c):.3f} s, p95 {p95(c):.3f} s, max {max(c):.3f} s ({len(c)} submissions); "
                f"facilitator median {statistics.median(f):.3f} s, p95 {p95(f):.3f} s ({len(f)} rounds); "
                f"server {result['rss_mb']:.0f} MB; load {os.getloadavg()[0]:.1f}"
            )
        browser.close()
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"ratio {last['devices'] * 4} / {first['devices'] * 4} pages: confirmation p95 "
            f"{p95(last['confirm']) / p95(first['confirm']):.2f}x, facilitator p95 "
            f"{p95(last['facilitator']) / p95(first['facilitator']):.2f}x"
        )
    print("target: p95 <= 1 s with 24 team pages, for the confirmation and for the facilitator")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
