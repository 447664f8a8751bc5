"""``govsim run``: one model to the end of its agenda; a readable summary or ``--json``."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from govsim.actors import Scale
from govsim.cli import LazyHelp, UsageError, whole_arg
from govsim.escape import terminal_text
from govsim.groups import GROUP_NAMES
from govsim.values import decimal
from govsim.words import plural

if TYPE_CHECKING:  # imported when the command runs (Mesa and pandas are slow to import)
    from govsim.model import GovernanceModel

NAME = "run"
HELP = "run one scenario to the end of its agenda and summarise it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario",
        default="classroom",
        help=LazyHelp(
            "one of: {names}, a .toml file, or an actor table (.csv: Decide or KTAB)",
            names=lambda: _names("scenario"),
        ),
    )
    parser.add_argument(
        "--group",
        dest="actor_groups",
        action="append",
        default=[],
        metavar="ACTOR=GROUP",
        help="put a named actor in a group (default: government), e.g. --group ISOC=technical",
    )
    parser.add_argument(
        "--protocol",
        help=LazyHelp("one of: {names} (default: the scenario's)", names=lambda: _names("protocol")),
    )
    parser.add_argument(
        "--seed",
        type=whole_arg("--seed"),
        default=0,
        help="random seed >= 0 (default 0); same seed, same output",
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="change a parameter or group trait, e.g. --set rho=0.2 --set civil_society.capacity=0.3",
    )
    parser.add_argument(
        "--status-quo",
        dest="status_quo",
        action="append",
        default=[],
        metavar="DIMENSION=VALUE",
        help="declare a dimension's status quo in the file's units, e.g. --status-quo Newtreaty=30 "
        "(an actor table that states none starts from the scale midpoint, and says so)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def _names(kind: str) -> list[str]:
    """The bundled scenarios or the registered protocols (imported only when asked)."""
    if kind == "scenario":
        from govsim.scenarios import scenario_names

        return scenario_names()
    from govsim.protocols import protocol_names

    return protocol_names()


def name_value_pairs(
    flag: str, pairs: list[str], example: str, value: Callable[[str, str], Any]
) -> dict[str, Any]:
    """``NAME=VALUE`` options given one or more times (``--set``, ``--status-quo``, ``--group``):
    one rule for all. A name given twice is refused (which value was meant is not ours to
    guess); ``value(text, where)`` reads the value or raises a one-line ``ValueError``."""
    found: dict[str, Any] = {}
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or not name or not raw.strip():
            raise UsageError(f"{flag} {pair!r} must look like {example}")
        if name in found:
            raise UsageError(f"{flag} {name} is given twice ({given[name]} and {raw.strip()}): give it once")
        given[name] = raw.strip()
        try:
            found[name] = value(raw, f"{flag} {name}")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return found


def parse_settings(pairs: list[str]) -> dict[str, float]:
    """``["rho=0.2"]`` -> ``{"rho": 0.2}``; names are checked by the model, values here."""
    return name_value_pairs(
        "--set", pairs, "FIELD=VALUE, e.g. rho=0.2 or civil_society.capacity=0.3", decimal
    )


def parse_status_quo(pairs: list[str]) -> dict[str, float]:
    """``["Newtreaty=30"]`` -> ``{"Newtreaty": 30.0}``; names and ranges are checked by the scenario."""
    return name_value_pairs("--status-quo", pairs, "DIMENSION=VALUE, e.g. Newtreaty=30", decimal)


def parse_actor_groups(pairs: list[str]) -> dict[str, str]:
    """``["ISOC=technical"]`` -> ``{"ISOC": "technical"}``; names are checked by the scenario."""
    return name_value_pairs("--group", pairs, "ACTOR=GROUP, e.g. ISOC=technical", lambda v, _w: v.strip())


def result(model: GovernanceModel, seed: int) -> dict[str, Any]:
    """The run as one JSON-ready dict; points (outcome, status quo) in the scenario's own units."""
    from govsim.measures import headline_keys
    from govsim.plain import plain

    summary = model.summary()
    setup = model.setup
    out = {
        "scenario": summary.pop("scenario"),
        "protocol": summary.pop("protocol"),
        "seed": seed,
        **summary,
    }
    if hasattr(model.protocol, "rule"):  # a seating layout (regional) says its rules per table
        out["rule"] = model.protocol.rule(model.params)
    keys = headline_keys(model.measures)
    issues = []
    for closed in model.closed_issues:
        rec, issue = closed.record, setup.agenda[closed.index]
        row = {k: rec[k] for k in keys}
        if closed.stopped:
            row["stopped"] = closed.stopped
        if setup.scales:
            row["outcome"] = setup.in_file_units(rec["outcome"])
            row["regional_outcomes"] = {
                f: setup.in_file_units(v) for f, v in rec["regional_outcomes"].items()
            }
            row["status_quo"] = setup.in_file_units(issue.status_quo)
            decides = issue.decides or (True,) * setup.k
            row["decides"] = [d for d, on in zip(setup.dimensions, decides, strict=True) if on]
        issues.append(row)
    out["issues"] = issues
    if setup.scales:
        out["scales"] = {d: [s.low, s.high] for d, s in zip(setup.dimensions, setup.scales, strict=True)}
    if setup.notes:
        out["notes"] = list(setup.notes)
    return plain(out, digits=6)  # JSON-safe and stable: NaN as null, 6 decimals


PROGRESS_AFTER = 2.0  # seconds: a run that takes longer says where it is, every this often


