"""The promises every protocol keeps, as a check anyone can run: tests, the exercise grader and a
learner's notebook use the same one.

    >>> from govsim.testing import check_protocol
    >>> check_protocol("bottom_up")  # silent when every promise holds

A broken promise raises :class:`ProtocolContractError` with one line saying which promise and
on which case. The promises:

1. the class has a ``name`` and a ``label``; an instance is built without arguments;
2. ``draft`` and ``revise`` return a finite (K,) text; ``decide`` returns a
   :class:`~govsim.protocols.Decision` whose ``objecting`` and ``deciding`` are (n,) bool masks,
   with nobody objecting who does not decide, on hand-made tables (one and two dimensions,
   nobody attending, a late round);
3. same seed, same history: two runs of a scenario with one seed give identical rounds and
   outcomes tables, and the whole agenda closes;
4. the class and an instance survive a pickle round trip (sweeps ship protocols to worker
   processes), and the copy decides as the original;
5. declared traits take effect: ``governments_only`` keeps everyone else away from the table,
   ``lobbied`` lets absent non-governments pull governments (and nothing else does when it is
   False).
6. declared settings hold: a rule that declares ``reads`` (the settings it reads) names only
   declared parameters, includes ``lobbying`` when ``lobbied``, and gives the same history when
   any other rule setting (:func:`govsim.protocols.rule_settings`) is at either end of its range
   (the dashboard disables those sliders under that rule).

Tests and experiments that register rules or measures wrap them in :func:`registered` (from
:mod:`govsim.registry`), which puts every registry back as it was.

A seating layout chosen like a protocol (``regional``) is checked through each of its tables'
rules, and on whole runs.

Reference: the contract base class that every strategy's tests inherit in the Axelrod library
(Knight et al. 2016, J. Open Research Software 4(1):e35), made importable.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np

from govsim.forums import Layout
from govsim.groups import GOVERNMENT, Group
from govsim.model import GovernanceModel
from govsim.params import parameter_specs
from govsim.protocols import Decision, Protocol, Table, get_protocol, rule_settings
from govsim.registry import registered
from govsim.scenarios import parse_scenario
from govsim.teaching import hand_table

__all__ = ["ProtocolContractError", "check_protocol", "registered"]


class ProtocolContractError(Exception):
    """A protocol broke one of the promises in :mod:`govsim.testing` (one-line message)."""


def check_protocol(
    protocol: type[Protocol] | type[Layout] | Protocol | Layout | str, *, seed: int = 11
) -> None:
    """Check that ``protocol`` keeps every promise listed in :mod:`govsim.testing`.

    Parameters
    ----------
    protocol : a Protocol subclass (or instance), a layout class such as ``Regional``, or a
        registered name.
    seed : seed of the whole-run checks.

    Raises
    ------
    ProtocolContractError
        One line naming the protocol, the promise and the case that broke it.
    """
    cls = _resolve(protocol)
    who = getattr(cls, "name", "") or cls.__name__
    if not getattr(cls, "name", ""):
        raise ProtocolContractError(f"{cls.__name__}: needs a class attribute 'name'")
    if not getattr(cls, "label", ""):
        raise ProtocolContractError(f"{who}: needs a class attribute 'label' (a short readable name)")
    instance = _build(cls, who)
    for rule in _rules(instance):
        _check_decisions(rule, who)
    _check_runs(cls, who, seed)
    _check_pickle(cls, instance, who)
    if isinstance(instance, Protocol):
        _check_traits(cls, who)
        _check_reads(cls, who, seed)


# ------------------------------------------------------------------ helpers
def _resolve(protocol: Any) -> type:
    if isinstance(protocol, str):
        try:
            return type(get_protocol(protocol))
        except ValueError as exc:
            raise ProtocolContractError(str(exc)) from None
    if isinstance(protocol, Protocol | Layout):
        return type(protocol)
    if isinstance(protocol, type) and issubclass(protocol, Protocol | Layout):
        return protocol
    raise ProtocolContractError(f"expected a Protocol subclass or a protocol name, got {protocol!r}")


def _build(cls: type, who: str) -> Protocol | Layout:
    try:
        return cls()
    except Exception as exc:
        raise ProtocolContractError(f"{who}: {cls.__name__}() raised {type(exc).__name__}: {exc}") from None


def _rules(instance: Protocol | Layout) -> list[Protocol]:
    if isinstance(instance, Protocol):
        return [instance]
    return [spec.protocol for spec in instance.tables(("region_a", "region_b"), ("bottom_up", "top_down"))]


def spread_table(k: int = 1, *, attending: bool = True, round: int = 1) -> Table:
    """Twelve stakeholders, three of each group, spread over [0, 1] on ``k`` dimensions (built
    with :func:`govsim.teaching.hand_table`): the contract's ready-made case."""
    n = 12
    positions = np.column_stack([np.linspace(0, 1, n) if d == 0 else np.linspace(1, 0, n) for d in range(k)])
    return hand_table(
        positions,
        [g.value for g in Group] * 3,
        np.full(k, 0.3),
        tolerance=0.05,
        attending=np.full(n, attending),
        capability=np.linspace(0.2, 1.0, n),
        round=round,
    )


