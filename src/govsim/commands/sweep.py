"""``govsim sweep``: run an experiment file into a results directory (resumable)."""

from __future__ import annotations

import argparse
import sys

from govsim.cli import LazyHelp, path_arg

NAME = "sweep"
HELP = "run a parameter sweep described in a TOML experiment file; rerun to resume"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "experiment",
        nargs="?",
        type=path_arg("experiment"),
        help="experiment TOML file (optional with --resume: the stored experiment is used)",
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", type=path_arg("--out"), help="results directory"
    )
    parser.add_argument(  # names checked by run_sweep: importing the backends is slow
        "--backend",
        default="processes",
        help=LazyHelp("where runs execute: {backends} (default: %(default)s)", backends=_backends),
    )
    parser.add_argument("--workers", type=int, help="worker processes (default: the CPUs available)")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --backend dask)",
    )
    parser.add_argument(
        "--chunk", type=int, help="runs per task (default: chosen from the size of the sweep)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue the sweep stored in DIR (an error if DIR holds none)"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="delete the results stored in DIR and start afresh (needed for a different experiment)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _backends() -> str:
    from govsim.sweep.backends import Backend

    return ", ".join(b.value for b in Backend)


def main(args: argparse.Namespace) -> int:
    from govsim.escape import terminal_text
    from govsim.plugins import load_plugins
    from govsim.sweep.backends import Backend
    from govsim.sweep.driver import Interrupted, run_sweep

    load_plugins()  # measures and protocols of installed plugins (see govsim.plugins)
    backend = Backend.DASK.value if args.scheduler else args.backend
    try:
        result = run_sweep(
            args.experiment,
            args.out,
            backend=backend,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            overwrite=args.overwrite,
            quiet=args.quiet,
            chunk=args.chunk,
        )
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (Interrupted)
        signum = exc.signum if isinstance(exc, Interrupted) else 2
        by = f" by {exc.args[0]}" if isinstance(exc, Interrupted) and exc.args[0] != "SIGINT" else ""
        print(f"govsim sweep: interrupted{by}; {_stored(args.out)}", file=sys.stderr)
        return 128 + signum
    for line in report_lines(result, quiet=args.quiet):
        print(terminal_text(line))
    return 1 if result.missing or result.failed else 0


def _stored(out: str) -> str:
    from govsim.sweep.store import Store

    store = Store(out)
    manifest = store.manifest() if store.path.is_dir() else None
    if manifest is None:
        return "nothing was stored"
    counts = store.counts()
    return (
        f"{counts['ok'] + counts['failed']} of {manifest.get('runs_planned', '?')} runs stored; "
        "run the same command again to resume"
    )


def report_lines(result, *, quiet: bool = False) -> list[str]:
    """What ``govsim sweep`` prints at the end of a :class:`~govsim.sweep.driver.SweepResult`:
    the counts, then one line on what is missing."""
    lines = []
    if not quiet or result.missing or result.failed:
        lines.append(
            f"govsim sweep: {result.planned} runs planned, {result.skipped} already stored, "
            f"{result.ran} run now ({result.failed} failed); results in {result.path}"
        )
    if result.missing:
        why = "; ".join(result.lost)
        if result.killer_points:
            points = ", ".join(f"p{p:06d}" for p in result.killer_points)
            why = "; ".join(
                filter(None, [why, f"the runs of point(s) {points} killed their worker every time"])
            )
        if result.killer_runs and result.killer_runs >= result.missing:  # nothing a rerun would finish
            ending = "running the same command again only tries them again: check those points' settings"
        else:
            ending = "run the same command again to resume"
        lines.append(
            f"govsim sweep: {why + '; ' if why else ''}{result.missing} run{'s' * (result.missing != 1)} missing; "
            + ending
        )
    return lines
