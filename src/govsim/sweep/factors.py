"""The parts of an experiment: its varied factors and the layout of its design points.

Bounds come from :func:`govsim.settings.setting_spec`; nothing here retypes one. Every check raises a one-line ``ValueError`` naming the key, the
value and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from govsim.params import ParamSpec, check_names
from govsim.protocols import protocol_names
from govsim.settings import setting_names, setting_spec
from govsim.values import number, whole

PROTOCOL = "protocol"


class DesignKind(Enum):
    """How the points of an experiment are laid out (see :mod:`govsim.sweep.designs`)."""

    GRID = "grid"  # every combination of levels
    LHS = "lhs"  # Latin hypercube over the ranges
    SOBOL = "sobol"  # scrambled Sobol sequence over the ranges
    SALTELLI = "saltelli"  # Sobol points arranged for first-order and total Sobol indices
    LIST = "list"  # the points written out


def check_protocol_name(name: Any, where: str, registered: bool = True) -> str:
    """``name`` if it is a protocol name (a registered one unless ``registered=False``)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}={name!r} must be a protocol name (allowed: {', '.join(protocol_names())})")
    if registered:
        check_names([name], protocol_names(), f"protocol in {where}:")
    return name


@dataclass(frozen=True)
class Factor:
    """A varied setting: explicit ``levels``, or a range ``[low, high]`` (declared bounds by default).

    A range is sampled by lhs/sobol/saltelli designs; a grid needs ``count`` evenly spaced levels.
    """

    name: str
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    count: int | None = None
    spec: ParamSpec | None = field(default=None, compare=False, repr=False)  # an own factor's declaration

    def declared(self) -> ParamSpec:
        """The declaration the factor's values are checked by: its own (an experiment's
        ``[own_factors]``) or the setting's (:func:`govsim.settings.setting_spec`)."""
        return self.spec if self.spec is not None else setting_spec(self.name)

    def __post_init__(self) -> None:
        where = f"factors.{self.name}"
        if self.name == PROTOCOL:
            if self.levels is None:
                raise ValueError(
                    f"{where} must be a list of protocol names (allowed: {', '.join(protocol_names())})"
                )
            # registered names are checked by the Experiment (a stored one may use a notebook's)
            object.__setattr__(
                self, "levels", tuple(check_protocol_name(p, where, False) for p in self.levels)
            )
        elif self.levels is not None:
            spec = self.declared()
            object.__setattr__(self, "levels", tuple(check_value(spec, v, where) for v in self.levels))
        else:
            spec = self.declared()
            low = spec.low if self.low is None else check_value(spec, self.low, f"{where}.low")
            high = spec.high if self.high is None else check_value(spec, self.high, f"{where}.high")
            if not low < high:
                raise ValueError(f"{where}: low={low!r} must be below high={high!r}")
            object.__setattr__(self, "low", low)
            object.__setattr__(self, "high", high)
            if self.count is not None:
                object.__setattr__(self, "count", whole(self.count, f"{where}.levels", 1))
        if self.levels is not None and not self.levels:
            raise ValueError(f"{where}=[] has no levels: the design would be empty (give at least one value)")
        if self.levels is not None and len(set(self.levels)) != len(self.levels):
            raise ValueError(f"{where}={list(self.levels)} repeats a level")

    @property
    def sampled(self) -> bool:
        """True for a range that a sampling design draws from."""
        return self.levels is None

    @property
    def kind(self) -> type:
        """``str`` for the protocol factor, otherwise the declared parameter's type (``int`` or ``float``)."""
        return str if self.name == PROTOCOL else self.declared().kind

    @property
    def span(self) -> tuple[float, float]:
        """The interval a sampling design draws from: ``[low, high]`` for a real-valued factor,
        ``[low, high + 1)`` for a whole-number one, whose draws are then rounded down, so each
        whole number gets the same share of the draws (``[0, 2]``: a third each). SALib's
        bounds for the factor are this same interval."""
        if self.low is None or self.high is None:
            raise ValueError(f"factors.{self.name} is given as levels, not a range")
        return (self.low, self.high + 1.0) if self.kind is int else (self.low, self.high)

    def from_unit(self, u: float) -> float | int:
        """The factor's value at ``u`` in ``[0, 1]`` of its :attr:`span`."""
        low, high = self.span
        value = low + u * (high - low)
        return min(math.floor(value), int(self.high)) if self.kind is int else float(value)

    def to_dict(self) -> Any:
        """The factor as it is written in an experiment file: its levels, or its range."""
        if self.levels is not None:
            return list(self.levels)
        out: dict[str, Any] = {"low": self.low, "high": self.high}
        if self.count is not None:
            out["levels"] = self.count
        return out

    @classmethod
    def parse(cls, name: str, raw: Any, spec: ParamSpec | None = None) -> Factor:
        """From TOML: a list of levels, or a table with optional ``low``, ``high`` and ``levels``;
        ``spec`` declares an own factor (else ``name`` must be a setting)."""
        if isinstance(raw, list):
            return cls(name, levels=tuple(raw), spec=spec)
        if isinstance(raw, Mapping):
            check_names(raw, ["low", "high", "levels"], f"key in factors.{name}:")
            return cls(name, low=raw.get("low"), high=raw.get("high"), count=raw.get("levels"), spec=spec)
        raise ValueError(
            f"factors.{name}={raw!r} must be a list of levels or a table like {{low = 0.1, high = 0.3}}"
        )