@contextlib.contextmanager
def saying(stream: Any, what: str, every: float | None = None):
    """While the block runs longer than ``every`` seconds, write ``govsim: WHAT (N s)`` to
    ``stream`` every ``every`` seconds (loading a big actor table or building its model says
    so instead of running without a word)."""
    import threading

    every = PROGRESS_AFTER if every is None else every
    if every <= 0:  # progress after every step was asked for: the steps say it
        yield
        return
    done = threading.Event()
    start = time.monotonic()

    def tick() -> None:
        while not done.wait(every):
            print(f"govsim: {what} ({time.monotonic() - start:.0f} s)", file=stream, flush=True)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def run_with_progress(model: GovernanceModel, stream: Any, every: float = PROGRESS_AFTER) -> GovernanceModel:
    """Run ``model`` to the end; once it has taken ``every`` seconds, write one line to
    ``stream`` every ``every`` seconds naming the issue and round it is at (a long agenda says
    where it is instead of running without a word)."""
    start = time.monotonic()
    said = start
    n = len(model.setup.agenda)
    first = True
    while model.running:
        if first:  # a big model's first round may be long: it says so while it runs
            with saying(stream, "running the first round", every):
                model.step()
            first = False
        else:
            model.step()
        now = time.monotonic()
        if now - said >= every and model.running:
            said = now
            issue = model.current_issue
            where = f"issue {issue.index + 1} of {n}, round {issue.round}" if issue else f"{n} issues"
            print(f"govsim: running, {where} ({now - start:.0f} s)", file=stream, flush=True)
    return model


NAME_WIDTH = 34  # the issue column; longer names wrap onto the next lines, never cut


def _text(res: dict[str, Any], extra: list[tuple[str, str]] = ()) -> str:
    """The readable summary; ``extra`` adds a line per (summary key, label) of a user measure."""

    def f(v: Any) -> str:
        return "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    adopted = sum(bool(issue["adopted"]) for issue in res["issues"])
    lines = [
        f"govsim: scenario {res['scenario']}, protocol {res['protocol']}, seed {res['seed']}, {res['stakeholders']} stakeholders",
        f"  adopted {adopted} of {plural(res['n_issues'], 'issue')}, mean {f(res['mean_rounds'])} rounds per issue",
        f"  compliance {f(res['mean_compliance'])} (governments {f(res['mean_government_compliance'])}), non-compliance (capability-weighted) {f(res['noncompliance'])}",
        f"  worst-off group's mean gain {f(res['mean_min_group_gain'])}",
        *(
            textwrap.wrap(f"rule: {res['rule']}", 100, initial_indent="  ", subsequent_indent="    ")
            if "rule" in res
            else []
        ),
        *(f"  {label}: {f(res[key])}" for key, label in extra),
        "",
        f"  {'issue':<{NAME_WIDTH}} {'adopted':>7} {'rounds':>6} {'comply':>7}  gains (gov / bus / civ / tech)",
    ]
    for issue in res["issues"]:
        gains = " / ".join(
            "n/a" if issue["gain_by_group"].get(g) is None else f"{issue['gain_by_group'][g]:+.3f}"
            for g in GROUP_NAMES
        )
        name = textwrap.wrap(str(issue["name"]), NAME_WIDTH, break_long_words=True) or [""]
        lines.append(
            f"  {name[0]:<{NAME_WIDTH}} {'yes' if issue['adopted'] else 'no':>7} {issue['rounds']:>6} {f(issue['compliance']):>7}  {gains}"
        )
        lines += [f"    {more}" for more in name[1:]]
    if "scales" in res:
        lines += ["", "  outcome in the file's units (status quo in brackets):"]
        for issue in res["issues"]:
            points = ", ".join(
                f"{d} {v:.4g} [{q:.4g}] on {Scale(lo, hi)}"
                for (d, (lo, hi)), v, q in zip(
                    res["scales"].items(), issue["outcome"], issue["status_quo"], strict=True
                )
                if d in issue["decides"]
            )
            name = textwrap.wrap(str(issue["name"]), NAME_WIDTH, break_long_words=True) or [""]
            lines.append(f"  {name[0]:<{NAME_WIDTH}} {points}")
            lines += [f"    {more}" for more in name[1:]]
    lines += [
        f"  stopped: {issue['name']}: {issue['stopped']}" for issue in res["issues"] if "stopped" in issue
    ]
    lines += [f"  note: {note}" for note in res.get("notes", [])]
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    from govsim.measures import user_summaries
    from govsim.model import GovernanceModel
    from govsim.plugins import load_plugins
    from govsim.scenarios import load_scenario

    load_plugins()  # measures and protocols of installed plugins (see govsim.plugins)
    if args.protocol is not None and args.protocol not in _names("protocol"):
        raise UsageError(f"unknown protocol {args.protocol!r} (allowed: {', '.join(_names('protocol'))})")
    with saying(sys.stderr, f"loading {args.scenario}"):
        scenario = load_scenario(args.scenario)
    if args.actor_groups:
        scenario = scenario.with_actor_groups(parse_actor_groups(args.actor_groups))
    if args.status_quo:
        scenario = scenario.with_status_quo(parse_status_quo(args.status_quo))
    with saying(sys.stderr, "building the model"):
        model = GovernanceModel(
            scenario, protocol=args.protocol, rng=args.seed, **parse_settings(args.settings)
        )
    res = result(run_with_progress(model, sys.stderr), args.seed)
    extra = user_summaries(model.measures, scenario.dimensions)
    print(
        json.dumps(res, sort_keys=False)
        if args.json
        else terminal_text(f"{_text(res, extra)}\n\n  {scenario.disclaimer}")
    )
    return 0
