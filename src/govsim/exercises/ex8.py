"""Exercise 8 — an open question: recommend rules for a real negotiation, with evidence, then
assess your own answer against a rubric.

Nobody can mark an argument automatically: the check makes sure the answer has the stated
form (length, a figure, a named option) and shows the rubric; the answer counts as attempted.
"""

from __future__ import annotations

import inspect
import re
import textwrap

import numpy as np

from govsim.exercises.rubric import Essay, Evidence, SelfAssessment, named_rules, rubric_text
from govsim.exercises.runs import mean_of, runs
from govsim.protocols import protocol_names

SEEDS = range(10)
CRITERIA = {
    "recommendation": "Makes one clear recommendation: a rule and a lever.",
    "evidence": "Backs it with figures from seeded runs, naming the scenario, rules and seeds.",
    "tradeoff": "Names what the recommendation costs: time, ambition, or who gains less.",
    "uncertainty": "Says how sure the figures are: replicates, an interval or the spread over seeds.",
    "limits": "Says where the model stops: a stylized illustration with assumed profiles, not a forecast.",
}


def m(rule: str, column: str, **settings: float) -> float:
    """Mean of one summary column over seeds 0-9 of the classroom scenario."""
    return mean_of(rule, column, SEEDS, **settings)


FUNDED = {"support": 0.5}


def sample_claims() -> dict[str, bool]:
    """The comparisons the sample essay states, computed (the tests require every one True)."""
    gain = "mean_gain_civil_society"
    return {
        "with the same funding: civil society gains more under bottom_up than under top_down": m(
            "bottom_up", gain, **FUNDED
        )
        > m("top_down", gain, **FUNDED),
        "... and more than under consult_then_ratify with funding": m("bottom_up", gain, **FUNDED)
        > m("consult_then_ratify", gain, **FUNDED),
        "bottom_up takes more rounds than top_down (the cost)": m("bottom_up", "mean_rounds")
        > m("top_down", "mean_rounds"),
        "funding raises civil society's participation under bottom_up": m(
            "bottom_up", "mean_participation_civil_society", **FUNDED
        )
        > m("bottom_up", "mean_participation_civil_society"),
    }


def sample_essay() -> str:
    """A sample answer whose figures come from seeded runs (seeds 0-9, classroom) and whose
    comparisons hold for those figures (:func:`sample_claims`)."""
    gain = "mean_gain_civil_society"
    return (
        "I recommend bottom_up with participation funding (support = 0.5) for the rules on "
        "cross-border data flows. In ten seeded runs (seeds 0-9) of the classroom scenario, "
        f"top_down settled an issue in {m('top_down', 'mean_rounds'):.1f} rounds on average and "
        f"bottom_up with funding in {m('bottom_up', 'mean_rounds', **FUNDED):.1f}, so the cost of "
        "my choice is time, which a six-month deadline makes real. In exchange civil society sits "
        "at the table: its participation under bottom_up was "
        f"{m('bottom_up', 'mean_participation_civil_society'):.2f} without funding and "
        f"{m('bottom_up', 'mean_participation_civil_society', **FUNDED):.2f} with it, against zero "
        f"under top_down. With the same funding under every rule, its mean gain was "
        f"{m('bottom_up', gain, **FUNDED):+.3f} under bottom_up versus "
        f"{m('top_down', gain, **FUNDED):+.3f} under top_down and "
        f"{m('consult_then_ratify', gain, **FUNDED):+.3f} under consult_then_ratify. Ten replicates give only a rough idea: the spread over seeds is wide, and I "
        "would want the 95% intervals before trusting differences this small. The model is a "
        "stylized illustration with assumed group profiles, not a forecast, so I read the "
        "direction of the differences, not their size."
    )


LEVERS = ("openness", "support", "transparency")


def bundled_rules() -> list[str]:
    """The rules govsim itself registers (never a learner's class, which may be slow, endless
    or broken: its runs count through :func:`learner_numbers`)."""
    from govsim.protocols import PROTOCOLS, SEATINGS

    return [
        name
        for name in protocol_names()
        if (module := getattr(PROTOCOLS.get(name) or SEATINGS.get(name), "__module__", "")).startswith(
            "govsim."
        )
        and not module.startswith("govsim.exercises")
    ]


WINDOWS = (range(5), range(10), range(20))  # the seed ranges a learner's table may average over


