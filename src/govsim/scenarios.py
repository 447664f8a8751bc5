"""Named scenarios: stylized presets stored as TOML in ``govsim/data/scenarios``.

A scenario is data: the policy dimensions, the regions, how many stakeholders of each group
and with which profile, the process parameters, the default protocol and the agenda. Each
carries a description of the real event it illustrates and says plainly that it is a
stylized illustration, not a forecast.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from govsim.groups import GROUP_NAMES, Group
from govsim.params import Parameters, check_names, parameter_specs
from govsim.population import GroupProfile, GroupSpec, PositionMode, profile_specs

DATA = resources.files("govsim") / "data"
DISCLAIMER = "A stylized illustration for teaching, not a forecast or a reconstruction of the event."


@dataclass(frozen=True)
class Issue:
    """One agenda item: a status quo ``q`` and, optionally, the draft someone tables."""

    name: str
    status_quo: tuple[float, ...]
    draft: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        for label, point in (("status_quo", self.status_quo), ("draft", self.draft)):
            if point is not None and not all(0.0 <= v <= 1.0 for v in point):
                raise ValueError(f"issue {self.name!r}: {label}={list(point)} must lie in [0, 1]")


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
        params = {k: v for k, v in settings.items() if "." not in k}
        scenario = replace(self, params=self.params.replace(**params)) if params else self
        scalar_traits = [s.name for s in profile_specs()]
        for key, value in settings.items():
            if "." in key:
                group, trait = key.split(".", 1)
                check_names([trait], scalar_traits, f"{group} trait")
                try:
                    scenario = scenario.with_profile(group, **{trait: value})
                except ValueError as exc:
                    raise ValueError(f"{group}.{exc}" if str(exc).startswith(trait) else str(exc)) from None
        return scenario

    def with_profile(self, group: Group | str, **changes: Any) -> Scenario:
        group = Group.parse(group)
        specs = tuple(
            replace(g, profile=g.profile.with_(**changes)) if g.group is group else g for g in self.groups
        )
        return replace(self, groups=specs)

    def shifts(self) -> np.ndarray:
        return np.asarray(self.region_shifts, dtype=float).reshape(len(self.regions), self.k)


def setting_names() -> list[str]:
    """Every name ``with_settings`` accepts: parameters and ``group.trait``."""
    traits = [f"{g}.{s.name}" for g in GROUP_NAMES for s in profile_specs()]
    return [s.name for s in parameter_specs()] + traits


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
    check_names(data, [*top, "regions", "params", "groups", "agenda"], f"key in {source}:")
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
    groups = []
    for name in GROUP_NAMES:
        raw = dict(data.get("groups", {}).get(name, {}))
        count = raw.pop("count", 0)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"groups.{name}.count={count!r} must be a whole number >= 0")
        shares = _vector(raw.pop("regions", [1.0] * len(regions)), len(regions), f"groups.{name}.regions")
        if min(shares) < 0 or sum(shares) <= 0:
            raise ValueError(f"groups.{name}.regions={list(shares)} must be shares >= 0 with a positive sum")
        if count > 0:
            profile = _profile(raw, defaults[name], k, f"groups.{name}")
            groups.append(GroupSpec(Group(name), count, profile, shares))
    for n, item in enumerate(data.get("agenda", [])):
        for key in ("name", "status_quo"):
            if key not in item:
                raise ValueError(
                    f"{source}: agenda[{n}] has no {key!r} (each issue needs a name and a status_quo)"
                )
    if not groups:
        raise ValueError(
            f"{source}: no stakeholders (give at least one group a count > 0 under [groups.NAME])"
        )
    agenda = tuple(
        Issue(
            i["name"],
            _vector(i["status_quo"], k, f"agenda[{n}].status_quo"),
            _vector(i["draft"], k, f"agenda[{n}].draft") if "draft" in i else None,
        )
        for n, i in enumerate(data.get("agenda", []))
    )
    if not agenda:
        raise ValueError(f"{source}: the agenda is empty (add at least one [[agenda]] issue)")
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


def load_scenario(name: str | Path | Scenario = "classroom") -> Scenario:
    """A bundled scenario by name, a scenario TOML file by path, or the scenario itself."""
    if isinstance(name, Scenario):
        return name
    if isinstance(name, Path) or str(name).endswith(".toml"):
        path = Path(name)
        return parse_scenario(tomllib.loads(path.read_text()), path.name)
    check_names([name], scenario_names(), "scenario")
    return _load_bundled(name)
