"""Golden runs: fixed-seed runs whose every number is pinned in data files under ``tests/golden/``.

Each file holds, for one set of runs, the run's ``summary()``, its whole ``rounds`` table and
its whole ``outcomes`` table (and, for the role-play file, the summaries of sessions in which
one team plays the same move every round). Numbers are stored with full precision (JSON
floats round-trip exactly) and compared exactly: a refactor that changes no behaviour must
leave every bit in place.

When a change of the model's rules or of a scenario's calibration is *meant* to move them,
regenerate the files and say why in the commit message::

    GOVSIM_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

With the switch set, each test writes its file from the current code instead of comparing
(and is reported as skipped, so an update is never mistaken for a pass). Review the diff of
``tests/golden/`` before committing it.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govsim import GovernanceModel

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GOVSIM_UPDATE_GOLDEN") == "1"

# (scenario, protocol or None for the scenario's own, seed)
RUNS: dict[str, list[tuple[str, str | None, int]]] = {
    "classroom_protocols": [
        ("classroom", p, s)
        for p in ("top_down", "bottom_up", "consult_then_ratify", "chambers", "regional")
        for s in (1, 2)
    ],
    "scenarios": [
        (name, None, 3) for name in ("classroom", "wcit_2012", "netmundial_2014", "iana_transition_2016")
    ],
    "actor_tables": [(name, None, 3) for name in ("eu_emissions_1994", "wcit_2012_actors")],
}


def _plain(value: Any) -> Any:
    """numpy scalars and arrays to JSON values (NaN stays NaN: Python's json writes it)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _frame(frame: pd.DataFrame) -> dict[str, list]:
    return {column: _plain(frame[column].tolist()) for column in frame.columns}


def run_record(scenario: str, protocol: str | None, seed: int) -> dict[str, Any]:
    """Everything a golden run pins: summary, rounds table and outcomes table, column by column."""
    model = GovernanceModel(scenario, protocol=protocol, rng=seed).run()
    return {
        "summary": _plain(model.summary()),
        "rounds": _frame(model.rounds),
        "outcomes": _frame(model.outcomes),
    }


def _key(scenario: str, protocol: str | None, seed: int) -> str:
    return f"{scenario}/{protocol or 'default'}/{seed}"


def _same(got: Any, want: Any) -> bool:
    """Exact equality, with NaN equal to NaN."""
    if isinstance(got, float) and isinstance(want, float):
        return got == want or (math.isnan(got) and math.isnan(want))
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(_same(got[k], want[k]) for k in got)
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(_same(a, b) for a, b in zip(got, want, strict=True))
    return type(got) is type(want) and got == want


def _differences(got: Any, want: Any, where: str = "") -> list[str]:
    if isinstance(got, dict) and isinstance(want, dict):
        if got.keys() != want.keys():
            return [f"{where}: keys {sorted(got)} != {sorted(want)}"]
        return [d for k in got for d in _differences(got[k], want[k], f"{where}.{k}")]
    return [] if _same(got, want) else [f"{where}: {str(got)[:120]} != {str(want)[:120]}"]


def compare_or_update(name: str, got: dict[str, Any]) -> None:
    """Compare ``got`` with ``tests/golden/<name>.json`` exactly, or rewrite it under the switch."""
    path = GOLDEN_DIR / f"{name}.json"
    if UPDATE:
        path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip(f"GOVSIM_UPDATE_GOLDEN=1: rewrote {path.name}")
    want = json.loads(path.read_text(encoding="utf-8"))
    # a round trip through JSON, so tuples and lists compare alike
    got = json.loads(json.dumps(got))
    problems = _differences(got, want)
    assert not problems, f"{name}: {len(problems)} numbers moved, first: " + "; ".join(problems[:5])


@pytest.mark.parametrize("name", sorted(RUNS))
def test_golden_runs(name):
    got = {_key(*run): run_record(*run) for run in RUNS[name]}
    compare_or_update(name, got)


# Role-play sessions in which one team plays the same move every round, all other seats simulated.
ROLEPLAY = [
    (protocol, team, move, seed)
    for protocol in ("bottom_up", "top_down")
    for team in ("civil_society", "government")
    for move in ("simulated", "hold", "concede", "object", "lobby", "stay_away")
    for seed in (0, 1)
]


def roleplay_record(protocol: str, team: str, move: str, seed: int) -> dict[str, Any]:
    from govsim.roleplay import RolePlay

    play = RolePlay("classroom", protocol, (team,), seed)
    play.play_to_end({team: move})
    return {"summary": _plain(play.model.summary()), "outcomes": _frame(play.model.outcomes)}


def test_golden_roleplay_sessions():
    got = {"/".join(map(str, run)): roleplay_record(*run) for run in ROLEPLAY}
    compare_or_update("roleplay", got)
