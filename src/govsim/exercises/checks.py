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

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any

import numpy as np

from govsim.exercises.answers import (
    Blank,
    Number,
    Refused,
    as_number,
    describe_type,
    near_whole,
    option_words,
    single,
    text_of,
)

READ_LIMIT = 5.0  # seconds for reading any answer (its float(), ==, len() ... are the learner's)


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
        """True only for a correct answer (an attempted essay is true but not correct)."""
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
        """Judge ``answer``, print one friendly line and return the :class:`Result`.

        The registries are restored afterwards (:func:`govsim.registry.registered`), and the
        reference runs see no measure a learner registered, so one broken answer never affects
        another check. A failure inside the check itself is one line too, never a traceback.
        """
        from govsim.exercises import sandbox
        from govsim.measure_registry import install
        from govsim.registry import registered

        def read(answer: Any) -> Any:
            if is_blank(answer):
                raise Blank
            return self.read(answer)

        try:
            with registered():
                # an answer's own methods (float(), ==, len()) may be anything: reading it has a
                # time limit for every kind, as learner code has
                answer = sandbox.time_limited(read, answer, limit=READ_LIMIT, what="Reading your answer")
                install(())  # the learner's own measures stay out of the reference runs
                result = self.judge(answer)
        except Blank:
            result = self.result(Status.NOT_ATTEMPTED, self.blank_message + self.blank_note(answer))
        except (Refused, sandbox.Failed) as refused:
            result = self.result(Status.INCORRECT, str(refused))
        except RecursionError:
            result = self.result(
                Status.INCORRECT, "Your answer nests itself without end; give a plain value."
            )
        except Exception as exc:  # a check must never end in a traceback
            text = " ".join(str(exc).split())[:200]
            result = self.result(
                Status.INCORRECT, f"This answer could not be checked ({type(exc).__name__}: {text})."
            )
        print(result.line)
        result.shown = True
        return result

    def next_hint(self) -> str:
        """The hint :meth:`hint` would print next, as text (and counted as given)."""
        number = min(self._hints_given, len(self.hints) - 1) + 1
        self._hints_given = max(self._hints_given, number)
        return f"Hint {number} of {len(self.hints)}: {self.hints[number - 1]}"

    def not_yet(self, why: str = "") -> Result:
        """A neutral "not yet" (no diagnosis), with the next hint."""
        return self.result(Status.INCORRECT, f"{why} {self.next_hint()}".strip())

    blank_message = "Fill in your answer above, run that cell, then run this check again."

    def blank_note(self, answer: Any) -> str:
        """More for a blank answer that may be meant as an answer (see :meth:`Choice.blank_note`)."""
        return ""

    def read(self, answer: Any) -> Any:
        """``answer`` in the plain form :meth:`judge` compares (a :class:`Number`, plain text, a
        list of floats ...), or :class:`Refused`; ``check`` calls it under a time limit
        (:data:`READ_LIMIT`). ``judge`` accepts what ``read`` returns as well as raw answers.
        The default, for code answers, which run in the sandbox, is the answer itself."""
        return answer

    def judge(self, answer: Any) -> Result:
        """The :class:`Result` for ``answer``; raise :class:`Blank` when it is still the placeholder."""
        raise NotImplementedError

    def reference(self) -> Any:
        """The reference answer, in the form a learner would give it."""
        raise NotImplementedError

    def result(self, status: Status, message: str = "") -> Result:
        """A :class:`Result` for this question with ``status`` and ``message``."""
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


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer a question recognises: its value and what kind of error it is.

    ``message`` names the mistake (e.g. "That is the mean over seeds 1-20 ...") and never the
    expected value.
    """

    value: float
    message: str


class Numeric(Question):
    """A number compared with ``expected`` within an absolute tolerance ``tol`` (stated in the text).

    ``expected`` is a value (closed-form answers) or a function computing it from the model;
    it is computed once per session. ``bounds`` are the stated range of sensible answers.
    ``accept`` may accept further answers (e.g. any point where a noisy curve changes sign);
    it returns None to accept, or a message saying why not. ``directional`` allows "too
    high / too low" feedback, for questions where that does not give the answer away.
    ``mistakes`` computes the declared near-misses (a sequence of :class:`Mistake`); one is
    named only when the answer matches it and no other declared mistake. ``unit`` says whether
    the question asks for a ``"share"`` (0 to 1) or a ``"percent"``, so the other is diagnosed;
    ``signed`` allows "wrong sign" (for a difference). Every other wrong answer gets a neutral
    "not yet" with the next hint. Answers are read by
    :func:`govsim.exercises.answers.as_number`.
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
        unit: str | None = None,
        signed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(qid, text, **kwargs)
        if unit not in (None, "share", "percent"):
            raise ValueError(f"question {qid}: unit={unit!r} (allowed: None, 'share', 'percent')")
        self._mistakes = mistakes or (lambda: ())
        self.unit = unit
        self.signed = signed
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
        """The expected number, rounded when the question asks for a whole number."""
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

    def read(self, answer: Any) -> Number:
        """The answer as a :class:`Number` (:func:`govsim.exercises.answers.as_number`)."""
        wanted = "a whole number" if self.integer else "a single number"
        return as_number(answer, wanted, integer=self.integer)

    def judge(self, answer: Any) -> Result:
        """Correct within the tolerance; otherwise a diagnosis (wrong type, percent, sign, a named slip)."""
        number = self.read(answer)
        x = number.value
        y = self.expected()
        if number.percent and self.unit != "percent":
            return self.result(
                Status.INCORRECT,
                "You wrote a percentage (with %): "
                + (
                    "give a share between 0 and 1."
                    if self.unit == "share"
                    else "give a plain number, without %."
                ),
            )
        if self.integer:
            rounded = near_whole(x)
            if rounded is None:
                return self.result(Status.INCORRECT, "Expected a whole number (a count), not a fraction.")
            x = rounded
        if self.matches(x, y):
            return self.result(Status.CORRECT, "Well done.")
        named = {m.message for m in self.mistakes() if self.matches(x, float(m.value))}
        if len(named) == 1:
            return self.result(Status.INCORRECT, named.pop())
        if named:  # two plausible mistakes give this value: name none of them
            return self.not_yet(self.outside())
        low, high = self.bounds
        if self.unit == "share" and abs(y) > self.tol and abs(x - 100 * y) <= 100 * self.tol:
            return self.result(
                Status.INCORRECT,
                "Off by a factor of 100: a percentage instead of a share? Give a share (0 to 1).",
            )
        if self.unit == "percent" and abs(y) > self.tol and abs(x - y / 100) <= self.tol / 100:
            return self.result(Status.INCORRECT, "Off by a factor of 100: a share instead of a percentage?")
        if not low <= x <= high:
            return self.result(
                Status.INCORRECT, f"Out of range: the answer lies between {low:g} and {high:g}."
            )
        if self.accept is not None:
            why = self.accept(x)
            if why is None:
                return self.result(Status.CORRECT, "Well done.")
            return self.result(Status.INCORRECT, why)
        return self.result(Status.INCORRECT, self.diagnose(x, y))

    def outside(self) -> str:
        """The message for a number outside the tolerance, with the tolerance when there is one."""
        return (
            "Not the right number." if self.tol == 0 else f"Not within the stated tolerance (±{self.tol:g})."
        )

    def diagnose(self, x: float, y: float) -> str:
        """Name a kind of wrong only where no other plausible computation gives the same
        number (the collision scans in the tests prove it): the sign, or rounding. Otherwise a
        neutral line with the next hint."""
        tol = self.tol
        if self.signed and abs(y) > tol and abs(x + y) <= tol:
            return "Right size, wrong sign: check which way round you subtracted."
        rounded = next((k for k in range(1, 7) if x == round(y, k) and x not in (0, y)), None)
        if rounded is not None and not self.integer and 0.5 * 10**-rounded > tol:
            return (
                f"Rounded to {rounded} decimal place{'s' * (rounded != 1)}: give the unrounded "
                f"number (answers within ±{tol:g} count)."
            )
        if self.directional:
            return f"Too {'high' if x > y else 'low'}, by more than the stated tolerance (±{tol:g})."
        return f"{self.outside()} {self.next_hint()}"


