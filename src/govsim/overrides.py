"""Declared one-round changes to how a group takes part: what a role-play team's move does.

A :class:`RoundOverrides` is passed to :meth:`govsim.model.GovernanceModel.step`. Every field
maps a group name to a value and applies to every stakeholder of that group for that one
round. Overrides reach attendance, deliberation and the decision (and its revision) only.
Compliance and non-compliance, measured when an issue closes, always use the stakeholders' own
traits: a one-round negotiating move never changes how the outcome is measured.

    >>> from govsim.overrides import RoundOverrides
    >>> RoundOverrides(attendance={"civil_society": 1.0}, tolerance={"civil_society": 0.0})
    RoundOverrides(attendance={'civil_society': 1.0}, tolerance={'civil_society': 0.0})
    >>> RoundOverrides(attendance={"press": 1.0})
    Traceback (most recent call last):
    ...
    ValueError: RoundOverrides.attendance: unknown group 'press' (allowed: government, business, civil_society, technical)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from govsim.groups import Group
from govsim.values import number


def _flag(where: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{where}={value!r} is not true or false (allowed: True, False)")
    return bool(value)


def _point(where: str, value: Any) -> tuple[float, ...]:
    if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
        raise ValueError(f"{where}={value!r} is not a text point (allowed: a list of numbers in [0, 1])")
    point = tuple(number(v, f"{where}[{k}]", 0.0, 1.0) for k, v in enumerate(value))
    if not point:
        raise ValueError(f"{where}=[] is empty (allowed: one number in [0, 1] per dimension)")
    return point


# field -> (checker of one value, one-line meaning)
CHECKS = {
    "attendance": (lambda where, v: number(v, where, 0.0, 1.0), "chance of attending this round"),
    "persuadable": (_flag, "False: nobody in the group is persuaded in this round's exchanges"),
    "tolerance": (lambda where, v: number(v, where, 0.0, 1.0), "objection threshold for the decision"),
    "capability": (
        lambda where, v: number(v, where, 0.0, 100.0),
        "multiplier of capability (capped at 1) for lobbying pull and compromise weight",
    ),
    "concede": (
        lambda where, v: number(v, where, 0.0, 1.0),
        "share of the way toward the text on the table",
    ),
    "amendments": (_point, "a text point the chair's revision moves toward"),
}


@dataclass(frozen=True)
class RoundOverrides:
    """One round's declared changes, each a mapping from group name to a value.

    Attributes
    ----------
    attendance : probability in [0, 1]
        Replaces the group's attendance chance (capacity, with support) this round; 1 means
        everyone with a seat attends, 0 nobody.
    persuadable : bool
        False: nobody in the group moves in this round's exchanges or while listening
        (bounded-confidence radius 0). Lobbying under top-down rules still reaches governments.
    tolerance : utility in [0, 1]
        The objection threshold theta used by this round's *decision* only (0: object to any
        text that leaves you worse off than the status quo). Compliance keeps the real one.
    capability : multiplier in [0, 100]
        This round's capability is min(1, capability x multiplier): the lobbying pull and the
        compromise weight of the group. Fragmentation keeps the real capability.
    concede : share in [0, 1]
        Before the round, the group's members move this share of the way toward the text on
        their table (a lasting change of view): p <- p + share (text - p).
    amendments : (K,) text point, each value in [0, 1]
        A text the group tables: when the decision fails, the chair's revision moves toward
        amendments as it does toward objections (see :func:`govsim.protocols.revision_target`).

    Raises
    ------
    ValueError
        One line naming the field, the group and the value, and what is allowed: an unknown
        group name, a value of the wrong type or out of range.
    """

    attendance: Mapping[str, float] = field(default_factory=dict)
    persuadable: Mapping[str, bool] = field(default_factory=dict)
    tolerance: Mapping[str, float] = field(default_factory=dict)
    capability: Mapping[str, float] = field(default_factory=dict)
    concede: Mapping[str, float] = field(default_factory=dict)
    amendments: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in fields(self):
            given = getattr(self, f.name)
            where = f"RoundOverrides.{f.name}"
            if not isinstance(given, Mapping):
                raise ValueError(f"{where}={given!r} is not a mapping (allowed: {{group name: value}})")
            check = CHECKS[f.name][0]
            clean = {}
            for name, value in given.items():
                try:
                    group = Group.parse(name).value
                except ValueError as exc:
                    raise ValueError(f"{where}: {exc}") from None
                clean[group] = check(f"{where}[{group!r}]", value)
            object.__setattr__(self, f.name, clean)

    def __repr__(self) -> str:
        parts = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if getattr(self, f.name)]
        return f"RoundOverrides({', '.join(parts)})"

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class RoundInputs:
    """The per-stakeholder values one round reads: the real ones where nothing is overridden.

    Attributes
    ----------
    attendance : (n,) probability of attending
    confidence : (n,) bounded-confidence radius in exchanges and listening
    tolerance : (n,) objection threshold of the decision
    capability : (n,) lobbying pull and compromise weight
    concede : dict of group code -> share
    amendments : dict of group code -> (K,) point
    """

    attendance: np.ndarray
    confidence: np.ndarray
    tolerance: np.ndarray
    capability: np.ndarray
    concede: dict[int, float]
    amendments: dict[int, np.ndarray]


def round_inputs(
    overrides: RoundOverrides | None,
    group: np.ndarray,
    *,
    attendance: np.ndarray,
    confidence: np.ndarray,
    tolerance: np.ndarray,
    capability: np.ndarray,
    dimensions: tuple[str, ...],
) -> RoundInputs:
    """The arrays for this round: copies with the overridden rows replaced (no copy without overrides).

    Raises
    ------
    TypeError
        ``overrides`` is not a RoundOverrides.
    ValueError
        An amendment's length differs from the number of ``dimensions``.
    """
    if overrides is None:
        return RoundInputs(attendance, confidence, tolerance, capability, {}, {})
    if not isinstance(overrides, RoundOverrides):
        raise TypeError(f"overrides must be a RoundOverrides or None, not {type(overrides).__name__}")
    for name, point in overrides.amendments.items():
        if len(point) != len(dimensions):
            raise ValueError(
                f"RoundOverrides.amendments[{name!r}] has {len(point)} values; the scenario has "
                f"{len(dimensions)} dimensions ({', '.join(dimensions)})"
            )

    def rows(name: str) -> np.ndarray:
        return group == Group(name).code

    def replaced(base: np.ndarray, values: Mapping[str, float], rule: Any = None) -> np.ndarray:
        if not values:
            return base
        out = base.copy()
        for name, value in values.items():
            sel = rows(name)
            out[sel] = value if rule is None else rule(out[sel], value)
        return out

    silenced = {name: 0.0 for name, ok in overrides.persuadable.items() if not ok}
    return RoundInputs(
        attendance=replaced(attendance, overrides.attendance),
        confidence=replaced(confidence, silenced),
        tolerance=replaced(tolerance, overrides.tolerance),
        capability=replaced(capability, overrides.capability, lambda c, m: np.minimum(1.0, m * c)),
        concede={Group(name).code: share for name, share in overrides.concede.items()},
        amendments={Group(name).code: np.asarray(p, dtype=float) for name, p in overrides.amendments.items()},
    )
