"""Setting names: the one place that knows what ``rho`` and ``civil_society.capacity`` mean.

A *setting* is either a process parameter (``rho``; :func:`govsim.params.parameter_specs`) or
a group trait written ``group.trait`` (``civil_society.capacity``;
:func:`govsim.population.profile_specs`). Scenarios, the CLI's ``--set``, sweeps and the
dashboard all parse and look up setting names here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from govsim.groups import GROUP_NAMES, Group
from govsim.params import ParamSpec, check_names, parameter_specs
from govsim.population import profile_specs


@cache
def _names() -> tuple[str, ...]:
    traits = [f"{g}.{s.name}" for g in GROUP_NAMES for s in profile_specs()]
    return (*(s.name for s in parameter_specs()), *traits)


def setting_names() -> list[str]:
    """Every setting name: parameters first, then ``group.trait`` for each group and scalar trait."""
    return list(_names())


def split_setting(name: str) -> tuple[Group | None, str]:
    """``"rho"`` -> ``(None, "rho")``; ``"civil_society.capacity"`` -> ``(Group.CIVIL_SOCIETY, "capacity")``.

    Raises
    ------
    ValueError
        The group or the trait is unknown (the closest valid name is suggested).
    """
    group, dot, trait = str(name).partition(".")
    if not dot:
        return None, group
    parsed = Group.parse(group)
    check_names([trait], [s.name for s in profile_specs()], f"{parsed.value} trait")
    return parsed, trait


def setting_spec(name: str) -> ParamSpec:
    """The declaration (bounds, unit, meaning, kind) of a setting name."""
    check_names([name], setting_names(), "setting")
    group, trait = split_setting(name)
    specs = profile_specs() if group else parameter_specs()
    return next(s for s in specs if s.name == trait)


def split_settings(settings: dict[str, Any]) -> tuple[dict[str, Any], dict[Group, dict[str, Any]]]:
    """Settings split into parameter changes and per-group trait changes (names checked)."""
    params: dict[str, Any] = {}
    traits: dict[Group, dict[str, Any]] = {}
    for key, value in settings.items():
        group, trait = split_setting(key)
        if group is None:
            params[trait] = value
        else:
            traits.setdefault(group, {})[trait] = value
    return params, traits


def setting_value(scenario: Any, name: str) -> float | int:
    """The value a scenario gives a setting (its parameter, or its group's profile trait)."""
    group, trait = split_setting(name)
    if group is None:
        return getattr(scenario.params, trait)
    return getattr(scenario.profile(group), trait)
