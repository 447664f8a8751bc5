"""Checking values users hand govsim: one rule for numbers, and a typed reader for tables.

One rule for every numeric field, in Python and in files:

- a number is an ``int`` or a ``float`` (numpy's integers and floats included) and finite;
- ``True``/``False`` and text are never numbers (``rho = "0.2"`` is refused, not converted);
- a whole-number field also takes a float with a whole value (``10.0`` is ``10``), nothing else.

Text from the command line is converted by the command line, never here.

:class:`TomlTable` reads a parsed TOML or JSON table key by key with these checks; every error is
one line naming the key path, the value given and what is allowed, e.g.
``groups.government.position[0].sd='wide' is not a number (allowed: a number in [0, 1])``.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from govsim.escape import has_control

_MISSING: Any = object()


def describe(kind: str, low: float | None, high: float | None) -> str:
    """``"a number in [0, 1]"``, ``"a whole number >= 1"``, ``"a number"``."""
    if low is not None and high is not None:
        return f"{kind} in [{low:g}, {high:g}]"
    if low is not None:
        return f"{kind} >= {low:g}"
    if high is not None:
        return f"{kind} <= {high:g}"
    return kind


def number(
    value: Any, where: str, low: float | None = None, high: float | None = None, allowed: str | None = None
) -> float:
    """``value`` as a finite ``float`` within ``[low, high]``, or a one-line ``ValueError``.

    ``where`` names the field in the message; ``allowed`` replaces the default description
    of what is allowed.
    """
    allowed = allowed or describe("a number", low, high)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{where}={value!r} is not a number (allowed: {allowed})")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{where}={value!r} is not a finite number (allowed: {allowed})")
    if (low is not None and result < low) or (high is not None and result > high):
        raise ValueError(f"{where}={value!r} is out of range (allowed: {allowed})")
    return result


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def decimal(
    raw: str, where: str, low: float | None = None, high: float | None = None, allowed: str | None = None
) -> float:
    """A number written in a text cell or on the command line, read by one rule: plain decimal
    notation in ASCII digits (``12``, ``-0.5``, ``.25``, ``1e3``), finite, within ``[low, high]``.

    Python's ``float()`` also takes ``1_0`` (as 10), other scripts' digits (Arabic-Indic ``٥``
    as 5), ``inf``, ``nan`` and hexadecimal-free oddities; a file meaning something else by them
    would be misread silently, so they are refused.

    Raises
    ------
    ValueError
        One line: ``where``, the text and what is allowed.
    """
    allowed = allowed or describe("a number", low, high)
    text = raw.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"{where}={raw!a} is not a number in plain decimal notation (allowed: {allowed})")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{where}={text} is not a finite number (allowed: {allowed})")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{where}={text} is out of range (allowed: {allowed})")
    return value


def whole(
    value: Any, where: str, low: int | None = None, high: int | None = None, allowed: str | None = None
) -> int:
    """``value`` as an ``int`` within ``[low, high]``: ints, numpy integers and whole-valued
    floats (``10.0``) pass; ``True``, text and ``2.5`` raise a one-line ``ValueError``."""
    allowed = allowed or describe("a whole number", low, high)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{where}={value!r} is not a whole number (allowed: {allowed})")
    if isinstance(value, numbers.Integral):
        result = int(value)
    else:
        real = float(value)
        if not math.isfinite(real) or real != int(real):
            raise ValueError(f"{where}={value!r} is not a whole number (allowed: {allowed})")
        result = int(real)
    if (low is not None and result < low) or (high is not None and result > high):
        raise ValueError(f"{where}={value!r} is out of range (allowed: {allowed})")
    return result


def printable(value: str, where: str) -> str:
    """``value`` if it holds no control or text-direction character, else a one-line
    ``ValueError`` naming ``where``. The one rule for names in every format (TOML ``[[actors]]``,
    Decide, KTAB): a name reaches role cards, terminals and HTML, where a right-to-left override
    (U+202E) would show another text than the file holds."""
    if has_control(value):
        raise ValueError(
            f"{where}={value!a} contains a control or text-direction character (allowed: printable text)"
        )
    return value


def text(value: Any, where: str, allowed: str = "text") -> str:
    """``value`` if it is a string, else a one-line ``ValueError``."""
    if not isinstance(value, str):
        raise ValueError(f"{where}={value!r} is not text (allowed: {allowed})")
    return value


def member[E: Enum](kind: type[E], value: Any, message: str) -> E:
    """The member of the enum ``kind`` named ``value`` (its value, any case, spaces trimmed), or
    ``value`` itself if it already is one; otherwise ``ValueError(message + " (allowed: ...)")``.

    The one parser of named options (groups, role-play moves, fallbacks), e.g.
    ``member(Move, "Concede", "move='Concede' is not a move")``.
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise ValueError(f"{message} (allowed: {allowed})") from None


