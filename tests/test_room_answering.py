"""The answer exercises as pages (govsim.room.answering): what phones send, in every reasonable
form, is read as a notebook learner would write it and judged by the notebooks' own check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.exercises import questions
from govsim.exercises.checks import Choice, Question, Status, YesNo
from govsim.room.answering import (
    KINDS,
    answer_questions,
    describe,
    judge,
    options,
    parse_answer,
)

QUESTIONS = answer_questions()
NUMBERS = [q for q in QUESTIONS.values() if q.kind == "number"]
CHOICES = [q for q in QUESTIONS.values() if q.kind == "choice"]
YES_NOS = [q for q in QUESTIONS.values() if q.kind == "yes/no"]


def test_the_pages_are_the_exercises_answered_with_a_number_or_a_choice():
    every = questions()
    assert list(QUESTIONS) == [qid for qid, q in every.items() if q.kind in KINDS]
    assert all(QUESTIONS[qid] is every[qid] for qid in QUESTIONS)  # the notebooks' own objects
    assert NUMBERS and CHOICES and YES_NOS
    for qid, q in QUESTIONS.items():
        page = describe(qid)
        assert page["text"] == q.text and page["kind"] == q.kind
        if isinstance(q, Choice):
            keys = [k for k, _ in page["options"]]
            assert keys == (["yes", "no"] if isinstance(q, YesNo) else list(q.options()))
        else:
            assert page["options"] == []


def number_forms(value: float, integer: bool) -> list[str]:
    """How people type ``value`` on a phone (full precision: the checks' tolerance may be 1e-9)."""
    plain = repr(float(value))
    forms = [plain, f" {plain} ", f'"{plain}"', plain.replace(".", ","), f"{float(value):.17e}"]
    forms += [plain.replace("-", "\u2212"), f"{plain} units"]
    if value >= 0:
        forms.append("+" + plain)
    if integer:
        n = round(value)
        forms += [str(n), f"{n}.0", f"{n:,}", f"{n:,}".replace(",", " "), f"{n:,}".replace(",", "\u202f")]
        forms += [f"{n:,}".replace(",", "."), f"{n:,}".replace(",", "'")] if n >= 1000 else []
    return forms


@pytest.mark.parametrize("q", NUMBERS, ids=lambda q: q.qid)
def test_the_reference_number_in_every_reasonable_form_is_correct(q):
    ref = q.reference()
    for form in number_forms(ref, q.integer):
        result = judge(q.qid, form)
        assert result.status is Status.CORRECT, (form, result.line)
    if q.unit == "share":  # a percentage is diagnosed, as in a notebook
        assert "percentage" in judge(q.qid, f"{100 * ref!r} %").message


def choice_forms(q: Choice, key: str) -> list[str]:
    label = q.options()[key]
    position = str(list(q.options()).index(key) + 1)
    forms = [key, key.upper(), f"({key})", f"{key})", f" {key}. ", f"option {key}", label, label.upper()]
    return forms + ([] if q.numbered() else [position, f"{position}."])


@pytest.mark.parametrize("q", CHOICES, ids=lambda q: q.qid)
def test_the_reference_choice_by_letter_number_or_words_is_correct_and_others_are_not(q):
    ref = q.reference()
    for form in choice_forms(q, ref):
        assert parse_answer(q, form) == ref, form
        assert judge(q.qid, form).status is Status.CORRECT, form
    for key in q.options():
        if key != ref:
            assert judge(q.qid, key).status is Status.INCORRECT


@pytest.mark.parametrize("q", YES_NOS, ids=lambda q: q.qid)
@pytest.mark.parametrize(
    ("words", "meaning"),
    [
        (["yes", "Yes", "Y", "true", "oui", "Oui!", "vrai", "sí", "Si", "verdadero", " YES "], True),
        (["no", "No.", "n", "false", "non", "faux", "falso", "NO"], False),
    ],
)
def test_yes_and_no_in_english_french_and_spanish(q, words, meaning):
    for word in words:
        assert parse_answer(q, word) is meaning, word
        assert (judge(q.qid, word).status is Status.CORRECT) == (meaning == q.reference()), word


@pytest.mark.parametrize(
    ("qid", "text", "said"),
    [
        ("ex6.q3", "1,234", None),  # a whole number: thousands
        ("ex1.q4", "1,234", "not clear"),  # a fraction or a thousand? asked, not guessed
        ("ex1.q4", "12,34,5", "groups of three"),
        ("ex1.q4", "abc", "is not a number"),
        ("ex1.q4", "1/0", "divides by zero"),
        ("ex1.q4", "1e400", "is not a number"),
        ("ex1.q4", "9" * 201, "at most 200"),
        ("ex1.q4", "nan", "is not a number"),
        ("ex1.q4", "", "type one"),
        ("ex1.q4", "a\x00b", "printable"),
        ("ex1.q1", "d", "one of the options (allowed: a, b, c, 1 to 3,"),
        ("ex1.q1", "0", "one of the options"),
        ("ex3.q2", "maybe", "yes or no"),
    ],
)
def test_what_cannot_be_read_is_one_line_naming_question_text_and_allowed(qid, text, said):
    if said is None:
        assert parse_answer(qid, text) == 1234.0
        return
    with pytest.raises(ValueError) as info:
        parse_answer(qid, text)
    message = str(info.value)
    assert message.startswith(f"{qid}: answer=") and said in message and "\n" not in message


def test_unknown_questions_and_non_text_are_refused():
    for bad in ("ex8.q1", "nope", None):
        with pytest.raises(ValueError, match="not an exercise answered from a page"):
            judge(bad, "1")
    with pytest.raises(ValueError, match="is not text"):
        parse_answer("ex1.q1", 3)


TYPED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789,.' %-+eE/\u00a0\u202f\u2212abcyesnoui()", max_size=16),
)


