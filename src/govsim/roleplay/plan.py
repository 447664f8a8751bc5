"""Fitting a role-play into a workshop slot: how many issues, how many rounds, and what happens
when the rounds run out.

A :class:`SessionPlan` names the number of agenda issues (the first ``issues`` of the scenario),
a round budget per issue and a declared :class:`Fallback`. The budget becomes the issue's
deadline (``max_rounds``); in the last budgeted round the chair's text goes to the fallback
decision. The plan's :meth:`SessionPlan.announcement` is the text shown before the session
starts, so the room knows the rule before it plays.

The fallback is a decision rule wrapped around the scenario's protocol
(:class:`WithFallback`): it decides exactly as the protocol does in every round but the last
budgeted one, where a text the protocol did not adopt goes to the fallback:

- ``status_quo``: nothing more happens, so a room that blocks ends with "no agreement, the status
  quo stays";
- ``government_vote``: the governments present vote, and more than half of those voting adopt
  the text (a tie does not: :func:`govsim.protocols.passes`, the one majority rule; the WCIT-12
  pattern);
- ``table_vote``: everyone at the table votes; more than half adopt.

A vote supports the text when u(y) >= u(q) (no tolerance), as in :mod:`govsim.protocols`.
How a text is adopted before the budget runs out is the protocol's own sentence
(:func:`adoption_rule`, from :meth:`govsim.protocols.Protocol.rule`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import numpy as np

from govsim.forums import Layout, Regional, TableSpec
from govsim.groups import GOVERNMENT
from govsim.i18n import N_, _, name
from govsim.params import parameter_specs
from govsim.protocols import Decision, Protocol, Table, get_protocol, rule_in_words, vote
from govsim.scenarios import Scenario
from govsim.values import at, member, whole
from govsim.words import plural

SIMPLE_MAJORITY = 0.5
CAUCUS_SECONDS = 150  # 2.5 minutes: the middle of the 2-3 minutes a 40-minute slot allows
CAUCUS_MAX = 3600  # seconds: the longest caucus a plan may start with (an hour)
EXTEND_SECONDS = 60  # what the facilitator's "+1 min" adds to a caucus


class Fallback(Enum):
    """What happens to the chair's text when an issue's round budget runs out."""

    STATUS_QUO = "status_quo"
    GOVERNMENT_VOTE = "government_vote"
    TABLE_VOTE = "table_vote"

    @property
    def statement(self) -> str:
        """The one sentence shown on screen before the session starts."""
        return _(FALLBACK_STATEMENTS[self])

    @classmethod
    def parse(cls, value: Fallback | str, where: str = "fallback") -> Fallback:
        """The fallback named ``value`` (any case, spaces trimmed), or ``value`` if it is one.

        >>> Fallback.parse(" Table_Vote ")
        <Fallback.TABLE_VOTE: 'table_vote'>

        Raises
        ------
        ValueError
            ``value`` names no fallback; one line, ``where=value`` and the allowed names.
        """
        return member(cls, value, f"{where}={value!r} is not a fallback")


FALLBACK_STATEMENTS = {
    Fallback.STATUS_QUO: N_("no agreement: the status quo stays"),
    Fallback.GOVERNMENT_VOTE: N_(
        "the governments present vote on the chair's text; it is adopted if more than half of them "
        "are no worse off with it than today"
    ),
    Fallback.TABLE_VOTE: N_(
        "everyone at the table votes on the chair's text; it is adopted if more than half of them "
        "are no worse off with it than today"
    ),
}


class WithFallback(Protocol):
    """``inner``'s rules, plus the fallback decision in round ``budget`` of each issue.

    The wrapper carries the inner protocol's ``name``, seat and lobbying traits, so summaries,
    plots and comparisons name the protocol the room chose. Drafting and revision (amendments
    included, see :func:`govsim.protocols.revision_target`) are the inner protocol's.
    """

    def __init__(self, inner: Protocol | str, budget: int, fallback: Fallback | str) -> None:
        inner = get_protocol(inner)
        if not isinstance(inner, Protocol):
            raise TypeError(
                f"inner={inner!r} must be a decision rule (for a seating layout use with_fallback)"
            )
        self.inner = inner
        self.budget = _check_count("budget", budget)
        self.fallback = Fallback.parse(fallback)
        self.name = self.inner.name
        self.label = self.inner.label
        self.governments_only = self.inner.governments_only
        self.lobbied = self.inner.lobbied

    def draft(self, table: Table) -> np.ndarray:
        """The inner protocol's first text, a (K,) point in [0, 1]."""
        return self.inner.draft(table)

    def rule(self, params: Any) -> str:
        """The inner protocol's adoption rule in words (the fallback is said by
        :meth:`SessionPlan.announcement`)."""
        return self.inner.rule(params)

    def revise(self, table: Table, y: np.ndarray, decision: Decision) -> np.ndarray:
        """The inner protocol's revision of the (K,) text ``y`` after ``decision``."""
        return self.inner.revise(table, y, decision)

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        """The inner protocol's decision on ``y``; if it does not adopt and the issue is in round
        ``budget`` or later (``table.round``, 1-based), the fallback's instead: the same
        decision (``status_quo``), or a simple majority, one vote each
        (:func:`govsim.protocols.vote`, unweighted), of the governments attending
        (``government_vote``) or of everyone attending (``table_vote``).

        Returns
        -------
        govsim.protocols.Decision
        """
        decision = self.inner.decide(table, y)
        if decision.adopted or table.round < self.budget:
            return decision
        match self.fallback:
            case Fallback.STATUS_QUO:
                return decision
            case Fallback.GOVERNMENT_VOTE:
                return vote(
                    table, y, table.attending & (table.group == GOVERNMENT), SIMPLE_MAJORITY, weighted=False
                )
            case Fallback.TABLE_VOTE:
                return vote(table, y, table.attending, SIMPLE_MAJORITY, weighted=False)
            case _:
                raise ValueError(f"fallback={self.fallback!r} is not handled")

    def __repr__(self) -> str:
        return f"WithFallback({self.inner!r}, budget={self.budget}, fallback={self.fallback.value!r})"


