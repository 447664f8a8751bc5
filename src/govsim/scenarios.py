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

import math
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from govsim.actor_files import FILE_SUFFIXES, read_actor_file
from govsim.actors import (
    MAX_DIMENSIONS,
    MAX_ISSUES,
    OPTIONAL_TRAITS,
    Actor,
    ActorTable,
    Scale,
    issue_capability_note,
    scale_problem,
)
from govsim.groups import GROUP_NAMES, Group
from govsim.i18n import N_
from govsim.params import Parameters, check_names, parameter_specs
from govsim.population import (
    MAX_STAKEHOLDERS,
    GroupProfile,
    GroupSpec,
    Population,
    PositionMode,
    actor_population,
    draw_population,
    group_sizes,
    profile_specs,
    stack_populations,
)
from govsim.reading import FileError, read_toml
from govsim.settings import split_settings
from govsim.values import TomlTable, number, printable

DATA = resources.files("govsim") / "data"
DISCLAIMER = N_("A stylized illustration for teaching, not a forecast or a reconstruction of the event.")


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
class Dissent:
    """What a scenario's dissenting cloud objected to, and which way that puts it on each axis.

    ``wants`` maps a dimension to ``"more"`` or ``"less"`` than every initiating draft on the
    agenda: a cloud whose stated objection is that the text says too little against mass
    surveillance wants *more* rights than the draft, and may not be drawn below it. The loader
    refuses a file whose cloud sits at the end of an axis its own objection contradicts
    (issue 22 review: NETmundial's dissenters drawn at "security first").
    """

    group: str
    mode: int  # index into the group's position modes (0 = the first)
    objected: str  # what the real dissenters objected to, in words
    wants: tuple[tuple[str, str], ...]  # (dimension, "more" | "less") relative to the drafts


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
    status_quo_rule: tuple[str, ...] = ()  # per dimension, where a per-dimension agenda's q comes from
    dissent: tuple[Dissent, ...] = ()  # what the described dissenters objected to ([[dissent]])

    @property
    def disclaimer(self) -> str:
        """What every scenario is: a stylized illustration, never a forecast."""
        return DISCLAIMER

    @property
    def k(self) -> int:
        """The number of policy dimensions K (positions are (n, K))."""
        return len(self.dimensions)

    def profile(self, group: Group | str) -> GroupProfile:
        """The traits ``group`` (a :class:`~govsim.groups.Group` or its name) is drawn from here.

        Raises
        ------
        ValueError
            ``group`` is not a group's name.
        """
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
        """A copy with ``group``'s profile traits changed (``capacity=0.3``); others as they are.

        Raises
        ------
        ValueError
            An unknown group or trait (the message suggests the nearest name).
        """
        group = Group.parse(group)
        specs = tuple(
            replace(g, profile=g.profile.with_(**changes)) if g.group is group else g for g in self.groups
        )
        return replace(self, groups=specs)

    def shifts(self) -> np.ndarray:
        """The regions' position shifts, an (R, K) float array with one row per region: added to
        a drawn member's position in [0, 1] units (the sum is clipped to [0, 1])."""
        return np.asarray(self.region_shifts, dtype=float).reshape(len(self.regions), self.k)

    def draw_population(self, rng: np.random.Generator) -> Population:
        """The drawn group members (rows first, as :func:`draw_population` orders them), then
        the named actors in the order listed (exact values, no random draws)."""
        group_sizes(
            self.groups, self.params.population_scale, len(self.actors), len(self.dimensions)
        )  # the limits
        drawn = draw_population(self.groups, self.shifts(), rng, self.params.population_scale)
        if not self.actors:
            return drawn
        profiles = {g.group: g.profile for g in self.groups}
        return stack_populations(drawn, actor_population(self.actors, profiles, self.regions))

    def in_file_units(self, point: Any) -> list[float]:
        """A point (K,) in [0, 1] back in the scenario's own units (its ``scales``)."""
        scales = self.scales or (Scale(),) * self.k
        return [s.from_unit(float(v)) for s, v in zip(scales, point, strict=True)]

    def with_status_quo(self, mapping: dict[str, float]) -> Scenario:
        """Declare the status quo of dimensions, e.g. ``{"Newtreaty": 30}``, in the scenario's
        own units (its ``scales``): every agenda issue starts from it on those dimensions, and
        the notes say it was declared. Unknown names are suggested; a value outside the scale
        is a one-line ``ValueError``."""
        check_names(mapping, list(self.dimensions), "dimension")
        units = self.scales or (Scale(),) * self.k
        q = {}
        for name, value in mapping.items():
            k = self.dimensions.index(name)
            scale = units[k]
            allowed = f"a number in [{scale.low:g}, {scale.high:g}], the scale of {name!r}"
            q[k] = scale.to_unit(number(value, f"status quo {name}", scale.low, scale.high, allowed))
        agenda = tuple(
            replace(i, status_quo=tuple(q.get(k, v) for k, v in enumerate(i.status_quo))) for i in self.agenda
        )
        rule = tuple(DECLARED if k in q else r for k, r in enumerate(self.status_quo_rule or ("",) * self.k))
        notes = tuple(n for n in self.notes if not n.startswith(STATUS_QUO_NOTE))
        said = _status_notes(self.dimensions, agenda, rule, self.scales)
        return replace(self, agenda=agenda, status_quo_rule=rule, notes=(*notes, *said))

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


