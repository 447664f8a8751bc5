"""Property tests of the exercise checks: for each question, generated equivalent forms of the
right answer pass and generated near misses fail with one line; rules are judged against the
reference on hypothesis-generated tables."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsim.exercises import questions
from govsim.exercises.cases import RHOS, STANCES, Seat, TableCase, all_cases
from govsim.exercises.checks import Choice, Numbers, Numeric, Status, YesNo
from govsim.groups import GROUP_NAMES
from govsim.protocols import BottomUp, Decision

QUESTIONS = questions()
NUMERIC = [q for q in QUESTIONS.values() if isinstance(q, Numeric) and q.accept is None]
CHOICES = [
    q for q in QUESTIONS.values() if isinstance(q, Choice) and not isinstance(q, YesNo) and not q.numbered()
]
QUIET = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])

WRAPPERS = {
    "float": float,
    "numpy": np.float64,
    "text": lambda v: f" {v!r} ",
    "decimal": lambda v: Decimal(repr(v)),
    "list": lambda v: [v],
    "array": lambda v: np.array([v]),
    "0-d array": np.array,
    "series": lambda v: pd.Series([v]),
}


@pytest.mark.parametrize("q", NUMERIC, ids=lambda q: q.qid)
@QUIET
@given(wrap=st.sampled_from(sorted(WRAPPERS)), fraction=st.floats(-0.9, 0.9))
def test_numeric_equivalent_forms_pass(q, wrap, fraction, capsys):
    value = q.reference() + (0 if q.integer else fraction * q.tol)
    assert q.check(WRAPPERS[wrap](float(value))).correct


@pytest.mark.parametrize("q", NUMERIC, ids=lambda q: q.qid)
@QUIET
@given(wrap=st.sampled_from(sorted(WRAPPERS)), scale=st.floats(1.5, 1e6), sign=st.sampled_from((-1, 1)))
def test_numeric_near_misses_fail_with_one_line(q, wrap, scale, sign, capsys):
    step = max(q.tol, 1e-12) if not q.integer else 1
    value = q.reference() + sign * scale * step
    if q.integer:
        value = round(value)
    result = q.check(WRAPPERS[wrap](float(value)))
    assert result.status is Status.INCORRECT and "\n" not in result.message, result.line


def _spellings(text: str) -> st.SearchStrategy[str]:
    def spell(parts):
        case, sep, quote, pad = parts
        words = text.replace("_", " ").replace("-", " ").split()
        joined = sep.join(words)
        joined = {"lower": joined.lower(), "upper": joined.upper(), "title": joined.title(), "same": joined}[
            case
        ]
        return f"{pad}{quote[0]}{joined}{quote[1]}{pad}"

    return st.tuples(
        st.sampled_from(("lower", "upper", "title", "same")),
        st.sampled_from((" ", "_", "-", "  ")),
        st.sampled_from((("", ""), ("'", "'"), ("“", "”"), ("‘", "’"), ("`", "`"))),
        st.sampled_from(("", " ", "\t")),
    ).map(spell)


@pytest.mark.parametrize("q", CHOICES, ids=lambda q: q.qid)
@QUIET
@given(data=st.data())
def test_choice_spellings_of_the_right_option_pass_and_of_others_fail(q, data, capsys):
    key = q.reference()
    options = q.options()
    name = data.draw(st.sampled_from(sorted({key, options[key]})))
    assert q.check(data.draw(_spellings(name))).correct
    others = [k for k in options if k != key]
    other = data.draw(st.sampled_from(others))
    wrong = data.draw(_spellings(data.draw(st.sampled_from(sorted({other, options[other]})))))
    result = q.check(wrong)
    assert result.status is Status.INCORRECT and "\n" not in result.message


def test_numbers_question_forms(capsys):
    q = next(q for q in QUESTIONS.values() if isinstance(q, Numbers))
    ref = q.reference()
    for form in (
        ref,
        tuple(ref),
        np.array(ref),
        pd.Series(ref),
        [float(r) for r in ref],
        ", ".join(map(str, ref)),
    ):
        assert q.check(form).correct
    assert not q.check([*ref[:-1], ref[-1] + 1])


# ------------------------------------------------------------------ rules on generated tables
seats = st.lists(
    st.builds(Seat, st.sampled_from(GROUP_NAMES), st.sampled_from(sorted(STANCES)), st.booleans()),
    min_size=0,
    max_size=14,
)
tables = st.builds(TableCase, seats.map(tuple), st.sampled_from(RHOS))


def two_thirds_by_counting(case: TableCase) -> bool:
    present = [s for s in case.seats if s.present]
    objecting = sum(s.stance == "objects" for s in present)
    return bool(present) and 3 * (len(present) - objecting) >= 2 * len(present)


@given(case=tables)
def test_the_two_thirds_reference_counts_as_the_question_says(case):
    from govsim.exercises.ex4 import TwoThirds

    assert TwoThirds().decide(case.table(), case.y).adopted == two_thirds_by_counting(case)


@given(case=tables)
def test_the_fixed_bug_hunt_rule_is_the_package_rough_consensus(case):
    from govsim.exercises.ex7 import FixedRoughConsensus

    fixed = FixedRoughConsensus().decide(case.table(), case.y)
    assert fixed.adopted == BottomUp().decide(case.table(), case.y).adopted


def _threshold_rule(numerator: int, denominator: int, strict: bool, count: str):
    """A two-thirds-like rule with another threshold, strictness or head count."""
    from govsim.protocols import Protocol

    class Variant(Protocol):
        name, label = "two_thirds", "variant"

        def decide(self, table, y):
            objecting = table.objecting(y)
            n = int(getattr(table, count).sum())
            s = int(table.attending.sum()) - int(objecting.sum())
            ok = denominator * s > numerator * n if strict else denominator * s >= numerator * n
            return Decision(bool(n > 0 and ok), objecting, table.attending)

    return Variant


@settings(max_examples=30)
@given(
    numerator=st.integers(1, 5),
    denominator=st.integers(2, 6),
    strict=st.booleans(),
    count=st.sampled_from(("attending", "members")),
    case=tables,
)
def test_a_wrong_rule_that_a_generated_table_exposes_is_rejected(numerator, denominator, strict, count, case):
    """Whenever hypothesis finds a table where a variant decides otherwise than two thirds of
    the attendees, the grader's own tables expose the variant too."""
    from govsim.exercises import ex4

    rule = _threshold_rule(numerator, denominator, strict, count)()
    differs = rule.decide(case.table(), case.y).adopted != two_thirds_by_counting(case)
    if differs:
        assert ex4.q1.first_difference(rule) is not None