def known_names(key: str) -> tuple[str, ...]:
    """Other names learners give an option that is a protocol or a group: the class name
    (``TopDown``) and the label plots and menus show (``Top-down (intergovernmental vote)``)."""
    from govsim.groups import GROUP_ORDER
    from govsim.protocols import PROTOCOLS, SEATINGS

    cls = PROTOCOLS.get(key) or SEATINGS.get(key)
    if isinstance(cls, type):
        return (cls.__name__, getattr(cls, "label", "") or "")
    group = next((g for g in GROUP_ORDER if g.value == key), None)
    return (group.label, group.name) if group is not None else ()


class Choice(Question):
    """Pick one of ``options`` (key -> label). The answer may be the key, the label, the key
    and label together as the question prints them (``"b about half"``), one of ``aliases``,
    or, for an option that is a protocol or a group, its class name or plot label; case,
    quotes and separators do not matter (see :func:`govsim.exercises.answers.option_words`).
    ``expected`` is a key or a function computing the key from the model. ``wrong`` is the
    message for a wrong option; ``why`` may give a more specific one for particular wrong
    options (say what the learner probably looked at), as long as it does not name the right one."""

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
        aliases: dict[str, Sequence[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(qid, text, **kwargs)
        self.why = dict(why or {})
        self.aliases = {k: tuple(v) for k, v in (aliases or {}).items()}
        self._options = options if callable(options) else (lambda: options)
        self._expected = expected if callable(expected) else (lambda: expected)
        self.wrong = wrong
        self.options = cache(self._options)
        self.expected = cache(self._expected)

    def reference(self) -> str:
        """The key of the correct option."""
        return self.expected()

    def names(self, key: str) -> set[str]:
        """Every spelling (as :func:`option_words`) that names option ``key``."""
        label = self.options()[key]
        forms = {key, label, *self.aliases.get(key, ()), *known_names(key), *known_names(label)}
        # every form the question displays: the key before the option's words ("b about half",
        # "(b) about half", "4: n = int(...)", a line as show_broken() prints it); for numbered
        # options only words that start with a letter, so no two numbers run together ("1 2")
        forms |= {
            f"{key} {words}"
            for words in (label, *self.aliases.get(key, ()))
            if not self.numbered() or re.match(r"[a-z]", option_words(words))
        }
        return {option_words(f) for f in forms if option_words(f)}

    def parse(self, answer: Any) -> str | None:
        """The option key ``answer`` names, or None. Separators are optional (``topdown``,
        ``civilsociety`` name ``top_down``, ``civil_society``); a minus sign is not a separator
        (``-3`` names no line)."""
        if self.numbered() and re.match(
            r"^[\s'\"`(\u2018\u201c]*(line\s*)?[-\u2212]\s*\d", str(answer).strip(), flags=re.I
        ):
            return None
        text = option_words(answer)
        text = re.sub(r"^(option|answer|choice)\s+(?=\S)", "", text)
        if self.numbered():  # "line 7", "Line 7.", "line 4: n = ..." name option 7 or 4
            text = re.sub(r"^line\s*(?=\d)", "", text)
        found = [key for key in self.options() if text in self.names(key)]
        if not found:
            squashed = text.replace(" ", "")
            found = [
                key for key in self.options() if squashed in {n.replace(" ", "") for n in self.names(key)}
            ]
        return found[0] if len(found) == 1 else None

    def blank_note(self, answer: Any) -> str:
        """For ``None`` where an option is the word "none" (ex1.q1): ``None`` stays "not
        attempted" (the placeholder every template may hold), with a line on how to answer "none"."""
        keys = [k for k, label in self.options().items() if option_words(label) == "none"]
        if answer is None and keys:
            return f' If you mean the option "none", write it as text: "none" or "{keys[0]}".'
        return ""

    def numbered(self) -> bool:
        """True when the options are numbers (e.g. line numbers), so numbers are answers too."""
        return all(key.isdigit() for key in self.options())

    def wrong_type(self, answer: Any) -> Result:
        """The refusal for an answer that is not text, listing the options."""
        keys = ", ".join(repr(k) for k in self.options())
        return self.result(
            Status.INCORRECT,
            f"Wrong type: expected one of the options as text ({keys}), got {describe_type(answer)}.",
        )

    def read(self, answer: Any) -> str:
        """The text the answer stands for (a number names a numbered option: 7, 7.0 and "7"
        name the same line); :class:`Refused` for anything else."""
        answer = single(answer)
        if self.numbered() and not isinstance(answer, str):
            number = as_number(answer, "a whole number (one of the numbered options)", text=False)
            line = near_whole(number.value)
            if line is None:
                raise Refused(f"Expected a whole number (one of the numbered options), got {number.value:g}.")
            return str(int(line))
        text = text_of(answer)
        if text is None:
            raise Refused(self.wrong_type(answer).message)
        return text

    def judge(self, answer: Any) -> Result:
        """Correct when the answer names the expected option in any known spelling (or by its number)."""
        options = self.options()
        text = self.read(answer)
        key = self.parse(text)
        if key is None:
            keys = ", ".join(repr(k) for k in options)
            shown = text if len(text) <= 60 else text[:57] + "..."
            return self.result(Status.INCORRECT, f"{shown!r} is not one of the options ({keys}).")
        if key == self.expected():
            return self.result(Status.CORRECT, "Well done.")
        return self.result(Status.INCORRECT, self.why.get(key, self.wrong))


class YesNo(Choice):
    """A yes/no question; the answer may be ``True``/``False``, ``"yes"``/``"no"``, ``"y"``/``"n"``
    (numpy booleans too)."""

    kind = "yes/no"

    def __init__(self, qid: str, text: str, *, expected: bool | Callable[[], bool], **kwargs: Any) -> None:
        compute = expected if callable(expected) else (lambda: expected)
        super().__init__(
            qid,
            text,
            options={"yes": "true", "no": "false"},
            expected=lambda: "yes" if compute() else "no",
            aliases={"yes": ("y",), "no": ("n",)},
            **kwargs,
        )

    def reference(self) -> bool:
        """True when the expected answer is yes."""
        return self.expected() == "yes"

    def read(self, answer: Any) -> str:
        """``"yes"``/``"no"`` for ``True``/``False`` (numpy booleans and one-element containers
        too, as for every kind: :func:`~govsim.exercises.answers.single`), text as it is;
        :class:`Refused` for any other type."""
        answer = single(answer)
        if isinstance(answer, bool | np.bool_):
            return "yes" if answer else "no"
        if not isinstance(answer, str):
            raise Refused(f"Wrong type: expected True or False, got {describe_type(answer)}.")
        return str.__str__(answer)


class Numbers(Question):
    """Several whole numbers in a fixed order (e.g. the ``rounds`` column of an outcomes table).

    The answer may be a list, tuple, numpy array, pandas Series (the column itself) or text
    such as ``"10, 8, 7"``; each element is read by :func:`govsim.exercises.answers.as_number`
    and must be a whole number. ``mistakes`` maps a wrong sequence to what it is.
    """

    kind = "numbers"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        expected: Callable[[], Sequence[int]],
        mistakes: Callable[[], Sequence[tuple[Sequence[int], str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(qid, text, **kwargs)
        self.expected = cache(lambda: tuple(int(v) for v in expected()))
        self.mistakes = cache(
            lambda: tuple((tuple(int(v) for v in m), why) for m, why in (mistakes or tuple)())
        )

    def reference(self) -> list[int]:
        """The expected whole numbers, in order."""
        return list(self.expected())

    def values(self, answer: Any) -> list[float]:
        """``answer`` as numbers (a list, or text separated by commas or spaces); :class:`Refused` otherwise."""
        want = f"{len(self.expected())} whole numbers in order (a list)"
        if isinstance(answer, str):
            parts = [p for p in re.split(r"[\s,;\[\]()]+", answer) if p]
            return [as_number(p, "a whole number").value for p in parts]
        if type(answer).__name__ == "DataFrame" and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]  # outcomes[["rounds"]]: a one-column table is the column
        if isinstance(answer, dict | set | frozenset) or type(answer).__name__ == "DataFrame":
            raise Refused(f"Wrong type: expected {want}, got {describe_type(answer)}.")
        try:
            items = (
                list(np.asarray(answer, dtype=object).ravel())
                if not isinstance(answer, list | tuple)
                else list(answer)
            )
        except Exception:
            raise Refused(f"Wrong type: expected {want}, got {describe_type(answer)}.") from None
        if np.ndim(answer) == 0 and not isinstance(answer, list | tuple):
            raise Refused(f"Wrong type: expected {want}, got {describe_type(answer)}.")
        return [as_number(v, "a whole number", text=isinstance(v, str)).value for v in items]

    def read(self, answer: Any) -> list[float]:
        """The answer as a list of floats (:meth:`values`)."""
        return self.values(answer)

    def judge(self, answer: Any) -> Result:
        """Correct when every number matches in order; a wrong count or order is named."""
        expected = self.expected()
        got = self.values(answer)
        if len(got) != len(expected):
            return self.result(
                Status.INCORRECT,
                f"Expected {len(expected)} numbers, one per issue in agenda order; got {len(got)}.",
            )
        whole_numbers = [near_whole(v) for v in got]
        if any(v is None for v in whole_numbers):
            return self.result(Status.INCORRECT, "Expected whole numbers (counts of rounds), not fractions.")
        values = tuple(int(v) for v in whole_numbers)
        if values == expected:
            return self.result(Status.CORRECT, "Well done.")
        named = {why for m, why in self.mistakes() if m == values}
        if len(named) == 1:
            return self.result(Status.INCORRECT, named.pop())
        return self.not_yet(
            f"{sum(a != b for a, b in zip(values, expected, strict=True))} of {len(expected)} numbers differ."
        )
