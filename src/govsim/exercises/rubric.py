"""Open questions: nobody can mark an argument automatically, so the check makes sure the
answer meets the stated form (length, evidence) and then shows a rubric for self-assessment.

An accepted answer reports "Answer recorded" (truthy): attempted, not marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from govsim.exercises.answers import Refused, as_number, near_whole, option_words
from govsim.exercises.checks import Blank, Question, Result, Status, describe_type, is_blank

LEVELS = {0: "not yet", 1: "partly", 2: "fully"}


def words(text: str) -> list[str]:
    """Lower-case words; spaces, hyphens and underscores all separate (``top-down`` -> top, down)."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _occurrences(tokens: list[str], name: list[str]) -> list[int]:
    k = len(name)
    return [i for i in range(len(tokens) - k + 1) if tokens[i : i + k] == name]


AFTER_NAME = "with|for|and|because|since|as|under|over|in|on|to|so|but|which|rules?|protocol|layout|option"
CODE_QUOTES = "`'\"‘’“”"
NUMBER = re.compile(r"(?<![\w.])([+\-−]?)(\d+(?:\.\d+)?)(\s*%)?(?![\w])")


def named_rules(answer: str, names: Sequence[str]) -> list[str]:
    """The rule ``names`` that ``answer`` names *as such*: a name of two or more words
    (``bottom_up``) in any spelling (``bottom-up``, ``Bottom up``, ``BottomUp``), its class name
    or its label; a one-word name (``regional``, ``chambers``) only written as a name, in
    quotes or back-ticks, in its class's spelling, with "rule"/"protocol"/"layout" next to
    it or right after "recommend"/"propose"/"choose"/"prefer", so "regional organisations" or "parliamentary chambers" do not count."""
    from govsim.protocols import PROTOCOLS, SEATINGS

    found = []
    camel = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", answer)
    tokens = words(camel)
    for name in names:
        part = words(name)
        cls = PROTOCOLS.get(name) or SEATINGS.get(name)
        label = getattr(cls, "label", "") if isinstance(cls, type) else ""
        if label and words(label) and _occurrences(tokens, words(label)) and len(words(label)) > 1:
            found.append(name)
            continue
        if len(part) > 1:
            if _occurrences(tokens, part):
                found.append(name)
            continue
        quoted = rf"[{CODE_QUOTES}]{re.escape(name)}[{CODE_QUOTES}]"
        beside = (
            rf"\b{re.escape(name)}\s+(rule|protocol|layout|option)s?\b|\b(rule|protocol|layout)\s+{re.escape(name)}\b"
            rf"|\b(recommend|propose|choose|prefer|advocate|suggest)(s|ed|ing)?\s+(the\s+|a\s+)?{re.escape(name)}"
            rf"(?=\s*([.,;:!?)]|$)|\s+({AFTER_NAME})\b)"  # "regional organisations" is not the rule
        )
        cls_name = cls.__name__ if isinstance(cls, type) else ""
        if (
            re.search(quoted, answer, re.I)
            or re.search(beside, answer, re.I)
            or (cls_name and re.search(rf"\b{cls_name}\b", answer))
        ):
            found.append(name)
    return found


def quoted_figures(answer: str) -> list[tuple[float, int]]:
    """(value, decimals shown) of each figure in ``answer`` that could come from a run: a
    number with a decimal point or a % sign, or a whole number of rounds; not part of a word
    ("G20"), not a setting value ("support = 0.5"), not the level of an interval ("95%
    interval"); a percentage is read as a share."""
    found = []
    for match in NUMBER.finditer(answer):
        sign, digits, percent = match.groups()
        after = answer[match.end() : match.end() + 25].lower()
        if "." not in digits and not percent and not re.match(r"\s*(more\s+|fewer\s+)?rounds?\b", after):
            continue  # a count of seeds, runs or issues, or a year, is not a figure from a run
        if percent and re.match(r"\s*(confidence|interval|ci\b)", after):
            continue
        before = answer[max(0, match.start() - 20) : match.start()].lower()
        if re.search(r"(openness|support|transparency|capacity|rho|seeds?)\s*(=|of|at|to)?\s*$", before):
            continue
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        value = float(digits) * (-1 if sign in "-−" and sign else 1)
        if percent:
            value, decimals = value / 100, decimals + 2
        found.append((value, decimals))
    return found


def run_figures(answer: str, produced: Iterable[float]) -> list[float]:
    """The figures of ``answer`` equal, sign included, to the rounding shown, to a number in ``produced``."""
    values = [float(v) for v in produced if v == v]
    hits = []
    for value, decimals in quoted_figures(answer):
        half = 0.5 * 10**-decimals + 1e-12
        if any(abs(v - value) <= half for v in values):  # signed: -0.02 is not 0.02
            hits.append(value)
    return hits


