"""``govsim solutions OUTDIR``: write the exercise notebooks with reference answers filled in."""

from __future__ import annotations

import argparse

from govsim.cli import path_arg

NAME = "solutions"
HELP = "write solution notebooks (the exercises with reference answers filled in) for instructors"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "outdir",
        type=path_arg("OUTDIR"),
        help="a new or empty folder, or one govsim solutions wrote before (never a learner's)",
    )
    parser.add_argument(
        "--source",
        default=None,
        type=path_arg("--source"),
        help="folder of exercise notebooks (default: the repository's exercises/ folder)",
    )


def main(args: argparse.Namespace) -> int:
    from govsim.exercises import make_solution_notebooks

    written = make_solution_notebooks(args.outdir, source=args.source)
    for path in written:
        print(path)
    print(f"govsim solutions: wrote {len(written)} solution notebooks to {args.outdir}")
    return 0
