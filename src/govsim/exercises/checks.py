"""Self-checking questions: the ``check`` / ``hint`` / ``solution`` trio learners know from
online courses, working offline in JupyterLab and in plain Python.

A check never reveals the expected value. It says what *kind* of thing is wrong (the wrong
type, the wrong sign, off by a simple factor, rounded, out of the stated range) or simply that
the answer is outside the tolerance stated in the question. A question can also declare the
near-misses learners actually produce (another seed range, another column, ``ddof=0``) as
:class:`Mistake` values: the check names that mistake when an answer matches one, and the
tests prove that no declared mistake lies within the tolerance of the reference answer (so a
near-miss can never be accepted by coincidence). A blank answer (``None``, ``...``,
``"..."``, ``NotImplemented``, a template that raises ``NotImplementedError``) is reported as
"not attempted yet", never as a failure.

``check`` prints one line and returns a :class:`Result`, truthy when the answer is accepted,
so tests and graders can assert on it.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any

import numpy as np


class Status(Enum):
    """What a check concluded. ``ATTEMPTED`` is for open questions that nobody can mark."""

    CORRECT = "Correct"
    INCORRECT = "Not yet"
    NOT_ATTEMPTED = "Not attempted yet"
    ATTEMPTED = "Answer recorded"


ICONS = {Status.CORRECT: "✓", Status.INCORRECT: "✗", Status.NOT_ATTEMPTED: "○", Status.ATTEMPTED: "✎"}


@dataclass
class Result:
    """The outcome of one check; ``bool(result)`` is True when the answer is accepted."""

    question: str
    status: Status
    message: str = ""
    shown: bool = field(default=False, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.status in (Status.CORRECT, Status.ATTEMPTED)

    @property
    def correct(self) -> bool:
        return self.status is Status.CORRECT

    @property
    def line(self) -> str:
        """The friendly line ``check`` prints, e.g. ``✓ ex3.q1: Correct. ...``."""
        text = f"{ICONS[self.status]} {self.question}: {self.status.value}."
        return f"{text} {self.message}" if self.message else text

    def _ipython_display_(self) -> None:
        # ``check`` has already printed the line; show it again only when displayed later.
        if not self.shown:
            print(self.line)
        self.shown = False


class Blank(Exception):
    """Raised inside a check when the answer turns out to be an untouched template."""


PLACEHOLDER_STRINGS = {"", "...", "…", "todo", "your answer here", "your answer"}


def is_blank(answer: Any) -> bool:
    """True for the placeholders a template notebook ships with."""
    if answer is None or answer is Ellipsis or answer is NotImplemented:
        return True
    if isinstance(answer, str):
        return answer.strip().lower() in PLACEHOLDER_STRINGS
    return False


class Question:
    """One question: a statement, hints, a worked solution and a ``check``.

    Subclasses implement :meth:`judge`, which returns a :class:`Result` for a non-blank
    answer (or raises :class:`Blank`), and :meth:`reference`, the reference answer.
    """

    kind = "question"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        hints: Sequence[str],
        explanation: str,
        solution_code: str | Callable[[], str],
    ) -> None:
        if not hints:
            raise ValueError(f"question {qid}: give at least one hint")
        self.qid = qid
        self.text = text
        self.hints = tuple(hints)
        self.explanation = explanation
        self._solution_code = solution_code
        self._hints_given = 0

    @property
    def solution_code(self) -> str:
        """Source that fills this question's answer cell in a solution notebook."""
        code = self._solution_code
        return (code() if callable(code) else code).strip() + "\n"

    def check(self, answer: Any = None) -> Result:
        """Judge ``answer``, print one friendly line and return the :class:`Result`."""
        try:
            if is_blank(answer):
                raise Blank
            result = self.judge(answer)
        except Blank:
            result = self.result(Status.NOT_ATTEMPTED, self.blank_message)
        print(result.line)
        result.shown = True
        return result

    blank_message = "Fill in your answer above, run that cell, then run this check again."

    def judge(self, answer: Any) -> Result:
        raise NotImplementedError

    def reference(self) -> Any:
        raise NotImplementedError

    def result(self, status: Status, message: str = "") -> Result:
        return Result(self.qid, status, message)

    def hint(self, number: int | None = None) -> None:
        """Print the next hint (or hint ``number``, counting from 1)."""
        if number is None:
            number = min(self._hints_given, len(self.hints) - 1) + 1
        if not 1 <= number <= len(self.hints):
            raise ValueError(f"hint number={number!r} is out of range (allowed: 1 to {len(self.hints)})")
        self._hints_given = max(self._hints_given, number)
        print(f"Hint {number} of {len(self.hints)} for {self.qid}: {self.hints[number - 1]}")

    def solution(self) -> None:
        """Print the explanation and the reference code for this question."""
        print(f"Solution to {self.qid}: {self.explanation}\n\n{self.solution_code}")

    def __repr__(self) -> str:
        return f"{self.qid} ({self.kind}): {self.text}"