def rubric_text(criteria: dict[str, str]) -> str:
    """The rubric as lines a learner can score against: one criterion per line, 0/1/2 each."""
    lines = [f"Score yourself 0 ({LEVELS[0]}), 1 ({LEVELS[1]}) or 2 ({LEVELS[2]}) on each criterion:"]
    lines += [f"  [{key}] {text}" for key, text in criteria.items()]
    return "\n".join(lines)


class Essay(Question):
    """A written answer of at least ``min_words`` words that quotes at least one figure."""

    kind = "open question"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        criteria: dict[str, str],
        sample: Callable[[], str],
        min_words: int = 80,
        mention_one_of: Sequence[str] = (),
        figures: Callable[[str], Iterable[float]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("solution_code", lambda: f"essay = {self.reference()!r}")
        super().__init__(qid, text, **kwargs)
        self.criteria = dict(criteria)
        self.sample = sample
        self.min_words = min_words
        self.mention_one_of = tuple(mention_one_of)
        self.figures = figures

    def reference(self) -> str:
        """A sample answer (its figures are computed from the model, not typed in)."""
        return self.sample()

    def judge(self, answer: Any) -> Result:
        """Attempted (never graded) when long enough, backed by a run's figure and naming a rule where asked."""
        if not isinstance(answer, str):
            return self.result(
                Status.INCORRECT, f"Wrong type: expected text (a string), got {describe_type(answer)}."
            )
        words = len(answer.split())
        if words < self.min_words:
            return self.result(Status.INCORRECT, f"Write at least {self.min_words} words (you have {words}).")
        if self.mention_one_of and not named_rules(answer, self.mention_one_of):
            options = ", ".join(self.mention_one_of)
            return self.result(
                Status.INCORRECT,
                f"Your answer names no rule: name the one you recommend (one of: {options}, written "
                "as its name, e.g. bottom_up or `regional`).",
            )
        if self.figures is not None and not run_figures(answer, self.figures(answer)):
            return self.result(
                Status.INCORRECT,
                "Back your answer with at least one figure from your runs, or from runs of the rules "
                "and settings you name (a number such as 0.43, +0.012 or 72%, sign included, as a run "
                "or your table showed it); years, counts of seeds and setting values do not count.",
            )
        return self.result(Status.ATTEMPTED, f"{words} words.\n{rubric_text(self.criteria)}")


class SelfAssessment(Question):
    """Scores 0-2 for every criterion of ``criteria`` (a dict); reports the total."""

    kind = "self-assessment"

    def __init__(
        self, qid: str, text: str, *, criteria: dict[str, str], sample: dict[str, int], **kwargs: Any
    ):
        kwargs.setdefault("solution_code", f"scores = {sample!r}")
        super().__init__(qid, text, **kwargs)
        self.criteria = dict(criteria)
        self.sample = dict(sample)

    def reference(self) -> dict[str, int]:
        """The sample self-assessment scores, one per criterion."""
        return dict(self.sample)

    def judge(self, answer: Any) -> Result:
        """Attempted when every criterion has a score of 0, 1 or 2."""
        if not isinstance(answer, dict):
            return self.result(
                Status.INCORRECT, f"Wrong type: expected a dict of scores, got {describe_type(answer)}."
            )
        if all(is_blank(v) for v in answer.values()):
            raise Blank
        keys = {option_words(k): k for k in self.criteria}
        unknown = [k for k in answer if option_words(str(k)) not in keys]
        if unknown:
            return self.result(
                Status.INCORRECT, f"Unknown criterion {unknown[0]!r} (allowed: {', '.join(self.criteria)})."
            )
        given = {keys[option_words(str(k))]: v for k, v in answer.items()}
        missing = [k for k in self.criteria if k not in given or is_blank(given[k])]
        if missing:
            return self.result(Status.INCORRECT, f"Score every criterion; missing: {', '.join(missing)}.")
        scores = {}
        for k, v in given.items():
            try:
                score = near_whole(as_number(v, "a score").value)
            except Refused:
                score = None
            if score not in LEVELS:
                return self.result(Status.INCORRECT, f"Scores are 0, 1 or 2; {k!r} has {v!r}.")
            scores[k] = int(score)
        answer = scores
        total, top = sum(answer.values()), 2 * len(self.criteria)
        weakest = [self.criteria[k] for k, v in answer.items() if v == 0]
        advice = f" Revisit first: {weakest[0]}" if weakest else ""
        return self.result(Status.ATTEMPTED, f"Self-assessed {total} of {top}.{advice}")