def produced(answer: str) -> Evidence:
    """What runs produced that an essay may quote, by name (see
    :class:`govsim.exercises.rubric.Evidence`): for each bundled rule the essay names, at
    default settings and at each distinct lever value it names ("support = 0.5"), every
    measure column's mean and 95% interval ends over seeds 0-4, 0-9 and 0-19 and its value in
    each seed 0-19 (never the ``seed`` column, counts or settings); and every number in the
    tables, series, arrays, models and plain numbers of the learner's own notebook, under
    their names. A learner-registered rule is never run here (its runs are the learner's own).
    The settings are deduplicated, so the work does not grow with the essay's length."""
    from scipy import stats

    settings = {()} | {
        ((lever, float(value)),)
        for lever, value in re.findall(
            r"\b(openness|support|transparency)\s*(?:=|of|at|to)?\s*(\d*\.?\d+)", answer
        )
        if 0 <= float(value) <= 1
    }
    values: dict[str, list[float]] = {}
    for rule in named_rules(answer, bundled_rules()):
        for chosen in sorted(settings):
            try:
                table = runs(rule, WINDOWS[-1], **dict(chosen))
            except ValueError:
                continue
            where = " ".join(f"{lever}={value:g}" for lever, value in chosen)
            columns = [c for c in table.select_dtypes("number").columns if c not in MEASURE_EXCLUDED]
            for column in columns:
                x = table[column].to_numpy(dtype=float)
                name = f"{rule} {where} {column}"
                for seed, v in zip(table["seed"], x, strict=True):
                    values[f"{name} seed {int(seed)}"] = [float(v)]
                for seeds in WINDOWS:
                    part = x[: len(seeds)]
                    mean = float(part.mean())
                    half = float(stats.t.ppf(0.975, len(part) - 1) * part.std(ddof=1) / np.sqrt(len(part)))
                    span = f"{seeds.start}-{seeds.stop - 1}"
                    values[f"{name} mean {span}"] = [mean]
                    values[f"{name} interval {span}"] = [mean - half, mean + half]
    values.update(learner_numbers())
    return Evidence(values)


MEASURE_EXCLUDED = ("seed", "stakeholders", "n_issues")  # identifiers and counts, never a result


def learner_numbers(limit: int = 200_000) -> dict[str, list[float]]:
    """Every number in the tables, series, arrays, models and plain numbers of the notebook
    (the first frame outside govsim) that called the check, by name: a table's column under
    "variable column", its row under "variable row" (a table of measures by rule), a series
    under its variable and name, a model's summary under its measure names, a number under its
    variable. At most ``limit`` numbers."""
    import pandas as pd

    from govsim.model import GovernanceModel

    frame = inspect.currentframe()
    while frame is not None and frame.f_globals.get("__name__", "").startswith("govsim"):
        frame = frame.f_back
    if frame is None:
        return {}
    found: dict[str, list[float]] = {}
    count = 0
    for var, value in list(frame.f_globals.items()):
        if count > limit:
            break
        if var.startswith("_"):  # IPython's output history (_, __, _3): copies, not the learner's names
            continue
        try:
            if isinstance(value, GovernanceModel):
                value = pd.Series(value.summary())
            if isinstance(value, pd.Series):
                value = value.to_frame(name=str(value.name))
            if isinstance(value, pd.DataFrame):
                table = value.select_dtypes("number").iloc[: limit - count]
                for column in table.columns:
                    found[f"{var} {column}"] = table[column].to_numpy(dtype=float).tolist()
                if table.index.dtype == object:
                    for label, row in zip(table.index, table.to_numpy(dtype=float), strict=True):
                        found[f"{var} {label}"] = row.tolist()
                count += table.size
            elif isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
                found[var] = value.astype(float).ravel()[: limit - count].tolist()
                count += len(found[var])
            elif isinstance(value, float | np.floating):
                found[var] = [float(value)]
                count += 1
        except Exception:
            continue
    return found


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
    figures=produced,
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
    explanation=(
        "The sample answer, scored honestly: its figures back each comparison it makes, like for like "
        "(the same funding under every rule) "
        "(evidence 2), but it mentions intervals without computing one (uncertainty 1)."
    ),
)

QUESTIONS = (q1, q2)


def show_rubric() -> None:
    """Print the rubric the open question is assessed against."""
    print(rubric_text(CRITERIA))