def own_factor_spec(name: Any, raw: Any) -> ParamSpec:
    """The declaration of a researcher's own factor, from ``[own_factors] x1 = {low = -3.1416,
    high = 3.1416, doc = "Ishigami x1"}``: a real number in ``[low, high]`` that no setting
    has as its name. A registered measure or protocol reads it as ``params.factor("x1")``."""
    where = f"own_factors.{name}"
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"{where}: {name!r} is not a name (allowed: letters, digits and _, like x1)")
    if name == PROTOCOL or name in setting_names():
        raise ValueError(f"{where}: {name!r} is a setting's name already (allowed: a name of your own)")
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}={raw!r} must be a table like {{low = -3.1416, high = 3.1416}}")
    check_names(raw, ["low", "high", "doc", "unit"], f"key in {where}:")
    for key in ("low", "high"):
        if key not in raw:
            raise ValueError(f"{where} has no {key!r} (an own factor needs its bounds, low and high)")
    low = number(raw["low"], f"{where}.low")
    high = number(raw["high"], f"{where}.high")
    if not low < high:
        raise ValueError(f"{where}: low={low:g} must be below high={high:g}")
    doc, unit = raw.get("doc", "a factor of the experiment's own"), raw.get("unit", "")
    for key, value in (("doc", doc), ("unit", unit)):
        if not isinstance(value, str):
            raise ValueError(f"{where}.{key}={value!r} must be text")
    return ParamSpec(name=name, default=low, low=low, high=high, unit=unit, doc=doc, kind=float)


def check_value(spec: ParamSpec, value: Any, where: str) -> float | int:
    """``spec.check(value)``, with ``where`` put in front of its error message."""
    try:
        return spec.check(value)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


@dataclass(frozen=True)
class Design:
    """The layout of the points: ``kind``, ``samples`` for sampling designs, ``points`` for a list."""

    kind: DesignKind = DesignKind.GRID
    samples: int | None = None
    points: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.kind, DesignKind):
            kinds = [k.value for k in DesignKind]
            check_names([self.kind], kinds, "design kind")
            object.__setattr__(self, "kind", DesignKind(self.kind))
        sampling = self.kind in (DesignKind.LHS, DesignKind.SOBOL, DesignKind.SALTELLI)
        if sampling:
            n = whole(
                self.samples,
                "design.samples",
                1,
                allowed=f"a whole number >= 1 for a {self.kind.value} design",
            )
            object.__setattr__(self, "samples", n)
            if self.kind is not DesignKind.LHS and n & (n - 1):
                raise ValueError(
                    f"design.samples={n} must be a power of two for a {self.kind.value} design "
                    f"(e.g. {1 << (n.bit_length() - 1)} or {1 << n.bit_length()})"
                )
        elif self.samples is not None:
            raise ValueError(
                f"design.samples={self.samples!r} only applies to lhs, sobol and saltelli designs"
            )
        if self.kind is DesignKind.LIST and not self.points:
            raise ValueError(
                "design.points is empty: a list design needs at least one [[design.points]] entry"
            )
        if self.kind is not DesignKind.LIST and self.points:
            raise ValueError(f"design.points only applies to a list design (this one is {self.kind.value!r})")

    def to_dict(self) -> dict[str, Any]:
        """The design as it is written in an experiment file."""
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.samples is not None:
            out["samples"] = self.samples
        if self.points:
            out["points"] = [dict(p) for p in self.points]
        return out

    @classmethod
    def parse(cls, raw: Any) -> Design:
        """A :class:`Design` from an experiment file's ``[design]`` table; one-line ``ValueError`` otherwise."""
        if not isinstance(raw, Mapping):
            raise ValueError(f"design={raw!r} must be a table like [design] kind = 'grid'")
        check_names(raw, ["kind", "samples", "points"], "key in [design]:")
        points = raw.get("points", [])
        if not isinstance(points, list | tuple) or not all(isinstance(p, Mapping) for p in points):
            raise ValueError(
                f"design.points={points!r} must be a list of tables like [[design.points]] rho = 0.1"
            )
        return cls(raw.get("kind", "grid"), raw.get("samples"), tuple(points))
