"""Named scenarios: stylized presets stored as TOML in ``govsim/data/scenarios``.

A scenario is data: the policy dimensions, the regions, how many stakeholders of each group
and with which profile, the process parameters, the default protocol and the agenda. Each
carries a description of the real event it illustrates and says plainly that it is a
stylized illustration, not a forecast.

A scenario may also name its stakeholders: ``[[actors]]`` in TOML, or an actor-table file
(Decide or KTAB format, see :mod:`govsim.actors`) given wherever a scenario is accepted.
Named actors sit beside (or instead of) the drawn group members; a trait an actor does not
give takes its group profile's mean. ``scales`` gives each dimension's units in the file;
inside govsim every position is in [0, 1].
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from govsim.actor_files import FILE_SUFFIXES, read_actor_file
from govsim.actors import OPTIONAL_TRAITS, Actor, ActorTable, Scale
from govsim.groups import GROUP_NAMES, Group
from govsim.params import Parameters, check_names
from govsim.population import (
    GroupProfile,
    GroupSpec,
    Population,
    PositionMode,
    actor_population,
    draw_population,
    stack_populations,
)
from govsim.settings import split_settings

DATA = resources.files("govsim") / "data"
DISCLAIMER = "A stylized illustration for teaching, not a forecast or a reconstruction of the event."


@dataclass(frozen=True)
class Issue:
    """One agenda item: a status quo ``q`` and, optionally, the draft someone tables."""

    name: str
    status_quo: tuple[float, ...]
    draft: tuple[float, ...] | None = None
    decides: tuple[bool, ...] | None = None  # dimensions on the table; None = all of them

    def __post_init__(self) -> None:
        for label, point in (("status_quo", self.status_quo), ("draft", self.draft)):
            if point is not None and not all(0.0 <= v <= 1.0 for v in point):
                raise ValueError(f"issue {self.name!r}: {label}={list(point)} must lie in [0, 1]")
        if self.decides is not None and len(self.decides) != len(self.status_quo):
            raise ValueError(
                f"issue {self.name!r}: decides={list(self.decides)} needs one flag per dimension"
            )


@dataclass(frozen=True)
class Scenario:
    """Everything needed to build a model except the protocol instance and the seed."""

    name: str
    title: str
    description: str
    event: str
    illustrates: str
    protocol: str
    dimensions: tuple[str, ...]
    regions: tuple[str, ...]
    region_shifts: tuple[tuple[float, ...], ...]
    regional_protocols: tuple[str, ...]
    groups: tuple[GroupSpec, ...]
    agenda: tuple[Issue, ...]
    params: Parameters = field(default_factory=Parameters)
    actors: tuple[Actor, ...] = ()
    scales: tuple[Scale, ...] = ()  # the file's units per dimension; () = [0, 1]
    notes: tuple[str, ...] = ()  # what a reader of the results should know (units, status quo)

    @property
    def disclaimer(self) -> str:
        """What every scenario is: a stylized illustration, never a forecast."""
        return DISCLAIMER

    @property
    def k(self) -> int:
        return len(self.dimensions)

    def profile(self, group: Group | str) -> GroupProfile:
        group = Group.parse(group)
        return next(g.profile for g in self.groups if g.group is group)

    def with_settings(self, settings: dict[str, Any]) -> Scenario:
        """Apply ``{"rho": 0.2, "civil_society.capacity": 0.3}``: parameters or group traits."""
        params, traits = split_settings(settings)
        scenario = replace(self, params=self.params.replace(**params)) if params else self
        for group, changes in traits.items():
            for trait, value in changes.items():
                try:
                    scenario = scenario.with_profile(group, **{trait: value})
                except ValueError as exc:
                    text = str(exc)
                    raise ValueError(f"{group.value}.{text}" if text.startswith(trait) else text) from None
        return scenario

    def with_profile(self, group: Group | str, **changes: Any) -> Scenario:
        group = Group.parse(group)
        specs = tuple(
            replace(g, profile=g.profile.with_(**changes)) if g.group is group else g for g in self.groups
        )
        return replace(self, groups=specs)

    def shifts(self) -> np.ndarray:
        return np.asarray(self.region_shifts, dtype=float).reshape(len(self.regions), self.k)

    def draw_population(self, rng: np.random.Generator) -> Population:
        """The drawn group members (rows first, as :func:`draw_population` orders them), then
        the named actors in the order listed (exact values, no random draws)."""
        drawn = draw_population(self.groups, self.shifts(), rng, self.params.population_scale)
        if not self.actors:
            return drawn
        profiles = {g.group: g.profile for g in self.groups}
        return stack_populations(drawn, actor_population(self.actors, profiles, self.regions))

    def in_file_units(self, point: Any) -> list[float]:
        """A point (K,) in [0, 1] back in the scenario's own units (its ``scales``)."""
        scales = self.scales or (Scale(),) * self.k
        return [s.from_unit(float(v)) for s, v in zip(scales, point, strict=True)]

    def with_actor_groups(self, mapping: dict[str, str]) -> Scenario:
        """Put named actors in groups, e.g. ``{"ISOC": "technical"}`` (unknown names suggested)."""
        names = [a.name for a in self.actors]
        if mapping and not names:
            raise ValueError(f"scenario {self.name!r} names no actors (groups by actor are for actor tables)")
        check_names(mapping, names, "actor")
        actors = tuple(
            replace(a, group=Group.parse(mapping[a.name])) if a.name in mapping else a for a in self.actors
        )
        return replace(self, actors=actors, groups=_with_all_groups(self.groups, self.k))