TOP_KEYS = ["name", "title", "description", "event", "illustrates", "protocol", "dimensions"]
ALL_KEYS = [*TOP_KEYS, "regions", "params", "groups", "agenda", "actors", "scales", "status_quo", "dissent"]
MODE_EXAMPLE = "{ mean = [0.5, 0.5], sd = 0.1, weight = 1.0 }"


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """Build a :class:`Scenario` from parsed TOML; every key is type-checked (through
    :class:`govsim.values.TomlTable`) and every number finite, and any error is one
    :class:`~govsim.reading.FileError` line starting with ``source`` and naming the key, the
    value and what is allowed."""
    try:
        return _parse(TomlTable.of(data, source))
    except FileError:
        raise
    except ValueError as exc:
        raise FileError(f"{source}: {exc}") from None


def _parse(top: TomlTable) -> Scenario:
    from govsim.protocols import protocol_names

    source = top.where
    top = TomlTable(top.data).keys(ALL_KEYS)
    dims = _dimensions(top)
    k = len(dims)
    regions, shifts, regional = _regions(top, k)
    scales = _scales(top, k) if "scales" in top else ()
    units = scales or (Scale(),) * k
    actors = _actors(top, units, regions)
    groups = _groups(top, k, len(regions), bool(actors))
    agenda = _agenda(top, units)
    notes: tuple[str, ...] = ()
    rule: tuple[str, ...] = ()
    declared = _point(top, "status_quo", units) if "status_quo" in top else None
    if declared is not None and agenda:
        raise ValueError("status_quo is for a scenario without [[agenda]] (give each issue its status_quo)")
    if not agenda and actors:
        agenda, rule = per_dimension_agenda(dims, (None,) * k, declared)
        notes = _status_notes(dims, agenda, rule, scales)
    if not agenda:
        raise ValueError("the agenda is empty (add at least one [[agenda]] issue)")
    if scales:
        notes = (_units_note(dims, scales), *notes)
    notes = (*notes, *issue_capability_note(source, actors))
    return Scenario(
        name=top.text("name", source),
        title=top.text("title", ""),
        description=top.text("description", ""),
        event=top.text("event", ""),
        illustrates=top.text("illustrates", ""),
        protocol=top.choice("protocol", protocol_names(), "bottom_up"),
        dimensions=dims,
        regions=regions,
        region_shifts=shifts,
        regional_protocols=regional,
        groups=groups,
        agenda=agenda,
        params=_params(top.table("params", {}, "[params] max_rounds = 60"), bool(actors)),
        actors=actors,
        scales=scales,
        notes=notes,
        status_quo_rule=rule,
        dissent=_dissent(top, dims, groups, agenda),
    )


