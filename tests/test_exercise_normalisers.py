"""The answer normalisers, one per kind, against what an independent breaker brought (issue 20,
break20b: 24 of 1,315 tries misjudged). Each kind of failure is removed by one mechanism, and
each listed case is a test here; a family is a hypothesis strategy.

1. Numbers written as text have one reader (:func:`govsim.exercises.answers.read_number`):
   decimal commas, thousands, percent signs and words; the room's answer pages call it too.
2. One-element containers stand for their element for every kind (numbers, choices, yes/no).
3. Every form a choice question displays names its option ("4: n = ...", the line as
   ``show_broken()`` prints it).
4. ex8.q1: a rule counts only named as a rule; a figure only against the measure named beside
   it; the work is linear in the essay's length (timed in benchmarks/exercise_essay.py).
5. ex4.q1: one reused rule object decides every table again, so a rule with state is caught.
6. Reading any answer has a time limit, not only running code.
"""

from __future__ import annotations

import contextlib
import io
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsim.exercises import checks, ex1, ex3, ex4, ex7, ex8, questions
from govsim.exercises.answers import Refused, Unreadable, read_number, single
from govsim.exercises.checks import Choice, Numeric, Status, YesNo
from govsim.exercises.rubric import ESSAY_LIMIT, named_rules, run_figures
from govsim.protocols import Decision, Protocol, protocol_names, register
from govsim.registry import registered

QUESTIONS = questions()
NUMERIC = [q for q in QUESTIONS.values() if isinstance(q, Numeric)]
YES_NO = [q for q in QUESTIONS.values() if isinstance(q, YesNo)]
CHOICES = [q for q in QUESTIONS.values() if isinstance(q, Choice) and not isinstance(q, YesNo)]
FILLER = (
    " The negotiation involves many stakeholders and needs a careful process that is legitimate,"
    " transparent and fair to all participants, including those who cannot easily travel to"
    " meetings far away from home."
) * 3


def quiet(q, answer):
    with contextlib.redirect_stdout(io.StringIO()):
        return q.check(answer)


# ------------------------------------------------------------------ 1. numbers written as text
@pytest.mark.parametrize("q", NUMERIC, ids=lambda q: q.qid)
def test_the_reference_with_a_decimal_comma_is_correct(q):
    """break20b 1: "0,0184..." (ex1.q4, ex2.q2, ex5.q2, ex5.q4, ex6.q1, ex6.q2) was "not a number"."""
    value = q.reference()
    if float(value).is_integer():
        pytest.skip("a whole number has no decimal mark")
    assert quiet(q, repr(float(value)).replace(".", ",")).correct
    assert quiet(q, "  " + repr(float(value)).replace(".", ",").replace("-", "\u2212") + " ").correct


def test_the_listed_comma_cases():
    assert quiet(ex3.q1, "0,55").correct
    assert quiet(ex3.q1, "0.55").correct
    assert not quiet(ex3.q1, "55 %").correct and "percentage" in quiet(ex3.q1, "55 %").message


@given(
    whole=st.integers(0, 10**6),
    frac=st.text(alphabet="0123456789", min_size=1, max_size=12),
    sign=st.sampled_from(["", "-", "+", "\u2212"]),
    percent=st.sampled_from(["", "%", " %", " percent"]),
)
def test_a_decimal_comma_reads_as_a_decimal_point_unless_it_could_be_thousands(whole, frac, sign, percent):
    dotted = f"{sign}{whole}.{frac}{percent}"
    comma = f"{sign}{whole},{frac}{percent}"
    expected = read_number(dotted)
    ambiguous = len(frac) == 3 and 0 < whole < 1000
    if ambiguous:  # "1,234": a thousand and more, or a fraction? never guessed
        with pytest.raises(Unreadable, match="not clear"):
            read_number(comma)
        assert read_number(comma, integer=True).value == float(
            f"{sign.replace(chr(0x2212), '-')}{whole}{frac}"
        )
    else:
        assert read_number(comma) == expected
    assert expected.percent == bool(percent) and expected.decimals == len(frac)


@given(st.floats(-1e9, 1e9, allow_nan=False), st.sampled_from(["{:,}", "{:,.2f}", "{:_}"]))
def test_thousands_separators_are_read(value, form):
    text = form.format(value).replace("_", " ")
    if "e" in text:
        return
    assert read_number(text).value == pytest.approx(float(text.replace(",", "").replace(" ", "")), rel=1e-15)


TYPED = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789,.' %-+eE/\u00a0\u202f\u2212runs", max_size=16),
)


