"""Process parameters, each declared once with its default, bounds, unit and meaning.

Widgets, sweeps and the CLI read the declarations through :func:`parameter_specs`;
nothing else types a bound again. Validation raises ``ValueError`` with one line naming
the field, the value given and what is allowed; unknown names get the closest valid name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any

from govsim.values import check_names as check_names  # its home moved to govsim.values
from govsim.values import number, whole


def declare(default: float | int, *, low: float, high: float, unit: str, doc: str) -> Any:
    """A dataclass field carrying its bounds, unit and one-line meaning as metadata."""
    kind = int if isinstance(default, int) and not isinstance(default, bool) else float
    meta = {"low": low, "high": high, "unit": unit, "doc": doc, "kind": kind}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ParamSpec:
    """Machine-readable declaration of one parameter (what widgets and sweeps read)."""

    name: str
    default: float | int
    low: float
    high: float
    unit: str
    doc: str
    kind: type

    def check(self, value: Any) -> float | int:
        """Return ``value`` converted to the declared kind, or raise a one-line ``ValueError``
        (the one rule of :mod:`govsim.values`: numbers only, never text or booleans)."""
        allowed = f"{self.kind.__name__} in [{self.low:g}, {self.high:g}]"
        if self.kind is int:
            return whole(value, self.name, self.low, self.high, allowed)
        return number(value, self.name, self.low, self.high, allowed)


@dataclass(frozen=True)
class Parameters:
    """The rules of the process: protocol settings and the three multistakeholder levers.

    Group traits (position, capability, capacity, ...) live in
    :class:`govsim.population.GroupProfile`; this class holds what a convener can set.
    """

    # -- deliberation (Deffuant et al. 2000; Friedkin & Johnsen 1990)
    mu: float = declare(
        0.3,
        low=0.0,
        high=0.5,
        unit="share of distance",
        doc="how far a persuaded stakeholder moves toward its partner (Deffuant mu)",
    )
    meetings: int = declare(
        1,
        low=0,
        high=50,
        unit="pairings per round",
        doc="random pairwise exchanges each attendee has per round",
    )
    lobbying: float = declare(
        0.5,
        low=0.0,
        high=1.0,
        unit="pull per unit capability",
        doc="how strongly non-governments pull governments toward them under top-down rules",
    )
    # -- drafting and revision (Stokman & Van Oosten 1994; RFC 7282)
    revision_step: float = declare(
        0.2,
        low=0.0,
        high=1.0,
        unit="share of distance",
        doc="how far the chair moves a failed draft toward the objectors (alpha)",
    )
    draft_blend: float = declare(
        0.0,
        low=0.0,
        high=1.0,
        unit="share",
        doc="0 = a bottom-up text starts from the initiating draft, 1 = from the attendees' compromise",
    )
    capability_voice: float = declare(
        0.0,
        low=0.0,
        high=1.0,
        unit="share",
        doc="0 = equal voice in the compromise, 1 = voice in proportion to capability",
    )
    max_rounds: int = declare(
        60, low=1, high=2000, unit="rounds", doc="deadline: rounds before an issue is dropped unadopted"
    )
    stalemate_rounds: int = declare(
        3,
        low=1,
        high=2000,
        unit="rounds",
        doc="rounds in a row in which no text can pass before the chair drops the issue with the reason",
    )
    # -- decision rules (Black 1948; RFC 7282; Tsebelis 2002)
    consensus_rounds: int = declare(
        3, low=0, high=100, unit="rounds", doc="top-down: rounds that seek unanimity before a majority vote"
    )
    majority_threshold: float = declare(
        0.5,
        low=0.5,
        high=1.0,
        unit="share of votes",
        doc="top-down and ratification: more than half of voting governments at 0.5, at least this share above",
    )
    capability_vote: float = declare(
        0.0,
        low=0.0,
        high=1.0,
        unit="share",
        doc="top-down and ratification: 0 = one government, one vote; 1 = votes weighted by capability",
    )
    agenda_setter: float = declare(
        0.0,
        low=0.0,
        high=1.0,
        unit="share",
        doc="top-down: 0 = the first text is the governments' median, 1 = the issue's tabled draft (a bill sent to a legislature)",
    )
    rho: float = declare(
        0.1,
        low=0.0,
        high=0.5,
        unit="share of attendees",
        doc="rough consensus: largest objecting share that still adopts",
    )
    chamber_threshold: float = declare(
        0.6,
        low=0.5,
        high=1.0,
        unit="share",
        doc="chambers: mean chamber support needed (each group one chamber of equal weight)",
    )
    min_chambers: int = declare(
        3,
        low=1,
        high=4,
        unit="chambers",
        doc="chambers: how many chambers must each have a majority in favour",
    )
    # -- compliance (Tyler 1990)
    voice_bonus: float = declare(
        0.05,
        low=0.0,
        high=0.5,
        unit="utility",
        doc="extra tolerance of a stakeholder that took part in or watched the talks",
    )
    # -- the three multistakeholder principles as levers (NETmundial 2014)
    openness: float = declare(
        1.0,
        low=0.0,
        high=1.0,
        unit="share",
        doc="share of non-government stakeholders allowed to attend (best-resourced first)",
    )
    support: float = declare(
        0.0,
        low=0.0,
        high=1.0,
        unit="share of missing capacity",
        doc="participation funding: closes this share of each stakeholder's gap to full attendance",
    )
    transparency: float = declare(
        0.0,
        low=0.0,
        high=1.0,
        unit="share of absentees",
        doc="share of absent stakeholders who follow the talks (persuaded, and count as heard)",
    )
    # -- size
    population_scale: float = declare(
        1.0,
        low=0.025,
        high=5000.0,
        unit="multiple",
        doc="multiplies every group's head count in the scenario",
    )
    # -- a researcher's own factors: (name, value) pairs an experiment declares (not a setting)
    factors: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        check_declared(self)

    def factor(self, name: str) -> float:
        """The value of a factor the experiment declared itself (``[own_factors]``), for a
        registered measure or protocol to read: ``ctx.params.factor("x1")``.

        Raises
        ------
        ValueError
            ``name`` is not one of this run's own factors (one line naming those it has).
        """
        for key, value in self.factors:
            if key == name:
                return value
        have = ", ".join(k for k, _ in self.factors) or "none"
        raise ValueError(
            f"factor {name!r} is not declared by this run's experiment (its own factors: {have})"
        )

    def with_factors(self, values: dict[str, float]) -> Parameters:
        """A copy with the researcher's own factors ``values`` set (names sorted)."""
        merged = {**dict(self.factors), **{str(k): float(v) for k, v in values.items()}}
        return replace(self, factors=tuple(sorted(merged.items())))

    def replace(self, **changes: Any) -> Parameters:
        """A copy with ``changes`` applied; unknown names are rejected with a suggestion."""
        check_names(changes, [s.name for s in parameter_specs()], "parameter")
        return replace(self, **changes)

    def as_dict(self) -> dict[str, float | int]:
        """Every parameter by name, with its value."""
        return {s.name: getattr(self, s.name) for s in parameter_specs()}


@cache
def declared_specs(cls: type) -> tuple[ParamSpec, ...]:
    """The :func:`declare`-d fields of a dataclass, in order, as :class:`ParamSpec`."""
    return tuple(ParamSpec(name=f.name, default=f.default, **f.metadata) for f in fields(cls) if f.metadata)


def check_declared(instance: Any) -> None:
    """Validate (and convert to the declared kind) every declared field of a frozen dataclass."""
    for spec in declared_specs(type(instance)):
        object.__setattr__(instance, spec.name, spec.check(getattr(instance, spec.name)))


@cache
def parameter_specs() -> tuple[ParamSpec, ...]:
    """The declarations of :class:`Parameters`, in order."""
    return declared_specs(Parameters)
