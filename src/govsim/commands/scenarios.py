"""``govsim scenarios``: list the bundled scenarios, one a line."""

from __future__ import annotations

import argparse

NAME = "scenarios"
HELP = "list the bundled scenarios with a one-line description"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def main(args: argparse.Namespace) -> int:
    from govsim.scenarios import load_scenario, scenario_names

    names = scenario_names()
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  {load_scenario(name).title}")
    return 0
