"""Served role-play: time from a team pressing Submit to the facilitator's screen showing it.

Starts ``govsim roleplay serve`` on a free loopback port, opens the facilitator page and 12 team
pages (three devices per team, each in its own Chromium context), then plays three rounds: in
each, one device of every team submits, and the time from the click to the facilitator's
"Moves in: k of 4" line changing is recorded. Every team page submits once: 12 samples.
Target: median <= 1 s on the workshop machine.

    python benchmarks/roleplay_serve_latency.py          # ~1-2 minutes
    python benchmarks/roleplay_serve_latency.py --devices 2 --json latency.json
"""

from __future__ import annotations

import argparse
import json
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


def measure(devices: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        server = serve(Path(folder), "--scenario", "classroom", "--issues", "2", "--budget", "4")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                pages = {}
                for who, n in [("facilitator", 0)] + [(t, d) for d in range(devices) for t in TEAMS]:
                    context = browser.new_context(viewport={"width": 1200 if n == 0 else 420, "height": 900})
                    context.set_default_timeout(60_000)
                    page = context.new_page()
                    page.goto(server.links[who], wait_until="commit")
                    pages[(who, n)] = page
                for page in pages.values():
                    page.locator(".govsim-rp-status").first.wait_for()
                fac = pages[("facilitator", 0)]
                samples = []
                for device in range(devices):
                    fac.locator(".govsim-rp-next button").click()  # caucus of the next round
                    fac.locator(".govsim-rp-submitted").filter(has_text="Moves in: 0 of 4").first.wait_for()
                    for k, team in enumerate(TEAMS, start=1):
                        page = pages[(team, device)]
                        page.locator(".govsim-rp-submit button").wait_for(state="visible")
                        page.locator(".govsim-rp-move select").select_option(MOVES[(k + device) % 4])
                        start = time.perf_counter()
                        page.locator(".govsim-rp-submit button").click()
                        fac.locator(".govsim-rp-submitted").filter(
                            has_text=f"Moves in: {k} of 4"
                        ).first.wait_for()
                        samples.append(time.perf_counter() - start)
                    for _ in range(3):  # end the caucus, reveal, play
                        fac.locator(".govsim-rp-next button").click()
                        time.sleep(0.3)
                    fac.locator(".govsim-rp-status").filter(has_text="Result of the round").first.wait_for()
                rss = _rss_mb(server.process.pid)
                browser.close()
        finally:
            server.kill()
    print(f"server memory with {devices * len(TEAMS) + 1} pages open: {rss:.0f} MB (resident)")
    return samples


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=3, help="pages per team (3 x 4 teams = 12)")
    parser.add_argument("--json", type=Path, help="also write the samples here")
    args = parser.parse_args()
    samples = measure(args.devices)
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    print(
        f"{len(samples)} submissions with {args.devices * len(TEAMS)} team pages and the facilitator's open"
    )
    print(
        f"submit -> facilitator sees it: median {statistics.median(samples):.3f} s, p90 {p90:.3f} s, max {max(samples):.3f} s"
    )
    print("target: median <= 1 s")
    if args.json:
        args.json.write_text(json.dumps({"samples": samples}, indent=2))


if __name__ == "__main__":
    main()
