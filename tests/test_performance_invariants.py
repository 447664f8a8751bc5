"""The vectorized round changes speed, never results; and it has no hidden per-agent loop.

Three guards (no timings here: speed is measured in ``benchmarks/``):

1. Reference path: the plain array code the round was first written in (below, ``ref_*``) and
   the optimized functions in ``govsim.deliberation`` / ``govsim.metrics`` give the same
   numbers on random inputs, and whole fixed-seed runs are identical when the model is made to
   call the reference code instead. This holds whatever the scenario's calibration.
2. Golden runs: ``summary()`` and the rounds table of fixed-seed ``classroom`` runs, recorded
   with the reference code before the optimization, stored in ``tests/golden/reference_path.json``.
   If the classroom scenario or the model's rules change on purpose, regenerate them with
   ``GOVSIM_UPDATE_GOLDEN=1 python -m pytest tests/test_performance_invariants.py -k golden``
   (the exact, whole-table golden runs are in ``tests/test_golden.py``).
3. Scaling: the number of Python lines executed per round does not grow with the number of
   stakeholders, no Stakeholder method runs during a round, and traced memory per stakeholder
   stays far below the 1 GB budget for 100,000 stakeholders.
"""

from __future__ import annotations

import json
import os
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csgraph

import govsim.deliberation as deliberation
import govsim.metrics as metrics
from govsim import GovernanceModel
from govsim.agents import Stakeholder

# --------------------------------------------------------------------- the reference code


def ref_exchange(positions, confidence, mu, a, b):
    diff = positions[b] - positions[a]
    dist = np.sqrt(np.einsum("nk,nk->n", diff, diff))
    positions[a] += (mu * (dist < confidence[a]))[:, None] * diff
    positions[b] -= (mu * (dist < confidence[b]))[:, None] * diff


def ref_listen(positions, confidence, mu, listeners, speakers, rng):
    if len(listeners) == 0 or len(speakers) == 0:
        return
    heard = speakers[rng.integers(len(speakers), size=len(listeners))]
    diff = positions[heard] - positions[listeners]
    dist = np.sqrt(np.einsum("nk,nk->n", diff, diff))
    positions[listeners] += (mu * (dist < confidence[listeners]))[:, None] * diff


def ref_anchor(positions, initial, stubbornness):
    positions += stubbornness[:, None] * (initial - positions)


def ref_utility(positions, salience, y):
    return -np.einsum("nk,nk->n", salience, np.abs(positions - y))


def ref_group_shares(mask, group, n_groups, among=None):
    base = np.ones_like(mask, dtype=bool) if among is None else among
    hits = np.bincount(group[mask & base], minlength=n_groups)
    total = np.bincount(group[base], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, hits / np.maximum(total, 1), np.nan)


def ref_polarization(positions):
    if len(positions) == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.sum((positions - positions.mean(axis=0)) ** 2, axis=1))))


def ref_count_clusters(positions, radius=0.02, min_size=2, min_share=0.02):
    """Single linkage from the full distance matrix: O(N^2), plain."""
    positions = np.asarray(positions, dtype=float)
    if positions.ndim == 1:
        positions = positions[:, None]
    n = len(positions)
    if n == 0:
        return 0
    near = np.sqrt(((positions[:, None, :] - positions[None, :, :]) ** 2).sum(axis=-1)) <= radius
    _, labels = csgraph.connected_components(near, directed=False)
    sizes = np.bincount(labels)
    return int(np.sum(sizes >= max(min_size, min_share * n)))


REFERENCE = {
    "govsim.model.exchange": ref_exchange,
    "govsim.model.listen": ref_listen,
    "govsim.model.anchor": ref_anchor,
    "govsim.model.group_shares": ref_group_shares,
    "govsim.model.polarization": ref_polarization,
    "govsim.model.count_clusters": ref_count_clusters,
    "govsim.metrics.utility": ref_utility,
    "govsim.protocols.utility": ref_utility,
}

# ------------------------------------------------------------------ 1. function by function


@pytest.mark.parametrize("n,k", [(1, 2), (7, 1), (40, 2), (1001, 2), (500, 3)])
def test_optimized_functions_equal_the_reference(n, k):
    rng = np.random.default_rng(n + k)
    positions = rng.random((n, k))
    confidence = rng.random(n) * 0.6
    salience = rng.dirichlet(np.ones(k), n)
    everyone = np.arange(n)

    a, b = deliberation.random_pairs(everyone, np.random.default_rng(1))
    new, old = positions.copy(), positions.copy()
    deliberation.exchange(new, confidence, 0.3, a, b)
    ref_exchange(old, confidence, 0.3, a, b)
    assert np.array_equal(new, old)

    listeners, speakers = everyone[: n // 2], everyone[n // 2 :]
    deliberation.listen(new, confidence, 0.3, listeners, speakers, np.random.default_rng(2))
    ref_listen(old, confidence, 0.3, listeners, speakers, np.random.default_rng(2))
    assert np.array_equal(new, old)

    deliberation.anchor(new, positions, confidence)
    ref_anchor(old, positions, confidence)
    assert np.array_equal(new, old)

    for y in (rng.random(k), rng.random((n, k))):
        got, want = metrics.utility(new, salience, y), ref_utility(new, salience, y)
        if k <= 2:  # einsum adds K <= 2 terms in the same order as the column loop: bit for bit
            assert np.array_equal(got, want)
        else:  # for K >= 3 einsum may add in another order: equal to rounding
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)

    group = rng.integers(0, 4, n)
    mask, among = rng.random(n) < 0.5, rng.random(n) < 0.7
    for kwargs in ({}, {"among": among}):
        np.testing.assert_array_equal(
            metrics.group_shares(mask, group, 4, **kwargs), ref_group_shares(mask, group, 4, **kwargs)
        )
    assert metrics.polarization(new) == pytest.approx(ref_polarization(new), rel=1e-12, abs=1e-15)
    clumped = np.clip(np.round(new * 8) / 8 + rng.normal(0, 0.005, new.shape), 0, 1)
    for points in (new, clumped):
        assert metrics.count_clusters(points) == ref_count_clusters(points)
        assert metrics.count_clusters(points, radius=0.1, min_share=0.1) == ref_count_clusters(
            points, radius=0.1, min_share=0.1
        )


