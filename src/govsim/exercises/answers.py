"""One normaliser per answer kind: what a learner hands a check, turned into the value the
check compares, or one line saying what came and what is expected.

Numbers (:func:`as_number`): ``int``, ``float``, numpy scalars, ``Decimal``, ``Fraction``,
numeric text (``"5.52"``, ``"0,55"``, ``" 3/4 "``, ``"45 %"``, ``"12 345"``: :func:`read_number`,
the kit's one reader of a number written as text, whose home is :mod:`govsim.typed`; the room's
answer pages and the role-play's amendment fields read with it too), and anything holding
exactly one of those.

One-element containers (a list, tuple, array, pandas Series or one-cell DataFrame) stand for
their element for every answer kind, numbers, choices and yes/no alike (:func:`single`). Huge values (``10**400``), NaN,
infinities, complex numbers, text that is not a number and containers of another size are
refused with one line.

Choices (:func:`option_words`): case, quotes (straight, curly, back-ticks), hyphens,
underscores, spaces and punctuation do not matter, and class names read as words
(``TopDown`` -> ``top down``). A protocol class or instance, or a group, stands for its name.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Complex, Integral, Real
from typing import Any

import numpy as np

from govsim.typed import Number, Refused, Unreadable, finite, read_number

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
        return finite(value)
    raise Refused(f"Wrong type: expected {wanted}, got {describe_type(answer)}.")


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
