"""The room's predict-then-run questions and the model's answers to them over many seeds.

The questions are notebook 02's predict-then-run sheet (``src/govsim/data/worksheets.toml``,
``["02_top_down_vs_bottom_up".predict]``), the same the printed handout carries: one question
per measure, "the second rule compared with the first" (bottom-up compared with top-down), to be
answered ↑ (higher), ↓ (lower) or = (about the same).

The model's answer runs both rules on the classroom scenario over the seeds given, through the
very runs the exercise checks and the course's stated facts use
(:func:`govsim.exercises.runs.runs`, cached in memory and on disk), so the projector, the
notebooks and the handouts' facts (:mod:`govsim.handouts.facts`) cannot disagree.

**How an option holds in one seed.** With the first rule's value ``a`` and the second's ``b``
on the same seed, "=" holds when ``math.isclose(b, a, rel_tol=0.05, abs_tol=0.005)`` (within 5%
of the larger of the two, or within 0.005 in the measure's units, for values near zero), else
"↑" when ``b > a`` and "↓" when ``b < a``: exactly one option holds in every seed. The model's
answer is the option that holds in most seeds; a tie goes to "=" (the seeds do not tell the two
rules apart).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

import numpy as np

from govsim.exercises.runs import runs
from govsim.handouts.content import worksheet_in_language, worksheets
from govsim.i18n import N_, _, language, name, percent
from govsim.protocols import rule_in_words

SHEET = "02_top_down_vs_bottom_up"  # the notebook whose predict-then-run sheet the room asks
SCENARIO = "classroom"
SEEDS = range(50)  # the seeds the projector's answer is computed over unless told otherwise
REL_TOL = 0.05  # "=": within 5% of the larger value ...
ABS_TOL = 0.005  # ... or within 0.005 in the measure's units
HIGHER, LOWER, SAME = "↑", "↓", "="
OPTIONS = (HIGHER, LOWER, SAME)
WORDS = {HIGHER: N_("higher"), LOWER: N_("lower"), SAME: N_("about the same")}


@dataclass(frozen=True)
class RoomQuestion:
    """One predict-then-run question: ``qid`` (``"02.mean_rounds"``), ``text``, ``options``
    (↑ ↓ =), ``labels`` (each option with its word: ``"↑ higher"``), ``measure`` (a summary
    column of :meth:`govsim.model.GovernanceModel.summary`), ``label`` (the sheet's name for
    it), ``rules`` (first, second: the second is compared with the first) and ``scenario``."""

    qid: str
    text: str
    options: tuple[str, ...]
    labels: dict[str, str]
    measure: str
    label: str
    rules: tuple[str, str]
    scenario: str = SCENARIO


@dataclass(frozen=True)
class RuleRuns:
    """One rule's value of the measure over the seeds: ``mean``, ``spread`` (the sample
    standard deviation over seeds, 0 for one seed) and ``values`` (one per seed, in seed order)."""

    rule: str
    mean: float
    spread: float
    values: tuple[float, ...]


@dataclass(frozen=True)
class ModelAnswer:
    """The model's answer to a room question over ``seeds``: ``rules`` (first and second rule's
    :class:`RuleRuns`), ``holds`` (option -> the option that holds in each seed, see the module
    docstring), ``shares`` (option -> share of seeds in which it holds; they sum to 1),
    ``answer`` (the option holding in most seeds) and ``sentence`` (one line for the projector,
    naming the seeds)."""

    qid: str
    seeds: tuple[int, ...]
    rules: tuple[RuleRuns, RuleRuns]
    holds: tuple[str, ...]
    shares: dict[str, float]
    answer: str
    sentence: str

    def as_json(self) -> dict[str, Any]:
        """Plain data for a page (lists, floats, text)."""
        return {
            "qid": self.qid,
            "seeds": list(self.seeds),
            "n": len(self.seeds),
            "rules": [
                {"rule": r.rule, "mean": r.mean, "spread": r.spread, "values": list(r.values)}
                for r in self.rules
            ],
            "holds": list(self.holds),
            "shares": dict(self.shares),
            "answer": self.answer,
            "sentence": self.sentence,
        }


def rule_name(rule: str) -> str:
    """How a rule is said in a sentence, in the current language: ``"bottom_up"`` ->
    ``"bottom-up (multistakeholder) rules"`` (:func:`govsim.protocols.rule_in_words`)."""
    return rule_in_words(rule, sentence=True)


def measure_label(question: RoomQuestion) -> str:
    """The sheet's name of the question's measure in the current language (the worksheet's
    translation, ``data/lang/<lang>/worksheets.toml``)."""
    predict = worksheet_in_language(SHEET, worksheets()[SHEET])["predict"]
    return dict(predict["measures"]).get(question.measure, question.label)


def scenario_title(scenario: str) -> str:
    """The short name of ``scenario`` in the current language: its title up to the colon
    (``"Classroom"``, ``"Salle de classe"``)."""
    from govsim.i18n import PSEUDO, current, mark
    from govsim.scenarios import load_scenario

    title = load_scenario(scenario).title
    if current() == PSEUDO:  # the mark around the part kept, not cut in two
        return mark(title.split(":")[0].strip())
    return name(title).split(":")[0].strip()


def question_words(question: RoomQuestion) -> dict[str, Any]:
    """What a page shows of ``question`` in the current language (:mod:`govsim.i18n`): ``text``
    (the measure's label from the worksheet's translation, ``data/lang/<lang>/worksheets.toml``,
    and the two rules in words) and ``labels`` (each option with its word: ``"↑ higher"``).
    :class:`RoomQuestion` keeps the English."""
    first, second = question.rules
    text = _("{measure}: {second} compared with {first}?").format(
        measure=measure_label(question), second=rule_name(second), first=rule_name(first)
    )
    return {"text": text, "labels": {option: f"{option} {_(WORDS[option])}" for option in question.options}}


@cache
def room_questions() -> dict[str, RoomQuestion]:
    """Every room question, by id, in the sheet's order.

    Raises
    ------
    ValueError
        The worksheet has no predict table, or it does not name exactly two rules.
    """
    predict = worksheets()[SHEET].get("predict")
    if not predict or len(predict["rules"]) != 2:
        raise ValueError(f"worksheets.toml, [{SHEET}]: the predict table must name two rules")
    first, second = predict["rules"]
    found = {}
    for measure, label in predict["measures"]:
        qid = f"{SHEET[:2]}.{measure}"
        question = RoomQuestion(qid, "", OPTIONS, {}, measure, label, (first, second))
        with language("en"):
            said = question_words(question)
        found[qid] = RoomQuestion(qid, said["text"], OPTIONS, said["labels"], measure, label, (first, second))
    return found


def room_question(qid: Any) -> RoomQuestion:
    """The room question ``qid``, or a one-line ``ValueError`` naming the allowed ids."""
    questions = room_questions()
    if not isinstance(qid, str) or qid not in questions:
        raise ValueError(f"question={qid!r} is not a room question (allowed: {', '.join(questions)})")
    return questions[qid]


def option_holding(first: float, second: float) -> str:
    """The option that holds for one seed: ``second`` compared with ``first`` (module docstring)."""
    if math.isclose(second, first, rel_tol=REL_TOL, abs_tol=ABS_TOL):
        return SAME
    return HIGHER if second > first else LOWER


def most_held(holds: Sequence[str]) -> str:
    """The option that holds in most seeds; a tie between options goes to "=" (module docstring).

    Raises
    ------
    ValueError
        ``holds`` is empty.
    """
    if not holds:
        raise ValueError("holds=() is empty (allowed: the option holding in each of one or more seeds)")
    counts = Counter(holds)
    most = max(counts.values())
    leading = [option for option in OPTIONS if counts[option] == most]
    return SAME if len(leading) > 1 else leading[0]


def _number(value: float) -> str:
    """A mean as the projector shows it, in the current locale: three significant digits, and
    no powers of ten (``2.3e-06`` is ``0.000``, 1234.5 is ``1234``)."""
    from govsim.i18n import decimal

    if abs(value) < 0.01:
        return decimal(value, 3)
    if abs(value) >= 1000:
        return decimal(value, 0)
    return decimal(value, max(0, 2 - math.floor(math.log10(abs(value)))))


def _seeds(seeds: Iterable[int]) -> tuple[int, ...]:
    found = tuple(seeds)
    if not found or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0 for s in found):
        raise ValueError(f"seeds={found!r} must be one or more whole numbers >= 0")
    if len(set(found)) != len(found):
        raise ValueError(f"seeds={found!r} name a seed twice (allowed: distinct seeds)")
    return tuple(int(s) for s in found)


def span(seeds: Sequence[int]) -> str:
    """How the projector names the seeds, in the current language: ``"50 seeds (0-49)"``,
    ``"3 seeds (1, 5, 9)"``."""
    n = len(seeds)
    if n > 1 and list(seeds) == list(range(seeds[0], seeds[0] + n)):
        return _("{n} seeds ({first}-{last})").format(n=n, first=seeds[0], last=seeds[-1])
    shown = ", ".join(map(str, seeds[:5])) + (", ..." if n > 5 else "")
    said = _("1 seed ({seeds})") if n == 1 else _("{n} seeds ({seeds})")
    return said.format(n=n, seeds=shown)


def answer_sentence(answer: ModelAnswer) -> str:
    """The model's answer in one line for the projector, in the current language (its numbers
    in the locale): which option held in most seeds, in what share, and the two means."""
    question = room_questions()[answer.qid]
    first, second = answer.rules
    label = measure_label(question)
    said = (
        _(
            "Over {seeds} of the {scenario} scenario, {measure} was about the same under {second} as under {first} in {share} of the seeds (mean {second_mean} against {first_mean})."
        )
        if answer.answer == SAME
        else _(
            "Over {seeds} of the {scenario} scenario, {measure} was higher under {second} than under {first} in {share} of the seeds (mean {second_mean} against {first_mean})."
        )
        if answer.answer == HIGHER
        else _(
            "Over {seeds} of the {scenario} scenario, {measure} was lower under {second} than under {first} in {share} of the seeds (mean {second_mean} against {first_mean})."
        )
    )
    return said.format(
        seeds=span(answer.seeds),
        scenario=scenario_title(question.scenario),
        measure=label[:1].lower() + label[1:],
        second=rule_name(second.rule),
        first=rule_name(first.rule),
        share=percent(answer.shares[answer.answer]),
        second_mean=_number(second.mean),
        first_mean=_number(first.mean),
    )


def model_answer(qid: str, seeds: Iterable[int] = SEEDS) -> ModelAnswer:
    """The model's answer to room question ``qid``: both rules run on the question's scenario
    with each of ``seeds`` (the same seed for both rules), compared seed by seed.

    Cached per (qid, seeds). The first call for a set of seeds runs 2 x len(seeds) models
    (about 20 ms each on the classroom scenario), later ones read the cache.

    Raises
    ------
    ValueError
        An unknown ``qid``, or ``seeds`` empty, negative, repeated or not whole numbers.
    """
    return _model_answer(room_question(qid).qid, _seeds(seeds))


@lru_cache(maxsize=64)
def _model_answer(qid: str, seeds: tuple[int, ...]) -> ModelAnswer:
    question = room_questions()[qid]
    per_rule = []
    for rule in question.rules:
        table = runs(rule, seeds, question.scenario).set_index("seed").loc[list(seeds)]
        values = table[question.measure].to_numpy(dtype=float)
        spread = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
        per_rule.append(RuleRuns(rule, float(np.mean(values)), spread, tuple(float(v) for v in values)))
    first, second = per_rule
    holds = tuple(option_holding(a, b) for a, b in zip(first.values, second.values, strict=True))
    counts = Counter(holds)
    shares = {option: counts[option] / len(seeds) for option in OPTIONS}
    answer = ModelAnswer(qid, seeds, (first, second), holds, shares, most_held(holds), "")
    with language("en"):
        return replace(answer, sentence=answer_sentence(answer))


def tally(qid: str, predictions: Iterable[Any]) -> dict[str, int]:
    """How many predictions chose each option of question ``qid`` (every option present, in
    order). ``predictions`` are option strings or objects with a ``value`` (the store's
    :class:`~govsim.room.store.Prediction`).

    Raises
    ------
    ValueError
        An unknown ``qid``, or a prediction that is not one of its options.
    """
    options = room_question(qid).options
    counts = dict.fromkeys(options, 0)
    for prediction in predictions:
        value = getattr(prediction, "value", prediction)
        if value not in counts:
            raise ValueError(
                f"prediction={value!r} is not an option of {qid} (allowed: {', '.join(options)})"
            )
        counts[value] += 1
    return counts
