"""What one participant's dashboard costs the room server (a benchmark, not a test).

    .venv/bin/python benchmarks/room_explore.py [--runs 30] [--scenario classroom]

For ``--runs`` different seeds of the scenario (each a new run, as when a participant moves a
slider), times :func:`govsim.room.explore.explore_json` uncached (the model's run, its recording
and the JSON text), then the same settings again (a cache hit, as when a second participant tries
them), and reports the median and 95th percentile of each with the JSON size (median and
largest) and the cache's size in bytes. Also times the first :func:`govsim.room.questions.model_answer`
(2 x 50 runs unless cached on disk) and :func:`govsim.room.answering.prepare` (every exercise's
expected value). Say the load average beside the figures (``uptime``): the machine is shared.
The issue's estimate: a classroom run ~13 ms and its JSON ~45 KB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scenario", default="classroom")
    args = parser.parse_args()
    from govsim.room import explore

    explore.explore_json({"scenario": args.scenario, "seed": 10**6})  # imports and first-call costs
    cold, warm, sizes = [], [], []
    for seed in range(args.runs):
        sent = {"scenario": args.scenario, "seed": seed}
        start = time.perf_counter()
        text = explore.explore_json(sent)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        explore.explore_json(sent)
        warm.append(time.perf_counter() - start)
        sizes.append(len(text.encode()))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"explore_json uncached: median {1000 * statistics.median(cold):.1f} ms, "
        f"p95 {1000 * percentile(cold, 0.95):.1f} ms ({args.runs} seeds of {args.scenario})"
    )
    print(
        f"explore_json cached:   median {1000 * statistics.median(warm):.3f} ms, "
        f"p95 {1000 * percentile(warm, 0.95):.3f} ms"
    )
    print(f"JSON: median {statistics.median(sizes) / 1000:.1f} KB, largest {max(sizes) / 1000:.1f} KB")
    print(
        f"cache: {explore.CACHE.size / 1e6:.1f} MB in {len(explore.CACHE.items)} runs (bound {explore.CACHE_BYTES / 2**20:.0f} MiB)"
    )
    from govsim.room import answering, questions

    start = time.perf_counter()
    for qid in questions.room_questions():
        questions.model_answer(qid)
    print(
        f"model_answer, every room question: {time.perf_counter() - start:.2f} s (disk cache: {os.environ.get('GOVSIM_CACHE_DIR') or '~/.cache/govsim'})"
    )
    start = time.perf_counter()
    answering.prepare()
    print(f"answering.prepare, every exercise: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
