"""The one reader of a number a person typed as text, in any of the kit's locales.

:func:`read_number` turns ``"0.55"``, ``"0,55"``, ``"12 345"``, ``"3/4"``, ``"45 %"`` or
``"80 runs"`` into a :class:`Number`, or refuses with one English line (:class:`Unreadable`,
:class:`Refused`). Every layer that reads a typed number goes through it: the exercises
(:func:`govsim.exercises.answers.as_number`, which adds the learner-facing reading of Python
values), the room's answer pages, the role-play's amendment fields (:func:`govsim.i18n.read_number`,
which adds bounds and a translated message) and the room's typed settings.

Numbers in files and on the command line are read by a stricter rule
(:func:`govsim.values.decimal`): a file meaning ``1,234`` as a thousand must not be misread.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["DIGITS_LIMIT", "GENERAL", "QUOTES", "Number", "Refused", "Unreadable", "finite", "read_number"]


class Refused(ValueError):
    """An answer that cannot be read as the kind asked for; the message is one learner-facing line."""


@dataclass(frozen=True)
class Number:
    """A number read from an answer; ``percent`` when it was written with a ``%`` sign (then
    ``value`` is the percentage as written)."""

    value: float
    percent: bool = False
    decimals: int | None = None  # digits shown after the decimal mark, for a number read from text


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


def read_number(
    text: str, *, integer: bool = False, decimal_comma: bool = False, wanted: str = "a single number"
) -> Number:
    """The one reader of a number written as text, for notebooks, essays and forms alike.

    Reads ``"0.55"``, ``"0,55"`` (a decimal comma), ``"-0.02"`` or ``"\u22120.02"``, ``"1e-3"``,
    ``"3/4"``, thousands separated by commas, dots, spaces, no-break spaces or apostrophes
    (``"12,345.5"``, ``"12.345,5"``, ``"12 345"``, ``"12'345"``), full-width digits, outer
    quotes, a trailing unit word (``"80 runs"``) and a percent sign or word (``"55 %"``,
    ``"55 percent"``: ``percent`` is set and ``value`` is 55). A lone comma before exactly
    three digits (``"1,234"``) is a thousands separator only when ``integer`` (the question
    asks for a whole number); otherwise it is refused as ambiguous, never guessed, unless
    ``decimal_comma`` (the text was typed where the locale writes a decimal comma, as French
    and Spanish do: ``"1,234"`` is then 1.234).

    Parameters
    ----------
    text : the text a learner typed.
    integer : the question asks for a whole number.
    decimal_comma : the writer's locale writes a decimal comma, so a lone comma is one.
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
        return Number(finite(float(text)).value, False, len(text.partition(".")[2]))
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
        return finite(float(core))
    if _FRACTION.fullmatch(core):
        top, bottom = (int(p) for p in core.replace(" ", "").split("/"))
        if bottom == 0:
            raise Unreadable(
                f"The text {shown!r} divides by zero: it is not a number.", "a number: it divides by zero"
            )
        value, decimals = Fraction(top, bottom), 0
    else:
        digits = _separators(
            re.sub(f"(?<=\\d)[{SPACES}'’](?=\\d{{3}}(?!\\d))", "", core), integer, decimal_comma, shown
        )
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
    return Number(finite(number).value, percent, decimals)


def _separators(digits: str, integer: bool, decimal_comma: bool, shown: str) -> str:
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
        if len(frac) == 3 and re.fullmatch(r"[+-]?[1-9]\d{0,2}", whole) and not decimal_comma:
            if integer:
                return whole + frac
            raise Unreadable(
                f"The text {shown!r} is not clear: write 1234 for a thousand and more, or 1.234 "
                "for a fraction.",
                "clear: write 1234 for a thousand and more, or 1.234 for a fraction",
            )
        return whole + "." + frac
    return digits


def finite(value: float) -> Number:
    """``value`` as a :class:`Number`; NaN and infinities refused with one line."""
    if math.isnan(value):
        raise Refused(
            "Your answer is NaN (not a number): did a calculation include missing values, or 0 / 0?"
        )
    if math.isinf(value):
        raise Refused("Your answer is infinite: did you divide by zero?")
    return Number(value)