def test_the_grader_tables_cover_the_edges():
    cases = all_cases()
    assert any(not c.seats for c in cases)  # no members
    assert any(len(c.seats) == 1 for c in cases)
    assert any(c.seats and not any(s.present for s in c.seats) for c in cases)  # nobody present
    assert any(c.seats and all(s.stance == "objects" and s.present for s in c.seats) for c in cases)
    assert any(any(s.stance == "small loss" for s in c.seats) for c in cases)
    assert {c.rho for c in cases} >= set(RHOS)
    # exactly at rho: one objector in ten attendees
    assert any(sum(s.stance == "objects" for s in c.seats) * 10 == len(c.seats) == 10 for c in cases)


def _code_words(text: str) -> str:
    return "".join(text.replace('"', "'").split()).lower()


@pytest.mark.parametrize("q", list(QUESTIONS.values()), ids=lambda q: q.qid)
def test_no_hint_is_the_solution_word_for_word(q):
    """Issue 20 item 7: a hint points the way; it never holds the answer's final line."""
    lines = [line for line in q.solution_code.splitlines() if line.strip() and not line.startswith("#")]
    last = lines[-1].split("#")[0]
    final = _code_words(last.split("=", 1)[1] if "=" in last and "==" not in last.split("=", 1)[0] else last)
    for hint in q.hints:
        assert final not in _code_words(hint), (q.qid, hint)