def _vector(raw: Any, k: int, where: str) -> tuple[float, ...]:
    try:
        vec = tuple(float(v) for v in raw)
    except (TypeError, ValueError):
        raise ValueError(f"{where}={raw!r} must be a list of {k} numbers, one per dimension") from None
    if len(vec) != k:
        raise ValueError(f"{where}={list(raw)} must have {k} values, one per dimension")
    return vec


def _profile(raw: dict[str, Any], base: GroupProfile, k: int, where: str) -> GroupProfile:
    raw = dict(raw)
    changes: dict[str, Any] = {}
    if "position" in raw:
        modes = raw.pop("position")
        if (
            not isinstance(modes, list)
            or not modes
            or not all(isinstance(m, dict) and "mean" in m for m in modes)
        ):
            raise ValueError(
                f"{where}.position={modes!r} must be a list of modes like [{{ mean = [0.5, 0.5], sd = 0.1 }}]"
            )
        changes["position"] = tuple(
            PositionMode(
                _vector(m["mean"], k, f"{where}.position.mean"),
                m.get("sd", 0.1),
                m.get("weight", 1.0),
            )
            for m in modes
        )
    if "salience" in raw:
        changes["salience"] = _vector(raw.pop("salience"), k, f"{where}.salience")
    changes.update(raw)
    try:
        return base.with_(**changes)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def parse_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Build a :class:`Scenario` from parsed TOML, with one-line errors naming the key."""
    top = ["name", "title", "description", "event", "illustrates", "protocol", "dimensions"]
    check_names(
        data, [*top, "regions", "params", "groups", "agenda", "actors", "scales"], f"key in {source}:"
    )
    dims = tuple(data.get("dimensions", ("openness", "rights")))
    k = len(dims)
    defaults = _default_profiles(k)
    regions_raw = data.get("regions", {"world": {}})
    regions = tuple(regions_raw)
    shifts = tuple(
        _vector(r.get("shift", [0.0] * k), k, f"regions.{n}.shift") for n, r in regions_raw.items()
    )
    regional = tuple(r.get("protocol", "bottom_up") for r in regions_raw.values())
    check_names(data.get("groups", {}), list(GROUP_NAMES), f"group in {source}:")
    scales = _scales(data["scales"], k) if "scales" in data else ()
    actors = _actors(data.get("actors", []), scales or (Scale(),) * k, regions, source)
    groups = []
    for name in GROUP_NAMES:
        raw = dict(data.get("groups", {}).get(name, {}))
        count = raw.pop("count", 0)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"groups.{name}.count={count!r} must be a whole number >= 0")
        shares = _vector(raw.pop("regions", [1.0] * len(regions)), len(regions), f"groups.{name}.regions")
        if min(shares) < 0 or sum(shares) <= 0:
            raise ValueError(f"groups.{name}.regions={list(shares)} must be shares >= 0 with a positive sum")
        if count > 0 or actors:  # actors take their group's profile, so keep every profile
            profile = _profile(raw, defaults[name], k, f"groups.{name}")
            groups.append(GroupSpec(Group(name), count, profile, shares))
    for n, item in enumerate(data.get("agenda", [])):
        for key in ("name", "status_quo"):
            if key not in item:
                raise ValueError(
                    f"{source}: agenda[{n}] has no {key!r} (each issue needs a name and a status_quo)"
                )
    if not actors and not any(g.count for g in groups):
        raise ValueError(
            f"{source}: no stakeholders (give at least one group a count > 0 under [groups.NAME])"
        )
    units = scales or (Scale(),) * k
    agenda = tuple(
        Issue(
            i["name"],
            _point(i["status_quo"], units, f"agenda[{n}].status_quo"),
            _point(i["draft"], units, f"agenda[{n}].draft") if "draft" in i else None,
        )
        for n, i in enumerate(data.get("agenda", []))
    )
    notes: tuple[str, ...] = ()
    if not agenda and actors:
        agenda, notes = per_dimension_agenda(dims, units, (None,) * k)
    if not agenda:
        raise ValueError(f"{source}: the agenda is empty (add at least one [[agenda]] issue)")
    if scales:
        notes = (_units_note(dims, scales), *notes)
    return Scenario(
        name=data.get("name", source),
        title=data.get("title", ""),
        description=data.get("description", ""),
        event=data.get("event", ""),
        illustrates=data.get("illustrates", ""),
        protocol=data.get("protocol", "bottom_up"),
        dimensions=dims,
        regions=regions,
        region_shifts=shifts,
        regional_protocols=regional,
        groups=tuple(groups),
        agenda=agenda,
        params=Parameters().replace(**data.get("params", {})),
        actors=actors,
        scales=scales,
        notes=notes,
    )


def _scales(raw: Any, k: int) -> tuple[Scale, ...]:
    where = "scales"
    if not isinstance(raw, list) or len(raw) != k:
        raise ValueError(f"{where}={raw!r} must be a list of {k} [low, high] pairs, one per dimension")
    out = []
    for n, pair in enumerate(raw):
        low, high = _vector(pair, 2, f"{where}[{n}]")
        try:
            out.append(Scale(low, high))
        except ValueError as exc:
            raise ValueError(f"{where}[{n}]: {exc}") from None
    return tuple(out)


def _point(raw: Any, scales: tuple[Scale, ...], where: str) -> tuple[float, ...]:
    """A point given in the scenario's units, rescaled to [0, 1]; outside its scale is an error."""
    values = _vector(raw, len(scales), where)
    for v, s in zip(values, scales, strict=True):
        if not s.low <= v <= s.high:
            raise ValueError(
                f"{where}={list(values)} must lie within the scales (allowed: [{s.low:g}, {s.high:g}])"
            )
    return tuple(s.to_unit(v) for v, s in zip(values, scales, strict=True))


