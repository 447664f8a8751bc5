"""How fast the live dashboard answers, on the default classroom scenario.

A slider change rebuilds the model with the new value, plays the whole agenda while recording
every round (:func:`govsim.screen.replay.record_run`), and sends the recording to the browser as one
widget message, where a canvas draws it. Play then animates recorded rounds in the browser
without the kernel. This script times the kernel's part of a slider change end to end (the
callback plus serialising the message, median of ``--repeats``), next to a bare model run, and
the kernel's part of one Play frame (the frame index arriving back from the browser). With
``--browser`` it also runs the real-browser test (JupyterLab in Chromium, about a minute) and
prints what a learner sees: mouse release on a slider to the new picture painted, and the frames
per second Play paints at its fastest speed.

Targets (issue 16): a slider change <= 150 ms to the new picture painted; >= 10 animation frames
per second at classroom size. Before the live view: 0.2-0.4 s per slider change in JupyterLab,
about 0.4 s here (a matplotlib PNG per change), and no animation.

    .venv/bin/python benchmarks/dashboard_latency.py --repeats 15 [--browser]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from govsim import GovernanceModel
from govsim.screen.dashboard import build_dashboard
from govsim.screen.replay import record_run

SLIDER_TARGET_MS = 150.0
FPS_TARGET = 10.0
BEFORE = "0.2-0.4 s in JupyterLab, ~0.4 s in this benchmark (PNG per change); no animation"
ROOT = Path(__file__).resolve().parents[1]


def median_ms(action, repeats: int) -> float:
    times = []
    for n in range(repeats):
        start = time.perf_counter()
        action(n)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def sent(widget) -> int:
    """Serialise the widget's state as the kernel does for a message; return its size in bytes."""
    return len(json.dumps(widget.get_state(), allow_nan=False))


def browser_figures() -> dict | None:
    """Run the real-browser dashboard test and read the figures it saves."""
    out = ROOT / "test-output" / "browser" / "dashboard-latency.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "tests/test_browser.py", "-k", "dashboard", "-q", "-s"]
    command += ["-p", "no:cacheprovider", "-o", "addopts="]
    done = subprocess.run(command, cwd=ROOT, env=os.environ, check=False)
    return json.loads(out.read_text()) if done.returncode == 0 and out.is_file() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats per measurement")
    parser.add_argument("--browser", action="store_true", help="also measure in JupyterLab in Chromium")
    args = parser.parse_args()
    if args.repeats < 1:
        raise SystemExit(f"--repeats={args.repeats} must be at least 1")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (times scale with it)")
    dash = build_dashboard()
    slider = dash.sliders["rho"]
    values = [slider.min + (slider.max - slider.min) * (0.2 + 0.6 * (n % 2)) for n in range(args.repeats)]
    sent(dash.view)  # warm up

    def change(n: int) -> None:
        slider.value = values[n]
        if dash.error:
            raise RuntimeError(dash.error)
        sent(dash.view)

    redraw = median_ms(change, args.repeats)
    run = median_ms(lambda n: GovernanceModel("classroom", rng=1, rho=values[n]).run(), args.repeats)
    record = median_ms(lambda n: record_run(GovernanceModel("classroom", rng=1, rho=values[n])), args.repeats)
    size = sent(dash.view)
    frames = len(dash.recording["frames"])
    frame = median_ms(lambda n: setattr(dash.view, "frame", n % frames), args.repeats)
    print(f"slider change, kernel side (median of {args.repeats}): {redraw:7.1f} ms")
    print(f"  bare model run:                          {run:7.1f} ms")
    print(f"  model run recorded round by round:       {record:7.1f} ms")
    print(f"  message to the browser:                  {size / 1000:7.1f} kB ({frames} frames)")
    print(f"one Play frame, kernel side:               {frame:7.3f} ms (drawing happens in the browser)")
    print(f"before the live view:                      {BEFORE}")
    if args.browser:
        figures = browser_figures()
        if figures is None:
            print("browser measurement failed (see the pytest output above)")
            return 1
        slider_ms, fps = figures["slider_to_paint_ms_median"], figures["play_frames_per_second"]
        print(
            f"in Chromium: slider release -> new picture painted, median {slider_ms:.0f} ms "
            f"(p90 {figures['slider_to_paint_ms_p90']:.0f} ms; the canvas drawn in "
            f"{figures.get('canvas_draw_ms_median', float('nan')):.1f} ms) "
            f"{'within' if slider_ms <= SLIDER_TARGET_MS else 'ABOVE'} the {SLIDER_TARGET_MS:.0f} ms target"
        )
        print(
            f"in Chromium: Play paints {fps:.1f} frames/s "
            f"{'within' if fps >= FPS_TARGET else 'BELOW'} the {FPS_TARGET:.0f} frames/s target"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
