"""The answer exercises as pages: the questions answered with a number, a choice or yes/no,
what a phone's form sends read as a notebook learner would write it, and judged by the very
``check`` the notebooks call (:mod:`govsim.exercises`; no expected value is kept here).

What a form may send (:func:`parse_answer`):

* a number, read by the kit's one reader of numbers in text
  (:func:`govsim.typed.read_number`, as a notebook reads ``"0,5"``): ``0.5``,
  ``0,5`` (a decimal comma), ``-0.02`` or ``−0.02``, ``1e-3``, ``3/4``, thousands separated by
  commas, dots, spaces, no-break spaces or apostrophes (``12,345.5``, ``12.345,5``,
  ``12 345``, ``12'345``), a trailing unit word (``80 runs``), and a percent sign (``50 %``:
  handed to the check as ``"50%"``, which says what it says in a notebook). A lone comma
  before exactly three digits (``1,234``) is a thousands separator in a question asking for a
  whole number and refused as ambiguous otherwise;
* a choice: its key (``b``, ``(b)``, ``B)``), its number in the list (``2``), its words
  (``about half``) or any spelling the check itself accepts;
* yes or no in English, French or Spanish (``yes``, ``y``, ``true``, ``oui``, ``vrai``, ``sí``,
  ``si``, ``verdadero``; ``no``, ``n``, ``false``, ``non``, ``faux``, ``falso``).

Anything else is a one-line ``ValueError`` naming the question, the text and what is allowed.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import threading
import unicodedata
from functools import cache
from typing import Any

from govsim.exercises import questions
from govsim.exercises.checks import Choice, Numeric, Question, Result, Status, YesNo
from govsim.typed import GENERAL, QUOTES, Refused, Unreadable, read_number
from govsim.values import has_control

KINDS = ("number", "choice", "yes/no")  # the kinds a phone can answer
TEXT_LENGTH = 200  # characters of an answer a form may send
YES = ("yes", "y", "true", "oui", "vrai", "si", "verdadero")
NO = ("no", "n", "false", "non", "faux", "falso")
_LOCK = threading.Lock()  # a check prints, and borrows the registries: one at a time


@cache
def answer_questions() -> dict[str, Question]:
    """The exercise questions a phone can answer (kind ``"number"``, ``"choice"`` or
    ``"yes/no"``), by id, in the exercises' order: the very objects the notebooks use."""
    return {qid: q for qid, q in questions().items() if q.kind in KINDS}


def answer_question(qid: Any) -> Question:
    """The answerable question ``qid``, or a one-line ``ValueError`` naming the allowed ids."""
    found = answer_questions()
    if not isinstance(qid, str) or qid not in found:
        raise ValueError(
            f"question={qid!r} is not an exercise answered from a page (allowed: {', '.join(found)})"
        )
    return found[qid]


def options(question: Question) -> list[tuple[str, str]]:
    """A choice's options as (key, words) pairs in order; ``[]`` for a number."""
    if isinstance(question, YesNo):
        return [("yes", "yes"), ("no", "no")]
    if isinstance(question, Choice):
        return list(question.options().items())
    return []


def describe(qid: str) -> dict[str, Any]:
    """What a page shows of question ``qid``: ``qid``, ``exercise`` (``"ex1"``), ``kind``,
    ``text`` (with the notebook's Markdown back-ticks), ``options`` (``[[key, words], ...]``),
    ``integer`` (a whole number is asked for) and ``unit`` (``"share"``, ``"percent"`` or None)."""
    q = answer_question(qid)
    return {
        "qid": q.qid,
        "exercise": q.qid.split(".")[0],
        "kind": q.kind,
        "text": q.text,
        "options": [list(pair) for pair in options(q)],
        "integer": bool(getattr(q, "integer", False)),
        "unit": getattr(q, "unit", None),
    }


def unread_line(qid: str, text: str) -> str:
    """The one line a page shows when ``text`` is not read as an answer to question ``qid``,
    in the current language (:mod:`govsim.i18n`), said by the question's kind: a choice names
    its options (``"« 12345 » n'est pas une des options : répondez par a, b ou c (ou touchez
    un bouton)."``), a yes/no question says yes or no, only a number question asks for a
    number, fraction or percentage. The text is cut to 40 characters, control characters shown
    as ``?``."""
    from babel.lists import format_list

    from govsim.i18n import _, locale_name

    shown = "".join(c if c.isprintable() else "?" for c in str(text)[:40])
    question = answer_question(qid)
    if isinstance(question, YesNo):
        return _("{qid}: '{text}' is not yes or no: answer yes or no (or tap a button).").format(
            qid=qid, text=shown
        )
    if isinstance(question, Choice):
        keys = format_list(list(question.options()), style="or", locale=locale_name())
        said = _("{qid}: '{text}' is not one of the options: answer {keys} (or tap a button).")
        return said.format(qid=qid, text=shown, keys=keys)
    said = _(
        "{qid}: '{text}' is not read as a number. Type a number (a decimal comma is fine), "
        "a fraction such as 3/4 or a percentage such as 50 %."
    )
    return said.format(qid=qid, text=shown)