def check_names(given: Any, valid: list[str], what: str) -> None:
    """Raise ``ValueError`` for the first name in ``given`` not in ``valid``, suggesting the closest."""
    for name in given:
        if name not in valid:
            close = difflib.get_close_matches(str(name), valid, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown {what} {name!r}{hint} (allowed: {', '.join(valid)})")


def choice(value: Any, where: str, options: list[str]) -> str:
    """``value`` if it is one of ``options``; else the closest option is suggested."""
    text(value, where, f"one of {', '.join(options)}")
    check_names([value], options, f"{where}:")
    return value


@dataclass(frozen=True)
class TomlTable:
    """A parsed TOML/JSON table read key by key, each value type-checked on the way out.

    ``where`` is the key path of the table (``"groups.government"``; empty at the top), so
    messages name the full path of a key. Readers return the default when a key is absent.
    """

    data: Mapping[str, Any]
    where: str = ""

    @classmethod
    def of(cls, value: Any, where: str, example: str = "") -> TomlTable:
        """``value`` as a TomlTable, or a one-line error when it is not a table (a dict)."""
        if not isinstance(value, Mapping):
            hint = f", like {example}" if example else ""
            raise ValueError(f"{where}={value!r} is not a table (allowed: a table of keys{hint})")
        bad = next((k for k in value if not isinstance(k, str)), None)
        if bad is not None:
            raise ValueError(f"{where}: key {bad!r} is not text")
        return cls(value, where)

    def path(self, key: str | int) -> str:
        """The full key path of ``key`` in this table, for messages (``groups.government.capability``)."""
        if isinstance(key, int):
            return f"{self.where}[{key}]"
        return f"{self.where}.{key}" if self.where else key

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def keys(self, allowed: list[str]) -> TomlTable:
        """Refuse any key not in ``allowed`` (suggesting the closest); returns ``self``."""
        check_names(self.data, allowed, f"key in [{self.where}]:" if self.where else "key")
        return self

    def _get(self, key: str, default: Any, check: Callable[[Any, str], Any]) -> Any:
        if key not in self.data:
            if default is _MISSING:
                raise ValueError(f"{self.path(key)} is missing")
            return default
        return check(self.data[key], self.path(key))

    def text(self, key: str, default: Any = _MISSING) -> str:
        """The text at ``key``, or ``default`` if absent; ``ValueError`` if absent without one or not text."""
        return self._get(key, default, text)

    def choice(self, key: str, options: list[str], default: Any = _MISSING) -> str:
        """The value at ``key``, one of ``options``; the closest option is suggested otherwise."""
        return self._get(key, default, lambda v, w: choice(v, w, options))

    def number(
        self, key: str, default: Any = _MISSING, low: float | None = None, high: float | None = None
    ) -> float:
        """The number at ``key``, within [``low``, ``high``] where given."""
        return self._get(key, default, lambda v, w: number(v, w, low, high))

    def whole(
        self, key: str, default: Any = _MISSING, low: int | None = None, high: int | None = None
    ) -> int:
        """The whole number at ``key``, within [``low``, ``high``] where given."""
        return self._get(key, default, lambda v, w: whole(v, w, low, high))

    def table(self, key: str, default: Any = _MISSING, example: str = "") -> TomlTable:
        """The sub-table at ``key`` as a :class:`TomlTable` (``example`` shows its form in errors)."""
        if key not in self.data and default is not _MISSING:
            return TomlTable(default, self.path(key))
        return self._get(key, default, lambda v, w: TomlTable.of(v, w, example))

    def list(self, key: str, default: Any = _MISSING, what: str = "a list") -> list[Any]:
        """The list at ``key`` (a tuple becomes a list); ``what`` says what is allowed in errors."""

        def check(value: Any, where: str) -> list[Any]:
            if not isinstance(value, list | tuple):
                raise ValueError(f"{where}={value!r} is not a list (allowed: {what})")
            return list(value)

        return self._get(key, default, check)

    def tables(self, key: str, example: str = "") -> list[TomlTable]:
        """An array of tables (``[[agenda]]``), each a :class:`TomlTable` named ``key[i]``."""
        items = self.list(key, [], f"a list of tables{', like ' + example if example else ''}")
        return [TomlTable.of(item, f"{self.path(key)}[{i}]", example) for i, item in enumerate(items)]

    def numbers(
        self,
        key: str,
        size: int,
        default: Any = _MISSING,
        low: float | None = None,
        high: float | None = None,
        what: str = "one per dimension",
    ) -> tuple[float, ...]:
        """A list of ``size`` finite numbers in ``[low, high]``."""
        allowed = f"a list of {size} {describe('numbers', low, high)}, {what}"

        def check(value: Any, where: str) -> tuple[float, ...]:
            if not isinstance(value, list | tuple) or len(value) != size:
                raise ValueError(f"{where}={value!r} is not {allowed}")
            for v in value:
                ok = not isinstance(v, bool) and isinstance(v, numbers.Real) and math.isfinite(v)
                if not ok or (low is not None and v < low) or (high is not None and v > high):
                    raise ValueError(f"{where}={list(value)!r} holds {v!r} (allowed: {allowed})")
            return tuple(float(v) for v in value)

        return self._get(key, default, check)


def at(where: str, key: Any) -> str:
    """Where a key sits, said safely in one line: ``where.key`` for a plain name, else
    ``where[<repr of key>]`` (a file's key may hold a newline or anything else).

    >>> at("moves[0].moves", "business"), at("plan", "a b")
    ('moves[0].moves.business', "plan['a b']")
    """
    plain_name = isinstance(key, str) and key.isidentifier() and key.isascii()
    return f"{where}.{key}" if plain_name else f"{where}[{key!r}]"