def _as_number(answer: Any) -> float | None:
    """A Python float from an int, float or numpy scalar (or one-element array); else None."""
    if isinstance(answer, bool | np.bool_):
        return None
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(()).item()
    if isinstance(answer, int | float | np.integer | np.floating):
        return float(answer)
    return None


FRIENDLY_TYPES = {
    "int": "a whole number (int)",
    "float": "a number with a fraction (float)",
    "str": "text (str)",
    "bool": "True or False (bool)",
    "NoneType": "None",
}
CONTAINER_NAMES = {"ndarray": "numpy array", "Series": "pandas Series", "DataFrame": "pandas DataFrame"}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def describe_type(answer: Any) -> str:
    """A short learner-facing name for the type of ``answer``: ``"a numpy array of length 3"``,
    ``"a whole number (int)"``, ``"a function"``, with the right article ("an int" never
    appears)."""
    name = type(answer).__name__
    if isinstance(answer, bool | np.bool_):
        return FRIENDLY_TYPES["bool"]
    if isinstance(answer, np.integer):
        return FRIENDLY_TYPES["int"]
    if isinstance(answer, np.floating):
        return FRIENDLY_TYPES["float"]
    if name in FRIENDLY_TYPES:
        return FRIENDLY_TYPES[name]
    if inspect.isfunction(answer):
        return "a function"
    if inspect.ismethod(answer):
        return "a method"
    if isinstance(answer, type):
        return f"the class {answer.__name__} itself"
    if hasattr(answer, "__len__"):
        name = CONTAINER_NAMES.get(name, name)
        try:
            return f"{_article(name)} {name} of length {len(answer)}"
        except TypeError:
            pass
    return f"{_article(name)} {name}"