ACTOR_KEYS = (
    "name",
    "group",
    "region",
    "capability",
    "position",
    "salience",
    "description",
    *OPTIONAL_TRAITS,
)


def _actors(raw: Any, scales: tuple[Scale, ...], regions: tuple[str, ...], source: str) -> tuple[Actor, ...]:
    """``[[actors]]`` tables: name, capability, position and salience required; the rest optional."""
    if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
        raise ValueError(f"{source}: actors must be [[actors]] tables, one per actor")
    actors: list[Actor] = []
    for n, item in enumerate(raw):
        where = f"actors[{n}]"
        check_names(item, list(ACTOR_KEYS), f"key in {source}: {where}:")
        for key in ("name", "capability", "position", "salience"):
            if key not in item:
                raise ValueError(
                    f"{source}: {where} has no {key!r} (each actor needs a name, capability, position and salience)"
                )
        name = item["name"]
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}.name={name!r} must be a non-empty string")
        if any(a.name == name for a in actors):
            raise ValueError(f"{where}.name={name!r} is listed twice (each actor once)")
        region = item.get("region", regions[0])
        check_names([region], list(regions), f"region in {where}:")
        try:
            actors.append(
                Actor(
                    name=name,
                    group=Group.parse(item.get("group", "government")),
                    capability=item["capability"],
                    position=_point(item["position"], scales, f"{where}.position"),
                    salience=_vector(item["salience"], len(scales), f"{where}.salience"),
                    region=region,
                    description=str(item.get("description", "")),
                    **{t: item[t] for t in OPTIONAL_TRAITS if t in item},
                )
            )
        except ValueError as exc:
            raise ValueError(f"{source}: {where}: {exc}") from None
    return tuple(actors)


