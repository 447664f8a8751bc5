"""``govsim doctor``: is this machine ready for the workshop? A checklist; exit 0 only if all green."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict

from govsim.doctor import (
    CHECKS,
    LIMITS,
    RUNNING,
    TIME_LIMIT,
    all_ok,
    format_line,
    iter_checks,
    run_checks,
    verdict,
    wants_color,
)

NAME = "doctor"
SLOW = 1.0  # seconds: a check that took longer says so on its line
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
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="give up on a check that runs longer and mark it red (default: "
        + "; ".join([f"{TIME_LIMIT:g} s", *(f"{name} {limit:g} s" for name, limit in LIMITS.items())])
        + ")",
    )


def _seconds(text: str) -> float:
    """``--time-limit``: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def main(args: argparse.Namespace) -> int:
    if args.json:
        results = run_checks(skip=args.skip, limit=args.time_limit)
        print(json.dumps([asdict(r) for r in results], indent=2))
        return 0 if all_ok(results) else 1
    out = sys.stdout
    color, live = wants_color(out), bool(getattr(out, "isatty", lambda: False)())
    print("govsim doctor: checking this machine; each line appears when its check ends", flush=True)
    results = []

    def progress(name: str, seconds: float, doing: str) -> None:
        if live:  # the check running now, replaced by its result line
            print(f"\033[2K  {name:<10} {doing} ... {seconds:.0f} s", end="\r", flush=True)
        else:  # a log or a pipe: a line now and then, so a slow check is named while it runs
            print(f"  ... {name} still running after {seconds:.0f} s: {doing}", flush=True)

    for name, wait in iter_checks(skip=args.skip, limit=args.time_limit):
        if live:
            print(f"  {name:<10} {RUNNING.get(name, 'checking')} ...", end="\r", flush=True)
        start = time.perf_counter()
        result = wait(progress)
        took = time.perf_counter() - start
        if live:
            print("\033[2K", end="")  # clear the progress line
        line = format_line(result, color=color, stream=out)
        print(line + (f" [{took:.1f} s]" if took >= SLOW else ""), flush=True)
        results.append(result)
    green, red, off = ("\033[32m", "\033[31m", "\033[0m") if color else ("", "", "")
    print(verdict(results, green, red, off))
    return 0 if all_ok(results) else 1