@settings(max_examples=300)
@given(st.sampled_from(list(QUESTIONS)), TYPED)
def test_no_text_crashes_the_reader_or_the_judge(qid, text):
    try:
        answer = parse_answer(qid, text)
    except ValueError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(qid)
        return
    result = judge(qid, text)
    assert result.status in (Status.CORRECT, Status.INCORRECT) and result.question == qid
    assert isinstance(answer, (float, str, bool))


@given(
    st.sampled_from([q.qid for q in NUMBERS]),
    st.floats(-1e6, 1e6, allow_nan=False).filter(lambda x: abs(x) > 1e-6 or x == 0),
    st.sampled_from(["{}", "{} ", "{:,}"]),
)
def test_a_number_is_read_as_the_number_it_spells(qid, value, form):
    text = form.format(value)
    assert parse_answer(qid, text) == pytest.approx(value, rel=1e-15)


def test_judge_calls_the_notebooks_check_and_prints_nothing(monkeypatch, capsys):
    seen = []
    original = Question.check

    def spy(self, answer=None):
        seen.append((self.qid, answer))
        return original(self, answer)

    monkeypatch.setattr(Question, "check", spy)
    q = CHOICES[0]
    result = judge(q.qid, q.reference())
    assert seen == [(q.qid, q.reference())] and result.correct
    assert capsys.readouterr().out == ""


def test_one_participants_tries_do_not_advance_anothers_hints():
    q = NUMBERS[0]
    before = q._hints_given  # other tests (notebook checks) may have asked this shared question
    wrong = repr(q.reference() + 1000)
    first = judge(q.qid, wrong, tries=0)
    later = judge(q.qid, wrong, tries=1)
    again = judge(q.qid, wrong, tries=0)
    assert len(q.hints) >= 2 and "Hint 1 of" in first.message and "Hint 1 of" in again.message
    assert "Hint 2 of" in later.message
    assert q._hints_given == before  # the shared question is untouched


def test_options_are_what_the_check_accepts():
    for q in CHOICES + YES_NOS:
        for key, words in options(q):
            assert parse_answer(q, key) == (key == "yes" if isinstance(q, YesNo) else key)
            assert parse_answer(q, words) == parse_answer(q, key)