@settings(max_examples=300)
@given(TYPED)
def test_the_room_reads_numbers_with_the_exercises_reader(text):
    """One home for reading a number: a phone's text and a notebook's string give the same number."""
    from govsim.room.answering import parse_answer
    from govsim.values import has_control

    q = QUESTIONS["ex1.q4"]
    try:
        page = parse_answer(q, text)
    except ValueError:
        page = None
    try:
        number = read_number(text)
        notebook = f"{number.value!r}%" if number.percent else number.value
    except Refused:
        notebook = None
    if text.strip() and len(text) <= 200 and not has_control(text):
        assert page == notebook or (page is None and notebook is None), text


def test_the_room_has_no_number_reader_of_its_own():
    import govsim.room.answering as answering

    assert not any(hasattr(answering, name) for name in ("_separators", "_PLAIN", "_FRACTION", "_UNIT"))


# ------------------------------------------------------------------ 2. one-element containers
WRAPS = [
    lambda x: [x],
    lambda x: (x,),
    lambda x: np.array([x]),
    lambda x: pd.Series([x]),
    lambda x: pd.DataFrame({"answer": [x]}),
    lambda x: [[x]],
    lambda x: np.array([[x]]),
]


@given(wrap=st.sampled_from(WRAPS), q=st.sampled_from(YES_NO + CHOICES + NUMERIC))
@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
def test_a_one_element_container_stands_for_its_element_for_every_kind(wrap, q):
    """break20b 2: np.array([True]) and pd.Series([False]) were "Wrong type" for yes/no."""
    reference = q.reference()
    assert quiet(q, wrap(reference)).correct, (q.qid, wrap(reference))


@pytest.mark.parametrize("wrap", [np.array, pd.Series], ids=["array", "Series"])
def test_the_listed_yes_no_containers(wrap):
    ref = ex3.q2.reference()
    assert quiet(ex3.q2, wrap([ref])).correct
    assert quiet(ex3.q2, wrap([not ref])).status is Status.INCORRECT


def test_ex6_q4_containers():
    from govsim.exercises import ex6

    ref = ex6.q4.reference()
    for answer in (np.array([ref]), pd.Series([ref]), pd.DataFrame({"overlap": [ref]})):
        assert quiet(ex6.q4, answer).correct
    assert not quiet(ex6.q4, np.array([True, False])).correct


def test_single_leaves_other_sizes_alone():
    many = np.array([True, False])
    assert single(many) is many and single([]) == [] and single("yes") == "yes"
    assert single(np.array([True])) is True and single(pd.Series([0.5])) == 0.5


# ------------------------------------------------------------------ 3. every displayed form of a choice
@pytest.mark.parametrize("q", CHOICES + YES_NO, ids=lambda q: q.qid)
def test_every_displayed_form_of_an_option_names_it(q):
    for key, label in q.options().items():
        for form in (key, label, f"{key} {label}", f"{key}: {label}", f"({key}) {label}", f"{key}) {label}"):
            assert q.parse(form) == key, (q.qid, form)


