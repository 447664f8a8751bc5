"""One normaliser per answer kind: what a learner hands a check, turned into the value the
check compares, or one line saying what came and what is expected.

Numbers (:func:`as_number`): ``int``, ``float``, numpy scalars, ``Decimal``, ``Fraction``,
numeric text (``"5.52"``, ``" 3/4 "``, ``"45%"``), and anything holding exactly one of those (a
one-element list, tuple, array, pandas Series or DataFrame). Huge values (``10**400``), NaN,
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

__all__ = ["Number", "Refused", "as_number", "describe_type", "near_whole", "option_words", "text_of"]


class Refused(ValueError):
    """An answer that cannot be read as the kind asked for; the message is one learner-facing line."""


@dataclass(frozen=True)
class Number:
    """A number read from an answer; ``percent`` when it was written with a ``%`` sign."""

    value: float
    percent: bool = False


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
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?\d+\s*/\s*\d+$")
QUOTES = "\"'`‘’“”‚„«»"


def _one_element(answer: Any, wanted: str) -> Any:
    """The single element of a list, tuple, array, Series or DataFrame; refuses other sizes."""
    try:
        size = int(np.size(answer)) if not isinstance(answer, list | tuple) else len(answer)
    except Exception:
        size = -1
    if size != 1:
        raise Refused(
            f"Wrong type: expected {wanted}, got {describe_type(answer)} (pick one number out of "
            "it, e.g. with .mean() or [0])."
        )
    if isinstance(answer, list | tuple):
        return answer[0]
    if hasattr(answer, "to_numpy"):
        answer = answer.to_numpy()
    return np.asarray(answer).reshape(()).item() if isinstance(answer, np.ndarray) else answer


def as_number(answer: Any, wanted: str = "a single number", *, text: bool = True, depth: int = 0) -> Number:
    """Read ``answer`` as one real number (see the module docstring for the forms).

    Parameters
    ----------
    answer : what the learner gave.
    wanted : how the question names what it expects, for messages ("a whole number").
    text : accept numeric text ("5.52", "45%"); False for values a learner's function returns.

    Raises
    ------
    Refused
        One line naming what came and what is expected (wrong type, NaN, infinite, too large).
    """
    if isinstance(answer, bool | np.bool_):
        raise Refused(f"Wrong type: expected {wanted}, got True or False (bool).")
    if isinstance(answer, str):
        if not text:
            raise Refused(f"Wrong type: expected {wanted}, got text (str).")
        return _number_text(answer, wanted)
    if isinstance(answer, list | tuple | np.ndarray) or type(answer).__name__ in ("Series", "DataFrame"):
        if depth > 3:
            raise Refused(f"Wrong type: expected {wanted}, got nested containers.")
        return as_number(_one_element(answer, wanted), wanted, text=text, depth=depth + 1)
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


def _number_text(answer: str, wanted: str) -> Number:
    raw = answer.strip().strip(QUOTES).strip().replace("\u2212", "-").replace("_", "")
    raw = re.sub(r"(?<=[\d%.])\s+[a-z]+(\s+[a-z]+)?\s*$", "", raw, flags=re.I)  # "80 runs", "5.5 rounds"
    percent = raw.endswith("%")
    core = raw.removesuffix("%").strip()
    if core.lower() in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity"):
        return _finite(float(core))
    if not _NUMBER_TEXT.match(core):
        shown = answer if len(answer) <= 40 else answer[:37] + "..."
        raise Refused(f"Wrong type: expected {wanted}, got the text {shown!r}, which is not a number.")
    digits = sum(c.isdigit() for c in core.split("e")[0].split("E")[0])
    if digits > 300:
        raise Refused(
            f"Your answer is a number with {digits:,} digits: far too large to be the answer. Check the calculation."
        )
    try:
        value = float(Fraction(core.replace(" ", "")))
    except (OverflowError, ZeroDivisionError, ValueError):
        raise Refused(
            f"The text {core[:40]!r} is not a number that can be compared (far too large, or divided by zero)."
        ) from None
    number = _finite(value)
    return Number(number.value, percent)


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

    if isinstance(answer, str):
        return answer
    if type(answer).__name__ in ("Series", "DataFrame") or isinstance(answer, list | tuple | np.ndarray):
        try:  # outcomes.loc[[idx], "name"]: one cell of text in a one-element container
            if int(np.size(answer)) == 1:
                item = np.asarray(answer, dtype=object).ravel()[0]
                return item if isinstance(item, str) else None
        except Exception:
            return None
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
