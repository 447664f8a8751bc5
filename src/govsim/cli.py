"""The ``govsim`` command. Each subcommand is a module in :mod:`govsim.commands` with
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``main(args) -> int``.

User errors (the library's ``ValueError``, ``FileNotFoundError`` and other ``OSError``,
``UsageError`` and argparse's own) print one line on stderr and exit with status 2, never a
traceback. A reader that leaves early (``govsim run | head -1``) ends the command quietly.

Start-up stays fast (``benchmarks/cli_startup.py``): building the parser imports only what the
options need; a command imports Mesa, pandas and the rest when it runs.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import os
import sys
from pathlib import Path

from govsim.escape import terminal_text

COMMANDS = (
    "scenarios",
    "run",
    "sweep",
    "report",
    "doctor",
    "lab",
    "solutions",
    "handouts",
    "roleplay",
    "room",
)


class UsageError(Exception):
    """A mistake in what the user asked for; printed as one line, exit status 2."""


class LazyHelp(str):
    """A help text whose ``{field}`` parts are computed only when the help is printed.

    ``help=LazyHelp("one of: {names}", names=scenario_names)``: each field is a function
    returning a string or a list of strings (joined with ", "). Building the parser calls none
    of them (this keeps Mesa and pandas off the start-up path), and argparse sees a finished
    string when the option is added: Python 3.14 and later check every help string there, so a
    ``%(name)s`` filled in after ``add_argument`` is refused ("badly formed help string").
    govsim's parsers fill the fields when they format the help (:class:`HelpFormatter`).
    """

    fields: dict

    def __new__(cls, template: str, **fields):
        """A message whose ``%``-fields are filled in when it is rendered, not when it is made."""
        self = super().__new__(cls, template)
        self.fields = fields
        return self

    def render(self) -> str:
        """The text with its fields filled in (``%`` in a value is kept as a literal ``%``)."""
        values = {}
        for name, make in self.fields.items():
            value = make()
            text = value if isinstance(value, str) else ", ".join(map(str, value))
            values[name] = text.replace("%", "%%")  # argparse expands the help with ``%`` next
        return self.format(**values)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, filling :class:`LazyHelp` fields while the help is printed.

    ``_format_action`` runs only when a help text is formatted, never when an option is added,
    so Python 3.14's add-time check sees the template and computes nothing."""

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action.help, LazyHelp):
            action = copy.copy(action)
            action.help = action.help.render()
        return super()._format_action(action)


def whole_arg(option: str, low: int = 0):
    """An argparse ``type`` for a whole number >= ``low`` whose error names ``option``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (allowed: >= {low})") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{text} is out of range (allowed: a whole number >= {low})")
        return value

    parse.__name__ = option  # argparse names the type in some messages
    return parse


def path_arg(option: str, convert=str):
    """An argparse ``type`` for a path that must not be empty (``''`` is not "here").

    Every path argument of every command goes through this one rule: :class:`_Parser` turns
    ``type=Path`` into ``path_arg(option, Path)``, and the others name it explicitly.
    """

    def parse(text: str):
        if not text.strip():
            raise argparse.ArgumentTypeError(
                "an empty path is not allowed (give a folder name; '.' for here)"
            )
        return convert(text)

    parse.__name__ = option
    parse.govsim_path = True  # tests/test_cli_paths.py finds every path argument by this
    return parse


def add_lang(parser: argparse.ArgumentParser, what: str) -> None:
    """``--lang en|fr|es``: the language of what participants read (:mod:`govsim.i18n`)."""
    from govsim.i18n import LANGUAGES, parse_language

    def lang(text: str) -> str:
        try:
            return parse_language(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    lang.__name__ = "--lang"
    parser.add_argument(
        "--lang",
        type=lang,
        default="en",
        help=f"language of {what}: {', '.join(f'{k} ({v})' for k, v in LANGUAGES.items())}; default en",
    )


class _Parser(argparse.ArgumentParser):
    """govsim's parser (and its subcommands'): help through :class:`HelpFormatter`, errors as one line."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def add_argument(self, *names, **kwargs):
        """Add an argument as argparse does, but ``type=Path`` refuses an empty path (:func:`path_arg`)."""
        if kwargs.get("type") is Path:
            kwargs["type"] = path_arg(names[-1] if names else kwargs.get("dest", "PATH"), Path)
        return super().add_argument(*names, **kwargs)

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
    """The ``govsim`` argument parser: one subcommand per entry of ``COMMANDS``, loaded from its module."""
    parser = _Parser(prog="govsim", description="Simulate how Internet policy gets made.")
    from govsim import __version__  # the package's __init__ imports neither Mesa nor pandas

    parser.add_argument("--version", action="version", version=f"govsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = _load(name)
        if module is not None:
            module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``govsim`` with ``argv`` (default: ``sys.argv``); returns the exit status (2: bad input)."""
    for stream in (sys.stdout, sys.stderr):  # a name from a file never fails on an ASCII terminal
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        status = int(_load(args.command).main(args) or 0)
        sys.stdout.flush()  # a reader that left shows up here, not at exit
        return status
    except BrokenPipeError:  # e.g. `govsim run --json | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        from govsim.safefiles import describe_os_error

        message = describe_os_error(exc)  # the folder or file that refused, and what to do
        print(f"govsim {args.command}: error: {terminal_text(message, one_line=True)}", file=sys.stderr)
        return 2
    except (UsageError, ValueError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        print(f"govsim {args.command}: error: {terminal_text(message, one_line=True)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("govsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # python -m govsim.cli: use the package's module so error classes match
    from govsim.cli import main as package_main

    sys.exit(package_main())