def _dimensions(top: TomlTable) -> tuple[str, ...]:
    allowed = "a non-empty list of distinct names, like ['openness', 'rights']"
    names = top.list("dimensions", ["openness", "rights"], allowed)
    if len(names) > MAX_DIMENSIONS:
        raise ValueError(f"dimensions: {len(names)} names is above the limit of {MAX_DIMENSIONS}")
    if not names or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
        raise ValueError(f"dimensions={names!r} is not {allowed}")
    return tuple(names)


def _regions(
    top: TomlTable, k: int
) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...], tuple[str, ...]]:
    """Region names, their (K,) shifts and the rule each region's table uses under ``regional``."""
    from govsim.protocols import protocol_names

    table = top.table("regions", {"world": {}}, "[regions.region_a] shift = [0.05, 0.05]")
    if not table.data:
        raise ValueError("regions={} names no region (allowed: at least one [regions.NAME] table)")
    allowed = [p for p in protocol_names() if p != "regional"]
    names, shifts, protocols = [], [], []
    for name in table.data:
        region = table.table(name, example="{ shift = [0.05, 0.05], protocol = 'bottom_up' }")
        region.keys(["shift", "protocol"])
        names.append(name)
        shifts.append(region.numbers("shift", k, (0.0,) * k, -1.0, 1.0))
        protocols.append(region.choice("protocol", allowed, "bottom_up"))
    return tuple(names), tuple(shifts), tuple(protocols)


def _mode(table: TomlTable, k: int) -> PositionMode:
    table.keys(["mean", "sd", "weight"])
    return PositionMode(
        table.numbers("mean", k, low=0.0, high=1.0),
        table.number("sd", 0.1, 0.0, 1.0),
        table.number("weight", 1.0, 0.0),
    )


def _profile(table: TomlTable, base: GroupProfile, k: int) -> GroupProfile:
    """``base`` with the traits ``table`` gives (its ``count`` and ``regions`` read elsewhere)."""
    traits = [s.name for s in profile_specs()]
    table.keys([*traits, "position", "salience", "count", "regions"])
    changes: dict[str, Any] = {}
    if "position" in table:
        modes = table.tables("position", MODE_EXAMPLE)
        if not modes:
            raise ValueError(
                f"{table.path('position')}=[] has no mode (allowed: a list like [{MODE_EXAMPLE}])"
            )
        changes["position"] = tuple(_mode(m, k) for m in modes)
    if "salience" in table:
        changes["salience"] = table.numbers("salience", k, low=0.0)
    for spec in profile_specs():
        if spec.name in table:
            changes[spec.name] = _checked(spec, table.data[spec.name], table.path(spec.name))
    try:
        return base.with_(**changes)
    except ValueError as exc:
        raise ValueError(f"{table.where}: {exc}") from None


def _checked(spec: Any, value: Any, where: str) -> float | int:
    """A declared value checked by its spec, the message naming the full key path."""
    try:
        return spec.check(value)
    except ValueError as exc:
        raise ValueError(f"{where}{str(exc).removeprefix(spec.name)}") from None


def _groups(top: TomlTable, k: int, n_regions: int, has_actors: bool) -> tuple[GroupSpec, ...]:
    table = top.table("groups", {}, "[groups.government] count = 10")
    table.keys(list(GROUP_NAMES))
    defaults = _default_profiles(k)
    groups = []
    for name in GROUP_NAMES:
        raw = table.table(name, {}, "{ count = 10, regions = [0.5, 0.5] }")
        count = raw.whole("count", 0, 0, MAX_STAKEHOLDERS)
        shares = raw.numbers("regions", n_regions, (1.0,) * n_regions, 0.0, what="one share per region")
        if sum(shares) <= 0:
            raise ValueError(f"{raw.path('regions')}={list(shares)} must be shares >= 0 with a positive sum")
        profile = _profile(raw, defaults[name], k)
        if count > 0 or has_actors:  # actors take their group's profile, so keep every profile
            groups.append(GroupSpec(Group(name), count, profile, shares))
    if not has_actors and not any(g.count for g in groups):
        raise ValueError("no stakeholders (give at least one group a count > 0 under [groups.NAME])")
    total = sum(g.count for g in groups)
    if total > MAX_STAKEHOLDERS:
        raise ValueError(f"groups: {total} stakeholders in all is above the limit of {MAX_STAKEHOLDERS}")
    return tuple(groups)


