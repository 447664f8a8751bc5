"""An experiment: which model, which settings vary, how they are laid out, how often, from which seed.

The same description comes from a TOML file (:func:`load_experiment`) or is built in Python
(:class:`Experiment`). Everything is validated when the object is made, before anything runs:
an unknown key or name gets the closest valid one suggested, and an out-of-range value is
named with its allowed range. A TOML experiment looks like::

    name = "support-by-protocol"
    scenario = "classroom"
    replicates = 10
    seed = 2024

    [fixed]
    max_rounds = 30

    [factors]
    support = [0.0, 0.5, 1.0]              # levels
    rho = {low = 0.05, high = 0.3}         # a range, sampled by lhs/sobol/saltelli designs
    protocol = ["top_down", "bottom_up"]   # the protocol can be a factor too

    [design]
    kind = "grid"                          # grid, lhs, sobol, saltelli or list

Factors given as levels are crossed with the design's points; ranges are what a sampling
design draws (a grid needs ``{low, high, levels = n}`` for evenly spaced levels).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsim.params import check_names
from govsim.scenarios import is_scenario_file, load_scenario, scenario_names
from govsim.settings import setting_names, setting_spec
from govsim.sweep.factors import (
    PROTOCOL,
    Design,
    DesignKind,
    Factor,
    check_protocol,
    check_value,
)

TOP_KEYS = [
    "name",
    "description",
    "scenario",
    "protocol",
    "replicates",
    "seed",
    "steps",
    "common_random_numbers",
    "rounds",
    "fixed",
    "factors",
    "design",
]
END = "end"


def _whole(value: Any, low: int, where: str, high: int | None = None) -> int:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, int)
        and value >= low
        and (high is None or value <= high)
    )
    if not ok:
        upper = f" and <= {high}" if high is not None else ""
        raise ValueError(f"{where}={value!r} must be a whole number >= {low}{upper}")
    return value


@dataclass(frozen=True)
class Experiment:
    """A parameter sweep over one scenario (validated on creation; see the module docstring).

    ``factors`` and ``design`` may also be given as in the TOML file (a dict of factors,
    a dict for the design). ``steps=None`` runs every model to the end of its agenda; ``rounds=True`` also keeps the
    per-round series; ``common_random_numbers=True`` gives replicate r the same random stream
    at every design point, so differences between points are not sampling noise.
    """

    scenario: str = "classroom"
    factors: tuple[Factor, ...] | Mapping[str, Any] = ()
    design: Design | Mapping[str, Any] = field(default_factory=Design)
    fixed: Mapping[str, float] = field(default_factory=dict)
    protocol: str | None = None
    replicates: int = 1
    seed: int = 0
    steps: int | None = None
    common_random_numbers: bool = False
    rounds: bool = False
    name: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.factors, Mapping):  # {"rho": [0.1, 0.2]} as in the TOML file
            object.__setattr__(
                self, "factors", tuple(Factor.parse(str(k), v) for k, v in self.factors.items())
            )
        object.__setattr__(self, "factors", tuple(self.factors))
        if isinstance(self.design, Mapping):  # {"kind": "lhs", "samples": 16}
            object.__setattr__(self, "design", Design.parse(self.design))
        _whole(self.replicates, 1, "replicates")
        _whole(self.seed, 0, "seed", 2**63 - 1)
        if self.steps is not None:
            _whole(self.steps, 1, "steps")
        for key in ("common_random_numbers", "rounds"):
            if not isinstance(getattr(self, key), bool):
                raise ValueError(f"{key}={getattr(self, key)!r} must be true or false")
        if self.protocol is not None:
            check_protocol(self.protocol, "protocol")
        fixed = {str(k): v for k, v in self.fixed.items()}
        check_names(fixed, setting_names(), "setting in [fixed]:")
        object.__setattr__(
            self, "fixed", {k: check_value(setting_spec(k), v, f"fixed.{k}") for k, v in fixed.items()}
        )
        names = [f.name for f in self.factors]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"factors.{name} is given twice")
            if name in self.fixed:
                raise ValueError(f"{name} is both fixed and varied (remove it from [fixed] or [factors])")
        if PROTOCOL in names and self.protocol is not None:
            raise ValueError(
                "protocol is both fixed and varied (remove the top-level protocol or factors.protocol)"
            )
        self._check_design()
        load_scenario(self.scenario_path or self.scenario).with_settings(dict(self.fixed))

    def _check_design(self) -> None:
        kind = self.design.kind
        sampled = [f.name for f in self.factors if f.sampled]
        if kind is DesignKind.GRID:
            for f in self.factors:
                if f.sampled and f.count is None:
                    raise ValueError(
                        f"factors.{f.name}: a grid needs levels, e.g. [0.1, 0.2] or {{levels = 5}}"
                    )
        elif kind is DesignKind.LIST:
            if sampled:
                raise ValueError(f"factors.{sampled[0]}: a list design takes levels, not a range")
            for i, point in enumerate(self.design.points):
                check_names(point, [*setting_names(), PROTOCOL], f"name in design.points[{i}]:")
                for key, value in point.items():
                    if key == PROTOCOL:
                        check_protocol(value, f"design.points[{i}].protocol")
                    else:
                        check_value(setting_spec(key), value, f"design.points[{i}]")
                    if key in self.fixed or key in [f.name for f in self.factors]:
                        raise ValueError(f"design.points[{i}].{key} is also in [fixed] or [factors]")
        elif not sampled:
            raise ValueError(
                f"a {kind.value} design needs at least one factor given as a range, e.g. rho = {{low = 0.05, high = 0.3}}"
            )

    @property
    def scenario_path(self) -> Path | None:
        """The scenario file (TOML or actor table) when ``scenario`` is a path, not a bundled name."""
        return Path(self.scenario) if is_scenario_file(self.scenario) else None

    @property
    def varied(self) -> list[str]:
        """Names of the varied settings, in order (list-design keys included)."""
        names = [f.name for f in self.factors]
        for point in self.design.points:
            names += [k for k in point if k not in names]
        return names

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the TOML structure with defaults filled in); ``from_dict`` inverts it."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "scenario": self.scenario,
            "replicates": self.replicates,
            "seed": self.seed,
            "steps": END if self.steps is None else self.steps,
            "common_random_numbers": self.common_random_numbers,
            "rounds": self.rounds,
            "fixed": dict(self.fixed),
            "factors": {f.name: f.to_dict() for f in self.factors},
            "design": self.design.to_dict(),
        }
        if self.protocol is not None:
            out["protocol"] = self.protocol
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base: Path | None = None) -> Experiment:
        """From parsed TOML; a relative scenario path is taken relative to ``base``."""
        check_names(data, TOP_KEYS, "key in experiment:")
        for key in ("fixed", "factors"):
            if not isinstance(data.get(key, {}), Mapping):
                raise ValueError(f"{key} must be a table like [{key}]")
        scenario = data.get("scenario", "classroom")
        if not isinstance(scenario, str):
            raise ValueError(
                f"scenario={scenario!r} must be one of {', '.join(scenario_names())}, a .toml path or an actor table"
            )
        if is_scenario_file(scenario) and base is not None:
            scenario = str((base / scenario).resolve())
        steps = data.get("steps", END)
        return cls(
            scenario=scenario,
            factors=tuple(Factor.parse(str(k), v) for k, v in data.get("factors", {}).items()),
            design=Design.parse(data.get("design", {})),
            fixed=dict(data.get("fixed", {})),
            protocol=data.get("protocol"),
            replicates=data.get("replicates", 1),
            seed=data.get("seed", 0),
            steps=None if steps == END else steps,
            common_random_numbers=data.get("common_random_numbers", False),
            rounds=data.get("rounds", False),
            name=str(data.get("name", "")),
            description=str(data.get("description", "")),
        )

    def digest(self) -> str:
        """SHA-256 of the experiment (and of its scenario file, if any): the identity a resume checks."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        if self.scenario_path is not None:
            text += self.scenario_path.read_text()
        return hashlib.sha256(text.encode()).hexdigest()


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file (one-line errors that name the file)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"experiment file {str(path)!r} not found")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: not valid TOML ({exc})") from None
    try:
        return Experiment.from_dict({"name": path.stem, **data}, base=path.parent)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
