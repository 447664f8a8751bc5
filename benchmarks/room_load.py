"""The room server under a class: slider release to new picture, 1 participant and 30 at once.

Starts ``govsim room serve`` on a free loopback port, joins the participants over HTTP (the form
a phone posts) and has each play a participant on the Explore tab: release a slider (a random
seed in 0-99 and a random rho, the bottom-up rule's objection threshold, in 0.05-0.5 on 0.05 steps),
send the settings to ``/api/explore`` as the page does, wait for the whole run (the recording
``run_view.js`` draws), read it as JSON, think 0.5-1.5 s (``--think``), release again; meanwhile
its page's heartbeat asks ``/api/state`` every 2 s, as an open page does. First 1 participant
alone, then ``--clients`` at once, in the same run and against the same server.

The release rate: with 0.5-1.5 s between a picture and the next release, each participant
releases about once a second (30 participants: about 28 releases a second), the rate of someone
scrubbing a slider to see what it does, and the worst case. A person who looks at each new
picture (Play takes about 5 s to draw a run of 40 rounds at 8 rounds a second) releases once
every 3-10 s: ``--think 3 10`` (about 5 releases a second for 30 participants).

Measured: release to the whole recording received and parsed, per release (the picture is then
drawn in the browser: with ``--browser`` one more participant is a real Chromium page at phone
size, whose seed box is released every 0.5-1.5 s and timed in the page from the release to the
new run painted); the server's resident memory (VmRSS of its process and any children, sampled every
0.25 s); the server's CPU time per release (its process and workers), which the other programs
on a shared machine do not change: 2 cores / that time is how many releases a second the server
can compute. The clients' own CPU time per release is given beside it: on a real room it is
spent on the phones, here on the server's cores. The clients run on the same machine as the server and share its cores: the figures
are pessimistic for a laptop that serves phones.

Targets (issue 24): p95 <= 300 ms with 30 participants moving sliders; memory <= 1.5 GB.

    python benchmarks/room_load.py                       # 1 then 30 participants, ~1 min
    python benchmarks/room_load.py --clients 30 --seconds 30 --json room_load.json
    python benchmarks/room_load.py --browser   # and one real page: release to picture painted
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from room_server import serve_room  # noqa: E402


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as kids:
                todo += [int(k) for k in kids.read().split()]
        except OSError:
            continue
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, MB."""
    total = 0
    for p in family(pid):
        try:
            with open(f"/proc/{p}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def cpu_s(pid: int, alone: bool = False) -> float:
    """CPU time (user + system) used so far by ``pid`` and its living descendants (``alone``:
    by ``pid`` only), seconds: a figure the other programs on a shared machine do not change."""
    total = 0
    for p in [pid] if alone else family(pid):
        try:
            with open(f"/proc/{p}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


THINK = (0.5, 1.5)  # seconds between a new picture and the next release (see the docstring)


def participant(
    served, key: str, until: float, seed: int, times: list[float], errors: list[str], think=THINK
) -> None:
    """Release sliders until ``until`` (monotonic clock); each release's time goes to ``times``."""
    rng = random.Random(seed)

    def heartbeat() -> None:  # what an open page also does: /api/state every 2 s
        time.sleep(rng.uniform(0, 2))
        while time.monotonic() < until:
            served.api(f"/api/state?key={key}")
            time.sleep(2.0)

    threading.Thread(target=heartbeat, daemon=True).start()
    while time.monotonic() < until:
        settings = {
            "seed": rng.randrange(100),
            "rho": round(0.05 * rng.randrange(1, 11), 2),
        }
        started = time.perf_counter()
        status, reply = served.api("/api/explore", {"key": key, "settings": settings})
        took = time.perf_counter() - started
        if status != 200 or not isinstance(reply, dict) or not reply.get("recording", {}).get("frames"):
            errors.append(f"{status}: {str(reply)[:200]}")
        else:
            times.append(took)
        time.sleep(rng.uniform(*think))


#: one release in a real page: set the seed, fire "change" as a phone's keyboard does, and wait
#: until the run view has painted the new run (run_view.js sets data-version after the paint)
RELEASE_JS = """async (seed) => {
  const view = document.querySelector(".view"), before = view.dataset.version;
  const box = document.querySelector("#c-seed"), started = performance.now();
  box.value = String(seed);
  box.dispatchEvent(new Event("change"));
  await new Promise((done) => {
    const watch = new MutationObserver(() => {
      if (view.dataset.version !== before) { watch.disconnect(); done(); }
    });
    watch.observe(view, { attributes: true });
  });
  return performance.now() - started;
}"""


def browser_page(served, key: str):
    """A participant's page in Chromium at phone size, on the Explore tab, its first run drawn."""
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{served.base}/me?key={key}")
    page.wait_for_selector(".view[data-version='1']", timeout=120_000)
    page.stop = lambda: (chromium.close(), playwright.stop())
    return page


def page_releases(page, until: float, rng: random.Random) -> list[float]:
    """Release the page's seed box every 0.5-1.5 s until ``until``: each release to paint, s."""
    painted = []
    while time.monotonic() < until:
        painted.append(page.evaluate(RELEASE_JS, rng.randrange(100, 100_000)) / 1000)
        time.sleep(rng.uniform(0.5, 1.5))
    return painted


def summary(times: list[float]) -> dict:
    """Median, p95 and max in ms, and how many."""
    times = sorted(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else float("nan")
    return {
        "n": len(times),
        "median_ms": round(1000 * statistics.median(times), 1) if times else None,
        "p95_ms": round(1000 * p95, 1),
        "max_ms": round(1000 * times[-1], 1) if times else None,
    }


def phase(served, keys: list[str], seconds: float, peak: list[float], page=None, think=THINK) -> dict:
    busy, main = cpu_s(served.process.pid), cpu_s(served.process.pid, alone=True)
    mine = sum(os.times()[:2])
    times: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=participant, args=(served, key, until, n, times, errors, think), daemon=True)
        for n, key in enumerate(keys)
    ]
    for t in threads:
        t.start()
    painted = page_releases(page, until, random.Random(len(keys))) if page is not None else None
    for t in threads:
        t.join()
    busy, main = cpu_s(served.process.pid) - busy, cpu_s(served.process.pid, alone=True) - main
    mine = sum(os.times()[:2]) - mine
    times.sort()
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else float("nan")
    return {
        "participants": len(keys),
        "releases": len(times),
        "errors": len(errors),
        "first_errors": errors[:3],
        "median_ms": round(1000 * statistics.median(times), 1) if times else None,
        "p95_ms": round(1000 * p95, 1),
        "max_ms": round(1000 * times[-1], 1) if times else None,
        "peak_rss_mb": round(max(peak), 1),
        "server_cpu_ms_per_release": round(1000 * busy / max(1, len(times)), 1),
        "of_which_main_process_ms": round(1000 * main / max(1, len(times)), 1),
        "clients_cpu_ms_per_release": round(1000 * mine / max(1, len(times)), 1),
        **({} if painted is None else {"page_release_to_paint": summary(painted)}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=25.0, help="length of each phase")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK,
        metavar=("LOW", "HIGH"),
        help="seconds a participant waits between a new picture and the next release (default: 0.5 1.5)",
    )
    parser.add_argument("--workers", type=int, help="the server's --workers (default: its own default)")
    parser.add_argument(
        "--browser", action="store_true", help="also one participant in Chromium: release to picture painted"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govsim-room-load-") as tmp:
        more = () if args.workers is None else ("--workers", str(args.workers))
        served = serve_room(Path(tmp), *more)
        try:
            peak = [rss_mb(served.process.pid)]
            idle = peak[0]
            stop = threading.Event()

            def watch() -> None:
                while not stop.is_set():
                    peak.append(rss_mb(served.process.pid))
                    time.sleep(0.25)

            threading.Thread(target=watch, daemon=True).start()
            keys = [served.join(f"participant {n + 1}") for n in range(args.clients)]
            page = browser_page(served, served.join("the browser")) if args.browser else None
            load = os.getloadavg()
            try:
                one = phase(served, keys[:1], args.seconds, peak, page, tuple(args.think))
                many = phase(served, keys, args.seconds, peak, page, tuple(args.think))
            finally:
                if page is not None:
                    page.stop()
            stop.set()
            out = {
                "load_before": [round(x, 2) for x in load],
                "load_after": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
                "workers": args.workers,
                "think_s": list(args.think),
                "idle_rss_mb": round(idle, 1),
                "one": one,
                "many": many,
                "target": {"p95_ms": 300, "rss_mb": 1536},
            }
        finally:
            served.kill()
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
