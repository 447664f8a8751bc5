"""Open questions: nobody can mark an argument automatically, so the check makes sure the
answer meets the stated form (length, evidence) and then shows a rubric for self-assessment.

An accepted answer reports "Answer recorded" (truthy): attempted, not marked.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govsim.exercises.answers import Blank, Number, Refused, as_number, near_whole, option_words, read_number
from govsim.exercises.checks import Question, Result, Status, describe_type, is_blank

LEVELS = {0: "not yet", 1: "partly", 2: "fully"}
ESSAY_LIMIT = 2_000_000  # characters: far beyond any essay (a pasted notebook), checked in linear time below


def words(text: str) -> list[str]:
    """Lower-case words; spaces, hyphens and underscores all separate (``top-down`` -> top, down)."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _occurs(joined: str, name: list[str]) -> bool:
    """Whether the words ``name`` occur in a row in ``joined`` (words joined by single spaces,
    with a space at each end): one substring search, linear in the text."""
    return f" {' '.join(name)} " in joined


AFTER_NAME = "with|for|and|because|since|as|under|over|in|on|to|so|but|which|rules?|protocol|layout|option"
CODE_QUOTES = "`'\"‘’“”"
# a figure: digits with one decimal point or comma ("0.43", "0,43"), not part of a word, a
# list of numbers ("seeds 1,2,3") or a longer number; read by answers.read_number
NUMBER = re.compile(r"(?<![\w.])(?<!\d,)([+\-−]?)(\d+(?:[.,]\d+)?)(?![.,]?\d)(\s*%)?(?![\w])")


def named_rules(answer: str, names: Sequence[str]) -> list[str]:
    """The rule ``names`` that ``answer`` names *as such*: a name of two or more words
    (``bottom_up``) in any spelling (``bottom-up``, ``Bottom up``, ``BottomUp``), its class name
    or its label; a one-word name (``regional``, ``chambers``) only written as a name, in
    quotes or back-ticks (``Regional`` too), as code (``Regional()``), as "the chambers
    rule", "regional protocol" or "rule regional", or right after
    "recommend"/"propose"/"choose"/"prefer" and before a connecting word or punctuation. Never
    the plain English word, capitalised or not: "regional organisations", "Regional bodies
    move slowly", "Chambers of commerce" and "parliamentary chambers" do not count. Linear in
    the length of ``answer``."""
    from govsim.protocols import PROTOCOLS, SEATINGS

    found = []
    camel = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", answer)
    joined = f" {' '.join(words(camel))} "
    lowered = answer.lower()
    for name in names:
        part = words(name)
        cls = PROTOCOLS.get(name) or SEATINGS.get(name)
        label = getattr(cls, "label", "") if isinstance(cls, type) else ""
        if label and len(words(label)) > 1 and _occurs(joined, words(label)):
            found.append(name)
            continue
        if len(part) > 1:
            if _occurs(joined, part):
                found.append(name)
            continue
        cls_name = cls.__name__ if isinstance(cls, type) else name
        if name.lower() not in lowered and cls_name.lower() not in lowered:
            continue  # not written at all: no need to look for it in context
        spellings = "|".join(sorted({re.escape(name), re.escape(cls_name)}))
        quoted = rf"[{CODE_QUOTES}]({spellings})[{CODE_QUOTES}]|\b({spellings})\s*\("
        beside = (
            rf"\bthe\s+({spellings})\s+(rule|protocol|layout|option)\b"
            rf"|\b({spellings})\s+(protocol|layout)s?\b|\b(rule|protocol|layout)\s+({spellings})\b"
            rf"|\b(recommend|propose|choose|prefer|advocate|suggest)(s|ed|ing)?\s+(the\s+|a\s+)?({spellings})"
            rf"(?=\s*([.,;:!?)]|$)|\s+({AFTER_NAME})\b)"  # "regional organisations" is not the rule
        )
        if re.search(quoted, answer, re.I) or re.search(beside, answer, re.I):
            found.append(name)
    return found


@dataclass(frozen=True)
class Figure:
    """A figure an essay quotes: its value (a share for a percentage), the digits shown after
    the decimal mark, and where it stands (``start``, ``end``: character offsets)."""

    value: float
    decimals: int
    start: int
    end: int


def _figures(answer: str) -> list[Figure]:
    found = []
    for match in NUMBER.finditer(answer):
        sign, digits, percent = match.groups()
        after = answer[match.end() : match.end() + 25].lower()
        whole = not re.search(r"[.,]", digits)
        if whole and not percent and not re.match(r"\s*(more\s+|fewer\s+)?rounds?\b", after):
            continue  # a count of seeds, runs or issues, or a year, is not a figure from a run
        if percent and re.match(r"\s*(confidence|interval|ci\b)", after):
            continue
        before = answer[max(0, match.start() - 20) : match.start()].lower()
        if re.search(r"(openness|support|transparency|capacity|rho|seeds?)\s*(=|of|at|to)?\s*$", before):
            continue
        try:  # the one reader of numbers in text: "0,43" is 0.43; "1,234" is ambiguous, skipped
            number = read_number(sign.replace("−", "-") + digits + ("%" if percent else ""))
        except Refused:
            continue
        value, decimals = number.value, number.decimals or 0
        if number.percent:
            value, decimals = value / 100, decimals + 2
        found.append(Figure(value, decimals, match.start(), match.end()))
    return found


