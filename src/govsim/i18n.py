"""The room's language: what participants read in English, French or Spanish.

English is the source. Code strings are marked ``_("...")`` (or ``N_("...")`` where a constant
is translated when it is shown) and translated through the gettext catalogs in
``govsim/locale/<lang>/LC_MESSAGES/govsim.po``, which Babel reads directly (no compiled ``.mo``).
Long texts (role briefings, glossary entries, reading notes) live in per-language data files,
``govsim/data/lang/<lang>/``, read by :func:`data_file`. Numbers and dates are formatted per
locale by :func:`decimal`, :func:`percent` and :func:`date`.

The language is chosen per session (``govsim roleplay serve --lang fr``) and per page; code
reads it with :func:`current` and sets it for a block with :func:`language`::

    from govsim.i18n import _, language
    with language("fr"):
        _("Red lines")  # 'Lignes rouges'

A message missing from a catalog falls back to English, never silently: the first time each is
met, a :class:`MissingTranslation` warning names it (the tests turn the warning into an error),
and :func:`missing` lists every message a catalog lacks.

``PSEUDO`` (``"qps"``) is a pseudo-locale for tests: every translated string comes back marked
``⟦...⟧``, so a page rendered in it shows at a glance (and to a test) any text that bypassed
translation.

Terms follow the French and Spanish usage of the IGF, ITU and ICANN: gouvernance de l'Internet /
gobernanza de Internet, multipartite / de múltiples partes interesadas, consensus approximatif /
consenso aproximado (RFC 7282's rough consensus), statu quo, société civile / sociedad civil,
communauté technique / comunidad técnica, secteur privé / sector privado.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date as Date
from functools import cache
from importlib import resources
from typing import Any

from govsim.typed import Refused
from govsim.typed import read_number as typed_number

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}
PSEUDO = "qps"  # marks every translated string; for tests, never offered in a room
OPEN, CLOSE = "⟦", "⟧"
LOCALE = resources.files("govsim") / "locale"
DATA = resources.files("govsim") / "data" / "lang"

_current: ContextVar[str] = ContextVar("govsim_language", default="en")
_warned: set[tuple[str, str]] = set()


class MissingTranslation(UserWarning):
    """A message shown in English because the chosen language's catalog lacks it."""


def parse_language(value: object) -> str:
    """``value`` checked to be a language of the kit ("en", "fr", "es"; "qps" for tests).

    Raises
    ------
    ValueError
        Naming the value and the languages allowed.
    """
    text = str(value).strip().lower().replace("-", "_").split("_")[0] if value is not None else ""
    if text in LANGUAGES or text == PSEUDO:
        return text
    raise ValueError(f"lang={value!r} is not a language of the kit (allowed: {', '.join(LANGUAGES)})")


