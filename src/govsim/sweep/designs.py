"""Design points: full factorial grids, Latin hypercubes, Sobol sequences, Saltelli schemes, lists.

Factors given as levels are crossed with the points of the design (so a protocol factor
compares every protocol at the same sampled settings). Sampled values are scaled from the
unit cube to each factor's :attr:`~govsim.sweep.factors.Factor.span`: ``[low, high]``, or for a
whole-number parameter ``[low, high + 1)`` rounded down, so every whole number in the range is
drawn equally often (rounding ``[low, high]`` to the nearest would halve the two ends). Sampling
designs draw their scrambling from the experiment's root seed (a stream of its own, apart
from the runs'), so the same experiment always yields the same points.

Saltelli's scheme (Saltelli 2002; Saltelli et al. 2010) takes a Sobol sequence of 2D columns,
A = the first D and B = the last D, and for each of the N rows lists A, then A with column i
taken from B for i = 1..D, then B: N (D + 2) points from which first-order and total Sobol
indices follow (:func:`govsim.sweep.analysis.sobol_indices`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.sweep.experiment import Experiment
from govsim.sweep.factors import DesignKind, Factor

DESIGN_STREAM = 2**32 - 1  # spawn key of the design's own random stream


@dataclass(frozen=True)
class Point:
    """One design point: its index, its settings (protocol included) and its row in the base design."""

    index: int
    settings: dict[str, Any]
    sample: int


def design_points(experiment: Experiment) -> list[Point]:
    """Every point of the experiment, in a fixed order: levels combinations outermost."""
    crossed = [f for f in experiment.factors if not f.sampled or experiment.design.kind is DesignKind.GRID]
    sampled = [f for f in experiment.factors if f not in crossed]
    base = _base(experiment, sampled)
    combos = itertools.product(*(_levels(f) for f in crossed))
    points = []
    for combo in combos:
        fixed = dict(zip([f.name for f in crossed], combo, strict=True))
        for sample, settings in enumerate(base):
            points.append(Point(len(points), {**fixed, **settings}, sample))
    return points


def _levels(factor: Factor) -> tuple[Any, ...]:
    if factor.levels is not None:
        return factor.levels
    values = np.linspace(factor.low, factor.high, factor.count)
    return tuple(_as_kind(factor.kind, v) for v in values)


def _as_kind(kind: type, value: float) -> Any:
    return int(np.rint(value)) if kind is int else float(value)


def _base(experiment: Experiment, sampled: list[Factor]) -> list[dict[str, Any]]:
    """The points before crossing with levels: a unit-cube sample scaled to the ranges, or the list."""
    kind = experiment.design.kind
    match kind:
        case DesignKind.GRID:
            return [{}]
        case DesignKind.LIST:
            return [dict(p) for p in experiment.design.points]
        case DesignKind.LHS | DesignKind.SOBOL | DesignKind.SALTELLI:
            unit = unit_sample(kind, len(sampled), experiment.design.samples, experiment.seed)
            return [{f.name: f.from_unit(u) for f, u in zip(sampled, row, strict=True)} for row in unit]
        case _:
            raise ValueError(f"design kind {kind!r} is not handled")


def unit_sample(kind: DesignKind, d: int, n: int, seed: int) -> np.ndarray:
    """``n`` points (``n (d + 2)`` for Saltelli) in the unit cube ``[0, 1)^d``."""
    from scipy.stats import qmc  # imported here: workers load this package and need none of it

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DESIGN_STREAM,)))
    match kind:
        case DesignKind.LHS:
            return qmc.LatinHypercube(d, rng=rng).random(n)
        case DesignKind.SOBOL:
            return qmc.Sobol(d, rng=rng).random_base2(int(np.log2(n)))
        case DesignKind.SALTELLI:
            both = qmc.Sobol(2 * d, rng=rng).random_base2(int(np.log2(n)))
            return saltelli_rows(both[:, :d], both[:, d:])
        case _:
            raise ValueError(f"design kind {kind!r} does not sample")


def saltelli_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows A_j, AB_j^(1..D), B_j for each j: the layout SALib's Sobol analysis reads."""
    n, d = a.shape
    rows = np.empty((n, d + 2, d))
    rows[:, 0] = a
    for i in range(d):
        rows[:, i + 1] = a
        rows[:, i + 1, i] = b[:, i]
    rows[:, d + 1] = b
    return rows.reshape(n * (d + 2), d)
