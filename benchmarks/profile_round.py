"""Profile govsim's round with cProfile: where does the time of one round go at a given N?

    .venv/bin/python benchmarks/profile_round.py                 # N = 100,000, 20 rounds
    .venv/bin/python benchmarks/profile_round.py --n 40 --runs 30  # whole classroom runs

With ``--runs`` it profiles that many whole runs of the scenario (construction included, as a
slider would trigger them); otherwise ``--rounds`` steady rounds of one model (construction
excluded). Prints the functions with the largest own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from govsim import GovernanceModel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="stakeholders (classroom x N/40)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=0, help="profile whole runs instead of rounds")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumtime"])
    args = parser.parse_args(argv)
    scale = args.n / 40
    profiler = cProfile.Profile()
    if args.runs:
        GovernanceModel("classroom", rng=0, population_scale=scale).run()
        profiler.enable()
        for seed in range(args.runs):
            GovernanceModel("classroom", rng=seed, population_scale=scale).run()
        profiler.disable()
    else:
        model = GovernanceModel("classroom", rng=0, population_scale=scale, max_rounds=2000)
        model.step()
        profiler.enable()
        for _ in range(args.rounds):
            model.step()
        profiler.disable()
    pstats.Stats(profiler).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
