"""Redraw latency of the dashboard after a slider change, on the default classroom scenario.

A slider change rebuilds the model with the new value, runs the whole agenda, draws the default
panels (``govsim.dashboard.PANELS``) and renders them to PNG for the output area. This script times that end to end
(median of ``--repeats``), next to a bare model run measured the same way, and prints the
ratio. Target: a median of at most 250 ms.

    .venv/bin/python benchmarks/dashboard_latency.py --repeats 15
"""

from __future__ import annotations

import argparse
import statistics
import time

from govsim import GovernanceModel
from govsim.dashboard import build_dashboard, draw_panels, render_png

TARGET_MS = 250.0


def median_ms(action, repeats: int) -> float:
    times = []
    for n in range(repeats):
        start = time.perf_counter()
        action(n)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats per measurement")
    args = parser.parse_args()
    if args.repeats < 1:
        raise SystemExit(f"--repeats={args.repeats} must be at least 1")
    dash = build_dashboard()
    slider = dash.sliders["rho"]
    values = [slider.min + (slider.max - slider.min) * (0.2 + 0.6 * (n % 2)) for n in range(args.repeats)]
    dash.run()  # warm up caches (fonts, imports)

    def change(n: int) -> None:
        slider.value = values[n]
        if dash.error:
            raise RuntimeError(dash.error)

    def bare(n: int) -> None:
        GovernanceModel("classroom", rng=1, rho=values[n]).run()

    model = GovernanceModel("classroom", rng=1).run()
    redraw = median_ms(change, args.repeats)
    run = median_ms(bare, args.repeats)
    draw = median_ms(lambda n: draw_panels(model), args.repeats)
    figure = draw_panels(model)
    png = median_ms(lambda n: render_png(figure), args.repeats)
    print(
        f"slider change -> redraw (median of {args.repeats}): {redraw:7.1f} ms  (target <= {TARGET_MS:.0f} ms)"
    )
    print(f"  bare model run:                  {run:7.1f} ms")
    print(f"  drawing the default panels:      {draw:7.1f} ms")
    print(f"  rendering them to PNG:           {png:7.1f} ms")
    print(f"  ratio redraw / bare run:         {redraw / run:7.1f}")
    print("within target" if redraw <= TARGET_MS else "ABOVE target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
