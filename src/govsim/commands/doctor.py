"""``govsim doctor``: is this machine ready for the workshop? A checklist; exit 0 only if all green."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from govsim.doctor import CHECKS, all_ok, format_checklist, run_checks, wants_color

NAME = "doctor"
HELP = "check Python, packages, the Jupyter widget extension, a kernel, plotting, scenarios and offline use"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=tuple(CHECKS),
        metavar="CHECK",
        help=f"leave out a check (repeatable; one of: {', '.join(CHECKS)})",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the results as JSON instead of a checklist"
    )


def main(args: argparse.Namespace) -> int:
    if not args.json:
        print("govsim doctor: checking this machine (the kernel check takes a few seconds)", flush=True)
    results = run_checks(skip=args.skip)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(format_checklist(results, color=wants_color(sys.stdout), stream=sys.stdout))
    return 0 if all_ok(results) else 1