DISSENT_EXAMPLE = "[[dissent]] group = 'government' mode = 1 objected = '...' wants = { rights = 'more' }"


def _dissent(
    top: TomlTable, dims: tuple[str, ...], groups: tuple[GroupSpec, ...], agenda: tuple[Issue, ...]
) -> tuple[Dissent, ...]:
    """The ``[[dissent]]`` tables, each checked against where the file draws its cloud: a
    cloud that wants ``more`` of a dimension than the drafts must sit above every draft on it,
    one that wants ``less`` below (one-line ``ValueError`` naming the cloud, the axis, the
    position, the draft and the stated objection)."""
    out = []
    for item in top.tables("dissent", DISSENT_EXAMPLE):
        item.keys(["group", "mode", "objected", "wants"])
        group = item.choice("group", list(GROUP_NAMES))
        spec = next((g for g in groups if g.group.value == group and g.count), None)
        if spec is None:
            raise ValueError(f"{item.path('group')}={group!r} has no members in this scenario")
        modes = spec.profile.position
        mode = item.whole("mode", 0, 0, len(modes) - 1)
        objected = item.text("objected")
        raw = item.table("wants", example="{ rights = 'more' }")
        raw.keys(list(dims))
        wants = tuple((d, raw.choice(d, ["more", "less"])) for d in dims if d in raw)
        if not wants:
            raise ValueError(f"{item.path('wants')} is empty (allowed: a dimension = 'more' or 'less')")
        mean = modes[mode].mean
        for name, way in wants:
            k = dims.index(name)
            for issue in agenda:
                if issue.draft is None:
                    continue
                d = issue.draft[k]
                if (way == "more" and not mean[k] > d) or (way == "less" and not mean[k] < d):
                    raise ValueError(
                        f"{item.where}: {group} position mode {mode} sits at {name} {mean[k]:.2f}, "
                        f"{'below' if way == 'more' else 'above'} the draft's {d:.2f} on issue "
                        f"{issue.name!r}, but its stated objection ({objected}) wants {way} {name} than the draft"
                    )
        out.append(Dissent(group, mode, objected, wants))
    return tuple(out)


def _agenda(top: TomlTable, units: tuple[Scale, ...]) -> tuple[Issue, ...]:
    agenda = []
    items = top.tables("agenda", "[[agenda]] name = 'x' status_quo = [0.5, 0.5]")
    if len(items) > MAX_ISSUES:
        raise ValueError(f"agenda: {len(items)} issues is above the limit of {MAX_ISSUES}")
    for item in items:
        item.keys(["name", "status_quo", "draft"])
        for key in ("name", "status_quo"):
            if key not in item:
                raise ValueError(f"{item.where} has no {key!r} (each issue needs a name and a status_quo)")
        draft = _point(item, "draft", units) if "draft" in item else None
        agenda.append(Issue(item.text("name"), _point(item, "status_quo", units), draft))
    return tuple(agenda)


#: Settings whose default differs in a room of named actors, whatever file format names them
#: (TOML ``[[actors]]``, Decide, KTAB): power is data there, so the compromise weighs each
#: actor's voice by capability x salience (Stokman & Van Oosten 1994). A scenario's own
#: ``[params]`` still say otherwise.
ACTOR_ROOM_DEFAULTS: dict[str, float] = {"capability_voice": 1.0}


def _params(table: TomlTable, named_actors: bool = False) -> Parameters:
    table.keys([s.name for s in parameter_specs()])
    given = {
        s.name: _checked(s, table.data[s.name], table.path(s.name))
        for s in parameter_specs()
        if s.name in table
    }
    defaults = ACTOR_ROOM_DEFAULTS if named_actors else {}
    return Parameters(**{**defaults, **given})