def test_a_line_as_show_broken_prints_it_names_that_line():
    """break20b 3: " 4         n = int(table.members.sum())" was "not one of the options"."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ex7.show_broken()
    lines = out.getvalue().splitlines()
    for number, line in enumerate(lines, 1):
        if line[3:].strip():
            assert ex7.q1.parse(line) == str(number), line
    buggy = ex7.q1.reference()
    code = ex7.q1.options()[buggy]
    for form in (lines[int(buggy) - 1], f"{buggy}: {code}", f"line {buggy}: {code}", f"Line {buggy} {code}"):
        assert quiet(ex7.q1, form).correct, form
    other = str(int(buggy) + 1)
    assert ex7.q1.parse(f"{other}: {code}") is None  # a number and another line's code: not clear
    assert ex7.q1.parse(f"{buggy}{int(buggy) + 1}") is None


# ------------------------------------------------------------------ 4. ex8.q1, free text
@pytest.mark.parametrize(
    "essay",
    [
        "Regional organisations should decide with 0.43 of the stakeholders present, and "
        "parliamentary chambers should ratify.",
        "Chambers of commerce should be heard; 0.43 of them agreed.",
        "Regional bodies move slowly. I think 0.43 is the share of agreement we saw.",
        "Regional rules on data flows need Chambers of commerce; 0.43 agreed.",
    ],
)
def test_a_capitalised_english_word_is_not_a_rule(essay):
    """break20b 4a: a class name (Regional, Chambers) at the start of a sentence named the rule."""
    assert named_rules(essay, protocol_names()) == []
    assert "names no rule" in ex8.q1.judge(essay + FILLER).message


def test_a_rule_written_as_a_rule_still_counts():
    names = protocol_names()
    assert named_rules("I recommend `Regional`.", names) == ["regional"]
    assert named_rules("use Regional() here", names) == ["regional"]
    assert named_rules("I recommend the regional rule: it works", names) == ["regional"]
    assert named_rules("the Chambers protocol", names) == ["chambers"]


GAIN = "mean_gain_civil_society"


@pytest.mark.parametrize(
    "essay, accepted",
    [
        ("I recommend bottom_up: issues took 3 rounds.", False),  # 3 is only a seed number
        ("I recommend bottom_up: an issue took 12 rounds.", False),
        ("I recommend bottom_up: agreement was reached in 0.97 of issues.", False),
        ("I recommend bottom_up: civil society gained 0.123 per issue.", False),
        ("I recommend bottom_up: 0.31 of the issues were adopted.", False),
        ("I recommend bottom_up: 57% of civil society attended.", False),
        ("I recommend bottom_up: the figure was 0.43.", False),  # beside no measure
        ("I recommend bottom_up. Civil society's participation under bottom_up was 0,43 in seeds 0-9.", True),
        ("I recommend bottom_up. Civil society's participation under bottom_up was 43% in seeds 0-9.", True),
        ("I recommend bottom_up. Civil society's participation under bottom_up was 0.43 in seeds 0-9.", True),
    ],
)
def test_a_figure_counts_only_against_the_measure_named_beside_it(essay, accepted):
    """break20b 4b and 1 (the comma figure): seeds and settings are no figures, and a figure is
    compared only with the named measure's values."""
    assert ex8.m("bottom_up", "mean_participation_civil_society") == pytest.approx(0.43, abs=0.005)
    result = ex8.q1.judge(essay + FILLER)
    assert (result.status is Status.ATTEMPTED) == accepted, result.message


def test_a_figure_with_its_sign_flipped_does_not_count():
    gain = ex8.m("top_down", GAIN)
    right = f"I recommend bottom_up: civil society's gain under top_down was {gain:+.4f}." + FILLER
    flipped = f"I recommend bottom_up: civil society's gain under top_down was {-gain:+.4f}." + FILLER
    assert ex8.q1.judge(right).status is Status.ATTEMPTED
    assert ex8.q1.judge(flipped).status is Status.INCORRECT


@pytest.mark.parametrize(
    "template, values, most",
    [
        ("Civil society's participation under bottom_up was {:.2f} in seeds 0-9.", np.arange(101) / 100, 3),
        ("Participation under bottom_up was {:.2f}.", np.arange(101) / 100, 10),
        ("Participation under bottom_up was {:.2f} (95% interval).", np.arange(101) / 100, 25),
        ("Civil society's gain under bottom_up was {:+.3f}.", np.arange(-100, 101) / 1000, 12),
        ("An issue under bottom_up took {:.0f} rounds.", np.arange(1, 41), 2),
        ("An issue under bottom_up took {:.1f} rounds.", np.arange(10, 200) / 10, 3),
        ("The figure for bottom_up was {:.2f}.", np.arange(101) / 100, 0),
    ],
)
def test_invented_figures_rarely_match_by_chance(template, values, most):
    """The false-accept rate on random figures (before: 59 of 101 two-decimal values, 189 of
    1001 three-decimal values and every whole number of rounds from 1 to 19 matched the pool of
    926 numbers an essay naming bottom_up had)."""
    hits = 0
    for x in values:
        essay = "I recommend bottom_up. " + template.format(x) + FILLER
        hits += bool(run_figures(essay, ex8.produced(essay)))
    assert 1 <= hits <= most if most else hits == 0, hits


