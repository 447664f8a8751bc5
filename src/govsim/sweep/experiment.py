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

An experiment may declare factors of its own, which no model setting carries: a registered
measure or protocol reads them (``ctx.params.factor("x1")``)::

    [own_factors]
    x1 = {low = -3.1416, high = 3.1416, doc = "Ishigami x1"}

    [factors]
    x1 = {}                                # its declared bounds, or {low = ..., high = ...}

Factors given as levels are crossed with the design's points; ranges are what a sampling
design draws (a grid needs ``{low, high, levels = n}`` for evenly spaced levels).

Size is counted arithmetically before anything is planned or allocated: an experiment of more
than ``max_runs`` runs (default 100,000) is refused; write a larger ``max_runs = ...`` in the
file to confirm one. No experiment may plan more than :data:`HARD_MAX_RUNS` runs (1,000,000),
confirmed or not, and ``max_runs`` may not exceed it: planning lists every run in memory, and a
million classroom runs already take hours; split a larger study into several experiments.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any

from govsim.params import check_names
from govsim.population import group_sizes
from govsim.reading import FileError, read_text, read_toml
from govsim.scenarios import is_scenario_file, load_scenario, scenario_names
from govsim.settings import setting_names, setting_spec
from govsim.sweep.factors import (
    PROTOCOL,
    Design,
    DesignKind,
    Factor,
    check_protocol_name,
    check_value,
    own_factor_spec,
)
from govsim.values import text, whole

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
    "max_runs",
    "fixed",
    "own_factors",
    "factors",
    "design",
]
END = "end"
SCALE = "population_scale"
MAX_RUNS = 100_000  # runs an experiment may plan unless its max_runs says more
HARD_MAX_RUNS = 1_000_000  # runs no experiment may plan, even confirmed (a stored one included)
STEPS_ALLOWED = 'a whole number >= 1, or "end" to run to the end of the agenda'


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
    max_runs: int = MAX_RUNS
    own_factors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    registered: InitVar[bool] = True

    def __post_init__(self, registered: bool) -> None:
        if not isinstance(self.own_factors, Mapping):
            raise ValueError("own_factors must be a table like [own_factors] x1 = {low = 0, high = 1}")
        own = {str(k): own_factor_spec(k, v) for k, v in self.own_factors.items()}
        object.__setattr__(self, "own_factors", {k: dict(v) for k, v in self.own_factors.items()})
        if isinstance(self.factors, Mapping):  # {"rho": [0.1, 0.2]} as in the TOML file
            object.__setattr__(
                self,
                "factors",
                tuple(Factor.parse(str(k), v, own.get(str(k))) for k, v in self.factors.items()),
            )
        object.__setattr__(self, "factors", tuple(self.factors))
        if isinstance(self.design, Mapping):  # {"kind": "lhs", "samples": 16}
            object.__setattr__(self, "design", Design.parse(self.design))
        object.__setattr__(self, "replicates", whole(self.replicates, "replicates", 1))
        object.__setattr__(self, "seed", whole(self.seed, "seed", 0, 2**63 - 1))
        object.__setattr__(self, "max_runs", whole(self.max_runs, "max_runs", 1, HARD_MAX_RUNS))
        if self.steps is not None:
            object.__setattr__(self, "steps", whole(self.steps, "steps", 1, allowed=STEPS_ALLOWED))
        for key in ("common_random_numbers", "rounds"):
            if not isinstance(getattr(self, key), bool):
                raise ValueError(f"{key}={getattr(self, key)!r} must be true or false")
        if self.protocol is not None:
            check_protocol_name(self.protocol, "protocol", registered)
        for f in self.factors:
            if f.name == PROTOCOL:
                for level in f.levels:
                    check_protocol_name(level, f"factors.{PROTOCOL}", registered)
        fixed = {str(k): v for k, v in self.fixed.items()}
        check_names(fixed, [*setting_names(), *own], "setting in [fixed]:")
        object.__setattr__(
            self,
            "fixed",
            {k: check_value(own.get(k) or setting_spec(k), v, f"fixed.{k}") for k, v in fixed.items()},
        )
        for f in self.factors:
            if f.name in own and f.spec is None:
                raise ValueError(f"factors.{f.name} must be built with its own_factors declaration")
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
        self._check_design(registered)
        self._check_size()
        if registered:  # a stored experiment is read without its scenario file or protocol classes
            settings = {k: v for k, v in self.fixed.items() if k not in own}
            scenario = load_scenario(self.scenario_path or self.scenario).with_settings(settings)
            for scale in self._scales(scenario.params.population_scale):
                group_sizes(
                    scenario.groups, scale, len(scenario.actors), len(scenario.dimensions)
                )  # counted, not drawn

    def _scales(self, base: float) -> set[float]:
        """Every population_scale a run may use (a sampled range: its upper end)."""
        scales = {base}
        for f in self.factors:
            if f.name == SCALE:
                scales |= set(f.levels) if f.levels is not None else {f.high}
        return scales | {p[SCALE] for p in self.design.points if SCALE in p}

    @property
    def size(self) -> tuple[int, int]:
        """``(points, runs)``, counted from the factors and design without listing a point."""
        kind = self.design.kind
        crossed = [f for f in self.factors if not f.sampled or kind is DesignKind.GRID]
        levels = math.prod(len(f.levels) if f.levels is not None else f.count for f in crossed)
        sampled = len(self.factors) - len(crossed)
        match kind:
            case DesignKind.GRID:
                base = 1
            case DesignKind.LIST:
                base = len(self.design.points)
            case DesignKind.SALTELLI:
                base = self.design.samples * (sampled + 2)
            case _:
                base = self.design.samples
        return levels * base, levels * base * self.replicates

    def _check_size(self) -> None:
        points, runs = self.size
        if runs > HARD_MAX_RUNS:
            raise ValueError(
                f"{_count(points)} design points x {_count(self.replicates)} replicates = {_count(runs)} runs "
                f"is above the limit of {HARD_MAX_RUNS:,} runs per experiment, confirmed or not "
                "(split the study into several experiments)"
            )
        if runs > self.max_runs:
            raise ValueError(
                f"{points:,} design points x {self.replicates:,} replicates = {runs:,} runs is above "
                f"max_runs={self.max_runs:,} (set max_runs = {runs} in the experiment to confirm)"
            )

    def check_registered(self) -> None:
        """Raise when a protocol the experiment uses is not registered in this Python session
        (results read without it; running or resuming needs its class)."""
        from govsim.protocols import protocol_names

        used = {self.protocol} if self.protocol else set()
        used |= {level for f in self.factors if f.name == PROTOCOL for level in f.levels}
        used |= {p[PROTOCOL] for p in self.design.points if PROTOCOL in p}
        for name in sorted(used - set(protocol_names())):
            raise ValueError(
                f"protocol {name!r} is not registered in this Python session: run the code that defines it "
                f"(the class with @govsim.register, e.g. in your notebook), then resume from that session "
                f"with govsim.sweep.run_sweep(None, OUT, resume=True)"
            )

    def _check_design(self, registered: bool) -> None:
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
            own = self.own_names
            for i, point in enumerate(self.design.points):
                check_names(point, [*setting_names(), *own, PROTOCOL], f"name in design.points[{i}]:")
                for key, value in point.items():
                    if key == PROTOCOL:
                        check_protocol_name(value, f"design.points[{i}].protocol", registered)
                    else:
                        spec = (
                            own_factor_spec(key, self.own_factors[key]) if key in own else setting_spec(key)
                        )
                        check_value(spec, value, f"design.points[{i}]")
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
    def own_names(self) -> tuple[str, ...]:
        """The names of the experiment's own factors (``[own_factors]``), in order."""
        return tuple(self.own_factors)

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
            **(
                {"own_factors": {k: dict(v) for k, v in self.own_factors.items()}} if self.own_factors else {}
            ),
            "factors": {f.name: f.to_dict() for f in self.factors},
            "design": self.design.to_dict(),
        }
        if self.protocol is not None:
            out["protocol"] = self.protocol
        if self.max_runs != MAX_RUNS:
            out["max_runs"] = self.max_runs
        return out

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], base: Path | None = None, *, stored: bool = False
    ) -> Experiment:
        """From parsed TOML; a relative scenario path is taken relative to ``base``.

        ``stored=True`` reads an experiment kept with its results: its protocols need not be
        registered nor its scenario file present (see :meth:`check_registered` to run it).
        """
        check_names(data, TOP_KEYS, "key in experiment:")
        for key in ("fixed", "factors", "own_factors"):
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
            registered=not stored,
            scenario=scenario,
            factors=dict(data.get("factors", {})),
            own_factors=dict(data.get("own_factors", {})),
            design=Design.parse(data.get("design", {})),
            fixed=dict(data.get("fixed", {})),
            protocol=data.get("protocol"),
            replicates=data.get("replicates", 1),
            seed=data.get("seed", 0),
            steps=None if steps == END else steps,
            common_random_numbers=data.get("common_random_numbers", False),
            rounds=data.get("rounds", False),
            name=text(data.get("name", ""), "name"),
            description=text(data.get("description", ""), "description"),
            max_runs=data.get("max_runs", MAX_RUNS),
        )

    def digest(self) -> str:
        """SHA-256 of the experiment (and of its scenario file, if any): the identity a resume checks.

        ``max_runs`` is a confirmation, not part of the identity."""
        data = {k: v for k, v in self.to_dict().items() if k != "max_runs"}
        text = json.dumps(data, sort_keys=True, default=str)
        if self.scenario_path is not None:
            text += read_text(self.scenario_path)
        return hashlib.sha256(text.encode()).hexdigest()


def _count(n: int) -> str:
    """``n`` with thousands separators, or ``about 1.2e+40`` when that would be long."""
    return f"{n:,}" if n < 10**15 else f"about {float(n):.1e}"


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file (one-line errors that name the file).

    An error in a scenario file the experiment names is reported against that scenario file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"experiment file {str(path)!r} not found")
    data = read_toml(path, path.name)
    if not data:
        raise FileError(
            f"{path.name}: the experiment is empty (give at least a scenario or [factors]; see docs/sweeps.md)"
        )
    try:
        return Experiment.from_dict({"name": path.stem, **data}, base=path.parent)
    except FileError:
        raise
    except ValueError as exc:
        raise FileError(f"{path.name}: {exc}") from None
