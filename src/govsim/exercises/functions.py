"""Questions whose answer is code: a function (a metric) or a ``Protocol`` subclass (a
decision rule), judged by differential testing against a reference implementation.

Every call of the learner's code gets its own copy of the inputs and runs in the sandbox
(:mod:`govsim.exercises.sandbox`: a time limit, capped printing, any failure one line). A
metric is run on hand-made and seeded random inputs; a rule on every table of
:mod:`govsim.exercises.cases` (absent members, small losses, ties, exact thresholds, one member,
nobody, everyone objecting, group blocks, several rho), then on whole seeded runs beside the
reference. A wrong function is named by its first failing case and what it returned; a wrong
rule by the smallest table it decides differently ("with 3 present and 2 absent ..., your rule
adopts; the rule asked for does not").

A rule that decides every table right is then held to the promises every protocol keeps,
with the same check the package's tests use (:func:`govsim.testing.check_protocol`:
reproducible runs, a whole agenda that closes, Decision masks of the right shape and type, a
class that pickles for sweeps), so the grader never accepts a rule the model would reject.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.exercises import sandbox
from govsim.exercises.answers import Refused, as_number, describe_type
from govsim.exercises.cases import all_cases
from govsim.exercises.checks import Question, Result, Status
from govsim.protocols import PROTOCOLS, Decision, Protocol


@dataclass(frozen=True)
class Case:
    """One test case: positional ``args`` for the function, and what it shows."""

    description: str
    args: tuple[Any, ...]
    shown: str = ""  # how to show the inputs to a learner; default: repr of args


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-6, atol=1e-9))
    except (TypeError, ValueError):
        return False


def _equal(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` hold the same values (arrays, lists, dicts, numbers, NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return (
                np.shape(a) == np.shape(b)
                and np.asarray(a).dtype == np.asarray(b).dtype
                and bool(np.array_equal(a, b, equal_nan=np.asarray(a).dtype.kind in "fc"))
            )
        except (TypeError, ValueError):
            return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return (
            type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return False


def _changed_input(before: Any, after: Any) -> str | None:
    """How a learner's call changed an input it was given (None when it did not): for a
    ``Table``, the first attribute that changed; for a list or array, whether it was sorted in
    place or its values changed."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(before) and not isinstance(before, type):
        for f in fields(before):
            if not _equal(getattr(before, f.name), getattr(after, f.name)):
                return f"table.{f.name}"
        return None
    if _equal(before, after):
        return None
    try:
        if len(before) == len(after) and _equal(type(before)(sorted(before)), after):
            return "sorted it in place"
    except Exception:
        pass
    return "changed its values in place"


def _source(obj: Any) -> str:
    return inspect.getsource(obj)


def _generated_arrays(count: int = 120, seed: int = 1912) -> list[Case]:
    """Seeded random inputs for a metric of non-negative values: lists and arrays of (the spec says "a list or array") of
    1-9 values, whole numbers and fractions, with zeros, ties and one large value."""
    rng = np.random.default_rng(seed)
    found = []
    for i in range(count):
        n = int(rng.integers(1, 10))
        if i % 3 == 0:
            values = [int(v) for v in rng.integers(0, 6, n)]
        else:
            values = [round(float(v), 3) for v in rng.exponential(2.0, n)]
        if i % 7 == 0:
            values[int(rng.integers(n))] = 1000.0
        if i % 5 == 0:
            values = [0 if v < 1 else v for v in values]
        shown = values if i % 4 else np.array(values, dtype=float)
        found.append(Case(f"the values {values}", (shown,)))
    return found


