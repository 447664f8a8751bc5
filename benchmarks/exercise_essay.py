"""Time ex8.q1's essay check on long essays (a benchmark, not a test).

    .venv/bin/python benchmarks/exercise_essay.py [--repeats 3]

Checks the sample essay repeated to about 100 kB and 1 MB (a learner pasting a notebook into
the answer) and prints the best wall time of ``--repeats``. Target (issue 20, break20b 4c):
1 MB under 2 s, growing linearly with the length. Before: 5.1 s at 100 kB and more than 90 s
at 1 MB (the settings the essay named were appended once per occurrence, and every figure was
compared with the whole pool). The runs the essay's rules need are computed once before timing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time

from govsim.exercises import ex8

TARGET = 2.0  # seconds for 1 MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    essay = ex8.sample_essay()
    with contextlib.redirect_stdout(io.StringIO()):
        ex8.q1.check(essay)  # the runs, cached
    for copies in (120, 1200):
        text = essay * copies
        best = float("inf")
        for _ in range(args.repeats):
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                result = ex8.q1.check(text)
            best = min(best, time.perf_counter() - started)
        print(f"{len(text) / 1e6:5.2f} MB  {best:6.2f} s  {result.status.name}")
    print(f"target: 1 MB under {TARGET:g} s")


if __name__ == "__main__":
    main()
