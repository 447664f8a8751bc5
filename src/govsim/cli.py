"""The ``govsim`` command. Each subcommand is a module in :mod:`govsim.commands` with
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``main(args) -> int``.

User errors (``ValueError``, ``FileNotFoundError``, ``UsageError``) print one line on stderr
and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = ("scenarios", "run", "sweep", "report", "doctor", "lab", "solutions", "handouts")


class UsageError(Exception):
    """A mistake in what the user asked for; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors: one line, exit 2
        self.exit(2, f"govsim: error: {message}\n")


def _load(name: str):
    try:
        return importlib.import_module(f"govsim.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"govsim.commands.{name}":
            return None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="govsim", description="Simulate how Internet policy gets made.")
    from govsim import __version__

    parser.add_argument("--version", action="version", version=f"govsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = _load(name)
        if module is not None:
            module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(_load(args.command).main(args) or 0)
    except OSError as exc:
        print(
            f"govsim {args.command}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 2
    except (UsageError, ValueError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        print(f"govsim {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("govsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `govsim run --json | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # python -m govsim.cli: use the package's module so error classes match
    from govsim.cli import main as package_main

    sys.exit(package_main())
