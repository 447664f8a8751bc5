"""One normaliser per answer kind: what a learner hands a check, turned into the value the
check compares, or one line saying what came and what is expected.

Numbers (:func:`as_number`): ``int``, ``float``, numpy scalars, ``Decimal``, ``Fraction``,
numeric text (``"5.52"``, ``"0,55"``, ``" 3/4 "``, ``"45 %"``, ``"12 345"``: :func:`read_number`,
the one reader of a number written as text, which the room's answer pages use too), and
anything holding exactly one of those.

One-element containers (a list, tuple, array, pandas Series or one-cell DataFrame) stand for
their element for every answer kind, numbers, choices and yes/no alike (:func:`single`). Huge values (``10**400``), NaN,
infinities, complex numbers, text that is not a number and containers of another size are
refused with one line.

Choices (:func:`option_words`): case, quotes (straight, curly, back-ticks), hyphens,
underscores, spaces and punctuation do not matter, and class names read as words
(``TopDown`` -> ``top down``). A protocol class or instance, or a group, stands for its name.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Complex, Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "Blank",
    "Number",
    "Refused",
    "Unreadable",
    "as_number",
    "describe_type",
    "is_container",
    "near_whole",
    "option_words",
    "read_number",
    "single",
    "text_of",
]


class Blank(Exception):
    """Raised inside a check when the answer turns out to be an untouched template."""


class Refused(ValueError):
    """An answer that cannot be read as the kind asked for; the message is one learner-facing line."""


@dataclass(frozen=True)
class Number:
    """A number read from an answer; ``percent`` when it was written with a ``%`` sign (then
    ``value`` is the percentage as written)."""

    value: float
    percent: bool = False
    decimals: int | None = None  # digits shown after the decimal mark, for a number read from text


FRIENDLY_TYPES = {
    "int": "a whole number (int)",
    "float": "a number with a fraction (float)",
    "str": "text (str)",
    "bool": "True or False (bool)",
    "NoneType": "None",
    "complex": "a complex number",
    "set": "a set",
    "frozenset": "a set",
    "dict": "a dict",
    "generator": "a generator",
    "Decimal": "a Decimal number",
    "Fraction": "a Fraction",
}
CONTAINER_NAMES = {"ndarray": "numpy array", "Series": "pandas Series", "DataFrame": "pandas DataFrame"}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def describe_type(answer: Any) -> str:
    """A short learner-facing name for the type of ``answer``: ``"a numpy array of length 3"``,
    ``"a whole number (int)"``, ``"a function"``, with the right article. Never raises."""
    import inspect

    try:
        name = type(answer).__name__
        if isinstance(answer, bool | np.bool_):
            return FRIENDLY_TYPES["bool"]
        if isinstance(answer, np.integer):
            return FRIENDLY_TYPES["int"]
        if isinstance(answer, np.floating):
            return FRIENDLY_TYPES["float"]
        if isinstance(answer, np.complexfloating):
            return FRIENDLY_TYPES["complex"]
        if name in ("set", "frozenset", "dict") and hasattr(answer, "__len__"):
            return f"{FRIENDLY_TYPES[name]} of {len(answer)} item{'s' * (len(answer) != 1)}"
        if name in FRIENDLY_TYPES:
            return FRIENDLY_TYPES[name]
        if inspect.isfunction(answer) or inspect.isbuiltin(answer):
            return "a function"
        if inspect.ismethod(answer):
            return "a method"
        if isinstance(answer, type):
            return f"the class {answer.__name__} itself"
        if name == "DataFrame":
            rows, cols = answer.shape
            return f"a pandas DataFrame of {rows} row{'s' * (rows != 1)} and {cols} column{'s' * (cols != 1)}"
        if hasattr(answer, "__len__"):
            shown = CONTAINER_NAMES.get(name, name)
            try:
                return f"{_article(shown)} {shown} of length {len(answer)}"
            except Exception:
                pass
        return f"{_article(name)} {name}"
    except Exception:
        return "an object of an unusual type"


# ------------------------------------------------------------------------------------ numbers
QUOTES = "\"'`‘’“”‚„«»"
SPACES = "\u00a0\u202f\u2009\u2007 "  # no-break, narrow no-break, thin, figure and plain spaces
PERCENT_WORDS = ("percent", "per cent", "pct", "pour cent", "por ciento")
GENERAL = "a number (such as 0.5, 0,5, 1 234 or 50 %)"
_UNIT = re.compile(r"(?<=[\d%.])\s*([^\W\d_]+(?:\s+[^\W\d_]+)?)\s*$")  # "80 runs", "5.5 rounds"
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FRACTION = re.compile(r"[+-]?\d+\s*/\s*\d+")
_SIMPLE = re.compile(r"[+-]?[0-9]{1,20}(?:\.[0-9]{1,20})?")
DIGITS_LIMIT = 300  # digits in a number written as text; more is far too large to be an answer


class Unreadable(Refused):
    """Text that is not a number: ``allowed`` says what is (for a form's one-line refusal)."""

    def __init__(self, message: str, allowed: str = GENERAL) -> None:
        super().__init__(message)
        self.allowed = allowed


def read_number(text: str, *, integer: bool = False, wanted: str = "a single number") -> Number:
    """The one reader of a number written as text, for notebooks, essays and forms alike.

    Reads ``"0.55"``, ``"0,55"`` (a decimal comma), ``"-0.02"`` or ``"\u22120.02"``, ``"1e-3"``,
    ``"3/4"``, thousands separated by commas, dots, spaces, no-break spaces or apostrophes
    (``"12,345.5"``, ``"12.345,5"``, ``"12 345"``, ``"12'345"``), full-width digits, outer
    quotes, a trailing unit word (``"80 runs"``) and a percent sign or word (``"55 %"``,
    ``"55 percent"``: ``percent`` is set and ``value`` is 55). A lone comma before exactly
    three digits (``"1,234"``) is a thousands separator only when ``integer`` (the question
    asks for a whole number); otherwise it is refused as ambiguous, never guessed.

    Parameters
    ----------
    text : the text a learner typed.
    integer : the question asks for a whole number.
    wanted : how the question names what it expects, for messages.

    Returns
    -------
    Number
        ``value`` (a finite float), ``percent`` and ``decimals`` (digits shown after the
        decimal mark, 0 for a whole number or a fraction ``a/b``).

    Raises
    ------
    Unreadable
        Not a number; ``allowed`` says what is, the message is one learner-facing line.
    Refused
        NaN, infinite, or far too large.
    """
    import unicodedata

    text = str.__str__(text)
    if _SIMPLE.fullmatch(text):  # the common case, read at once: "0.43", "-12", "5.1"
        return Number(_finite(float(text)).value, False, len(text.partition(".")[2]))
    cleaned = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    cleaned = cleaned.strip().strip(QUOTES).strip()
    unit = _UNIT.search(cleaned)
    raw = cleaned[: unit.start()].strip() if unit else cleaned
    if unit and unit.group(1).lower() in PERCENT_WORDS:
        raw += "%"
    percent = raw.endswith("%")
    core = raw.removesuffix("%").strip().replace("_", "")
    shown = text if len(text) <= 40 else text[:37] + "..."
    if core.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return _finite(float(core))
    if _FRACTION.fullmatch(core):
        top, bottom = (int(p) for p in core.replace(" ", "").split("/"))
        if bottom == 0:
            raise Unreadable(
                f"The text {shown!r} divides by zero: it is not a number.", "a number: it divides by zero"
            )
        value, decimals = Fraction(top, bottom), 0
    else:
        digits = _separators(re.sub(f"(?<=\\d)[{SPACES}'’](?=\\d{{3}}(?!\\d))", "", core), integer, shown)
        if not _PLAIN.fullmatch(digits):
            raise Unreadable(f"Wrong type: expected {wanted}, got the text {shown!r}, which is not a number.")
        mantissa = re.split("[eE]", digits)[0]
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        count = sum(c.isdigit() for c in mantissa)
        if count > DIGITS_LIMIT:
            raise Refused(
                f"Your answer is a number with {count:,} digits: far too large to be the answer. "
                "Check the calculation."
            )
        try:
            value = Fraction(digits)
        except (ValueError, ZeroDivisionError):
            raise Unreadable(
                f"Wrong type: expected {wanted}, got the text {shown!r}, which is not a number."
            ) from None
    try:
        number = float(value)
    except OverflowError:
        raise Unreadable(
            f"The text {shown!r} is far too large to be a number a check can compare.",
            "a number a check can compare: it is far too large",
        ) from None
    return Number(_finite(number).value, percent, decimals)


def _separators(digits: str, integer: bool, shown: str) -> str:
    """``digits`` with thousands separators dropped and the decimal mark a dot."""
    grouped = r"\d{{1,3}}(?:[{0}]\d{{3}})+"
    groups = Unreadable(
        f"The text {shown!r} is not a number: its thousands are not in groups of three.",
        "a number: its thousands are not in groups of three",
    )
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, frac = digits.rpartition(decimal)
        if not re.fullmatch(r"[+-]?" + grouped.format(re.escape(thousands)), whole):
            raise groups
        return whole.replace(thousands, "") + "." + frac
    for mark in (",", "."):
        if digits.count(mark) > 1:
            if not re.fullmatch(r"[+-]?" + grouped.format(re.escape(mark)), digits):
                raise groups
            return digits.replace(mark, "")
    if "," in digits:
        whole, _, frac = digits.partition(",")
        if len(frac) == 3 and re.fullmatch(r"[+-]?[1-9]\d{0,2}", whole):
            if integer:
                return whole + frac
            raise Unreadable(
                f"The text {shown!r} is not clear: write 1234 for a thousand and more, or 1.234 "
                "for a fraction.",
                "clear: write 1234 for a thousand and more, or 1.234 for a fraction",
            )
        return whole + "." + frac
    return digits


def is_container(answer: Any) -> bool:
    """True for a list, tuple, numpy array, pandas Series or DataFrame."""
    return isinstance(answer, list | tuple | np.ndarray) or type(answer).__name__ in ("Series", "DataFrame")


def _size(answer: Any) -> int:
    try:
        return len(answer) if isinstance(answer, list | tuple) else int(np.size(answer))
    except Exception:
        return -1


def single(answer: Any) -> Any:
    """The one element of a one-element container, for every answer kind alike.

    ``[0.5]``, ``np.array([True])``, ``pd.Series(["yes"])``, a one-cell DataFrame and such
    containers nested up to three deep give their element (numpy scalars as Python values:
    ``True``, ``0.5``); anything else, containers of another size included, comes back unchanged.
    """
    for _ in range(4):
        if not is_container(answer) or _size(answer) != 1:
            return answer
        if isinstance(answer, list | tuple):
            answer = answer[0]
            continue
        values = answer.to_numpy() if hasattr(answer, "to_numpy") else answer
        answer = np.asarray(values, dtype=object).ravel()[0]
    return answer


def _one_element(answer: Any, wanted: str) -> Any:
    """The single element of a list, tuple, array, Series or DataFrame; refuses other sizes."""
    if _size(answer) != 1:
        raise Refused(
            f"Wrong type: expected {wanted}, got {describe_type(answer)} (pick one number out of "
            "it, e.g. with .mean() or [0])."
        )
    return single(answer)


def as_number(
    answer: Any, wanted: str = "a single number", *, text: bool = True, integer: bool = False, depth: int = 0
) -> Number:
    """Read ``answer`` as one real number (see the module docstring for the forms).

    Parameters
    ----------
    answer : what the learner gave.
    wanted : how the question names what it expects, for messages ("a whole number").
    text : accept numeric text ("5.52", "0,55", "45%", read by :func:`read_number`); False for
        values a learner's function returns.
    integer : the question asks for a whole number ("1,234" is then a thousands separator).

    Raises
    ------
    Refused
        One line naming what came and what is expected (wrong type, NaN, infinite, too large).
    """
    if isinstance(answer, Number):
        return answer
    if isinstance(answer, bool | np.bool_):
        raise Refused(f"Wrong type: expected {wanted}, got True or False (bool).")
    if isinstance(answer, str):
        if not text:
            raise Refused(f"Wrong type: expected {wanted}, got text (str).")
        return read_number(answer, integer=integer, wanted=wanted)
    if is_container(answer):
        if depth > 3:
            raise Refused(f"Wrong type: expected {wanted}, got nested containers.")
        return as_number(_one_element(answer, wanted), wanted, text=text, integer=integer, depth=depth + 1)
    if isinstance(answer, Complex | np.complexfloating) and not isinstance(
        answer, Real | np.floating | np.integer
    ):
        raise Refused(f"Wrong type: expected {wanted}, got a complex number ({answer!r}).")
    if isinstance(answer, Integral | np.integer):
        value = int(answer)
        if abs(value) > 10**300:
            raise Refused(
                f"Your answer is a whole number with {len(str(abs(value)))} digits: far too large "
                "to be the answer. Check the calculation."
            )
        return Number(float(value))
    if isinstance(answer, Real | np.floating | Decimal | Fraction):
        try:
            value = float(answer)
        except (OverflowError, ValueError, InvalidOperation):
            raise Refused(
                "Your answer is too large to be a number Python can compare: check the calculation."
            ) from None
        return _finite(value)
    raise Refused(f"Wrong type: expected {wanted}, got {describe_type(answer)}.")


def _finite(value: float) -> Number:
    if math.isnan(value):
        raise Refused(
            "Your answer is NaN (not a number): did a calculation include missing values, or 0 / 0?"
        )
    if math.isinf(value):
        raise Refused("Your answer is infinite: did you divide by zero?")
    return Number(value)


def near_whole(x: float) -> float | None:
    """``x`` rounded when it is a whole number up to float arithmetic (``80.00000000000001``)."""
    nearest = round(x)
    return float(nearest) if abs(x - nearest) <= 1e-9 * max(1.0, abs(x)) else None


# ------------------------------------------------------------------------------------ choices
def text_of(answer: Any) -> str | None:
    """The text an answer stands for: text itself, a protocol class or instance (its name), a
    group (its name); None for anything else."""
    from govsim.groups import Group
    from govsim.protocols import Protocol

    answer = single(answer)  # outcomes.loc[[idx], "name"]: one cell of text in a container
    if isinstance(answer, str):
        return str.__str__(answer)  # a plain str, whatever a subclass overrides
    if is_container(answer):
        return None
    if isinstance(answer, Group):
        return answer.value
    if isinstance(answer, type) and issubclass(answer, Protocol) and answer.name:
        return answer.name
    if isinstance(answer, Protocol) and getattr(answer, "name", ""):
        return answer.name
    return None


def option_words(text: str) -> str:
    """Words of ``text`` for comparing choices: class names split (``TopDown`` -> ``top down``),
    lower case, every run of quotes, punctuation, hyphens, underscores and spaces one space."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(text))
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
