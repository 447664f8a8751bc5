"""Group profiles and the stakeholder population drawn from them.

A :class:`GroupProfile` holds the means and spreads of one group's traits. The numbers in
the bundled profiles are *stylized assumptions for a workshop to question*, not
measurements: civil society has little money to travel, governments hold capability and
value control, the technical community is open and pragmatic, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np

from govsim.groups import GROUP_ORDER, Group
from govsim.params import ParamSpec, check_declared, check_names, declare, declared_specs
from govsim.values import number

MAX_STAKEHOLDERS = 200_000  # a model above this many stakeholders is refused before drawing it
MAX_CELLS = 2_000_000  # stakeholders x dimensions: the positions a model holds (20,000 x 100: about a minute)


def check_cells(stakeholders: int, dimensions: int, where: str = "") -> None:
    """Refuse, before anything is allocated, a model or table of more than :data:`MAX_CELLS`
    positions (``stakeholders * dimensions``).

    Raises
    ------
    ValueError
        One line with the two numbers, their product and the limit (``where`` starts it).
    """
    if stakeholders * dimensions > MAX_CELLS:
        raise ValueError(
            f"{where}{stakeholders} stakeholders x {dimensions} dimensions = {stakeholders * dimensions:,} "
            f"positions, above the limit of {MAX_CELLS:,} (fewer stakeholders or dimensions)"
        )


@dataclass(frozen=True)
class PositionMode:
    """One cluster of views: ``weight`` of the group sits around ``mean`` with spread ``sd``."""

    mean: tuple[float, ...]
    sd: float = 0.1
    weight: float = 1.0

    def __post_init__(self) -> None:
        mean = tuple(number(m, "position mean", 0.0, 1.0) for m in self.mean)
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "sd", number(self.sd, "position sd", 0.0, 1.0))
        weight = number(self.weight, "position weight", 0.0)
        if weight <= 0:
            raise ValueError(f"position weight={self.weight!r} is out of range (allowed: a number > 0)")
        object.__setattr__(self, "weight", weight)


@dataclass(frozen=True)
class GroupProfile:
    """Traits of one stakeholder group: each drawn as clip(Normal(mean, sd), low, high)."""

    capability: float = declare(
        0.3,
        low=0.01,
        high=1.0,
        unit="share of the strongest",
        doc="resources and influence (lobbying pull, voice under capability weighting)",
    )
    capability_sd: float = declare(
        0.1, low=0.0, high=1.0, unit="", doc="spread of capability within the group"
    )
    confidence: float = declare(
        0.3,
        low=0.0,
        high=1.5,
        unit="distance",
        doc="bounded-confidence radius: how different a view can be and still persuade (eps)",
    )
    confidence_sd: float = declare(0.05, low=0.0, high=1.0, unit="", doc="spread of the confidence radius")
    tolerance: float = declare(
        0.05,
        low=0.0,
        high=1.0,
        unit="utility",
        doc="how much worse than the status quo a stakeholder accepts before objecting (theta)",
    )
    tolerance_sd: float = declare(0.02, low=0.0, high=1.0, unit="", doc="spread of tolerance")
    capacity: float = declare(
        0.8,
        low=0.0,
        high=1.0,
        unit="probability",
        doc="chance of attending a round it may attend (travel, staff, money)",
    )
    capacity_sd: float = declare(0.1, low=0.0, high=1.0, unit="", doc="spread of capacity")
    stubbornness: float = declare(
        0.1,
        low=0.0,
        high=1.0,
        unit="share per round",
        doc="pull back toward the initial view each round (Friedkin-Johnsen lambda)",
    )
    stubbornness_sd: float = declare(0.02, low=0.0, high=1.0, unit="", doc="spread of stubbornness")
    salience_concentration: float = declare(
        20.0,
        low=0.1,
        high=1000.0,
        unit="",
        doc="Dirichlet concentration of salience around the group mean (higher = more alike)",
    )
    position: tuple[PositionMode, ...] = field(default=(PositionMode((0.5, 0.5)),))
    # relative: normalised to shares; each member draws Dirichlet shares summing to 1 (named
    # actors carry absolute salience instead, see govsim.actors)
    salience: tuple[float, ...] = (0.5, 0.5)

    def __post_init__(self) -> None:
        check_declared(self)
        dims = {len(m.mean) for m in self.position} | {len(self.salience)}
        if len(dims) != 1:
            raise ValueError(f"position and salience disagree on the number of dimensions: {sorted(dims)}")
        salience = tuple(number(s, "salience", 0.0) for s in self.salience)
        object.__setattr__(self, "salience", salience)
        if sum(salience) <= 0:
            raise ValueError(f"salience={list(self.salience)} must be non-negative and not all zero")

    def with_(self, **changes: Any) -> GroupProfile:
        """A copy with scalar traits changed (validated; unknown names suggested)."""
        check_names(changes, [s.name for s in profile_specs()] + ["position", "salience"], "profile trait")
        return replace(self, **changes)


@cache
def profile_specs() -> tuple[ParamSpec, ...]:
    """The scalar trait declarations of :class:`GroupProfile`."""
    return declared_specs(GroupProfile)


@dataclass(frozen=True)
class GroupSpec:
    """How many stakeholders of one group, how they split over regions, and their profile."""

    group: Group
    count: int
    profile: GroupProfile
    regions: tuple[float, ...] = (1.0,)


@dataclass
class Population:
    """The arrays every round touches, one row per stakeholder (the model owns them)."""

    group: np.ndarray  # (N,) int group code
    region: np.ndarray  # (N,) int region index
    x0: np.ndarray  # (N, K) initial positions
    # (N, K) absolute salience, each in [0, 1]: how much i cares about dimension k. Drawn
    # members' rows sum to 1 (a Dirichlet draw); named actors' come from their data as given.
    salience: np.ndarray
    capability: np.ndarray
    confidence: np.ndarray
    tolerance: np.ndarray
    capacity: np.ndarray
    stubbornness: np.ndarray
    # (N, K) capability on each dimension, or None when every stakeholder's capability is the
    # same on every dimension (drawn members always; named actors unless a table gives power
    # by issue, as Decide files may). See ``capability_on``.
    issue_capability: np.ndarray | None = None

    @property
    def size(self) -> int:
        """The number of stakeholders, N."""
        return len(self.group)

    def capability_on(self, decides: tuple[bool, ...] | None = None) -> np.ndarray:
        """(N,) capability on an issue that decides the dimensions flagged in ``decides``
        (``None``: all of them).

        ``capability`` itself (the same array) when nobody's capability differs by issue, so
        such runs are unchanged; else each stakeholder's capability on the issue's dimension,
        or its mean over the issue's dimensions when it decides several. Power per actor and
        issue is the Decide format's (Stokman & Van Oosten 1994: the compromise on issue k
        weighs c_ik x s_ik)."""
        if self.issue_capability is None:
            return self.capability
        cols = np.arange(self.issue_capability.shape[1]) if decides is None else np.flatnonzero(decides)
        values = self.issue_capability[:, cols]
        return values[:, 0].copy() if values.shape[1] == 1 else values.mean(axis=1)


def _split(count: int, shares: tuple[float, ...]) -> np.ndarray:
    """Largest-remainder split of ``count`` heads over regions by ``shares`` (deterministic)."""
    shares_arr = np.asarray(shares, dtype=float) / sum(shares)
    exact = shares_arr * count
    heads = np.floor(exact).astype(int)
    order = np.argsort(-(exact - heads), kind="stable")
    heads[order[: count - heads.sum()]] += 1
    return heads


def _draw_trait(profile: GroupProfile, name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    spec = next(s for s in profile_specs() if s.name == name)
    mean, sd = getattr(profile, name), getattr(profile, f"{name}_sd")
    return np.clip(rng.normal(mean, sd, n), spec.low, spec.high)


def _draw_positions(profile: GroupProfile, n: int, rng: np.random.Generator) -> np.ndarray:
    weights = np.array([m.weight for m in profile.position], dtype=float)
    heads = _split(n, tuple(weights))
    blocks = [
        rng.normal(np.asarray(m.mean), m.sd, size=(h, len(m.mean)))
        for m, h in zip(profile.position, heads, strict=True)
    ]
    return np.concatenate(blocks)


def group_sizes(
    groups: tuple[GroupSpec, ...], scale: float = 1.0, actors: int = 0, dimensions: int = 0
) -> dict[Group, int]:
    """Head count of each drawn group at ``population_scale = scale`` (at least one each; a
    group of count 0, kept only for named actors' defaults, is left out), counted before
    anything is drawn; ``actors`` named actors come on top of them.

    Raises
    ------
    ValueError
        More than :data:`MAX_STAKEHOLDERS` in all (one line naming the scale and the total), or
        more than :data:`MAX_CELLS` positions with ``dimensions`` dimensions (:func:`check_cells`).
    """
    sizes = {spec.group: max(1, round(spec.count * scale)) for spec in groups if spec.count > 0}
    total = sum(sizes.values()) + actors
    if total > MAX_STAKEHOLDERS:
        raise ValueError(
            f"population_scale={scale:g} gives {total} stakeholders, above the limit of "
            f"{MAX_STAKEHOLDERS} (lower population_scale or the group counts)"
        )
    check_cells(total, dimensions, f"population_scale={scale:g} gives ")
    return sizes


def draw_population(
    groups: tuple[GroupSpec, ...],
    region_shifts: np.ndarray,
    rng: np.random.Generator,
    scale: float = 1.0,
) -> Population:
    """Draw every stakeholder's traits; rows are ordered by group, then region.

    Positions: a mixture of normal modes, shifted by the region's offset, clipped to [0, 1].
    Salience: Dirichlet(concentration * group mean salience).
    """
    sizes = group_sizes(groups, scale)
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in Population.__dataclass_fields__ if k != "issue_capability"
    }
    for spec in sorted(groups, key=lambda g: GROUP_ORDER.index(g.group)):
        if spec.count == 0:  # a profile kept only for named actors' defaults
            continue
        n = sizes[spec.group]
        region = np.repeat(np.arange(len(spec.regions)), _split(n, spec.regions))
        prof = spec.profile
        parts["group"].append(np.full(n, spec.group.code))
        parts["region"].append(region)
        pos = _draw_positions(prof, n, rng)
        parts["x0"].append(np.clip(pos[rng.permutation(n)] + region_shifts[region], 0.0, 1.0))
        alpha = prof.salience_concentration * np.asarray(prof.salience) / sum(prof.salience)
        parts["salience"].append(rng.dirichlet(np.maximum(alpha, 1e-3), n))
        for trait in ("capability", "confidence", "tolerance", "capacity", "stubbornness"):
            parts[trait].append(_draw_trait(prof, trait, n, rng))
    k = len(region_shifts[0]) if len(region_shifts) else 0
    return Population(**{name: np.concatenate(v) if v else _empty(name, k) for name, v in parts.items()})


def _empty(name: str, k: int) -> np.ndarray:
    if name in ("group", "region"):
        return np.zeros(0, dtype=int)
    return np.zeros((0, k)) if name in ("x0", "salience") else np.zeros(0)


def actor_population(
    actors: tuple[Any, ...], profiles: dict[Group, GroupProfile], regions: tuple[str, ...]
) -> Population:
    """Rows for named actors (:class:`govsim.actors.Actor`), in the order given, with no random
    draw: a trait the actor leaves out (``None``) is its group profile's mean."""

    def trait(actor: Any, name: str) -> float:
        value = getattr(actor, name)
        return getattr(profiles[actor.group], name) if value is None else value

    by_issue = None
    if any(a.issue_capability is not None for a in actors):
        by_issue = np.array(
            [a.issue_capability or (a.capability,) * len(a.position) for a in actors], dtype=float
        )
    return Population(
        issue_capability=by_issue,
        group=np.array([a.group.code for a in actors], dtype=int),
        region=np.array([regions.index(a.region) if a.region else 0 for a in actors], dtype=int),
        x0=np.array([a.position for a in actors], dtype=float),
        salience=np.array([a.salience for a in actors], dtype=float),
        capability=np.array([a.capability for a in actors], dtype=float),
        **{
            name: np.array([trait(a, name) for a in actors], dtype=float)
            for name in ("confidence", "tolerance", "capacity", "stubbornness")
        },
    )


def stack_populations(*parts: Population) -> Population:
    """One population with the rows of ``parts`` in order (capability by issue, where one part
    has it, is each other part's capability on every dimension)."""
    by_issue = None
    if any(p.issue_capability is not None for p in parts):
        by_issue = np.concatenate(
            [
                p.issue_capability
                if p.issue_capability is not None
                else np.repeat(p.capability[:, None], p.x0.shape[1], axis=1)
                for p in parts
            ]
        )
    return Population(
        issue_capability=by_issue,
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in Population.__dataclass_fields__
            if name != "issue_capability"
        },
    )
