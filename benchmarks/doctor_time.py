"""How long ``govsim doctor`` takes on this machine (a benchmark, not a test).

    .venv/bin/python benchmarks/doctor_time.py [--repeats 3]

Runs ``govsim doctor`` in fresh interpreters and prints, for each check, the time its line
shows when it took a second or more, then the wall time and the CPU time (user + system of
the command and its kernel) of the whole run. Target (issue 26): a laptop check finishes in
<= 5 s. Before: 37.6 s at load 17 (newcomer review; 23 s of it importing every module, 6 s
of that nbformat's JSON-schema checker). CPU time is the figure to compare on a shared
machine: wall time adds the wait for a core.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

TARGET = 5.0
BEFORE = 37.6  # seconds, wall, load 17 (issue 26)


def timed() -> tuple[float, float, str]:
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "govsim", "doctor"], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    timed()  # warm the file cache
    runs = [timed() for _ in range(repeats)]
    for _, _, out in runs[-1:]:
        for line in out.splitlines():
            if m := re.match(r"\S+ (\w+)\s.*\[(\d+\.\d) s\]$", line):
                print(f"  {m.group(1):<10} {m.group(2)} s")
    wall = statistics.median(w for w, _, _ in runs)
    cpu = statistics.median(c for _, c, _ in runs)
    print(
        f"govsim doctor: median wall {wall:.2f} s, median CPU {cpu:.2f} s over {repeats} (before: {BEFORE} s wall)"
    )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for what, value in (("wall", wall), ("CPU", cpu)):
        print(f"target <= {TARGET} s ({what}): {'met' if value <= TARGET else 'MISSED'} ({value:.2f} s)")


if __name__ == "__main__":
    main()