class FunctionQuestion(Question):
    """A function checked against ``reference`` (which returns a number) on the hand-made
    ``cases`` and on ``generated`` ones, each call on its own copy of the inputs and under the
    sandbox's time limit and output cap (:mod:`govsim.exercises.sandbox`)."""

    kind = "function"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        reference: Callable[..., Any],
        cases: Sequence[Case],
        generated: Callable[[], Sequence[Case]] = _generated_arrays,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("solution_code", lambda: _source(reference))
        super().__init__(qid, text, **kwargs)
        self._reference = reference
        self.cases = tuple(cases)
        self.generated = generated

    def reference(self) -> Callable[..., Any]:
        """The reference function."""
        return self._reference

    def judge(self, answer: Any) -> Result:
        """Run the learner's function on every case and compare with the reference's results."""
        if not callable(answer) or isinstance(answer, type):
            return self.result(
                Status.INCORRECT, f"Wrong type: expected a function, got {describe_type(answer)}."
            )
        cases = [*self.cases, *self.generated()]
        got = []
        changed: list[tuple[Case, str]] = []

        def call_all() -> None:
            for case in cases:
                args = copy.deepcopy(case.args)
                before = copy.deepcopy(args)
                got.append(answer(*args))
                how = next(
                    (h for a, b in zip(before, args, strict=True) if (h := _changed_input(a, b))), None
                )
                if how and not changed:
                    changed.append((case, how))

        try:
            sandbox.run(call_all, what="Your function")
        except sandbox.Failed as failed:
            case = cases[len(got)]
            shown = case.shown or ", ".join(repr(a) for a in case.args)
            return self.result(Status.INCORRECT, f"On {case.description} ({shown}): {failed}")
        if changed:
            case, how = changed[0]
            return self.result(
                Status.INCORRECT,
                f"Your function changes the input it is given ({how}, on {case.description}); "
                "a metric must be a pure function: work on a copy (e.g. sorted(values), values / total).",
            )
        failed = []
        for case, value in zip(cases, got, strict=True):
            shown = case.shown or ", ".join(repr(a) for a in case.args)
            if value is None:
                return self.result(Status.INCORRECT, "Your function returned None: did you forget `return`?")
            try:
                number = as_number(value, "one number", text=False).value
            except Refused as refused:
                reason = str(refused)
                if not reason.startswith("Wrong type"):  # NaN, infinite, far too large: say which
                    return self.result(
                        Status.INCORRECT,
                        f"On {case.description} ({shown}) your function returned "
                        f"{reason.removeprefix('Your answer is ').removeprefix('Your answer ')}",
                    )
                return self.result(
                    Status.INCORRECT,
                    f"Wrong type: on {case.description} your function returned {describe_type(value)}; "
                    "return one number (a float).",
                )
            want = float(self._reference(*copy.deepcopy(case.args)))
            if not _same(number, want):
                failed.append((case, shown, number))
        if not failed:
            return self.result(Status.CORRECT, f"Passed all {len(cases)} test cases.")
        case, shown, number = failed[0]
        return self.result(
            Status.INCORRECT,
            f"{len(failed)} of {len(cases)} cases fail; first: {case.description} ({shown}) gave {number:.6g}.",
        )


TABLES_LIMIT = 30.0  # seconds for deciding every test table (a budget in total, with a margin)
REUSE_PASSES = 4  # passes over the tables with one reused rule object (about 10,000 decisions)


def _adopted(decision: Any) -> Any:
    adopted = getattr(decision, "adopted", None)
    return adopted.item() if isinstance(adopted, np.ndarray) and adopted.size == 1 else adopted


