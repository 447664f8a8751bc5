"""The sandbox around learner code, the registries restored around every check, and the
adversarial learner tries (``tests/learner_tries.py``) judged without a single misjudgement."""

from __future__ import annotations

import time

import numpy as np
import pytest

from govsim import measure
from govsim.exercises import ex4, ex5, ex6, sandbox
from govsim.exercises.checks import Status
from govsim.measure_registry import user_measures
from govsim.protocols import PROTOCOLS, Decision, Protocol


def test_an_endless_loop_is_stopped_at_the_time_limit(monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)

    def endless(values):
        while True:
            pass

    start = time.monotonic()
    result = ex5.q1.check(endless)
    assert time.monotonic() - start < 5
    assert not result and "ran for more than 0.5 seconds" in result.message
    assert "\n" not in result.message


def test_the_deadline_also_works_off_the_main_thread():
    from concurrent.futures import ThreadPoolExecutor

    def endless():
        while True:
            pass

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(lambda: sandbox.run(endless, limit=0.3))
        with pytest.raises(sandbox.Failed, match=r"more than 0\.3 seconds"):
            future.result(timeout=10)


def test_a_print_flood_is_capped_and_the_answer_still_judged(capsys):
    def chatty_gini(values):
        print("x" * 100_000)
        return ex5.gini(values)

    result = ex5.q1.check(chatty_gini)
    out = capsys.readouterr().out
    assert result.correct
    assert len(out) < 3 * sandbox.OUTPUT_CAP + 1_000 and "more characters" in out


@pytest.mark.parametrize(
    ("returned", "named"),
    [
        ({0.25}, "a set of 1 item"),
        ({"gini": 0.25}, "a dict of 1 item"),
        (0.25 + 0j, "a complex number"),
        ("0.25", "text"),
        ([0.1, 0.2], "a list of length 2"),
    ],
)
def test_any_return_type_is_one_line_naming_it(returned, named, capsys):
    result = ex5.q1.check(lambda values: returned)
    assert not result and named in result.message and "\n" not in result.message


def test_exceptions_exit_and_recursion_are_one_line(capsys):
    def exits(values):
        raise SystemExit(3)

    def recurses(values):
        return recurses(values)

    for fn, words in (
        (exits, "exit()"),
        (recurses, "RecursionError"),
        (lambda v: 1 / 0, "ZeroDivisionError"),
    ):
        result = ex5.q1.check(fn)
        assert not result and words in result.message and "\n" not in result.message


def test_a_broken_measure_registered_by_a_learner_affects_no_check(capsys):
    """Issue 20: a broken measure registered in ex5 made later checks crash in the same kernel."""
    mean, gini = ex6.q1.reference(), ex5.q2.reference()
    ex6.q1.expected.cache_clear(), ex5.q2.expected.cache_clear()  # the checks recompute them
    from govsim.exercises import runs

    runs._runs.cache_clear()

    @measure(column="learner_broken")
    def learner_broken(ctx):
        raise RuntimeError("oops")

    assert ex6.q1.check(mean).correct
    assert ex5.q2.check(gini).correct
    assert [m.column for m in user_measures()] == ["learner_broken"]  # the learner's own, kept


def test_a_check_leaves_every_registry_as_it_found_it(capsys):
    class RegistersInside(Protocol):
        name, label = "two_thirds", "Two thirds"

        def decide(self, table, y):
            PROTOCOLS.setdefault("sneaky", type(self))
            return ex4.TwoThirds.decide(self, table, y)

    before = dict(PROTOCOLS)
    ex4.q1.check(RegistersInside)
    assert dict(PROTOCOLS) == before


def test_a_rule_that_changes_its_table_is_caught(capsys):
    class Overwrites(Protocol):
        name, label = "two_thirds", "Two thirds"

        def decide(self, table, y):
            table.attending = table.members.copy()
            objecting = table.objecting(y)
            n = int(table.attending.sum())
            return Decision(bool(n and 3 * (n - objecting.sum()) >= 2 * n), objecting, table.attending)

    result = ex4.q1.check(Overwrites)
    assert not result and "absent" in result.message


@pytest.mark.slow
def test_the_adversarial_learner_tries_are_all_judged_right(capsys):
    """The tries in tests/learner_tries.py (correct forms, near misses, wrong types, learner
    code): no false accept, no false reject, no crash or hang, no misleading message."""
    import learner_tries

    from govsim.exercises import questions

    qs = questions()
    assert len(learner_tries.TRIES) >= 150
    assert {t.kind for t in learner_tries.TRIES} == set(learner_tries.KINDS)
    wrong = []
    for t in learner_tries.TRIES:
        verdict, line = learner_tries.judge(t, qs)
        if verdict != "ok":
            wrong.append(f"{verdict}: {t.qid} [{t.kind}] {t.what}: {line[:200]}")
    assert not wrong, "\n".join(wrong)


def test_numbers_read_in_every_reasonable_form(capsys):
    from decimal import Decimal
    from fractions import Fraction

    import pandas as pd

    y = ex6.q3.reference()
    for form in (
        80,
        80.0,
        "80",
        " 80 ",
        np.int64(80),
        np.float32(80),
        "80 runs",
        Decimal("80"),
        Fraction(160, 2),
        [80],
        (80,),
        np.array([80]),
        np.array(80),
        pd.Series([80]),
        80.00000000000001,
    ):
        result = ex6.q3.check(form)
        assert result.correct, (form, result.line)
    assert y == 80
    for bad, words in (
        (10**400, "too large"),
        (float("nan"), "NaN"),
        (float("-inf"), "infinite"),
        (np.nan, "NaN"),
        ("80 or 160", "not a number"),
    ):
        result = ex6.q3.check(bad)
        assert result.status is Status.INCORRECT and words in result.message, result.line