def _refuse(question: Question, text: str, allowed: str) -> ValueError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return ValueError(f"{question.qid}: answer={shown!r} is not {allowed}")


def _clean(text: str) -> str:
    """The text with compatibility forms folded (full-width digits), outer quotes and spaces gone."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    return text.strip().strip(QUOTES).strip()


def _number(question: Numeric, text: str) -> float | str:
    """A number as a notebook learner would write it (a float, or ``"N%"`` with a percent sign),
    read by the kit's one reader of typed numbers (:func:`govsim.typed.read_number`)."""
    try:
        number = read_number(text, integer=bool(getattr(question, "integer", False)))
    except Unreadable as unreadable:
        raise _refuse(question, text, unreadable.allowed) from None
    except Refused:  # NaN, infinite, far too large
        raise _refuse(question, text, GENERAL) from None
    return f"{number.value!r}%" if number.percent else number.value


_NUMBERED = re.compile(
    r"(?:option|answer|choice|line|no\.?|n[°º]|#)?\s*[(\[]?\s*(\d{1,3}|[^\W\d_])\s*[)\].:]?", re.I
)


def _choice(question: Choice, text: str) -> str:
    """The key of the option ``text`` names (its key, its number in the list or its words)."""
    cleaned = _clean(text)
    keys = list(question.options())
    key = question.parse(cleaned)
    bare = _NUMBERED.fullmatch(cleaned)
    if key is None and bare:
        key = question.parse(bare.group(1))
        if key is None and bare.group(1).isdigit() and not question.numbered():
            n = int(bare.group(1))
            key = keys[n - 1] if 1 <= n <= len(keys) else None
    if key is None:
        shown = ", ".join(keys) if len(keys) <= 6 else f"{keys[0]} to {keys[-1]}"
        numbers = "" if question.numbered() else f", 1 to {len(keys)},"
        raise _refuse(question, text, f"one of the options (allowed: {shown}{numbers} or an option's words)")
    return key


def _yes_no(question: YesNo, text: str) -> bool:
    """True for yes, False for no, in English, French or Spanish."""
    word = "".join(
        c for c in unicodedata.normalize("NFKD", _clean(text).lower()) if not unicodedata.combining(c)
    )
    word = word.strip(" .!¡?¿")
    if word in YES:
        return True
    if word in NO:
        return False
    raise _refuse(question, text, "yes or no (allowed: yes, no, oui, non, sí, no, true, false)")


def parse_answer(question: Question | str, text: Any) -> Any:
    """What a form sent as the answer a notebook learner would hand ``question.check``: a float
    (or ``"N%"`` text) for a number, the option's key for a choice, True or False for yes/no.

    Parameters
    ----------
    question : a question of :func:`answer_questions`, or its id.
    text : what the form sent (at most 200 characters).

    Raises
    ------
    ValueError
        One line naming the question, the text and what is allowed (the module docstring lists
        what is read).
    """
    q = answer_question(question) if isinstance(question, str) else question
    if q.kind not in KINDS:
        raise ValueError(
            f"{q.qid}: a {q.kind} question is not answered from a page (allowed: {', '.join(KINDS)})"
        )
    if not isinstance(text, str):
        raise ValueError(f"{q.qid}: answer={text!r} is not text (allowed: what a form sends)")
    if len(text) > TEXT_LENGTH or has_control(text.replace("\t", " ").replace("\n", " ")):
        raise _refuse(q, text, f"an answer: at most {TEXT_LENGTH} printable characters")
    if not _clean(text):
        raise _refuse(q, text, "an answer yet: type one")
    if isinstance(q, YesNo):
        return _yes_no(q, text)
    if isinstance(q, Choice):
        return _choice(q, text)
    return _number(q, text)


def judge(qid: str, text: Any, tries: int = 0) -> Result:
    """Read ``text`` (:func:`parse_answer`) and judge it with the question's own ``check``,
    as a notebook does; nothing is printed.

    ``tries`` are the participant's earlier tries at the question: a "not yet" gives the hint
    after those already given, so one participant's tries never advance another's hints.

    Raises
    ------
    ValueError
        An unknown ``qid``, or text :func:`parse_answer` cannot read (one line; not a try).
    """
    question = answer_question(qid)
    answer = parse_answer(question, text)
    mine = copy.copy(question)  # the hint counter is the participant's, not the server's
    mine._hints_given = max(0, min(int(tries), len(question.hints) - 1))
    with _LOCK, contextlib.redirect_stdout(io.StringIO()):
        return mine.check(answer)


def prepare(qids: Any = None) -> None:
    """Compute the expected values of ``qids`` (default: every answerable question) now, e.g.
    in a thread when the server starts, so the first participant does not wait for the runs."""
    for qid in answer_questions() if qids is None else qids:
        question = answer_question(qid)
        with _LOCK, contextlib.redirect_stdout(io.StringIO()):
            question.reference()


__all__ = [
    "KINDS",
    "Result",
    "Status",
    "answer_question",
    "answer_questions",
    "describe",
    "judge",
    "options",
    "parse_answer",
    "prepare",
    "unread_line",
]