class ProtocolQuestion(Question):
    """A ``Protocol`` subclass named ``name``, registered, whose ``decide`` agrees with the
    ``reference`` rule on every table of :func:`govsim.exercises.cases.all_cases` (absent
    members, small losses, ties, exactly-at-threshold shares, one member, nobody, everyone
    objecting, group blocks, several rho; each side given its own copy; each table decided by a
    fresh instance, then all again by one reused instance, so a rule with state is caught), then
    on whole seeded runs, and, with ``contract`` (the default), that passes
    :func:`govsim.testing.check_protocol`. A wrong rule is named by the smallest table it
    decides differently."""

    kind = "protocol"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        name: str,
        reference: type[Protocol],
        must_register: bool = True,
        not_attempted: Sequence[type] = (),
        contract: bool = True,
        **kwargs: Any,
    ) -> None:
        prefix = "@register\n" if must_register else ""
        kwargs.setdefault("solution_code", lambda: prefix + _source(reference))
        super().__init__(qid, text, **kwargs)
        self.name = name
        self._reference = reference
        self.must_register = must_register
        self.not_attempted = tuple(not_attempted)
        self.contract = contract

    def reference(self) -> type[Protocol]:
        """The reference ``Protocol`` subclass."""
        return self._reference

    def judge(self, answer: Any) -> Result:
        """Check the class (own ``decide``, ``name``, registered, the contract) and its decisions."""
        cls = type(answer) if isinstance(answer, Protocol) else answer
        if not (isinstance(cls, type) and issubclass(cls, Protocol)):
            return self.result(
                Status.INCORRECT,
                f"Wrong type: expected a class that inherits from Protocol, got {describe_type(answer)}.",
            )
        if cls in self.not_attempted:
            return self.result(Status.INCORRECT, "That is the class you were given: write your own subclass.")
        if cls.decide is Protocol.decide:
            return self.result(Status.INCORRECT, "Your class has no `decide` method of its own.")
        given = next((b for b in self.not_attempted if cls.decide is b.decide), None)
        if given is not None:
            return self.result(
                Status.INCORRECT,
                f"Your class inherits `decide` unchanged from {given.__name__}: write your own "
                "`decide` method in it.",
            )
        if self.must_register and cls.name != self.name:
            return self.result(Status.INCORRECT, f"Give the class the attribute name = {self.name!r}.")
        try:
            sandbox.run(cls, what=f"{cls.__name__}()")
        except sandbox.Failed as failed:
            return self.result(Status.INCORRECT, str(failed))
        wrong = self.first_difference(cls)
        if wrong:
            return self.result(Status.INCORRECT, wrong)
        try:
            different = sandbox.run(
                lambda: _runs_differ(cls, self._reference), what="A run with your rule", limit=120
            )
        except sandbox.Failed as failed:
            return self.result(Status.INCORRECT, str(failed))
        if different:
            return self.result(Status.INCORRECT, different)
        broken = _broken_promise(cls) if self.contract else None
        if broken:
            return self.result(
                Status.INCORRECT,
                f"Your rule decides the test tables right but breaks a promise every rule must keep: {broken}",
            )
        if self.must_register and PROTOCOLS.get(cls.name) is not cls:
            return self.result(
                Status.INCORRECT,
                "Your rule decides well, but it is not registered: put @register above the class.",
            )
        return self.result(
            Status.CORRECT, f"Your rule decides all {len(all_cases())} test tables and whole runs as asked."
        )

    def first_difference(self, rule: Protocol | type[Protocol]) -> str | None:
        """One line on the smallest table where ``rule`` decides otherwise than the reference.

        Every table is decided by a fresh instance of the rule's class (as a run makes one),
        then all of them again, :data:`REUSE_PASSES` times in alternating order, by one
        instance reused throughout, so a rule that remembers something between calls (a
        counter, a cache, a switch after k decisions) is caught where it changes its mind."""
        make = rule if isinstance(rule, type) else type(rule)
        reference = self._reference()
        cases = all_cases()
        decisions: list[Any] = []
        changed: list[tuple[Any, str]] = []

        def decide_all() -> None:
            for case in cases:
                table = case.table()
                before = copy.deepcopy(table)
                decisions.append(make().decide(table, case.y))
                how = _changed_input(before, table)
                if how and not changed:
                    changed.append((case, how))

        try:
            sandbox.run(decide_all, what="decide", limit=TABLES_LIMIT)
        except sandbox.Failed as failed:
            if sandbox.OUT_OF_TIME in str(failed) and decisions:
                each = 1000 * TABLES_LIMIT / len(decisions)
                return (
                    f"decide is too slow: it decided {len(decisions)} of the {len(cases)} test tables in "
                    f"{TABLES_LIMIT:g} seconds (about {each:.0f} ms a table); the check needs them all. "
                    "Count with numpy masks (mask.sum()) instead of Python loops over members."
                )
            return f"With {cases[len(decisions)].description}: {failed}"
        if changed:
            case, how = changed[0]
            return (
                f"Your decide changes the table it is given ({how}, with {case.description}); "
                "a rule must only read the table: work on copies of its arrays."
            )
        for case, decision in zip(cases, decisions, strict=True):
            where = f"With {case.description}"
            if not isinstance(decision, Decision):
                return f"{where}, decide returned {describe_type(decision)}; it must return a Decision(adopted, objecting, deciding)."
            want = reference.decide(case.table(), case.y)
            adopted = decision.adopted
            if isinstance(adopted, np.ndarray) and adopted.size == 1:
                adopted = adopted.item()
            if not isinstance(adopted, bool | np.bool_ | int | np.integer) or adopted not in (0, 1):
                return f"{where}, the Decision's `adopted` is {describe_type(adopted)}; it must be True or False."
            if bool(adopted) != bool(want.adopted):
                did = "adopts" if adopted else "does not adopt"
                other = "does not" if adopted else "does"
                return f"{where}: your rule {did}; the rule asked for {other}."
            for part, words in (
                ("objecting", "who objects"),
                ("deciding", "who decides (those at the table)"),
            ):
                got = np.asarray(getattr(decision, part))
                expected = getattr(want, part)
                if got.shape != expected.shape or not np.array_equal(got.astype(bool), expected):
                    return f"{where}, the Decision's `{part}` mask does not say {words}."
        return self._remembers(make, cases, [bool(_adopted(d)) for d in decisions])

    def _remembers(self, make: type[Protocol], cases: Sequence[Any], fresh: list[bool]) -> str | None:
        """One line when one instance of ``make``, reused on every table :data:`REUSE_PASSES`
        times (in order, then reversed, ...), decides a table otherwise than a fresh one did."""
        order = list(range(len(cases)))
        calls = [i for p in range(REUSE_PASSES) for i in (order if p % 2 == 0 else order[::-1])]
        found: list[tuple[int, int]] = []  # (decisions made so far, table index)

        def decide_again() -> None:
            rule = make()
            for k, i in enumerate(calls):
                if bool(_adopted(rule.decide(cases[i].table(), cases[i].y))) != fresh[i]:
                    found.append((k, i))
                    return

        try:
            sandbox.run(decide_again, what="decide", limit=TABLES_LIMIT * REUSE_PASSES)
        except sandbox.Failed as failed:
            return f"Deciding the test tables again with the same rule object: {failed}"
        if not found:
            return None
        k, i = found[0]
        return (
            f"With {cases[i].description}: a fresh rule decides it as asked, but the same rule object, "
            f"after {k:,} other decisions, decides it otherwise. decide must not remember anything "
            "between calls (keep no counters or caches on self)."
        )


