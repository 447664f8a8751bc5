"""Questions whose answer is code: a function (a metric) or a ``Protocol`` subclass (a
decision rule), run on hand-made cases and compared with a reference implementation.

A failure names the case (its description and inputs) and what the learner's code returned,
never what it should have returned.

A rule that decides every hand-made case right is then held to the promises every protocol
keeps, with the same check the package's tests use (:func:`govsim.testing.check_protocol`:
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

from govsim.exercises.checks import Blank, Question, Result, Status, describe_type
from govsim.protocols import PROTOCOLS, Decision, Protocol, Table


@dataclass(frozen=True)
class Case:
    """One test case: positional ``args`` for the function, and what it shows."""

    description: str
    args: tuple[Any, ...]
    shown: str = ""  # how to show the inputs to a learner; default: repr of args


def _call(fn: Callable[..., Any], case: Case) -> Any:
    """Call ``fn`` on a deep copy of the case's arguments (so a mutating answer cannot spoil them)."""
    try:
        return fn(*copy.deepcopy(case.args))
    except NotImplementedError:
        raise Blank from None


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-6, atol=1e-9))
    except (TypeError, ValueError):
        return False


def _source(obj: Any) -> str:
    return inspect.getsource(obj)


class FunctionQuestion(Question):
    """A function checked on ``cases`` against ``reference``, which returns a number."""

    kind = "function"

    def __init__(
        self, qid: str, text: str, *, reference: Callable[..., Any], cases: Sequence[Case], **kwargs: Any
    ) -> None:
        kwargs.setdefault("solution_code", lambda: _source(reference))
        super().__init__(qid, text, **kwargs)
        self._reference = reference
        self.cases = tuple(cases)

    def reference(self) -> Callable[..., Any]:
        return self._reference

    def judge(self, answer: Any) -> Result:
        if not callable(answer) or isinstance(answer, type):
            return self.result(
                Status.INCORRECT, f"Wrong type: expected a function, got {describe_type(answer)}."
            )
        ratios, failed = [], []
        for case in self.cases:
            shown = case.shown or ", ".join(repr(a) for a in case.args)
            try:
                got = _call(answer, case)
            except Blank:
                raise
            except Exception as exc:
                return self.result(
                    Status.INCORRECT,
                    f"On {case.description} ({shown}) your function raised {type(exc).__name__}: {exc}",
                )
            if got is None:
                return self.result(Status.INCORRECT, "Your function returned None: did you forget `return`?")
            if np.ndim(got) != 0 or isinstance(got, str | bool):
                return self.result(
                    Status.INCORRECT,
                    f"Wrong type: on {case.description} it returned {describe_type(got)}, not one number.",
                )
            want = self._reference(*copy.deepcopy(case.args))
            if not _same(got, want):
                failed.append((case, shown, float(got)))
                if want != 0:
                    ratios.append(float(got) / want)
        if not failed:
            return self.result(Status.CORRECT, f"Passed all {len(self.cases)} test cases.")
        case, shown, got = failed[0]
        message = f"{len(failed)} of {len(self.cases)} cases fail; first: {case.description} ({shown}) gave {got:.6g}."
        if len(ratios) == len(failed) >= 2 and np.ptp(ratios) < 1e-6 and abs(ratios[0] - 1) > 1e-6:
            message += " Every failing result is off by the same constant factor: check the normalisation."
        return self.result(Status.INCORRECT, message)


@dataclass(frozen=True)
class TableCase:
    """A hand-made negotiating table and the draft ``y`` on it."""

    description: str
    table: Table
    y: np.ndarray


class ProtocolQuestion(Question):
    """A ``Protocol`` subclass named ``name``, registered, whose ``decide`` agrees with
    ``reference_decide(table, y)`` on hand-made tables (adopted, objecting, deciding) and,
    with ``contract`` (the default), that passes :func:`govsim.testing.check_protocol`."""

    kind = "protocol"

    def __init__(
        self,
        qid: str,
        text: str,
        *,
        name: str,
        reference: type[Protocol],
        cases: Callable[[], Sequence[TableCase]],
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
        self.cases = cases
        self.must_register = must_register
        self.not_attempted = tuple(not_attempted)
        self.contract = contract

    def reference(self) -> type[Protocol]:
        return self._reference

    def judge(self, answer: Any) -> Result:
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
        reference = self._reference()
        for case in self.cases():
            try:
                decision = cls().decide(case.table, case.y)
            except NotImplementedError:
                raise Blank from None
            except Exception as exc:
                return self.result(
                    Status.INCORRECT,
                    f"On the case '{case.description}' decide raised {type(exc).__name__}: {exc}",
                )
            if not isinstance(decision, Decision):
                return self.result(
                    Status.INCORRECT,
                    f"decide must return a Decision, but returned {describe_type(decision)}.",
                )
            want = reference.decide(case.table, case.y)
            for part in ("adopted", "objecting", "deciding"):
                got = np.asarray(getattr(decision, part), dtype=bool)
                if got.shape != np.shape(getattr(want, part)) or not np.array_equal(got, getattr(want, part)):
                    return self.result(
                        Status.INCORRECT,
                        f"On the case '{case.description}' the Decision's `{part}` is not right.",
                    )
        broken = _broken_promise(cls) if self.contract else None
        if broken:
            return self.result(
                Status.INCORRECT,
                f"Your rule decides the hand-made cases right but breaks a promise every rule must keep: {broken}",
            )
        if self.must_register and PROTOCOLS.get(cls.name) is not cls:
            return self.result(
                Status.INCORRECT,
                "Your rule decides well, but it is not registered: put @register above the class.",
            )
        return self.result(Status.CORRECT, "Your rule passes every hand-made case.")


def _broken_promise(cls: type[Protocol]) -> str | None:
    """The first promise of :func:`govsim.testing.check_protocol` that ``cls`` breaks, as one
    line without the rule's name in front (None when it keeps them all)."""
    from govsim.testing import ProtocolContractError, check_protocol

    try:
        check_protocol(cls)
    except ProtocolContractError as exc:
        line = " ".join(str(exc).split())
        who = getattr(cls, "name", "") or cls.__name__
        return line.removeprefix(f"{who}: ")
    return None