def quoted_figures(answer: str) -> list[tuple[float, int]]:
    """(value, decimals shown) of each figure in ``answer`` that could come from a run: a
    number with a decimal point or comma ("0.43", "0,43") or a % sign, or a whole number of
    rounds; not part of a word ("G20"), not a setting value ("support = 0.5"), not the level of
    an interval ("95% interval"); a percentage is read as a share."""
    return [(f.value, f.decimals) for f in _figures(answer)]


# The measures an essay's words name, as patterns of the column names that hold them: a
# figure counts only beside the measure it is, so it is compared with that measure's values
# alone, not with every number a run produced (a pool of hundreds of numbers would match
# most invented two-decimal figures by chance).
MEASURE_WORDS = {
    r"rounds?|settled?|settles|took|takes|time|slow\w*|fast\w*|quick\w*": "rounds",
    r"particip\w*|attend\w*|present|at\s+the\s+table|seats?": "participation",
    r"gain\w*|benefit\w*|better\s+off|worse\s+off|payoffs?|los[st]\w*|welfare": "gain",
    r"compl\w*|noncompl\w*": "compliance",
    r"adopt\w*|agree\w*|passe[sd]": "adoption",
    r"object\w*|block\w*": "objecting",
    r"ambiti\w*": "ambition",
    r"diverg\w*": "divergence",
}
GROUP_WORDS = {
    r"civil\W+society|civil_society|ngos?": "civil_society",
    r"governments?|states?": "government",
    r"business\w*|industry|compan\w*|firms?": "business",
    r"technical|engineers?": "technical",
}
INTERVAL_WORDS = r"interval|\bci\b|confidence|between|±|\+/-|range"
_MEASURES = re.compile("|".join(f"(?P<m{i}>\\b(?:{w})\\b)" for i, w in enumerate(MEASURE_WORDS)), re.I)
_GROUPS = re.compile("|".join(f"(?P<g{i}>\\b(?:{w})\\b)" for i, w in enumerate(GROUP_WORDS)), re.I)
_ONE_SEED = re.compile(r"\bseed\s+(\d+)\b(?!\s*(?:[-–]|to\b))", re.I)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n\s*\n")
SEEDS_KEPT = 20  # per-seed values an essay may quote: seeds 0-19
CONTEXT = 200  # characters either side of a figure, within its sentence, that can name its measure


@dataclass(frozen=True)
class Evidence:
    """What runs produced that an essay may quote: ``values`` maps a name (rule, settings,
    measure column and what was taken: ``"bottom_up support=0.5 mean_rounds mean 0-9"``,
    ``"... interval 0-9"``, ``"... seed 3"``) to its numbers. The learner's own tables count
    under their variable, column and row names."""

    values: Mapping[str, Sequence[float]]

    def pool(
        self, measures: frozenset[str], groups: frozenset[str], interval: bool, seeds: frozenset[int]
    ) -> list[float]:
        """The sorted numbers of the named ``measures`` (for the named ``groups`` when any is
        named): means, interval ends when ``interval``, per-seed values of the named ``seeds``."""
        others = [g for g in GROUP_WORDS.values() if g not in groups]
        found = []
        for name, values in self.values.items():
            low = name.lower()
            if not any(m in low for m in measures):
                continue
            if groups and any(g in low for g in others) and not any(g in low for g in groups):
                continue
            kind = re.search(r" (mean|interval|seed) ?(\d*)[^ ]*$", low)
            if kind and kind.group(1) == "interval" and not interval:
                continue
            if kind and kind.group(1) == "seed" and int(kind.group(2) or -1) not in seeds:
                continue
            found.extend(float(v) for v in values if v == v)
        return sorted(found)