def _runs_differ(cls: type[Protocol], reference: type[Protocol], seeds: Sequence[int] = (0, 1)) -> str | None:
    """One line when whole seeded runs under ``cls`` end otherwise than under ``reference``."""
    from govsim.model import GovernanceModel

    for seed in seeds:
        ours = GovernanceModel("classroom", protocol=cls(), rng=seed).run().summary()
        theirs = GovernanceModel("classroom", protocol=reference(), rng=seed).run().summary()
        ours.pop("protocol"), theirs.pop("protocol")
        if not all(
            np.isclose(ours[k], theirs[k], equal_nan=True) for k in theirs if isinstance(theirs[k], float)
        ):
            return (
                f"Your rule decides every test table as asked, but a whole run (classroom, seed {seed}) "
                "ends otherwise than under the rule asked for: does your decide change the table it "
                "is given, or remember something between calls?"
            )
    return None


def _broken_promise(cls: type[Protocol]) -> str | None:
    """The first promise of :func:`govsim.testing.check_protocol` that ``cls`` breaks, as one
    line without the rule's name in front (None when it keeps them all)."""
    from govsim.testing import ProtocolContractError, check_protocol

    try:
        sandbox.run(
            check_protocol,
            cls,
            what="Your rule's contract check",
            limit=120,
            passthrough=(ProtocolContractError,),
        )
    except sandbox.Failed as exc:
        return " ".join(str(exc).split())
    except ProtocolContractError as exc:
        line = " ".join(str(exc).split())
        who = getattr(cls, "name", "") or cls.__name__
        return line.removeprefix(f"{who}: ")
    return None