def current() -> str:
    """The language in force here: "en" unless :func:`language` set another."""
    return _current.get()


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Within the block, :func:`_` and the formatters speak ``lang`` (None keeps the current)."""
    token = _current.set(parse_language(lang) if lang is not None else current())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def mark(text: str) -> str:
    """``text`` as the pseudo-locale shows it: ``⟦text⟧``."""
    return f"{OPEN}{text}{CLOSE}"


@cache
def catalog(lang: str) -> dict[str, str]:
    """The translated messages of ``lang``: msgid -> msgstr (empty and fuzzy entries left out)."""
    from babel.messages.pofile import read_po

    path = LOCALE / lang / "LC_MESSAGES" / "govsim.po"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=lang)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def _fallback(message: str, lang: str) -> str:
    if (lang, message) not in _warned:
        warnings.warn(
            f"no {LANGUAGES[lang]} translation of {message!r}: shown in English", MissingTranslation, 3
        )
        _warned.add((lang, message))
    return message


def _(message: str) -> str:
    """``message`` in the current language (English if a catalog lacks it, with a warning)."""
    lang = current()
    if lang == "en":
        return message
    if lang == PSEUDO:
        return mark(message)
    translated = catalog(lang).get(message)
    return typography(translated) if translated else _fallback(message, lang)


_SPACE_BEFORE = re.compile(r"[ \u202f\u00a0]+([:;?!])|(?<=[^\W_]|[)\]»%])([:;?!])(?=\s|$|[)»])")
_SPACE_CLOSE = re.compile(r"[ \u202f\u00a0]*»")
_SPACE_AFTER = re.compile(r"«[ \u202f\u00a0]*")
_ENTITY_TEXT = r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
_ENTITY = re.compile(f"({_ENTITY_TEXT})")


def typography(text: Any) -> Any:
    """``text`` with the current language's typography: in French a no-break space before
    ``: ; ? !`` (where the text has a space, or none after a word as in ``0,4;`` joined by code)
    and ``»``, and after ``«``, so a line never starts with a colon; a colon inside a word or
    address (``10:30``, ``http://``) stays. Other languages and non-strings as given.

    >>> with language("fr"):
    ...     typography("Et alors ? « Oui » : non; si!") == "Et alors\u00a0? «\u00a0Oui\u00a0»\u00a0: non\u00a0; si\u00a0!"
    True
    """
    if current() != "fr" or not isinstance(text, str):
        return text
    if "&" in text and _ENTITY.search(text):  # an HTML entity (``&amp;``, ``&#160;``) is one character
        parts = _ENTITY.split(text)
        return "".join(p if n % 2 else _french(p) for n, p in enumerate(parts))
    return _french(text)


def _french(text: str) -> str:
    text = _SPACE_CLOSE.sub("\u00a0»", _SPACE_AFTER.sub("«\u00a0", text))
    text = _SPACE_BEFORE.sub(lambda m: "\u00a0" + (m.group(1) or m.group(2)), text)
    return text.replace("«\u00a0\u00a0»", "«»")


# What French typography leaves alone in a page: markup, styles, scripts, code a reader types,
# and text the page marks as not to be translated (a title as published).
_UNTOUCHED = re.compile(
    r"<(script|style|code|pre)\b.*?</\1\s*>|<(\w+)\b[^>]*\btranslate=[\"']no[\"'][^>]*>.*?</\2\s*>|<[^>]*>|"
    + _ENTITY_TEXT,
    re.S | re.I,
)


def typography_html(page: Any) -> Any:
    """An HTML page or fragment with :func:`typography` applied to its visible text (never
    inside tags, attributes, entities such as ``&amp;`` or ``&#160;``, ``<style>``,
    ``<script>``, ``<code>``, ``<pre>`` or a ``translate="no"`` element): the text a browser
    shows is the page's own with only spaces changed. The one render-time filter every page of the kit passes through: handouts,
    printable role-play pages and the served panes.

    >>> with language("fr"):
    ...     shown = typography_html("<p style='a: b'><b>Note</b>: <code>x: y</code> oui!</p>")
    >>> shown == "<p style='a: b'><b>Note</b>\u00a0: <code>x: y</code> oui\u00a0!</p>"
    True
    """
    if current() != "fr" or not isinstance(page, str):
        return page
    out, at, spaced = [], 0, False
    for kept in _UNTOUCHED.finditer(page):
        out += [_text_node(page[at : kept.start()], spaced), kept.group(0)]
        spaced = kept.group(0).lower() in _SPACE_ENTITIES
        at = kept.end()
    out.append(_text_node(page[at:], spaced))
    return "".join(out)


_SPACE_ENTITIES = {"&nbsp;", "&#160;", "&#xa0;", "&#8239;", "&#x202f;"}


def _text_node(text: str, spaced: bool = False) -> str:
    """One run of visible text: a colon (or ; ? !) that opens it follows the word before a tag
    (unless a no-break space entity stands just before it)."""
    text = typography(text)
    if not spaced and re.match(r"[:;?!](?:\s|$)", text):
        text = "\u00a0" + text
    return text


def collation_key(text: str) -> tuple[str, str]:
    """A sort key for ``text`` in the current language: accents and case folded first
    (``Électeur`` files under E, between ``Divergence`` and ``Forum``), the text itself breaking
    ties. PyICU's collator is used when it is installed; otherwise Unicode decomposition
    (NFKD) with the combining marks dropped, which orders French and Spanish words as their
    dictionaries do except for rare ties (``ñ`` files with ``n``).

    >>> sorted(["Forum", "Électeur médian", "Divergence", "état"], key=collation_key)
    ['Divergence', 'Électeur médian', 'état', 'Forum']
    """
    collator = _collator(locale_name())
    if collator is not None:
        return (collator.getSortKey(text).hex(), text)
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return (folded, text)


@cache
def _collator(locale: str) -> Any:
    try:
        import icu  # PyICU: optional
    except ImportError:
        return None
    return icu.Collator.createInstance(icu.Locale(locale))


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it now (translate it when shown)."""
    return message


def locale_name() -> str:
    """The Babel locale of the current language (the pseudo-locale formats as English)."""
    lang = current()
    return "en" if lang == PSEUDO else lang


def _grouped(value: float) -> str:
    """The integer part's pattern: French and Spanish separate thousands (``2 000``; Spanish,
    as CLDR's minimum grouping digits say, from ``10 000`` up); English output stays as it was
    (``2000``), since notebooks and golden files read it."""
    lang = current()
    if lang == "fr" or (lang == "es" and abs(value) >= 10_000):
        return "#,##0"
    return "0"


def decimal(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, in the current locale (``0,25`` in French)."""
    from babel.numbers import format_decimal

    whole = _grouped(float(value))
    pattern = whole + "." + "0" * digits if digits else whole
    return _minus(format_decimal(round(float(value), digits), format=pattern, locale=locale_name()))


def decimal_comma() -> bool:
    """True when the current locale writes a decimal comma (``0,25`` in French and Spanish):
    a number typed there with a lone comma (``1,250``) means a fraction, not a thousand."""
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(locale_name()) == ","


def number(value: float, most: int = 3) -> str:
    """``value`` with at most ``most`` decimals and no trailing zeros, in the current locale
    (``2 000`` and ``0,025`` in French)."""
    from babel.numbers import format_decimal

    pattern = _grouped(float(value)) + "." + "#" * most
    return _minus(format_decimal(round(float(value), most), format=pattern, locale=locale_name()))


def _minus(text: str) -> str:
    """French and Spanish typography write a negative number with the minus sign (U+2212,
    ``−0,25``), not a hyphen."""
    return "\u2212" + text[1:] if text.startswith("-") and current() in ("fr", "es") else text


def percent(share: float, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage with ``digits`` decimals in the current locale's own
    pattern (``25 %`` and ``0,0 %`` in French, ``0.0%`` in English): never an explicit pattern,
    which would drop the locale's space before ``%``."""
    from babel import Locale
    from babel.numbers import format_percent

    locale = locale_name()
    if not digits:
        return format_percent(float(share), locale=locale)
    pattern = Locale.parse(locale).percent_formats[None].pattern
    last = pattern.rfind("0")
    pattern = pattern[: last + 1] + "." + "0" * digits + pattern[last + 1 :]
    return _minus(format_percent(float(share), format=pattern, locale=locale))


def date(when: Date) -> str:
    """A date in the current locale's medium form (``6 déc. 2026``)."""
    from babel.dates import format_date

    return format_date(when, format="medium", locale=locale_name())


# ---------------------------------------------------------------- long texts (data files)
def data_file(name: str, *tables: str) -> dict[str, Any]:
    """The current language's translations of data file ``name`` (``glossary.toml``,
    ``roles/defaults.toml``...), from ``govsim/data/lang/<lang>/<name>``; {} in English. With
    ``tables``, the table found under those keys ({} when absent).

    In the pseudo-locale this is {}: :func:`text` then marks the English text instead.

    Raises
    ------
    ValueError
        One line naming the file and key: a value under ``tables`` is not a table.
    """
    lang = current()
    if lang in ("en", PSEUDO):
        return {}
    found = _data(lang, name)
    for n, key in enumerate(tables):
        found = found.get(key, {})
        if not isinstance(found, dict):
            where = ".".join(tables[: n + 1])
            raise ValueError(f"data/lang/{lang}/{name}: {where}={_cut(found)} is not a table")
    return found


def _cut(value: Any, most: int = 60) -> str:
    """``repr(value)`` cut to ``most`` characters, for one-line errors."""
    said = repr(value)
    return said if len(said) <= most else said[: most - 3] + "..."


@cache
def _data(lang: str, name: str) -> dict[str, Any]:
    from govsim.reading import read_toml

    path = DATA / lang / name
    if not path.is_file():
        return {}
    return read_toml(path, f"data/lang/{lang}/{name}")


def text(english: Any, translated: Any, where: str) -> Any:
    """A long text (a string or a list of strings) in the current language: ``translated``
    from a data file when given, marked in the pseudo-locale, English (with a warning) when the
    language's file lacks it. ``where`` names the entry for the warning.

    Raises
    ------
    ValueError
        One line naming the language's file and ``where``: ``translated`` is given but is not
        a non-empty string (or, for a list, a list of non-empty strings).
    """
    lang = current()
    if lang == "en":
        return english
    if lang == PSEUDO:
        return [mark(e) for e in english] if isinstance(english, list) else mark(english)
    if translated is None:
        _fallback(where, lang)
        return english
    if isinstance(english, list):
        if not (isinstance(translated, list) and all(isinstance(t, str) and t.strip() for t in translated)):
            raise ValueError(
                f"data/lang/{lang}/{where}={_cut(translated)} is not a list of non-empty strings"
            )
        if len(translated) != len(english):
            _fallback(where, lang)
            return english
    elif not (isinstance(translated, str) and translated.strip()):
        raise ValueError(f"data/lang/{lang}/{where}={_cut(translated)} is not a non-empty string")
    return [typography(t) for t in translated] if isinstance(translated, list) else typography(translated)


def fingerprint(english: Any) -> str:
    """A short digest of an English entry (its translatable fields): a translation records the
    digest of the English it was made from (``source``), so a changed English text shows up as a
    missing translation instead of a stale one."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(english, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:10]


def fresh(translated: Any, english: dict[str, Any], where: str) -> dict[str, Any]:
    """``translated`` (one table of a language's data file) if its ``source`` is the
    :func:`fingerprint` of ``english``; else {} (so every field falls back, visibly) with a
    warning that the English changed since it was translated."""
    if not isinstance(translated, dict) or current() in ("en", PSEUDO):
        return {}
    if translated.get("source") != fingerprint(english):
        if translated:
            _fallback(f"{where} (the English changed since it was translated)", current())
        return {}
    return translated


def missing(lang: str, messages: set[str]) -> list[str]:
    """The ``messages`` (English msgids) the catalog of ``lang`` lacks, sorted."""
    have = catalog(parse_language(lang))
    return sorted(m for m in messages if not have.get(m))


def name(english: str) -> str:
    """A name from the scenario files (a title, an issue, a named actor, a dimension, what a
    dimension's ends mean) in the current language, from ``data/lang/<lang>/names.toml``."""
    return text(english, data_file("names.toml").get(english), f"names.toml: {english!r}")


def join_numbers(parts: Any) -> str:
    """Items that hold numbers, joined so that a decimal comma never reads as a separator:
    ``", "`` where the locale writes 0.25, ``"; "`` where it writes 0,25 (``0,70 ; 0,90`` in
    French, with its typography).

    >>> with language("fr"):
    ...     join_numbers([decimal(0.7), decimal(0.9)]) == "0,70\u00a0; 0,90"
    True
    """
    from babel.numbers import get_decimal_symbol

    comma = get_decimal_symbol(locale_name()) == ","
    return typography(("; " if comma else ", ").join(parts))


def join_and(items: Any) -> str:
    """``items`` as a list the current language writes: ``a, b and c`` / ``a, b et c`` /
    ``a, b y c`` (Babel's list patterns; the pseudo-locale marks the connecting word)."""
    items = list(items)
    if current() == PSEUDO and len(items) > 1:
        return ", ".join(items[:-1]) + f" {mark('and')} " + items[-1]
    from babel.lists import format_list

    return typography(format_list(items, style="standard", locale=locale_name())) if items else ""


def signed(value: float, digits: int = 3) -> str:
    """``value`` with its sign and ``digits`` decimals, in the current locale (``+0,012``)."""
    value = round(float(value), digits)
    return ("\u2212" if value < 0 and current() in ("fr", "es") else "-" if value < 0 else "+") + decimal(
        abs(value), digits
    )


def read_number(typed: object, low: float, high: float, field: str) -> float:
    """A number a participant typed into ``field``, in any of the kit's locales: ``0,4``,
    ``0.4``, `` 0,40 ``, ``−0,5`` (a minus sign or a hyphen), ``1/2``, read by the kit's one
    reader of typed numbers (:func:`govsim.typed.read_number`), and within [``low``, ``high``].
    A lone comma is the decimal mark where the current locale writes one (``1,000`` is 1 in
    French and Spanish); in English ``1,234`` is refused as ambiguous, never guessed. A
    percentage (``40 %``) is refused: the field's scale is not a percentage.

    Raises
    ------
    ValueError
        One line in the current language naming the field, what was typed and what is allowed
        (a page shows it beside the field; nothing is sent).

    >>> read_number("0,4", 0, 1, "x"), read_number(" .5 ", 0, 1, "x"), read_number("7", 0, 10, "x")
    (0.4, 0.5, 7.0)
    """
    try:
        read = typed_number("" if typed is None else str(typed), decimal_comma=decimal_comma())
    except Refused:
        read = None
    if read is not None and not read.percent and low <= read.value <= high:
        return read.value
    raise ValueError(
        _("{field}: {typed} is not a number from {low} to {high} (for example {example}).").format(
            field=field,
            typed=f"« {typed} »" if current() == "fr" else f"“{typed}”",
            low=number(low),
            high=number(high),
            example=decimal((low + high) / 2, 2),
        )
    )


def ordinal(n: int) -> str:
    """``n`` as the current language writes an ordinal before a noun: ``33rd`` in English,
    ``33e`` (``1er``) in French, ``33`` in Spanish (``el percentil 33``).

    >>> with language("en"):
    ...     [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 33, 112)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '33rd', '112th']
    """
    lang = current()
    if lang == "fr":
        return "1er" if n == 1 else f"{n}e"
    if lang == "es":
        return str(n)
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def use(lang: str | None) -> str:
    """Speak ``lang`` for the rest of the current context (one asyncio task, such as one
    request of the room server, or one thread), where a ``with`` block cannot span it; the
    language a page asked for, checked (:func:`parse_language`). None keeps the current."""
    if lang is not None:
        _current.set(parse_language(lang))
    return _current.get()