def test_the_settings_an_essay_names_are_deduplicated_and_a_long_essay_is_capped():
    essay = ex8.sample_essay()
    assert ex8.produced(essay * 50).values.keys() == ex8.produced(essay).values.keys()
    assert ex8.q1.judge(essay * 50).status is Status.ATTEMPTED
    result = quiet(ex8.q1, "word " * (ESSAY_LIMIT // 5 + 1))
    assert result.status is Status.INCORRECT and "characters long" in result.message
    assert "\n" not in result.message


# ------------------------------------------------------------------ 5. a rule with state
def _counting_rule(after: int):
    class Counting(Protocol):
        name, label = "two_thirds", "Two-thirds"

        def decide(self, table, y):
            self.calls = getattr(self, "calls", 0) + 1
            objecting = table.objecting(y)
            n = int(table.attending.sum())
            if self.calls > after:
                return Decision(True, objecting, table.attending)
            supporting = n - int(objecting.sum())
            return Decision(n > 0 and 3 * supporting >= 2 * n, objecting, table.attending)

    return Counting


@pytest.mark.parametrize("after", [3000, 6000])
def test_a_rule_that_changes_after_many_calls_is_caught(after):
    """break20b 5: a rule switching after 3,000 calls decided every table right with one
    instance per batch and was accepted."""
    with registered():
        rule = register(_counting_rule(after))
        result = quiet(ex4.q1, rule)
    assert result.status is Status.INCORRECT and "remember" in result.message, result.message
    assert ex4.q1.first_difference(_counting_rule(10**9)) is None  # without the switch: right


# ------------------------------------------------------------------ 6. a time limit for reading any answer
class SleepyFloat(float):
    def __float__(self):
        time.sleep(20)
        return 0.55


class SleepyName(Protocol):
    name = "sleepy"

    def __getattribute__(self, attr):
        if attr == "name":
            time.sleep(20)
        return object.__getattribute__(self, attr)


class SleepyText(str):
    def __len__(self):
        time.sleep(20)
        return 5


class SleepyBool:
    def __len__(self):
        time.sleep(20)
        return 1


@pytest.mark.parametrize(
    "q, answer",
    [
        (ex3.q1, SleepyFloat(0.55)),
        (ex3.q1, [SleepyFloat(0.55)]),
        (ex1.q2, SleepyName()),
        (ex3.q2, SleepyBool()),
        (ex8.q1, SleepyText("text")),
        (ex8.q2, dict.fromkeys(ex8.CRITERIA, SleepyFloat(2.0))),
    ],
    ids=["float", "list", "choice", "yes/no", "essay", "scores"],
)
def test_reading_any_answer_has_a_time_limit(monkeypatch, q, answer):
    """break20b 6: an answer whose float() sleeps held the check for as long as it liked."""
    monkeypatch.setattr(checks, "READ_LIMIT", 0.5)
    result = quiet(q, answer)  # had the 20 s sleep not been cut short, another verdict would come
    assert result.status is Status.INCORRECT and "took more than 0.5 seconds" in result.message, (
        result.message
    )


# ------------------------------------------------------------------ ex3.q1's tolerance (left for judgement)
def _bisect(f, width=1 / 64):
    low, high = 0.0, 1.0
    while high - low > width:
        middle = (low + high) / 2
        low, high = (low, middle) if f(middle) > 0 else (middle, high)
    return (low + high) / 2


@pytest.mark.slow
def test_ex3_plausible_wrong_computations_land_outside_the_tolerance():
    """break20b: at ±0.05, bisecting on participation above 0.5 (0.508) and the right bisection
    on seeds 1-10 (0.570) were accepted for 0.555; the question now asks for ±0.01."""
    from govsim.exercises.runs import mean_of

    def capacity(column, seeds, target=0.0):
        return lambda c: (
            mean_of("bottom_up", column, seeds, **{"civil_society.capacity": round(c, 6)}) - target
        )

    wrong = {
        "participation above 0.5": _bisect(capacity("mean_participation_civil_society", range(10), 0.5)),
        "seeds 1-10": _bisect(capacity("mean_gain_civil_society", range(1, 11))),
        "bisection stopped at width 1/16": _bisect(capacity("mean_gain_civil_society", range(10)), 1 / 16),
    }
    right = _bisect(capacity("mean_gain_civil_society", range(10)))
    assert quiet(ex3.q1, right).correct and right == ex3.q1.reference()
    for what, value in wrong.items():
        assert abs(value - right) > ex3.q1.tol, what
        assert not quiet(ex3.q1, value).correct, (what, value)


def test_none_stays_not_attempted_with_a_line_on_answering_none():
    """break20b (left for judgement): ``None`` for ex1.q1 ("none sits at the table") is the
    placeholder every question treats as blank; the line says how to answer "none"."""
    result = quiet(ex1.q1, None)
    assert result.status is Status.NOT_ATTEMPTED and '"none"' in result.message
    assert '"none"' not in quiet(ex1.q1, ...).message and '"none"' not in quiet(ex1.q2, None).message
    assert quiet(ex1.q1, "none").status in (Status.CORRECT, Status.INCORRECT)