def normalise(text: str) -> str:
    """Lower case, surrounding quotes, brackets and dots stripped, and every run of spaces,
    hyphens and underscores made one space: ``"Civil-Society"`` and ``"civil_society"`` match."""
    text = str(text).strip().strip("()[]'\"`.").strip().lower()
    return re.sub(r"[\s_\-]+", " ", text).strip()


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer a question recognises: its value and what kind of error it is.

    ``message`` names the mistake (e.g. "That is the mean over seeds 1-20 ...") and never the
    expected value.
    """

    value: float
    message: str


SIMPLE_FACTORS = (2.0, 3.0, 4.0, 5.0, 10.0, 20.0)
FACTOR_ADVICE = "did you sum instead of average, or miss a normalisation?"


class Numeric(Question):
    """A number compared with ``expected`` within an absolute tolerance ``tol`` (stated in the text).

    ``expected`` is a value (closed-form answers) or a function computing it from the model;
    it is computed once per session. ``bounds`` are the stated range of sensible answers.
    ``accept`` may accept further answers (e.g. any point where a noisy curve changes sign);
    it returns None to accept, or a message saying why not. ``directional`` allows "too
    high / too low" feedback, for questions where that does not give the answer away.
    ``mistakes`` computes the declared near-misses (a sequence of :class:`Mistake`).
    ``factor_advice`` completes "Off by a factor of N: ..." for this question (None: that
    diagnosis is never given, e.g. for a square-root question where a factor means a
    misunderstanding, which ``mistakes`` names instead).
    """

    kind = "number"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        expected: float | Callable[[], float],
        tol: float,
        bounds: tuple[float, float] = (-math.inf, math.inf),
        integer: bool = False,
        directional: bool = False,
        accept: Callable[[float], str | None] | None = None,
        mistakes: Callable[[], Sequence[Mistake]] | None = None,
        factor_advice: str | None = FACTOR_ADVICE,
        **kwargs: Any,
    ) -> None:
        super().__init__(qid, text, **kwargs)
        self._mistakes = mistakes or (lambda: ())
        self.factor_advice = factor_advice
        self.mistakes = cache(lambda: tuple(self._mistakes()))
        self._expected = expected if callable(expected) else (lambda: expected)
        self.tol = float(tol)
        self.bounds = bounds
        self.integer = integer
        self.directional = directional
        self.accept = accept
        self.expected = cache(self._compute)

    def _compute(self) -> float:
        return float(self._expected())

    def reference(self) -> float:
        value = self.expected()
        return round(value) if self.integer else value

    def matches(self, x: float, y: float) -> bool:
        """True when ``x`` is within the stated tolerance of ``y``."""
        return abs(x - y) <= self.tol

    def collisions(self) -> list[Mistake]:
        """Declared mistakes within the tolerance of the reference: a badly posed question.

        The tests require this to be empty for every question, so a near-miss is never
        accepted because it happens to give the same number (e.g. a metric that takes few
        distinct values, averaged over seeds 1-20 instead of 0-19).
        """
        y = self.expected()
        return [m for m in self.mistakes() if self.matches(float(m.value), y)]

    def judge(self, answer: Any) -> Result:
        x = _as_number(answer)
        wanted = "a whole number" if self.integer else "a single number"
        if x is None:
            hint = ""
            if hasattr(answer, "__len__") and not isinstance(answer, str):
                hint = " (pick one number out of it, e.g. with .mean() or .iloc[0])"
            return self.result(
                Status.INCORRECT, f"Wrong type: expected {wanted}, got {describe_type(answer)}{hint}."
            )
        if math.isnan(x):
            return self.result(
                Status.INCORRECT, "Your answer is NaN: did a calculation include missing values?"
            )
        low, high = self.bounds
        if math.isinf(x):
            return self.result(Status.INCORRECT, "Your answer is infinite: did you divide by zero?")
        y = self.expected()
        if self.matches(x, y):
            return self.result(Status.CORRECT, "Well done.")
        for mistake in self.mistakes():
            if self.matches(x, float(mistake.value)):
                return self.result(Status.INCORRECT, mistake.message)
        if not self.integer and abs(y) > self.tol and abs(x - 100 * y) <= 100 * self.tol:
            return self.result(
                Status.INCORRECT,
                "Off by a factor of 100: a percentage instead of a share? Give a share (0 to 1).",
            )
        if not low <= x <= high:
            return self.result(
                Status.INCORRECT, f"Out of range: the answer lies between {low:g} and {high:g}."
            )
        if self.integer and x != int(x):
            return self.result(Status.INCORRECT, "Expected a whole number (a count), not a fraction.")
        if self.accept is not None:
            why = self.accept(x)
            if why is None:
                return self.result(Status.CORRECT, "Well done.")
            return self.result(Status.INCORRECT, why)
        return self.result(Status.INCORRECT, self.diagnose(x, y))

    def diagnose(self, x: float, y: float) -> str:
        """What kind of wrong: sign, rounding, percent for share, a simple factor, direction
        (if allowed), or just 'outside the tolerance'."""
        tol = self.tol
        if abs(y) > tol and abs(x + y) <= tol:
            return "Right size, wrong sign: check which way round you subtracted."
        rounded = next((k for k in range(1, 7) if x == round(y, k) and x not in (0, y)), None)
        if rounded is not None and not self.integer:
            return (
                f"Rounded to {rounded} decimal place{'s' * (rounded != 1)}: give the unrounded "
                f"number (answers within ±{tol:g} count)."
            )
        if abs(y) > tol and abs(x - 100 * y) <= 100 * tol:
            return "Off by a factor of 100: a percentage instead of a share? Give a share (0 to 1)."
        if abs(y) > tol and abs(x - y / 100) <= tol / 100:
            return "Off by a factor of 100: a share instead of a percentage?"
        if self.factor_advice is not None and abs(y) > tol:
            for f in SIMPLE_FACTORS:
                if abs(x - f * y) <= tol * f or abs(x - y / f) <= tol / f:
                    return f"Off by a factor of {f:g}: {self.factor_advice}"
        if abs(y) > tol and abs(x) > tol and (x > 0) != (y > 0):
            return (
                "Not within the stated tolerance, and of the opposite sign: check that you used "
                "the right column, and which way round you subtracted."
            )
        if self.directional:
            return f"Too {'high' if x > y else 'low'}, by more than the stated tolerance (±{tol:g})."
        if tol == 0:
            return "Not the right number. Re-read the question and try again."
        return f"Not within the stated tolerance (±{tol:g}). Re-read the question and try again."


class Choice(Question):
    """Pick one of ``options`` (key -> label). The answer may be the key or the label, in any
    case and with spaces, hyphens or underscores alike (see :func:`normalise`). ``expected`` is
    a key or a function computing the key from the model. ``wrong`` is the message for a
    wrong option; ``why`` may give a more specific one for particular wrong options (say what
    the learner probably looked at), as long as it does not name the right one."""

    kind = "choice"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        options: dict[str, str] | Callable[[], dict[str, str]],
        expected: str | Callable[[], str],
        wrong: str = "That is not what the model does: run it and look again.",
        why: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(qid, text, **kwargs)
        self.why = dict(why or {})
        self._options = options if callable(options) else (lambda: options)
        self._expected = expected if callable(expected) else (lambda: expected)
        self.wrong = wrong
        self.options = cache(self._options)
        self.expected = cache(self._expected)

    def reference(self) -> str:
        return self.expected()

    def parse(self, answer: Any) -> str | None:
        """The option key ``answer`` names (by key or label, see :func:`normalise`), or None."""
        text = normalise(answer)
        if self.numbered():  # "line 7", "Line 7." name option 7
            text = re.sub(r"^line\s*(?=\d+$)", "", text)
        for key, label in self.options().items():
            if text in (normalise(key), normalise(label)):
                return key
        return None

    def numbered(self) -> bool:
        """True when the options are numbers (e.g. line numbers), so numbers are answers too."""
        return all(key.isdigit() for key in self.options())

    def judge(self, answer: Any) -> Result:
        options = self.options()
        number = _as_number(answer)
        if number is not None and self.numbered():
            if number != int(number):
                return self.result(
                    Status.INCORRECT,
                    f"Expected a whole number (one of the numbered options), got {number:g}.",
                )
            answer = str(int(number))  # 7, 7.0 and "7" name the same line
        elif number is not None:
            keys = ", ".join(repr(k) for k in options)
            return self.result(
                Status.INCORRECT,
                f"Wrong type: expected one of the options as text ({keys}), got {describe_type(answer)}.",
            )
        if not isinstance(answer, str):
            keys = ", ".join(repr(k) for k in options)
            return self.result(
                Status.INCORRECT,
                f"Wrong type: expected one of the options as text ({keys}), got {describe_type(answer)}.",
            )
        key = self.parse(answer)
        if key is None:
            keys = ", ".join(repr(k) for k in options)
            return self.result(Status.INCORRECT, f"{answer!r} is not one of the options ({keys}).")
        if key == self.expected():
            return self.result(Status.CORRECT, "Well done.")
        return self.result(Status.INCORRECT, self.why.get(key, self.wrong))


class YesNo(Choice):
    """A yes/no question; the answer may be ``True``/``False`` or ``"yes"``/``"no"``."""

    kind = "yes/no"

    def __init__(self, qid: str, text: str, *, expected: bool | Callable[[], bool], **kwargs: Any) -> None:
        compute = expected if callable(expected) else (lambda: expected)
        super().__init__(
            qid,
            text,
            options={"yes": "true", "no": "false"},
            expected=lambda: "yes" if compute() else "no",
            **kwargs,
        )

    def reference(self) -> bool:
        return self.expected() == "yes"

    def judge(self, answer: Any) -> Result:
        if isinstance(answer, bool | np.bool_):
            answer = "yes" if answer else "no"
        elif isinstance(answer, str) and normalise(answer) in ("y", "n"):
            answer = "yes" if normalise(answer) == "y" else "no"
        elif not isinstance(answer, str):
            return self.result(
                Status.INCORRECT, f"Wrong type: expected True or False, got {describe_type(answer)}."
            )
        return super().judge(answer)