class RegionalWithFallback(Regional):
    """The ``regional`` seating whose every table decides under the budget and fallback.

    A subclass of :class:`govsim.forums.Regional`, so the model takes it wherever it takes
    ``regional``; its tables are the inner layout's, each rule wrapped in :class:`WithFallback`.
    """

    def __init__(self, inner: Regional, budget: int, fallback: Fallback | str) -> None:
        self.inner = inner
        self.mapping = dict(inner.mapping)
        self.budget = _check_count("budget", budget)
        self.fallback = Fallback.parse(fallback)

    def tables(self, regions: tuple[str, ...], defaults: tuple[str, ...]) -> list[TableSpec]:
        """The inner layout's tables (one per region, :meth:`govsim.forums.Regional.tables`),
        each rule wrapped in :class:`WithFallback` with this budget and fallback.

        Raises
        ------
        ValueError
            The inner layout maps a region that ``regions`` does not hold.
        """
        return [
            TableSpec(spec.name, spec.region, WithFallback(spec.protocol, self.budget, self.fallback))
            for spec in self.inner.tables(regions, defaults)
        ]

    def __repr__(self) -> str:
        return f"RegionalWithFallback({self.inner!r}, budget={self.budget}, fallback={self.fallback.value!r})"


def with_fallback(
    chosen: Protocol | Layout | str, budget: int, fallback: Fallback | str
) -> Protocol | Layout:
    """``chosen`` (a decision rule, a seating layout or a name) under a round budget and fallback.

    Returns
    -------
    WithFallback or RegionalWithFallback
        A :class:`RegionalWithFallback` for the regional seating, else a :class:`WithFallback`.

    Raises
    ------
    TypeError
        ``chosen`` is a seating layout other than the regional one.
    ValueError
        ``chosen`` names no protocol or layout, ``budget`` is not a whole number from 1 to the
        bound of ``max_rounds``, or ``fallback`` names no :class:`Fallback`.
    """
    chosen = get_protocol(chosen) if isinstance(chosen, str) else chosen
    if isinstance(chosen, Regional):
        return RegionalWithFallback(chosen, budget, fallback)
    if isinstance(chosen, Layout):
        raise TypeError(f"{chosen!r}: only the regional seating can take a round budget and fallback")
    return WithFallback(chosen, budget, fallback)


