"""Exercise 8 — an open question: recommend rules for a real negotiation, with evidence, then
assess your own answer against a rubric.

Nobody can mark an argument automatically: the check makes sure the answer has the stated
form (length, a figure, a named option) and shows the rubric; the answer counts as attempted.
"""

from __future__ import annotations

import textwrap

from govsim.exercises.rubric import Essay, SelfAssessment, rubric_text
from govsim.exercises.runs import mean_of
from govsim.protocols import protocol_names

SEEDS = range(10)
CRITERIA = {
    "recommendation": "Makes one clear recommendation: a rule and a lever.",
    "evidence": "Backs it with figures from seeded runs, naming the scenario, rules and seeds.",
    "tradeoff": "Names what the recommendation costs: time, ambition, or who gains less.",
    "uncertainty": "Says how sure the figures are: replicates, an interval or the spread over seeds.",
    "limits": "Says where the model stops: a stylized illustration with assumed profiles, not a forecast.",
}


def sample_essay() -> str:
    """A sample answer whose figures come from seeded runs (seeds 0-9, classroom)."""

    def m(rule: str, column: str, **settings: float) -> float:
        return mean_of(rule, column, SEEDS, **settings)

    funded = {"support": 0.5}
    return (
        "I recommend consult_then_ratify with participation funding (support = 0.5) for the rules "
        "on cross-border data flows. In ten seeded runs (seeds 0-9) of the classroom scenario, "
        f"top_down settled an issue in {m('top_down', 'mean_rounds'):.1f} rounds on average and "
        f"consult_then_ratify in {m('consult_then_ratify', 'mean_rounds'):.1f}, so the cost of my "
        "choice is time. In exchange civil society sits at the table: its participation was "
        f"{m('consult_then_ratify', 'mean_participation_civil_society'):.2f} without funding and "
        f"{m('consult_then_ratify', 'mean_participation_civil_society', **funded):.2f} with it, "
        "against zero under top_down, and its mean gain was "
        f"{m('consult_then_ratify', 'mean_gain_civil_society', **funded):+.3f} with funding versus "
        f"{m('top_down', 'mean_gain_civil_society'):+.3f} under top_down. Governments keep the "
        "final say, which matters for compliance after a six-month deadline. Ten replicates give "
        "only a rough idea: the spread over seeds is wide, and I would want the 95% intervals "
        "before trusting small differences. The model is a stylized illustration with assumed "
        "group profiles, not a forecast, so I read the direction of the differences, not their size."
    )


q1 = Essay(
    "ex8.q1",
    "A regional body must agree rules on cross-border data flows within six months, and civil "
    "society has little money to travel. Which rule (protocol) and which lever (`openness`, "
    "`support`, `transparency`) would you recommend, and why? Write at least 80 words, name the "
    "rule you recommend, and quote at least one figure from a run you did.",
    criteria=CRITERIA,
    sample=sample_essay,
    min_words=80,
    mention_one_of=tuple(protocol_names()),
    hints=(
        "Start from one run per rule you consider, e.g. replicate(...) and compare(...) from "
        "govsim.teaching, and note two or three numbers.",
        "A good answer says what the recommendation costs, not only what it gains.",
    ),
    explanation="There is no single right answer. A sample answer that meets every criterion:",
    solution_code=lambda: 'essay = """\n' + textwrap.fill(sample_essay(), 92) + '\n"""',
)

q2 = SelfAssessment(
    "ex8.q2",
    "Score your answer 0 (not yet), 1 (partly) or 2 (fully) on each criterion of the rubric: "
    + ", ".join(f"`{c}`" for c in CRITERIA)
    + ".",
    criteria=CRITERIA,
    sample={"recommendation": 2, "evidence": 2, "tradeoff": 2, "uncertainty": 1, "limits": 2},
    hints=(
        "Read your answer once per criterion, looking only for that one thing.",
        "If a criterion scores 0, add one or two sentences and score again.",
    ),
    explanation="The sample answer, scored honestly: it mentions intervals but does not compute one.",
)

QUESTIONS = (q1, q2)


def show_rubric() -> None:
    """Print the rubric the open question is assessed against."""
    print(rubric_text(CRITERIA))