# ---------------------------------------------------------------------- 1. whole runs


def _run(protocol: str, seed: int, scale: float) -> GovernanceModel:
    return GovernanceModel("classroom", protocol=protocol, rng=seed, population_scale=scale).run()


def _assert_same_run(new: GovernanceModel, old: GovernanceModel) -> None:
    assert np.array_equal(new.positions, old.positions)
    rounds_new, rounds_old = new.rounds, old.rounds
    pd.testing.assert_series_equal(rounds_new.pop("polarization"), rounds_old.pop("polarization"), rtol=1e-12)
    pd.testing.assert_frame_equal(rounds_new, rounds_old, check_exact=True)
    pd.testing.assert_frame_equal(new.outcomes, old.outcomes, check_exact=True)


@pytest.mark.parametrize(
    "protocol,seed,scale",
    [("bottom_up", 1, 1), ("regional", 2, 1), ("chambers", 3, 1), ("top_down", 4, 5), ("bottom_up", 5, 5)],
)
def test_whole_run_equals_the_reference_path(monkeypatch, protocol, seed, scale):
    new = _run(protocol, seed, scale)
    for target, function in REFERENCE.items():
        monkeypatch.setattr(target, function)
    _assert_same_run(new, _run(protocol, seed, scale))


# ---------------------------------------------------------------------- 2. golden runs

# Recorded with the reference code (before the optimization) on the classroom scenario; stored in
# tests/golden/reference_path.json and rewritten with GOVSIM_UPDATE_GOLDEN=1 (see tests/test_golden.py).
GOLDEN_FILE = Path(__file__).parent / "golden" / "reference_path.json"
GOLDEN_KEYS = ("bottom_up-1", "regional-2", "top_down-3")


def golden_record(model: GovernanceModel) -> dict:
    """What a golden run pins: the run summary, and the rounds table's shape and column sums."""
    numbers = {k: v for k, v in model.summary().items() if isinstance(v, float | int)}
    sums = model.rounds.sum(numeric_only=True)
    return {
        "summary": numbers,
        "rounds": len(model.rounds),
        "round_sums": {k: float(v) for k, v in sums.items()},
    }


@pytest.mark.parametrize("key", GOLDEN_KEYS)
def test_golden_classroom_runs(key):
    protocol, seed = key.rsplit("-", 1)
    got = golden_record(GovernanceModel("classroom", protocol=protocol, rng=int(seed)).run())
    if os.environ.get("GOVSIM_UPDATE_GOLDEN") == "1":
        stored = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))
        GOLDEN_FILE.write_text(
            json.dumps({**stored, key: got}, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        pytest.skip(f"GOVSIM_UPDATE_GOLDEN=1: rewrote {key} in {GOLDEN_FILE.name}")
    want = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))[key]
    assert got["rounds"] == want["rounds"]
    assert got["summary"] == pytest.approx(want["summary"], rel=1e-9, nan_ok=True)
    assert got["round_sums"] == pytest.approx(want["round_sums"], rel=1e-9, nan_ok=True)


# ---------------------------------------------------------------------- 3. scaling


def _lines_per_round(scale: float, rounds: int = 4) -> float:
    """Python lines executed (any module) per round, after the first round of an issue."""
    model = GovernanceModel("classroom", rng=7, population_scale=scale, max_rounds=200)
    model.step()
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        for _ in range(rounds):
            model.step()
    finally:
        sys.settrace(None)
    return count / rounds


def test_python_work_per_round_does_not_grow_with_stakeholders():
    """A per-stakeholder Python loop anywhere in the round would add >= 4,000 lines per round."""
    small, large = _lines_per_round(1), _lines_per_round(100)
    assert large < 1.2 * small + 300, (small, large)


def test_no_stakeholder_method_runs_during_a_round(monkeypatch):
    model = GovernanceModel("classroom", rng=3, population_scale=5)
    calls = []
    for name, member in list(vars(Stakeholder).items()):
        if isinstance(member, property):
            getter = member.fget
            wrapped = property(lambda self, g=getter, n=name: calls.append(n) or g(self))
            monkeypatch.setattr(Stakeholder, name, wrapped)
        elif callable(member) and not name.startswith("__"):
            monkeypatch.setattr(
                Stakeholder,
                name,
                lambda self, *a, f=member, n=name, **kw: calls.append(n) or f(self, *a, **kw),
            )
    model.run()
    assert calls == []
    assert model.agents[0].position.shape == (2,)  # the wrappers work when called
    assert calls[0] == "position"


def test_traced_memory_per_stakeholder_fits_a_100k_model_in_1gb():
    """Building and stepping N = 4,000 stakeholders (agents included) must trace < 10 kB each,
    i.e. < 1 GB at N = 100,000 (memory grows linearly; benchmarks/ measures N = 100,000)."""
    tracemalloc.start()
    try:
        model = GovernanceModel("classroom", rng=1, population_scale=100)
        for _ in range(3):
            model.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak / model.n < 10_000, peak / model.n
