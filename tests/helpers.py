"""Builders for hand-computable micro-scenarios shared by the tests."""

from __future__ import annotations

import numpy as np

from govsim.groups import Group
from govsim.params import Parameters
from govsim.protocols import Table
from govsim.scenarios import parse_scenario


def table(
    positions,
    groups,
    status_quo,
    *,
    tolerance=0.05,
    attending=None,
    round=1,
    params=None,
    salience=None,
    capability=None,
) -> Table:
    """A Table for hand-made stakeholders. ``groups`` are Group members or names."""
    positions = np.atleast_2d(np.asarray(positions, dtype=float))
    if positions.shape[0] == 1 and len(groups) > 1:
        positions = positions.T
    n, k = positions.shape
    codes = np.array([Group.parse(g).code for g in groups])
    return Table(
        positions=positions,
        salience=np.full((n, k), 1.0 / k) if salience is None else np.asarray(salience, dtype=float),
        tolerance=np.broadcast_to(np.asarray(tolerance, dtype=float), (n,)).copy(),
        capability=np.ones(n) if capability is None else np.asarray(capability, dtype=float),
        group=codes,
        members=np.ones(n, dtype=bool),
        attending=np.ones(n, dtype=bool) if attending is None else np.asarray(attending, dtype=bool),
        status_quo=np.atleast_1d(np.asarray(status_quo, dtype=float)),
        initial_draft=None,
        round=round,
        params=params or Parameters(),
    )


def exact_groups_scenario(
    positions: dict[str, list[float]], status_quo: float, draft: float | None = None, **params
):
    """A one-dimensional scenario whose stakeholders sit exactly at ``positions`` (no spread),
    always attend, and do not drift back (stubbornness 0)."""
    groups = {}
    for name, points in positions.items():
        groups[name] = {
            "count": len(points),
            "position": [{"mean": [p], "sd": 0.0, "weight": 1.0} for p in points],
            "salience": [1.0],
            "capacity": 1.0,
            "capacity_sd": 0.0,
            "stubbornness": 0.0,
            "stubbornness_sd": 0.0,
            "tolerance": 0.05,
            "tolerance_sd": 0.0,
        }
    issue = {"name": "micro", "status_quo": [status_quo]}
    if draft is not None:
        issue["draft"] = [draft]
    return parse_scenario(
        {"name": "micro", "dimensions": ["openness"], "groups": groups, "agenda": [issue], "params": params}
    )


# A small sweep experiment (2 x 2 runs, 3 rounds each) for the sweep tests.
SMALL_TOML = """
name = "small"
replicates = 2
[fixed]
max_rounds = 3
[factors]
rho = [0.1, 0.2]
"""


# ---------------------------------------------------------------- hostile data files
def json_values():
    """Hypothesis strategy: any small JSON-like value (what a hand-edited file may hold)."""
    from hypothesis import strategies as st

    return st.recursive(
        st.none() | st.booleans() | st.integers(-3, 5) | st.floats(allow_nan=False) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=6,
    )


def paths(data, at=()):
    """Every place in ``data`` (dict keys and list indexes), outermost first."""
    found = [at] if at else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*at, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found += paths(value, (*at, n))
    return found


def get(data, path):
    """The value at ``path`` in ``data`` (:func:`paths`)."""
    for step in path:
        data = data[step]
    return data


def tables(data):
    """The paths of every dict in ``data``, the top level (``()``) first."""
    return [p for p in [(), *paths(data)] if isinstance(get(data, p), dict)]


def one_line_or_read(read, data) -> None:
    """``read(data)`` returns, or raises a non-empty one-line ``ValueError`` (never another error)."""
    try:
        read(data)
    except ValueError as exc:
        assert "\n" not in str(exc) and str(exc).strip(), repr(str(exc))