def _scales(top: TomlTable, k: int) -> tuple[Scale, ...]:
    pairs = top.list("scales", what=f"a list of {k} [low, high] pairs, one per dimension")
    if len(pairs) != k:
        raise ValueError(f"scales={pairs!r} is not a list of {k} [low, high] pairs, one per dimension")
    rows = TomlTable({str(n): pair for n, pair in enumerate(pairs)}, "scales")
    out = []
    for n in range(k):
        low, high = rows.numbers(str(n), 2, what="[low, high]")
        problem = scale_problem(low, high)
        if problem:
            raise ValueError(f"scales[{n}]=[{low:g}, {high:g}] {problem}")
        out.append(Scale(low, high))
    return tuple(out)


def _point(table: TomlTable, key: str, units: tuple[Scale, ...]) -> tuple[float, ...]:
    """A point given in the scenario's units (``units``), rescaled to [0, 1]; outside its
    scale is an error."""
    values = table.numbers(key, len(units))
    for v, s in zip(values, units, strict=True):
        if not s.low <= v <= s.high:
            raise ValueError(
                f"{table.path(key)}={list(values)} must lie within the scales (allowed: [{s.low:g}, {s.high:g}])"
            )
    return tuple(s.to_unit(v) for v, s in zip(values, units, strict=True))


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


def _actors(top: TomlTable, units: tuple[Scale, ...], regions: tuple[str, ...]) -> tuple[Actor, ...]:
    """``[[actors]]`` tables: name, capability, position and salience required; the rest optional."""
    actors: list[Actor] = []
    listed = top.list("actors", [], "a list of tables, like [[actors]] name = 'ITU' capability = 1.0 ...")
    if len(listed) > MAX_STAKEHOLDERS:  # counted before any actor is read or built
        raise ValueError(
            f"actors: {len(listed):,} [[actors]] tables are above the limit of {MAX_STAKEHOLDERS:,} "
            "stakeholders (allowed: at most that many)"
        )
    seen: dict[str, int] = {}  # name -> index, for a linear duplicate check
    for item in top.tables("actors", "[[actors]] name = 'ITU' capability = 1.0 ..."):
        item.keys(list(ACTOR_KEYS))
        for key in ("name", "capability", "position", "salience"):
            if key not in item:
                raise ValueError(
                    f"{item.where} has no {key!r} (each actor needs a name, capability, position and salience)"
                )
        name = printable(item.text("name"), item.path("name"))
        if not name.strip():
            raise ValueError(f"{item.path('name')}={name!r} must be a non-empty name")
        if name in seen:
            raise ValueError(
                f"{item.path('name')}={name!r} is listed twice (each actor once; first at actors[{seen[name]}])"
            )
        seen[name] = len(seen)
        optional = {t: item.number(t, low=0.0, high=1.0) for t in OPTIONAL_TRAITS if t in item}
        try:
            actors.append(
                Actor(
                    name=name,
                    group=Group.parse(item.text("group", "government")),
                    **_capability(item, len(units)),
                    position=_point(item, "position", units),
                    salience=item.numbers("salience", len(units), low=0.0, high=1.0),
                    region=item.choice("region", list(regions), regions[0]),
                    description=printable(item.text("description", ""), item.path("description")),
                    **optional,
                )
            )
        except ValueError as exc:
            raise ValueError(f"{item.where}: {exc}") from None
    return tuple(actors)


def _capability(item: TomlTable, k: int) -> dict[str, Any]:
    """An actor's ``capability``: one number in [0, 1], or one per dimension where its power
    differs by issue, as Decide files give it (:mod:`govsim.actors`); a list of equal values
    is the one number. Returns the :class:`Actor` fields ``capability`` and ``issue_capability``."""
    if not isinstance(item.data.get("capability"), list | tuple):
        return {"capability": item.number("capability", low=0.0, high=1.0), "issue_capability": None}
    values = item.numbers("capability", k, low=0.0, high=1.0, what="one per dimension, or one number")
    if len(set(values)) == 1:
        return {"capability": values[0], "issue_capability": None}
    return {"capability": math.fsum(values) / k, "issue_capability": values}


STATUS_QUO_NOTE = "agenda: one issue per dimension; status quo "
STATED = "stated in the file"
DECLARED = "declared"
MIDPOINT = "the scale midpoint: nothing states one; declare it with --status-quo NAME=VALUE or status_quo"


