"""Exercise 4 — a new decision rule: a two-thirds supermajority of the attendees, written as a
``Protocol`` subclass and registered by name.

The check runs the learner's class on thousands of generated tables
(:mod:`govsim.exercises.cases`) and on whole runs, and compares with the reference rule below (which the package does not register;
the solution notebook registers it).
"""

from __future__ import annotations

import pandas as pd

from govsim.exercises.checks import Choice
from govsim.exercises.functions import ProtocolQuestion
from govsim.exercises.runs import mean_of, runs
from govsim.protocols import Decision, Protocol

SEEDS = range(5)
MEASURES = ["mean_rounds", "adoption_rate", "mean_compliance", "mean_min_group_gain"]


class TwoThirds(Protocol):
    """Adopt when at least two thirds of the stakeholders at the table do not object."""

    name = "two_thirds"
    label = "Two-thirds of attendees"

    def decide(self, table, y):
        """Adopt ``y`` when at least two-thirds of those attending do not object to it."""
        objecting = table.objecting(y)  # attendees for whom y is worse than q beyond tolerance
        attending = int(table.attending.sum())
        supporting = attending - int(objecting.sum())
        adopted = attending > 0 and 3 * supporting >= 2 * attending
        return Decision(bool(adopted), objecting, table.attending)


def try_rule(rule: type[Protocol]) -> pd.DataFrame | None:
    """Means over seeds 0-4 of a few measures under bottom_up and under ``rule``."""
    try:
        table = pd.concat([runs("bottom_up", SEEDS), runs(rule, SEEDS)])
    except NotImplementedError:
        print("Not attempted yet: write the decide method of your rule first.")
        return None
    return table.groupby("protocol", sort=False)[MEASURES].mean().T


def _rounds_key() -> str:
    ours, theirs = mean_of(TwoThirds, "mean_rounds", SEEDS), mean_of("bottom_up", "mean_rounds", SEEDS)
    return "b" if abs(ours - theirs) < 1 else "a" if ours < theirs else "c"


q1 = ProtocolQuestion(
    "ex4.q1",
    "Write a `Protocol` subclass with `name = 'two_thirds'` whose `decide(table, y)` adopts `y` "
    "when at least two thirds of the attendees do not object (an attendee objects when "
    "`table.objecting(y)` says so; with nobody at the table, nothing is adopted), and register "
    "it with `@register`.",
    name="two_thirds",
    reference=TwoThirds,
    hints=(
        "table.objecting(y) is a boolean array: True for attendees who object. table.attending "
        "is True for everyone at the table.",
        "Count with int(mask.sum()). Return Decision(adopted, objecting, table.attending); with "
        "nobody at the table, nothing is adopted.",
        "Two thirds exactly is enough, and 2/3 is not exactly 0.67 or 0.666: how can you compare "
        "the two counts with whole numbers only, so nothing is rounded?",
    ),
    explanation=(
        "Count the attendees and the objectors among them; adopt when the supporters are at "
        "least two thirds of the attendees. Absent stakeholders neither support nor object."
    ),
)

q2 = Choice(
    "ex4.q2",
    "Compared with `bottom_up` (rough consensus: at most 10% objecting, and no group blocking), "
    "how many rounds per issue does `two_thirds` need (seeds 0-4)? 'a' fewer, 'b' about the same "
    "(within one round), 'c' more.",
    options={"a": "fewer", "b": "about the same", "c": "more"},
    aliases={"b": ("about the same (within one round)",)},
    expected=_rounds_key,
    wrong="Not what the model shows: run try_rule(TwoThirds) and compare the mean_rounds row.",
    hints=(
        "Which rule tolerates more objectors before it adopts?",
        "try_rule(TwoThirds) returns a table of means over seeds 0-4, one column per rule: read "
        "its mean_rounds row.",
    ),
    explanation=(
        "Fewer: two_thirds adopts while up to a third of attendees object, so the chair has to "
        "revise the draft toward the objectors less often than under rough consensus."
    ),
    solution_code='rounds_compared = "a"  # fewer: a third may object',
)

QUESTIONS = (q1, q2)
