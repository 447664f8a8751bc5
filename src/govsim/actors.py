"""Named actors: the stakeholders of an actor table, as govsim holds them.

The negotiation-modelling field describes a room as one row per actor and issue: a position on
the issue's scale, a salience (how much the actor cares, in [0, 1]) and a power (capability).
It is the input of the Stokman compromise and exchange models (Stokman & Van Oosten 1994;
Stokman & Thomson 2004), of Bueno de Mesquita's expected-utility model (1994) and of KAPSARC's
KTAB toolkit; :mod:`govsim.actor_files` reads their two file formats.

Inside govsim every position is rescaled to [0, 1] (``Scale.to_unit``) and reported back in the
file's units (``Scale.from_unit``). Salience stays *absolute*: an actor with no row for an issue
has salience 0 on it. Capability is power divided by the largest power in the table (so the
strongest actor has 1, as the group profiles' "share of the strongest").

Power may differ by issue, as Decide files give it per actor and issue: the compromise model
weighs actor i on issue k by c_ik x s_ik (Stokman & Van Oosten 1994), and in the DEU data set
(Thomson et al. 2006) an actor's capability follows each proposal's decision rule. Such an
actor carries ``issue_capability`` (one value per dimension); every step of the negotiation of
an issue (the chair's compromise, weighted votes, lobbying) then uses its capability on that
issue (:meth:`govsim.population.Population.capability_on`), and ``capability`` is its mean
over the issues it has rows for (what ranks it for a seat and what role cards show).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from govsim.groups import Group

OPTIONAL_TRAITS = ("capacity", "tolerance", "confidence", "stubbornness")

#: Limits checked while a file is read, before anything is allocated for it (as the
#: stakeholder limit, :data:`govsim.population.MAX_STAKEHOLDERS`): the policy dimensions
#: (issues of an actor table) and the agenda's issues of one scenario. Time and memory grow
#: with both (positions are (n, K); an actor table negotiates one issue per dimension).
MAX_DIMENSIONS = 100
MAX_ISSUES = 200


def scale_problem(low: float, high: float) -> str:
    """What is wrong with a scale from ``low`` to ``high`` (in the file's units), or ``""``.

    The one rule every format's scales follow: finite ends, ``low < high``, and a finite span
    ``high - low`` (a span that overflows, as [-1e308, 1e308], would turn every position into
    NaN when rescaled to [0, 1])."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "must have finite ends (allowed: two finite numbers, low < high)"
    if not low < high:
        return "must have low < high"
    if not math.isfinite(high - low):
        return "spans too far: high - low overflows (allowed: a finite span high - low)"
    return ""


@dataclass(frozen=True)
class Scale:
    """An issue's scale in the file's units: ``low`` maps to 0 inside govsim, ``high`` to 1."""

    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        problem = scale_problem(self.low, self.high)
        if problem:
            raise ValueError(f"scale [{self.low:g}, {self.high:g}] {problem}")

    def to_unit(self, value: float) -> float:
        """``value`` (in the file's units) rescaled to [0, 1]: ``low`` gives 0, ``high`` gives 1.

        Values outside the scale map outside [0, 1]; the callers check the range."""
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, value: float) -> float:
        """A position in [0, 1] back in the file's units (the inverse of :meth:`to_unit`)."""
        return self.low + value * (self.high - self.low)

    @property
    def midpoint(self) -> float:
        """The middle of the scale, in the file's units (0.5 inside govsim)."""
        return 0.5 * (self.low + self.high)

    def __str__(self) -> str:
        """``0-100``; ``-5 to 5`` where a hyphen would read as a minus sign."""
        sep = "-" if self.low >= 0 else " to "
        return f"{self.low:g}{sep}{self.high:g}"


@dataclass(frozen=True)
class Actor:
    """One named stakeholder. Positions lie in [0, 1] (already rescaled); salience is absolute,
    each value in [0, 1]; capability in [0, 1]. ``None`` traits take the group profile's mean.

    ``issue_capability`` is ``None`` when the actor's capability is the same on every issue,
    else its capability on each dimension (K values in [0, 1], as ``position``); see the
    module docstring."""

    name: str
    group: Group
    capability: float
    position: tuple[float, ...]
    salience: tuple[float, ...]
    region: str | None = None
    description: str = ""
    capacity: float | None = None
    tolerance: float | None = None
    confidence: float | None = None
    stubbornness: float | None = None
    issue_capability: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        where = f"actor {self.name!r}"
        if len(self.position) != len(self.salience):
            raise ValueError(f"{where}: {len(self.position)} positions but {len(self.salience)} saliences")
        for field, values in (("position", self.position), ("salience", self.salience)):
            for v in values:
                _check_unit(v, f"{where}: {field}")
        _check_unit(self.capability, f"{where}: capability")
        if self.issue_capability is not None:
            if len(self.issue_capability) != len(self.position):
                raise ValueError(
                    f"{where}: {len(self.issue_capability)} capabilities by issue but "
                    f"{len(self.position)} positions (allowed: one per dimension)"
                )
            for v in self.issue_capability:
                _check_unit(v, f"{where}: capability by issue")
        for trait in OPTIONAL_TRAITS:
            value = getattr(self, trait)
            if value is not None:
                _check_unit(value, f"{where}: {trait}")


def issue_capability_note(source: str, actors: tuple[Actor, ...] | list[Actor]) -> tuple[str, ...]:
    """The run's note naming the actors whose capability differs by issue (none: ``()``)."""
    differ = [a.name for a in actors if a.issue_capability is not None]
    if not differ:
        return ()
    shown = ", ".join(differ[:5]) + (f" and {len(differ) - 5} more" if len(differ) > 5 else "")
    return (
        f"{source}: capability (power) differs by issue for {shown}: each issue is negotiated with "
        "the actor's capability on it (compromise, weighted votes, lobbying); its mean over the "
        "issues ranks it for a seat",
    )


def _check_unit(value: float, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{where}={value!r} is out of range (allowed: a number in [0, 1])")


@dataclass(frozen=True)
class ActorTable:
    """What an actor file says: its actors, one dimension per issue, each issue's scale and
    (where the file states it) status quo in [0, 1]."""

    source: str
    format: str  # "decide" | "ktab"
    name: str
    description: str
    dimensions: tuple[str, ...]
    scales: tuple[Scale, ...]
    status_quo: tuple[float | None, ...]
    actors: tuple[Actor, ...]
    notes: tuple[str, ...] = ()  # what a reader of the results should know (a default scale)


def actor_frame(scenario: Any) -> Any:
    """One row per named actor of a scenario: group, region, capability, and per dimension the
    position (in the scenario's own units) and the absolute salience, and the capability on
    the dimension when some actor's capability differs by issue. A ``pandas.DataFrame``
    indexed by actor name (empty when the scenario names no actors)."""
    import pandas as pd  # imported here: the CLI reads actor files without needing pandas

    by_issue = any(a.issue_capability is not None for a in scenario.actors)
    rows = []
    for actor in scenario.actors:
        row: dict[str, Any] = {"actor": actor.name, "group": actor.group.value, "region": actor.region}
        row["capability"] = actor.capability
        points = scenario.in_file_units(actor.position)
        caps = actor.issue_capability or (actor.capability,) * len(points)
        for d, x, s, c in zip(scenario.dimensions, points, actor.salience, caps, strict=True):
            row[f"position_{d}"], row[f"salience_{d}"] = x, s
            if by_issue:
                row[f"capability_{d}"] = c
        rows.append(row)
    return pd.DataFrame(rows).set_index("actor") if rows else pd.DataFrame()