def per_dimension_agenda(
    dims: tuple[str, ...], scales: tuple[Scale, ...], stated: tuple[float | None, ...]
) -> tuple[tuple[Issue, ...], tuple[str, ...]]:
    """One issue per dimension, deciding that dimension only; status quo as stated, else the
    scale's midpoint. Returns the agenda and a note saying which status quo each issue has."""
    q = tuple(0.5 if s is None else s for s in stated)
    agenda = tuple(Issue(d, q, decides=tuple(j == i for j in range(len(dims)))) for i, d in enumerate(dims))
    said = [
        f"{d} {sc.from_unit(v):g} ({'the scale midpoint: the file states none' if s is None else 'stated in the file'})"
        for d, sc, v, s in zip(dims, scales, q, stated, strict=True)
    ]
    return agenda, ("agenda: one issue per dimension; status quo " + ", ".join(said),)


def _units_note(dims: tuple[str, ...], scales: tuple[Scale, ...]) -> str:
    return "positions in the file's units: " + ", ".join(
        f"{d} {s}" for d, s in zip(dims, scales, strict=True)
    )


def _with_all_groups(groups: tuple[GroupSpec, ...], k: int) -> tuple[GroupSpec, ...]:
    """Every group's profile present (count 0 where the scenario draws none), for actor defaults."""
    have = {g.group for g in groups}
    defaults = _default_profiles(k)
    extra = tuple(GroupSpec(Group(n), 0, defaults[n]) for n in GROUP_NAMES if Group(n) not in have)
    return groups + extra


def scenario_from_table(table: ActorTable) -> Scenario:
    """An actor table as a scenario: each issue a dimension, the default agenda one issue per
    dimension, every actor always known by name. Power is data here, so the compromise weighs
    voice by capability (``capability_voice = 1``)."""
    k = len(table.dimensions)
    agenda, notes = per_dimension_agenda(table.dimensions, table.scales, table.status_quo)
    regions = tuple(dict.fromkeys(a.region for a in table.actors if a.region)) or ("world",)
    actors = tuple(a if a.region else replace(a, region=regions[0]) for a in table.actors)
    return Scenario(
        name=table.name,
        title=table.name,
        description=table.description or f"Actor table read from {table.source} ({table.format} format).",
        event=f"Actor table from {table.source}.",
        illustrates="The room described by the actor table.",
        protocol="bottom_up",
        dimensions=table.dimensions,
        regions=regions,
        region_shifts=tuple((0.0,) * k for _ in regions),
        regional_protocols=("bottom_up",) * len(regions),
        groups=_with_all_groups((), k),
        agenda=agenda,
        params=Parameters(capability_voice=1.0),
        actors=actors,
        scales=table.scales,
        notes=(_units_note(table.dimensions, table.scales), *notes),
    )


@cache
def _default_profiles(k: int) -> dict[str, GroupProfile]:
    """Bundled group profiles; their positions and salience are 2-D, so other K start neutral."""
    raw = tomllib.loads((DATA / "profiles.toml").read_text())
    base = GroupProfile(position=(PositionMode((0.5,) * k),), salience=(1.0,) * k)
    if k != 2:
        raw = {n: {t: v for t, v in r.items() if t not in ("position", "salience")} for n, r in raw.items()}
    return {name: _profile(raw[name], base, k, f"profiles.{name}") for name in GROUP_NAMES}


def scenario_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".toml") for p in (DATA / "scenarios").iterdir() if p.name.endswith(".toml")
    )


@cache
def _load_bundled(name: str) -> Scenario:
    return parse_scenario(tomllib.loads((DATA / "scenarios" / f"{name}.toml").read_text()), f"{name}.toml")


def is_scenario_file(name: str | Path) -> bool:
    """True for a name that is a file path: a ``.toml`` scenario or an actor table."""
    return isinstance(name, Path) or str(name).lower().endswith((".toml", *FILE_SUFFIXES))


def load_scenario(name: str | Path | Scenario = "classroom") -> Scenario:
    """A bundled scenario by name, a scenario TOML file or an actor-table file (Decide or KTAB,
    ``.csv``/``.tsv``/``.txt``/``.dec``) by path, or the scenario itself."""
    if isinstance(name, Scenario):
        return name
    if is_scenario_file(name):
        path = Path(name)
        if path.suffix.lower() != ".toml":
            return scenario_from_table(read_actor_file(path))
        return parse_scenario(tomllib.loads(path.read_text()), path.name)
    check_names([name], scenario_names(), "scenario")
    return _load_bundled(name)
