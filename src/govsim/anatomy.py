"""The anatomy of a round, in plain words and as a diagram (notebook 02 teaches it).

:data:`ROUND_STEPS` says what :meth:`govsim.GovernanceModel.step` does, step by step, with the
formula in words and the parameters that steer it; :func:`plot_round` draws the steps as a flow
diagram. The words follow the code (``model.py``, ``deliberation.py``, ``protocols.py``,
``outcomes.py``); ``tests/test_anatomy.py`` checks that every parameter named here is a declared
one.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from itertools import pairwise

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch


@dataclass(frozen=True)
class Step:
    """One step of a round: its name, a one-line summary, the rule in plain words, the settings."""

    name: str
    summary: str
    rule: str
    settings: tuple[str, ...]


ROUND_STEPS: tuple[Step, ...] = (
    Step(
        "1. Attendance",
        "who is at the table",
        "Every government has a seat; of the others, the best-resourced share `openness` has one "
        "(highest capability first). A stakeholder with a seat comes this round with its chance "
        "`capacity`, raised by participation `support`: capacity + support x (1 - capacity). Under "
        "top-down rules only governments have seats.",
        ("capacity", "support", "openness"),
    ),
    Step(
        "2. Deliberation",
        "views move, within limits",
        "Random pairs of those present talk. Each moves `mu` of the way toward the other, but only "
        "if the two are closer than its `confidence` bound (bounded confidence: views far apart "
        "do not persuade). A share `transparency` of those absent follow the talks and hear one "
        "speaker the same way.",
        ("mu", "confidence", "transparency", "meetings"),
    ),
    Step(
        "3. Lobbying",
        "the corridor (top-down); then views pull back",
        "Top-down only: each non-government that came but has no seat pulls one government, picked "
        "at random, toward its own view with weight `lobbying` x its capability / (its capability "
        "+ the government's capability): the better-resourced pull harder. Then, under every rule, "
        "every view is pulled back toward where it started by its `stubbornness`: "
        "view = (1 - stubbornness) x view + stubbornness x first view.",
        ("lobbying", "stubbornness"),
    ),
    Step(
        "4. Proposal",
        "the text on the table",
        "First round: bottom-up tables the issue's initiating draft (blended by `draft_blend` with "
        "the attendees' compromise, their views averaged with weights for voice and salience); "
        "top-down tables the median of the views of the governments present that care about the "
        "dimension (salience above 0), dimension by dimension (with an even number of them, the "
        "midpoint of the two middle views). After a round that fails, the chair moves the text "
        "`revision_step` of the way toward the mean view of those who objected: new text = old "
        "text + revision_step x (objectors' mean view - old text). Example: text 0.80, objectors' "
        "mean 0.41, revision_step 0.1: new text 0.80 + 0.1 x (0.41 - 0.80) = 0.761.",
        ("draft_blend", "capability_voice", "revision_step"),
    ),
    Step(
        "5. Decision",
        "adopted or not",
        "A stakeholder's loss from a text is how far it is from its view, dimension by dimension, "
        "weighted by how much it cares, compared with the status quo. It objects when the loss "
        "exceeds its `tolerance`. Bottom-up adopts when at most a share `rho` object and no group "
        "has a majority of its attendees objecting (the model's stand-in for an unaddressed "
        "objection: RFC 7282 speaks of individuals and has no constituency veto). Top-down: a "
        "government votes yes only if the text is at least as good as the status quo for it; "
        "unanimity for `consensus_rounds` rounds, then a vote: more than half at "
        "`majority_threshold` = 0.5 (a tie fails), at least the threshold above one half. "
        "Consult-then-ratify: the bottom-up test first, then all governments vote on the text "
        "(`majority_threshold`); a failed vote sends it back to the table. Chambers: each of the "
        "four groups is a house of equal weight; the text passes when the houses' mean share in "
        "favour passes `chamber_threshold` and at least `min_chambers` houses have a majority for "
        "it. Regional: each region negotiates at its own table under its own rule, so regions can "
        "adopt different texts (their distance is the divergence).",
        ("tolerance", "rho", "consensus_rounds", "majority_threshold", "max_rounds"),
    ),
    Step(
        "6. Compliance",
        "after adoption: who goes along",
        "Each stakeholder complies unless the adopted text leaves it worse off than the status quo "
        "by more than its `tolerance`, plus `voice_bonus` if it was at the table or followed the "
        "talks (being heard makes a loss easier to accept; Tyler 1990). Voting yes needs no loss "
        "at all, so a government can vote no and still comply. Non-compliance is the "
        "capability-weighted share of those who do not comply (not a split network).",
        ("tolerance", "voice_bonus"),
    ),
)


def _box(ax: Axes, x: float, y: float, step: Step, color: str) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x - 0.075, y - 0.18), 0.15, 0.36, boxstyle="round,pad=0.01", facecolor=color, edgecolor="black"
        )
    )
    ax.text(x, y + 0.11, step.name, ha="center", va="center", fontsize=10, fontweight="bold")
    ax.text(x, y + 0.03, textwrap.fill(step.summary, 18), ha="center", va="center", fontsize=9)
    settings = textwrap.fill(", ".join(step.settings), 24)
    ax.text(
        x, y - 0.09, settings, ha="center", va="center", fontsize=7.5, family="monospace", color="#333333"
    )


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], text: str = "", **kw) -> None:
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "lw": 1.4, **kw})
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.03, text, ha="center", fontsize=9)


def plot_round(ax: Axes | None = None) -> Axes:
    """Flow diagram of one round: attendance, deliberation, lobbying, proposal, decision, and
    compliance once a text is adopted; a failed decision loops back to the next round."""
    if ax is None:
        _, ax = plt.subplots(figsize=(13, 4.2))
    xs = [0.1, 0.3, 0.5, 0.7, 0.9]
    colours = ["#dbe9f6", "#dbe9f6", "#f6e3d5", "#e3f0db", "#e3f0db"]
    for x, step, colour in zip(xs, ROUND_STEPS[:5], colours, strict=True):
        _box(ax, x, 0.7, step, colour)
    for a, b in pairwise(xs):
        _arrow(ax, (a + 0.08, 0.7), (b - 0.08, 0.7))
    _box(ax, 0.9, 0.2, ROUND_STEPS[5], "#f0f0f0")
    _arrow(ax, (0.9, 0.52), (0.9, 0.38))
    ax.text(0.91, 0.45, "adopted", fontsize=9)
    _arrow(ax, (0.83, 0.52), (0.1, 0.52), connectionstyle="arc3,rad=-0.25")
    ax.text(0.45, 0.22, "not adopted: next round (until max_rounds)", ha="center", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 0.92)
    ax.axis("off")
    ax.set_title("One round of govsim (one model.step()); step 3's lobbying only under top-down rules")
    return ax