def run_figures(answer: str, evidence: Evidence | Iterable[float]) -> list[float]:
    """The figures of ``answer`` equal, sign included and to the rounding shown, to a number
    the runs produced *for the measure named beside the figure* (in its sentence, at most
    :data:`CONTEXT` characters away: rounds, participation, gain, compliance, adoption,
    objecting, ambition, divergence; narrowed to a group when one is named): a mean over the
    seeds, an interval end when the sentence speaks of an interval, one seed's value when the
    sentence names that seed. A figure beside no measure does not count. ``evidence`` may also
    be plain numbers (then every figure is compared with all of them). Linear in the length of
    ``answer``: each distinct context is looked up once, each figure by bisection."""
    figures = _figures(answer)
    if not isinstance(evidence, Evidence):
        values = sorted(float(v) for v in evidence if v == v)
        return [f.value for f in figures if _near(values, f)]
    ends = [m.end() for m in _SENTENCE_END.finditer(answer)]
    # where each measure, group, interval word and single seed is named: one pass over the text
    places: dict[Any, list[int]] = {}
    for pattern, kinds in ((_MEASURES, list(MEASURE_WORDS.values())), (_GROUPS, list(GROUP_WORDS.values()))):
        for m in pattern.finditer(answer):
            places.setdefault(kinds[int(m.lastgroup[1:])], []).append(m.start())
    for m in re.finditer(INTERVAL_WORDS, answer, re.I):
        places.setdefault("interval", []).append(m.start())
    for m in _ONE_SEED.finditer(answer):
        if int(m.group(1)) < SEEDS_KEPT:  # per-seed values are kept for seeds 0-19 only
            places.setdefault(("seed", int(m.group(1))), []).append(m.start())

    def named(start: int, stop: int) -> frozenset:
        return frozenset(
            kind for kind, at in places.items() if bisect_left(at, stop) > bisect_left(at, start)
        )

    pools: dict[tuple, list[float]] = {}
    hits = []
    measures_all = set(MEASURE_WORDS.values())
    groups_all = set(GROUP_WORDS.values())
    for figure in figures:
        i = bisect_right(ends, figure.start)
        start = max(ends[i - 1] if i else 0, figure.start - CONTEXT)
        stop = min(ends[i] if i < len(ends) else len(answer), figure.end + CONTEXT)
        near = named(start, stop)
        measures = frozenset(k for k in near if k in measures_all)
        if not measures:
            continue
        groups = frozenset(k for k in near if k in groups_all)
        seeds = frozenset(k[1] for k in near if isinstance(k, tuple))
        key = (measures, groups, "interval" in near, seeds)
        if key not in pools:
            pools[key] = evidence.pool(*key)
        if _near(pools[key], figure):
            hits.append(figure.value)
    return hits


def _near(values: list[float], figure: Figure) -> bool:
    """Whether a sorted list holds a value that rounds to ``figure`` at its shown decimals."""
    half = 0.5 * 10**-figure.decimals + 1e-12
    return bisect_right(values, figure.value + half) > bisect_left(values, figure.value - half)


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
        figures: Callable[[str], Evidence | Iterable[float]] | None = None,
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

    def read(self, answer: Any) -> str:
        """The essay as plain text (whatever a ``str`` subclass overrides); :class:`Refused` for
        another type or text over :data:`ESSAY_LIMIT` characters."""
        if not isinstance(answer, str):
            raise Refused(f"Wrong type: expected text (a string), got {describe_type(answer)}.")
        if len(answer) > ESSAY_LIMIT:
            raise Refused(
                f"Your answer is {len(answer):,} characters long; an essay here has at most "
                f"{ESSAY_LIMIT:,}: keep the argument and its figures, leave out pasted tables."
            )
        return str.__str__(answer)

    def judge(self, answer: Any) -> Result:
        """Attempted (never graded) when long enough, backed by a run's figure and naming a rule where asked."""
        answer = self.read(answer)
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
                'and settings you name, in the sentence that names its measure (e.g. "civil '
                'society\'s participation was 0.43", "5.1 rounds", a gain of +0.012 or 72%, sign '
                "included, as a run or your table showed it); years, seed numbers and setting values "
                "do not count.",
            )
        return self.result(Status.ATTEMPTED, f"{words} words.\n{rubric_text(self.criteria)}")


class _Shown(str):
    """A score that is not a number, kept as the text that shows it."""

    def __repr__(self) -> str:
        return str.__str__(self)


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

    def read(self, answer: Any) -> dict[str, Any]:
        """The scores as a plain dict: keys as text, each score a :class:`Number` where it is
        one, None where blank, its text (at most 40 characters) otherwise."""
        if not isinstance(answer, dict):
            raise Refused(f"Wrong type: expected a dict of scores, got {describe_type(answer)}.")
        scores: dict[str, Any] = {}
        for key, value in list(answer.items()):
            if is_blank(value):
                scores[str(key)] = None
                continue
            try:
                scores[str(key)] = as_number(value, "a score")
            except Refused:
                scores[str(key)] = _Shown(repr(value)[:40])
        return scores

    def judge(self, answer: Any) -> Result:
        """Attempted when every criterion has a score of 0, 1 or 2."""
        answer = self.read(answer)
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
            score = near_whole(v.value) if isinstance(v, Number) else None
            if score not in LEVELS:
                shown = f"{v.value:g}" if isinstance(v, Number) else repr(v)
                return self.result(Status.INCORRECT, f"Scores are 0, 1 or 2; {k!r} has {shown}.")
            scores[k] = int(score)
        answer = scores
        total, top = sum(answer.values()), 2 * len(self.criteria)
        weakest = [self.criteria[k] for k, v in answer.items() if v == 0]
        advice = f" Revisit first: {weakest[0]}" if weakest else ""
        return self.result(Status.ATTEMPTED, f"Self-assessed {total} of {top}.{advice}")