def per_dimension_agenda(
    dims: tuple[str, ...], stated: tuple[float | None, ...], declared: tuple[float, ...] | None = None
) -> tuple[tuple[Issue, ...], tuple[str, ...]]:
    """One issue per dimension, deciding that dimension only, and per dimension the rule its
    status quo comes from: ``declared`` (the scenario's ``status_quo``), else as ``stated`` in
    the file, else the scale's midpoint (a stated default, said in the run's notes: no file
    states one, and results depend on it)."""
    if declared is not None:
        q, rule = declared, (DECLARED,) * len(dims)
    else:
        q = tuple(0.5 if v is None else v for v in stated)
        rule = tuple(MIDPOINT if v is None else STATED for v in stated)
    agenda = tuple(Issue(d, q, decides=tuple(j == i for j in range(len(dims)))) for i, d in enumerate(dims))
    return agenda, rule


def _status_notes(
    dims: tuple[str, ...], agenda: tuple[Issue, ...], rule: tuple[str, ...], scales: tuple[Scale, ...]
) -> tuple[str, ...]:
    """The note naming each dimension's status quo (in the file's units) and its rule."""
    units = scales or (Scale(),) * len(dims)
    said = [
        f"{d} {sc.from_unit(v):g} ({r})"
        for d, sc, v, r in zip(dims, units, agenda[0].status_quo, rule, strict=True)
        if r
    ]
    return (STATUS_QUO_NOTE + ", ".join(said),) if said and agenda else ()


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
    dimension, every actor always known by name, and the settings of any room of named actors
    (:data:`ACTOR_ROOM_DEFAULTS`), so a TOML ``[[actors]]`` table of the same actors runs the same."""
    k = len(table.dimensions)
    agenda, rule = per_dimension_agenda(table.dimensions, table.status_quo)
    notes = (*table.notes, *_status_notes(table.dimensions, agenda, rule, table.scales))
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
        params=Parameters(**ACTOR_ROOM_DEFAULTS),
        actors=actors,
        scales=table.scales,
        notes=(_units_note(table.dimensions, table.scales), *notes),
        status_quo_rule=rule,
    )


@cache
def _default_profiles(k: int) -> dict[str, GroupProfile]:
    """Bundled group profiles; their positions and salience are 2-D, so other K start neutral."""
    raw = read_toml(DATA / "profiles.toml", "profiles.toml")
    base = GroupProfile(position=(PositionMode((0.5,) * k),), salience=(1.0,) * k)
    if k != 2:
        raw = {n: {t: v for t, v in r.items() if t not in ("position", "salience")} for n, r in raw.items()}
    return {name: _profile(TomlTable.of(raw[name], name), base, k) for name in GROUP_NAMES}


def scenario_names() -> list[str]:
    """The bundled scenarios' names, sorted (the files in ``govsim/data/scenarios``)."""
    return sorted(
        p.name.removesuffix(".toml") for p in (DATA / "scenarios").iterdir() if p.name.endswith(".toml")
    )


@cache
def _load_bundled(name: str) -> Scenario:
    return parse_scenario(read_toml(DATA / "scenarios" / f"{name}.toml", f"{name}.toml"), f"{name}.toml")


def is_scenario_file(name: str | Path) -> bool:
    """True for a name that is a file path: a ``.toml`` scenario or an actor table."""
    return isinstance(name, Path) or str(name).lower().endswith((".toml", *FILE_SUFFIXES))


def load_scenario(name: str | Path | Scenario = "classroom") -> Scenario:
    """A bundled scenario by name, a scenario TOML file or an actor-table file (Decide or KTAB,
    ``.csv``/``.tsv``/``.txt``/``.dec``) by path, or the scenario itself."""
    if isinstance(name, Scenario):
        return name
    if not isinstance(name, str | Path):
        raise TypeError(f"scenario={name!r} must be a scenario name, a file path or a Scenario")
    if is_scenario_file(name):
        path = Path(name)
        if path.suffix.lower() != ".toml":
            return scenario_from_table(read_actor_file(path))
        return parse_scenario(read_toml(path, path.name), path.name)
    check_names([name], scenario_names(), "scenario")
    return _load_bundled(name)
