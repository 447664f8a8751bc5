"""How govsim's round scales with the number of stakeholders, against two baselines.

Run from the repository root (takes a few minutes; most of it building 100,000 Mesa agents)::

    .venv/bin/python benchmarks/scaling.py                 # N = 100, 1,000, 10,000, 100,000
    .venv/bin/python benchmarks/scaling.py --sizes 100 1000 --no-memory   # a quick look
    .venv/bin/python benchmarks/scaling.py --json results.json            # also save the numbers

For each N (the ``classroom`` scenario with ``population_scale = N / 40``) it reports the model
construction time, the median time of a full round, the time per pair interaction of govsim's
deliberation step, of an idiomatic Mesa model of the same update (``idiomatic_mesa.py``) and
of the bare numpy floor, the ratios between them, and peak memory; then the fitted exponent of
time against N, and the time of one whole classroom run (what a slider triggers). All times
are medians over repeats interleaved in the same run, so ratios survive a noisy machine.
See ``benchmarks/README.md`` for what each number means.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import mesa
import numpy as np

from govsim import GovernanceModel
from govsim.deliberation import exchange, random_pairs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from idiomatic_mesa import DeliberationModel

SIZES = (100, 1_000, 10_000, 100_000)
BASE = 40  # stakeholders in the classroom scenario at population_scale = 1
MU = 0.3
SWEEP_PAIRS = 20_000  # a timed batch holds at least this many stakeholder-sweeps


# ----------------------------------------------------------------------------- helpers
def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "load average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def build(n: int, seed: int = 0, **settings) -> GovernanceModel:
    return GovernanceModel("classroom", rng=seed, population_scale=n / BASE, **settings)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def fit_exponent(sizes: list[int], seconds: list[float]) -> float:
    """Slope b of log t = a + b log N by least squares."""
    slope, _ = np.polyfit(np.log(sizes), np.log(seconds), 1)
    return float(slope)


# ----------------------------------------------------------------------------- measures
def construction(n: int, repeats: int) -> float:
    return statistics.median(timed(lambda s=s: build(n, seed=s)) for s in range(repeats))


def full_round(n: int, rounds: int) -> float:
    """Median time of ``model.step()``; a model that finishes its agenda is replaced, untimed."""
    times: list[float] = []
    model = None
    seed = 0
    while len(times) < rounds:
        if model is None or not model.running:
            model = build(n, seed=seed)
            seed += 1
            model.step()  # the first round opens the first issue; time steady rounds
            continue
        times.append(timed(model.step))
    return statistics.median(times)


def numpy_floor(columns: list[np.ndarray], confidence: np.ndarray, rng: np.random.Generator) -> None:
    """Baseline 2: the same pair updates as plain array code, one 1-D array per dimension."""
    n = len(confidence)
    order = rng.permutation(n)
    a, b = order[: n // 2], order[n // 2 : 2 * (n // 2)]
    diff = [x[b] - x[a] for x in columns]
    dist = np.sqrt(sum(d * d for d in diff))
    move_a = MU * (dist < confidence[a])
    move_b = MU * (dist < confidence[b])
    for x, d in zip(columns, diff, strict=True):
        x[a] += move_a * d
        x[b] -= move_b * d


def deliberation(n: int, repeats: int, mesa_repeats: int) -> dict[str, float]:
    """Per pair interaction: govsim (random_pairs + exchange on the model's own arrays), the
    numpy floor and idiomatic Mesa, timed in turn within each repeat (positions reset untimed).

    Each timed sample is a batch of ``sweeps`` consecutive sweeps (every stakeholder meets one
    random partner per sweep), so that a sample lasts about a millisecond or more at every N:
    this measures throughput, not the latency of one cold call.
    """
    model = build(n)
    x0 = model.positions.copy()
    confidence = model.confidence
    sweeps = max(1, SWEEP_PAIRS // n)
    pairs = sweeps * (n // 2)
    govsim_rng, floor_rng = np.random.default_rng(1), np.random.default_rng(1)
    idiomatic = DeliberationModel(x0.tolist(), confidence.tolist(), mu=MU, rng=1)
    everyone = np.arange(n)
    t_gov, t_floor, t_mesa = [], [], []
    for r in range(repeats):
        positions = x0.copy()

        def govsim_sweeps(positions=positions):
            for _ in range(sweeps):
                a, b = random_pairs(everyone, govsim_rng)
                exchange(positions, confidence, MU, a, b)

        t_gov.append(timed(govsim_sweeps))
        columns = [np.ascontiguousarray(x0[:, k]) for k in range(x0.shape[1])]

        def floor_sweeps(columns=columns):
            for _ in range(sweeps):
                numpy_floor(columns, confidence, floor_rng)

        t_floor.append(timed(floor_sweeps))
        if r < mesa_repeats:

            def mesa_sweeps():
                for _ in range(sweeps):
                    idiomatic.step()

            t_mesa.append(timed(mesa_sweeps))
    return {
        "govsim_ns": statistics.median(t_gov) / pairs * 1e9,
        "floor_ns": statistics.median(t_floor) / pairs * 1e9,
        "mesa_ns": statistics.median(t_mesa) / pairs * 1e9,
        "mesa_build_s": timed(lambda: DeliberationModel(x0.tolist(), confidence.tolist(), mu=MU, rng=2)),
    }


def check_same_update(n: int = 1000) -> float:
    """Largest difference between the three implementations of one exchange of the same pairs."""
    model = build(n)
    x0, confidence = model.positions.copy(), model.confidence
    a, b = random_pairs(np.arange(n), np.random.default_rng(3))
    ours = x0.copy()
    exchange(ours, confidence, MU, a, b)
    idiomatic = DeliberationModel(x0.tolist(), confidence.tolist(), mu=MU)
    agents = list(idiomatic.agents)
    for i, j in zip(a, b, strict=True):
        agents[i].talk_with(agents[j])
    theirs = np.array(idiomatic.positions())
    columns = [x0[:, k].copy() for k in range(x0.shape[1])]
    diff = [x[b] - x[a] for x in columns]
    dist = np.sqrt(sum(d * d for d in diff))
    for x, d in zip(columns, diff, strict=True):
        x[a] += MU * (dist < confidence[a]) * d
        x[b] -= MU * (dist < confidence[b]) * d
    floor = np.stack(columns, axis=1)
    return float(max(np.abs(ours - theirs).max(), np.abs(ours - floor).max()))


def classroom_run(runs: int) -> tuple[float, float]:
    """Median and best time to build the default classroom model and run its whole agenda."""
    build(BASE).run()  # warm caches and imports
    times = [timed(lambda s=s: build(BASE, seed=s).run()) for s in range(runs)]
    return statistics.median(times), min(times)


def memory_child(n: int, trace: bool) -> None:
    """Run in a fresh interpreter: build N stakeholders, play 3 rounds, print peak memory (MB)."""
    import resource

    if trace:
        tracemalloc.start()
    model = build(n)
    for _ in range(3):
        model.step()
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else float("nan")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({"traced_mb": peak, "max_rss_mb": rss}))


def memory(n: int, trace: bool) -> dict[str, float]:
    args = [sys.executable, __file__, "--memory-child", str(n)] + ([] if trace else ["--no-trace"])
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- report
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=41, help="repeats of the deliberation timings")
    parser.add_argument("--rounds", type=int, default=30, help="rounds timed at each N")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--no-trace", action="store_true", help="memory: max RSS only, no tracemalloc")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, trace=not args.no_trace)
        return 0

    info = machine()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(f"same update in all three implementations: max |difference| = {check_same_update():.1e}\n")
    # the slider case first, in a fresh interpreter's state (no dead 100,000-agent models to collect)
    classroom_s, classroom_best_s = classroom_run(runs=21)
    classroom_ms = classroom_s * 1e3
    print(f"classroom scenario, whole agenda, one run: median {classroom_ms:.1f} ms\n")
    rows = []
    for n in args.sizes:
        gc.collect()
        big = n >= 100_000
        row = {"n": n}
        row["build_s"] = construction(n, repeats=3 if big else 5)
        row["round_ms"] = full_round(n, args.rounds) * 1e3
        row.update(deliberation(n, args.repeats, mesa_repeats=5 if big else 21))
        row["vs_mesa"] = row["mesa_ns"] / row["govsim_ns"]
        row["vs_floor"] = row["govsim_ns"] / row["floor_ns"]
        if not args.no_memory:
            row.update(memory(n, trace=not args.no_trace))
        rows.append(row)
        print(
            f"N={n:>7,}  build {row['build_s']:6.3f} s  round {row['round_ms']:8.2f} ms  "
            f"per pair: govsim {row['govsim_ns']:7.1f} ns, idiomatic Mesa {row['mesa_ns']:8.1f} ns, "
            f"numpy floor {row['floor_ns']:6.1f} ns",
            flush=True,
        )

    print(
        "\n| N | build (s) | Mesa baseline build (s) | round (ms) | govsim ns/pair | Mesa ns/pair "
        "| floor ns/pair | govsim vs Mesa | govsim vs floor | traced peak (MB) | max RSS (MB) |"
    )
    print("|" + "---|" * 11)
    for r in rows:
        print(
            f"| {r['n']:,} | {r['build_s']:.3f} | {r['mesa_build_s']:.3f} | {r['round_ms']:.2f} "
            f"| {r['govsim_ns']:.1f} | {r['mesa_ns']:.0f} | {r['floor_ns']:.1f} "
            f"| {r['vs_mesa']:.0f}x faster | {r['vs_floor']:.2f}x the floor "
            f"| {r.get('traced_mb', float('nan')):.0f} | {r.get('max_rss_mb', float('nan')):.0f} |"
        )
    sizes = [r["n"] for r in rows]
    summary = {"classroom_run_ms": classroom_ms, "classroom_run_best_ms": classroom_best_s * 1e3}
    if len(rows) >= 2:
        summary["round_exponent"] = fit_exponent(sizes, [r["round_ms"] for r in rows])
        summary["deliberation_exponent"] = fit_exponent(sizes, [r["govsim_ns"] * r["n"] / 2 for r in rows])
        upper = [r for r in rows if r["n"] >= 1_000]
        if len(upper) >= 2:
            summary["round_exponent_n_ge_1000"] = fit_exponent(
                [r["n"] for r in upper], [r["round_ms"] for r in upper]
            )
    print()
    for key, value in summary.items():
        print(f"{key}: {value:.3f}")

    print("\ntargets:")
    by_n = {r["n"]: r for r in rows}
    checks = []
    if 1_000 in by_n:
        checks.append(("govsim vs idiomatic Mesa at N=1,000 (x, >=)", by_n[1_000]["vs_mesa"], 50.0, True))
        checks.append(("govsim vs numpy floor at N=1,000 (x, <=)", by_n[1_000]["vs_floor"], 2.0, False))
    if 100_000 in by_n:
        checks.append(("full round at N=100,000 (ms, <=)", by_n[100_000]["round_ms"], 50.0, False))
        if "traced_mb" in by_n[100_000]:
            mb = max(by_n[100_000]["traced_mb"], by_n[100_000]["max_rss_mb"])
            checks.append(("memory at N=100,000 (MB, <=)", mb, 1024.0, False))
    if "round_exponent_n_ge_1000" in summary:
        checks.append(
            ("round time exponent, N >= 1,000 (<=)", summary["round_exponent_n_ge_1000"], 1.1, False)
        )
    checks.append(("classroom whole agenda, one run (ms, <=)", classroom_ms, 50.0, False))
    for label, value, target, at_least in checks:
        ok = value >= target if at_least else value <= target
        print(f"  {'met   ' if ok else 'MISSED'} {label}: {value:.2f} (target {target:g})")
    print(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": rows, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
