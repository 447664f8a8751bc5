"""One reader of a number typed as text (:mod:`govsim.typed`), shared by every layer.

The exercises (:func:`govsim.exercises.answers.read_number`), the role-play's amendment fields
(:func:`govsim.i18n.read_number`) and the room's typed settings
(:func:`govsim.room.explore.check_settings`) read through it, so a participant's ``0,4`` means
the same everywhere; what differs is only what each layer then asks (bounds, a whole number)
and the language of the refusal.
"""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from hypothesis import assume, given
from hypothesis import strategies as st

from govsim import i18n, typed
from govsim.exercises import answers
from govsim.i18n import language
from govsim.room.explore import check_settings


def test_the_exercises_read_with_the_core_reader_itself():
    """No second copy: the learner-facing entry is the core reader, with its result and refusals."""
    assert answers.read_number is typed.read_number
    assert (answers.Number, answers.Refused, answers.Unreadable) == (
        typed.Number,
        typed.Refused,
        typed.Unreadable,
    )


@given(
    st.floats(-(10**6), 10**6, allow_nan=False),
    st.sampled_from(["fr", "es", "en"]),
    st.integers(0, 4),
    st.booleans(),
)
def test_a_number_the_locale_writes_reads_back_as_itself(value, lang, digits, grouped):
    """Babel's own formatting of each locale (thousands grouped or not) is read back exactly
    when the reader is told whether the locale writes a decimal comma.

    Left out: Spanish groups thousands with a dot, and one such group (``12.345``) is read as
    a decimal dot, as the amendment fields always read ``0.4`` in every language.
    """
    assume(not (grouped and lang == "es" and 1000 <= abs(round(value, digits)) < 10**6))
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
    shown = format_decimal(round(value, digits), format=pattern, locale=lang)
    with language(lang):
        comma = i18n.decimal_comma()
    assert comma == (lang in ("fr", "es"))
    assert typed.read_number(shown, decimal_comma=comma).value == pytest.approx(
        round(value, digits), abs=1e-9
    )


def test_a_lone_comma_is_a_decimal_mark_only_where_the_locale_writes_one():
    assert typed.read_number("1,234", decimal_comma=True).value == 1.234
    assert typed.read_number("1,234", integer=True).value == 1234
    with pytest.raises(typed.Unreadable, match="not clear"):
        typed.read_number("1,234")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_an_amendment_field_reads_both_marks_and_refuses_a_thousand_in_one_line(lang):
    """A typed "0,4" and "0.4" read 0.4 in every language; "1,234" for a field in [0, 1] is
    refused with the field's one translated line (ambiguous in English, 1.234 and out of range
    in French and Spanish); so are a percentage and text."""
    with language(lang):
        assert i18n.read_number("0,4", 0, 1, "x") == i18n.read_number("0.4", 0, 1, "x") == 0.4
        assert i18n.read_number("\u22120,5", -1, 1, "x") == -0.5
        assert i18n.read_number("1/2", 0, 1, "x") == 0.5
        for bad in ("1,234", "40 %", "0,4,5", "nan", "abc"):
            with pytest.raises(ValueError) as refused:
                i18n.read_number(bad, 0, 1, "openness")
            line = str(refused.value)
            assert line.startswith("openness") and bad in line and "\n" not in line


def test_a_room_setting_sent_as_text_is_read_as_typed_in_the_page_language():
    """The room's dashboard settings sent as text: a decimal comma in French, thousands in a
    seed, and a percentage or a fraction of a seed refused naming the field."""
    with language("fr"):
        assert check_settings({"rho": "0,35"})["rho"] == 0.35
        with pytest.raises(ValueError, match="seed"):
            check_settings({"seed": "1,234"})  # 1,234 in French: not a whole number
    with language("en"):
        assert check_settings({"rho": "0.35", "seed": "1,234"})["seed"] == 1234
        assert check_settings({"seed": "12 345"})["seed"] == 12345
        for bad in ({"rho": "35 %"}, {"seed": "1.5"}):
            with pytest.raises(ValueError, match=next(iter(bad))):
                check_settings(bad)
