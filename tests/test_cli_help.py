"""Help strings as argparse checks them: on Python 3.14 and later, ``add_argument`` and
``add_parser`` expand each help string as the option is added and refuse one that fails
("ValueError: badly formed help string"). These tests run that expansion on every version."""

import argparse
import contextlib
import subprocess
import sys

import pytest

from govsim.cli import COMMANDS, HelpFormatter, LazyHelp, _Parser, build_parser


@contextlib.contextmanager
def help_checked_when_added():
    """Expand every action's help with argparse's own ``_expand_help`` at the moment it is
    added (options, positionals, subparsers and each subcommand's choice line), as Python
    3.14's ``_ActionsContainer._check_help`` does; argument groups are checked too. Yields the
    list of ``(prog, action dest)`` checked."""
    checked: list[tuple[str, str]] = []
    add_argument = argparse._ActionsContainer.add_argument
    add_subparsers = argparse.ArgumentParser.add_subparsers
    add_parser = argparse._SubParsersAction.add_parser

    def expand(container, action):
        if not action.help:
            return
        owner = getattr(container, "_get_formatter", None)
        formatter = owner() if owner else argparse.HelpFormatter("govsim")
        try:
            formatter._expand_help(action)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"badly formed help string: {action.help!r}") from exc
        checked.append((getattr(container, "prog", "group"), action.dest))

    def checked_add_argument(self, *args, **kwargs):
        action = add_argument(self, *args, **kwargs)
        expand(self, action)
        return action

    def checked_add_subparsers(self, **kwargs):
        action = add_subparsers(self, **kwargs)
        expand(self, action)
        return action

    def checked_add_parser(self, name, **kwargs):
        parser = add_parser(self, name, **kwargs)
        for choice in self._choices_actions:
            if choice.dest == name:
                expand(parser, choice)
        return parser

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(argparse._ActionsContainer, "add_argument", checked_add_argument)
        mp.setattr(argparse.ArgumentParser, "add_subparsers", checked_add_subparsers)
        mp.setattr(argparse._SubParsersAction, "add_parser", checked_add_parser)
        yield checked


def test_every_help_string_expands_when_its_option_is_added():
    with help_checked_when_added() as checked:
        build_parser()
    progs = {prog for prog, _ in checked}
    assert {f"govsim {name}" for name in COMMANDS} <= progs
    assert {"govsim roleplay serve", "govsim roleplay cards", "govsim roleplay export"} <= progs
    assert ("govsim run", "protocol") in checked and ("govsim sweep", "backend") in checked


def test_the_check_refuses_a_placeholder_filled_in_after_add_argument():
    """The emulation fails the way Python 3.14 does on the pattern it replaced."""
    with help_checked_when_added():
        parser = _Parser(prog="govsim")
        with pytest.raises(ValueError, match="badly formed help string"):
            parser.add_argument("--protocol", help="one of: %(names)s")


def test_lazy_help_is_computed_only_when_printed():
    calls = []

    def names():
        calls.append(1)
        return ["a%b", "c"]

    with help_checked_when_added():
        parser = _Parser(prog="x")
        parser.add_argument(
            "--pick", default="c", help=LazyHelp("one of: {names} (default: %(default)s)", names=names)
        )
    assert calls == []
    text = parser.format_help()
    assert calls == [1]
    assert "one of: a%b, c (default: c)" in " ".join(text.split())
    assert isinstance(parser._get_formatter(), HelpFormatter)


def test_run_help_lists_the_registered_protocols_and_scenarios():
    from govsim.protocols import protocol_names
    from govsim.scenarios import scenario_names

    res = subprocess.run(
        [sys.executable, "-m", "govsim", "run", "--help"], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    text = " ".join(res.stdout.split())
    assert f"one of: {', '.join(protocol_names())} (default: the scenario's)" in text
    assert f"one of: {', '.join(scenario_names())}, a .toml file" in text


PATH_DESTS = {
    "outdir",
    "source",
    "notebooks",
    "workspace",
    "session",
    "out",
    "plots",
    "results",
    "experiment",
}


def _actions(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for path, found in _actions(sub):
                    yield [name, *path], found
        else:
            yield [], action


def test_every_path_argument_refuses_an_empty_path():
    """break26a item 1: ``solutions ''`` and ``lab --workspace ''`` took '' as here. One rule
    (:func:`govsim.cli.path_arg`) for every path argument of every command."""
    found = [(path, a) for path, a in _actions(build_parser()) if a.dest in PATH_DESTS]
    assert {a.dest for _, a in found} == PATH_DESTS
    for path, action in found:
        assert getattr(action.type, "govsim_path", False), f"{' '.join(path)} {action.dest}"
        with pytest.raises(argparse.ArgumentTypeError, match="an empty path is not allowed"):
            action.type("")
        assert str(action.type("a")) == "a"
