"""Exercise 7 — bug hunt: a rough-consensus rule with one deliberate bug.

``BrokenRoughConsensus`` is meant to work like ``bottom_up``, the model's stand-in for rough
consensus (RFC 7282 itself counts no heads: objections must be addressed, not outvoted): adopt
when the share of *attendees* who object is at most rho and no group has a majority of its
attendees objecting. It ships broken on purpose; learners find the bug, then fix it in a subclass.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd

from govsim.exercises.checks import Choice, YesNo
from govsim.exercises.functions import ProtocolQuestion
from govsim.exercises.runs import mean_of, runs
from govsim.protocols import Decision, Protocol

SEEDS = range(5)
LOW_CAPACITY = {"civil_society.capacity": 0.2, "business.capacity": 0.4}


class BrokenRoughConsensus(Protocol):
    """The model's rough consensus (a stand-in for RFC 7282, which counts no heads) — with a bug to find."""

    name = "broken_rough_consensus"
    label = "Rough consensus (broken)"

    def decide(self, table, y):
        objecting = table.objecting(y)
        n = int(table.members.sum())
        if n == 0:
            return Decision(False, objecting, table.attending)
        per_group_att = np.bincount(table.group[table.attending], minlength=4)
        per_group_obj = np.bincount(table.group[objecting], minlength=4)
        blocked = np.any(per_group_obj * 2 > per_group_att)
        adopted = objecting.sum() / n <= table.params.rho + 1e-12 and not blocked
        return Decision(bool(adopted), objecting, table.attending)


class FixedRoughConsensus(BrokenRoughConsensus):
    """The model's rough consensus, fixed: the objecting share is taken among the attendees."""

    name = "fixed_rough_consensus"
    label = "Rough consensus (fixed)"

    def decide(self, table, y):
        objecting = table.objecting(y)
        n = int(table.attending.sum())  # the fix: count those at the table, not all members
        if n == 0:
            return Decision(False, objecting, table.attending)
        per_group_att = np.bincount(table.group[table.attending], minlength=4)
        per_group_obj = np.bincount(table.group[objecting], minlength=4)
        blocked = np.any(per_group_obj * 2 > per_group_att)
        adopted = objecting.sum() / n <= table.params.rho + 1e-12 and not blocked
        return Decision(bool(adopted), objecting, table.attending)


def _decide_lines() -> list[str]:
    return inspect.getsource(BrokenRoughConsensus.decide).splitlines()


def _buggy_line() -> str:
    return str(next(n for n, line in enumerate(_decide_lines(), 1) if "members.sum()" in line))


def show_broken() -> None:
    """Print the source of the broken rule's decide method, with line numbers."""
    for number, line in enumerate(_decide_lines(), start=1):
        print(f"{number:2d} {line}")


def compare(rule: type[Protocol] = BrokenRoughConsensus) -> pd.DataFrame | None:
    """Mean rounds and civil society's mean gain (seeds 0-4, classroom with low capacities)
    under bottom_up and under ``rule``."""
    try:
        table = pd.concat([runs("bottom_up", SEEDS, **LOW_CAPACITY), runs(rule, SEEDS, **LOW_CAPACITY)])
    except NotImplementedError:
        print("Not attempted yet: write the decide method of your fixed rule first.")
        return None
    return table.groupby("protocol", sort=False)[["mean_rounds", "mean_gain_civil_society"]].mean().T


q1 = Choice(
    "ex7.q1",
    "Which line of `BrokenRoughConsensus.decide` (as printed by `show_broken()`) holds the bug? "
    "Answer with its line number.",
    options=lambda: {
        str(n): line.strip() for n, line in enumerate(_decide_lines(), 1)
    },  # the line's own text names it too
    expected=lambda: _buggy_line(),
    wrong="That line does what rough consensus asks. Try the hand-made cases to see where the rule goes wrong.",
    hints=(
        "RFC 7282 does not count heads: objections are addressed, not outvoted. The model stands "
        "in for that with the share of objectors among those at the table. Whom does this rule "
        "divide by?",
        "Compare the rule with the docstring of govsim.protocols.rough_consensus, line by line.",
    ),
    explanation=(
        "n = int(table.members.sum()) divides the objectors by every member of the forum, present "
        "or not, so when many are absent the objecting share looks small and the draft passes "
        "too easily. It should be int(table.attending.sum())."
    ),
    solution_code=lambda: f"buggy_line = {_buggy_line()}",
)

q2 = ProtocolQuestion(
    "ex7.q2",
    "Fix the rule: write `FixedRoughConsensus`, a subclass of `BrokenRoughConsensus` whose `decide` "
    "follows rough consensus correctly (the objecting share among attendees at most `rho`, and no "
    "group with a majority of its attendees objecting).",
    name="fixed_rough_consensus",
    reference=FixedRoughConsensus,
    must_register=False,
    not_attempted=(BrokenRoughConsensus,),
    hints=(
        "Copy the body of BrokenRoughConsensus.decide into your class and change one line.",
        "Whose objections count, and out of how many?",
    ),
    explanation="Count attendees, not members, when computing the objecting share.",
)

q3 = YesNo(
    "ex7.q3",
    "With low capacities (`compare()` uses `civil_society.capacity = 0.2` and "
    "`business.capacity = 0.4`), does the broken rule need fewer rounds per issue than "
    "`bottom_up`? `True` or `False`.",
    expected=lambda: (
        mean_of(BrokenRoughConsensus, "mean_rounds", SEEDS, **LOW_CAPACITY)
        < mean_of("bottom_up", "mean_rounds", SEEDS, **LOW_CAPACITY)
    ),
    wrong="Not what the model shows: run compare() and read the mean_rounds row.",
    hints=(
        "With many absent, what happens to the objecting share when you divide by all members?",
        "compare() shows both rules side by side.",
    ),
    explanation=(
        "Yes: dividing by all members understates the objecting share, so drafts pass sooner; "
        "the absent are silently counted as if they agreed."
    ),
    solution_code="""
table = compare()
broken_is_faster = table.loc["mean_rounds", "broken_rough_consensus"] < table.loc["mean_rounds", "bottom_up"]
""",
)

QUESTIONS = (q1, q2, q3)