@dataclass(frozen=True)
class SessionPlan:
    """How a role-play fits its slot.

    Parameters
    ----------
    issues : int or None
        The first ``issues`` agenda issues are played (None: all); 1 to the bound of
        ``max_rounds``.
    budget : int or None
        Rounds per issue (None: the scenario's own deadline ``max_rounds``); 1 to the bound of
        ``max_rounds``.
    fallback : Fallback or str
        What the chair's text goes to when the budget runs out (a name is parsed).
    caucus_seconds : int
        The caucus countdown the facilitator starts with, in seconds, 0 to 3600 (can be
        extended or skipped).

    Raises
    ------
    ValueError
        One line naming the field, its value and the allowed range or names.
    """

    issues: int | None = None
    budget: int | None = None
    fallback: Fallback = Fallback.STATUS_QUO
    caucus_seconds: int = CAUCUS_SECONDS

    def __post_init__(self) -> None:
        if self.issues is not None:
            _check_count("issues", self.issues)
        if self.budget is not None:
            _check_count("budget", self.budget)
        object.__setattr__(self, "fallback", Fallback.parse(self.fallback))
        _check_count("caucus_seconds", self.caucus_seconds, low=0, high=CAUCUS_MAX)

    def scenario(self, setup: Scenario) -> Scenario:
        """``setup`` cut to the planned issues, with the budget as each issue's deadline.

        Raises
        ------
        ValueError
            ``issues`` is more than ``setup``'s agenda holds.
        """
        if self.issues is not None and self.issues > len(setup.agenda):
            raise ValueError(
                f"issues={self.issues} is more than the {len(setup.agenda)} issues on the "
                f"agenda of {setup.name!r} (allowed: 1 to {len(setup.agenda)})"
            )
        agenda = setup.agenda if self.issues is None else setup.agenda[: self.issues]
        params = setup.params if self.budget is None else setup.params.replace(max_rounds=self.budget)
        return replace(setup, agenda=agenda, params=params)

    def protocol(self, protocol: Protocol | Layout | str, setup: Scenario) -> Protocol | Layout:
        """The protocol the room plays under: the budget's last round goes to the fallback."""
        budget = self.scenario(setup).params.max_rounds
        return with_fallback(protocol, budget, self.fallback)

    def announcement(self, setup: Scenario, protocol: str) -> str:
        """What the room is told before the first round (plain text)."""
        planned = self.scenario(setup)
        names = "; ".join(f"{n + 1}. {name(issue.name)}" for n, issue in enumerate(planned.agenda))
        budget = planned.params.max_rounds
        count = len(planned.agenda)
        issues = (
            _("1 issue under {rules}: {names}.")
            if count == 1
            else _("{count} issues under {rules}: {names}.")
        ).format(count=count, rules=rule_in_words(protocol, sentence=True), names=names)
        rounds = (
            _("Each issue gets at most 1 round. If an issue is not agreed by round 1: {fallback}.")
            if budget == 1
            else _(
                "Each issue gets at most {budget} rounds. If an issue is not agreed by round {budget}: "
                "{fallback}."
            )
        ).format(budget=budget, fallback=self.fallback.statement)
        return f"{issues} {adoption_rule(protocol, planned)} {rounds}"

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data: ``issues``, ``budget``, ``fallback`` (its name) and
        ``caucus_seconds``; :meth:`from_dict` reads it back."""
        return {
            "issues": self.issues,
            "budget": self.budget,
            "fallback": self.fallback.value,
            "caucus_seconds": self.caucus_seconds,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "plan") -> SessionPlan:
        """The plan that ``data`` (from :meth:`to_dict` or a user's file) describes; a missing
        field takes its default.

        >>> SessionPlan.from_dict({"issues": 2, "budget": 3, "fallback": "table_vote"}) == RECOMMENDED
        True

        Raises
        ------
        ValueError
            One line starting with ``where``: ``data`` is not a dict, has a field that is not a
            plan field, or a field out of range (see :class:`SessionPlan`).
        """
        if not isinstance(data, dict):
            raise ValueError(f"{where} must be an object, not {type(data).__name__}")
        known = ("issues", "budget", "fallback", "caucus_seconds")
        extra = sorted(set(data) - set(known), key=repr)
        if extra:
            raise ValueError(f"{at(where, extra[0])} is not a plan field (allowed: {', '.join(known)})")
        try:
            return cls(**{k: data[k] for k in known if k in data})
        except ValueError as exc:
            raise ValueError(f"{where}.{exc}") from None


def adoption_rule(protocol: Protocol | Layout | str, setup: Scenario) -> str:
    """How a text is adopted under ``protocol`` in ``setup``: the protocol's own sentence
    (:meth:`govsim.protocols.Protocol.rule`, said from ``setup.params``); for the regional
    seating, one sentence per region's table.

    Raises
    ------
    TypeError
        ``protocol`` is a seating layout other than the regional one.
    """
    chosen = get_protocol(protocol) if isinstance(protocol, str) else protocol
    if isinstance(chosen, Regional):
        per_table = " ".join(
            _("At the {table} table: {rule}").format(
                table=name(spec.name), rule=spec.protocol.rule(setup.params)
            )
            for spec in chosen.tables(setup.regions, setup.regional_protocols)
        )
        return _("Each region negotiates at its own table under its own rules.") + " " + per_table
    if isinstance(chosen, Layout):
        raise TypeError(f"{chosen!r}: no adoption rule is said for this seating layout")
    return chosen.rule(setup.params)


def max_rounds() -> int:
    """The most rounds an issue may take: the declared bound of ``max_rounds``."""
    return int(next(s.high for s in parameter_specs() if s.name == "max_rounds"))


def _check_count(name: str, value: Any, low: int = 1, high: int | None = None) -> int:
    return whole(value, name, low, max_rounds() if high is None else high)


#: The session the facilitator guide recommends for a 40-minute slot (two issues of at most three
#: rounds; everyone at the table votes on the chair's text when the budget runs out), and the
#: served session's defaults for a new session file. Calibrated so the debrief says something:
#: with every seat simulated (classroom, bottom_up, seeds 0-39) about half the issues are
#: adopted and each group's gain takes a different value in almost every run, so a room's
#: percentile discriminates; under ``status_quo`` the same runs adopt nothing (every gain 0).
RECOMMENDED = SessionPlan(issues=2, budget=3, fallback=Fallback.TABLE_VOTE)


SLOT_MINUTES = 40
#: Joining: 24 devices scanning the join sheet's QR codes (the server opens 24 pages in seconds:
#: ``benchmarks/roleplay_serve_latency.py`` measures it; the rest is people finding the camera).
JOIN_MINUTES = 3.0
ROUND_OVERHEAD_MINUTES = 1.0  # moves, reveal and result of a round, on top of its caucus
MIN_SLACK_MINUTES = 4.0
SLOT_PARTS = (  # (minutes, what happens) before and after the rounds
    (JOIN_MINUTES, "every team opens its join address (QR code on the join sheet) on its devices"),
    (3.0, "teams read the top half of their card (situation, interests, red lines); show one card "
          "on the projector and point to \"Your numbers\" and \"Your moves\""),
    (2.0, "read the rules from the screen: how a text is adopted, the issues and their round "
          "budget, the fallback, the caucus rules"),
)  # fmt: skip
CLOSING_PARTS = (
    (1.0, "**Finish: debrief** (served) or **Show results** (hot-seat)"),
    (6.0, "debrief: what each team's own moves changed, each team against the simulation, then "
          "the debrief sheet (what happened / so what / now what)"),
)  # fmt: skip


def timetable(
    plan: SessionPlan = RECOMMENDED, setup: Scenario | None = None
) -> list[tuple[float, float, str]]:
    """The slot minute by minute for ``plan`` (default: :data:`RECOMMENDED` in ``classroom``).

    Returns
    -------
    list of (float, float, str)
        (start, end, what happens) in minutes from the start of the slot, in English: joining,
        reading the cards and the rules, the rounds at most (every planned issue played to its
        budget, each round the plan's caucus plus :data:`ROUND_OVERHEAD_MINUTES`), then the
        closing parts. The slack is what remains of :data:`SLOT_MINUTES`
        (:func:`slack_minutes`; negative when the plan overruns).
    """
    if setup is None:
        from govsim.scenarios import load_scenario

        setup = load_scenario("classroom")
    planned = plan.scenario(setup)
    rounds = len(planned.agenda) * planned.params.max_rounds
    caucus = plan.caucus_seconds / 60
    parts = [
        *SLOT_PARTS,
        (
            rounds * (caucus + ROUND_OVERHEAD_MINUTES),
            f"{plural(rounds, 'round')} at most: each a {caucus:g}-minute caucus (the countdown's "
            f"default) plus about {_minutes(ROUND_OVERHEAD_MINUTES)} for moves, reveal and result",
        ),
        *CLOSING_PARTS,
    ]
    rows, at = [], 0.0
    for length, what in parts:
        rows.append((at, at + length, what))
        at += length
    return rows


def slack_minutes(plan: SessionPlan = RECOMMENDED, setup: Scenario | None = None) -> float:
    """Minutes of :data:`SLOT_MINUTES` that :func:`timetable` leaves free."""
    return SLOT_MINUTES - timetable(plan, setup)[-1][1]


def timetable_markdown(plan: SessionPlan = RECOMMENDED, setup: Scenario | None = None) -> str:
    """The guide's minute-by-minute list (Markdown bullets), generated from the server's defaults."""
    lines = [f"  - {_clock(a)}-{_clock(b)}: {what}" for a, b, what in timetable(plan, setup)]
    slack = slack_minutes(plan, setup)
    lines.append(f"  - {_clock(SLOT_MINUTES - slack)}-{SLOT_MINUTES}: slack ({_minutes(slack)}) for overruns")
    return "\n".join(lines)


def _minutes(value: float) -> str:
    return f"{value:g} minute" + ("" if value == 1 else "s")


def _clock(value: float) -> str:
    return f"{value:g}"