CASES = {
    "one dimension": lambda: spread_table(1),
    "two dimensions": lambda: spread_table(2),
    "nobody attending": lambda: spread_table(1, attending=False),
    "a round past the consensus rounds": lambda: spread_table(2, round=10),
}
"""The contract's cases: name -> a function building a fresh table (a rule that changes the
table it is given never changes the next rule's case)."""


def _call(who: str, what: str, case: str, function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except Exception as exc:
        raise ProtocolContractError(
            f"{who}: {what} raised {type(exc).__name__} on the case '{case}': {exc}"
        ) from None


def _check_text(who: str, what: str, case: str, y: Any, k: int) -> np.ndarray:
    y = np.asarray(y, dtype=float) if y is not None else None
    if y is None or y.shape != (k,) or not np.all(np.isfinite(y)):
        shape = None if y is None else y.shape
        raise ProtocolContractError(
            f"{who}: {what} must return a finite ({k},) text, got shape {shape} on the case '{case}'"
        )
    return y


def _check_decisions(rule: Protocol, who: str) -> None:
    for case, build in CASES.items():
        table = build()
        n, k = table.positions.shape
        y = _check_text(who, "draft", case, _call(who, "draft", case, rule.draft, table), k)
        decision = _call(who, "decide", case, rule.decide, table, y)
        if not isinstance(decision, Decision):
            raise ProtocolContractError(
                f"{who}: decide must return a Decision, got {type(decision).__name__} on the case '{case}'"
            )
        for part in ("objecting", "deciding"):
            mask = np.asarray(getattr(decision, part))
            if mask.shape != (n,) or mask.dtype != bool:
                raise ProtocolContractError(
                    f"{who}: Decision.{part} must be an ({n},) bool mask, got {mask.dtype} {mask.shape} on the case '{case}'"
                )
        if not isinstance(decision.adopted, bool | np.bool_):
            raise ProtocolContractError(f"{who}: Decision.adopted must be a bool on the case '{case}'")
        if np.any(decision.objecting & ~decision.deciding):
            raise ProtocolContractError(f"{who}: someone objects who does not decide on the case '{case}'")
        if not decision.adopted:
            _check_text(who, "revise", case, _call(who, "revise", case, rule.revise, table, y, decision), k)


def _check_pickle(cls: type, instance: Any, who: str) -> None:
    try:
        same_cls = pickle.loads(pickle.dumps(cls))
        copy = pickle.loads(pickle.dumps(instance))
    except Exception as exc:
        raise ProtocolContractError(
            f"{who}: does not pickle ({type(exc).__name__}: {exc}); define the class at the top level "
            "of a module or notebook cell, not inside a function"
        ) from None
    if same_cls is not cls or type(copy) is not cls:
        raise ProtocolContractError(f"{who}: a pickled copy of the class is a different class")
    for rule, twin in zip(_rules(instance), _rules(copy), strict=True):
        table, other = CASES["two dimensions"](), CASES["two dimensions"]()
        a, b = rule.decide(table, rule.draft(table)), twin.decide(other, twin.draft(other))
        if a.adopted != b.adopted or not np.array_equal(a.objecting, b.objecting):
            raise ProtocolContractError(f"{who}: a pickled copy decides differently from the original")


def _check_runs(cls: type, who: str, seed: int) -> None:
    runs = [_call(who, "a classroom run", f"seed {seed}", _run, cls, seed) for _ in range(2)]
    a, b = runs
    if not (a.rounds.equals(b.rounds) and a.outcomes.equals(b.outcomes)):
        raise ProtocolContractError(
            f"{who}: two runs with seed {seed} differ (use only the table and the model's rng)"
        )
    if a.running or len(a.outcomes) != len(a.setup.agenda):
        raise ProtocolContractError(
            f"{who}: the agenda did not close ({len(a.outcomes)} of {len(a.setup.agenda)} issues)"
        )


def _run(cls: type, seed: int) -> GovernanceModel:
    return GovernanceModel("classroom", protocol=cls(), rng=seed, max_rounds=12).run()


def _check_reads(cls: type, who: str, seed: int) -> None:
    reads = cls.reads
    if reads is None:
        return
    specs = {s.name: s for s in parameter_specs()}
    if not isinstance(reads, frozenset | set) or not all(isinstance(n, str) and n in specs for n in reads):
        raise ProtocolContractError(
            f"{who}: reads={reads!r} must be a frozenset of parameter names (allowed: {', '.join(specs)})"
        )
    if cls.lobbied and "lobbying" not in reads:
        raise ProtocolContractError(f"{who}: lobbied is True, so reads must include 'lobbying'")
    base = _run(cls, seed)
    for name in sorted(rule_settings() - reads):
        for value in (specs[name].low, specs[name].high):
            model = GovernanceModel("classroom", protocol=cls(), rng=seed, max_rounds=12, **{name: value})
            other = _call(who, "a classroom run", f"{name}={value:g}", model.run)
            if not (other.rounds.equals(base.rounds) and other.outcomes.equals(base.outcomes)):
                raise ProtocolContractError(
                    f"{who}: reads leaves out {name!r}, but {name}={value:g} changed the run "
                    "(add it to reads)"
                )


def _micro(lobbying: float) -> Any:
    """Governments at 0.2, everyone else at 1.0; nobody is persuaded by talk (mu = 0) or
    pulled back (stubbornness 0), all attend: only lobbying can move a government."""
    groups = {}
    for group, point in (("government", 0.2), ("business", 1.0), ("civil_society", 1.0), ("technical", 1.0)):
        groups[group] = {
            "count": 3,
            "position": [{"mean": [point], "sd": 0.0, "weight": 1.0}],
            "salience": [1.0],
            "capacity": 1.0,
            "capacity_sd": 0.0,
            "stubbornness": 0.0,
            "stubbornness_sd": 0.0,
        }
    return parse_scenario(
        {
            "name": "contract",
            "dimensions": ["openness"],
            "groups": groups,
            "agenda": [{"name": "contract", "status_quo": [0.5]}],
            "params": {"mu": 0.0, "lobbying": lobbying, "support": 1.0, "openness": 1.0, "transparency": 0.0},
        }
    )


def _check_traits(cls: type, who: str) -> None:
    for trait in ("governments_only", "lobbied"):
        if not isinstance(getattr(cls, trait), bool):
            raise ProtocolContractError(f"{who}: {trait}={getattr(cls, trait)!r} must be True or False")
    model = GovernanceModel(_micro(lobbying=1.0), protocol=cls(), rng=0)
    _call(who, "a one-round run", "traits", model.step)
    others = model.group != GOVERNMENT
    seated_others = bool(model.attending[others].any())
    if cls.governments_only and seated_others:
        raise ProtocolContractError(f"{who}: governments_only is True but non-governments sat at the table")
    if not cls.governments_only and not seated_others:
        raise ProtocolContractError(
            f"{who}: governments_only is False but no non-government sat at the table"
        )
    moved = bool(np.any(model.positions[~others] != model.x0[~others]))
    if cls.lobbied and not moved:
        raise ProtocolContractError(
            f"{who}: lobbied is True but absent non-governments did not move any government"
        )
    if not cls.lobbied and moved:
        raise ProtocolContractError(
            f"{who}: lobbied is False but governments moved without exchange or listening"
        )
