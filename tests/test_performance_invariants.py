"""The vectorized round changes speed, never results; and it has no hidden per-agent loop.

Three guards (no timings here: speed is measured in ``benchmarks/``):

1. Reference path: the plain array code the round was first written in (below, ``ref_*``) and
   the optimized functions in ``govsim.deliberation`` / ``govsim.metrics`` give the same
   numbers on random inputs, and whole fixed-seed runs are identical when the model is made to
   call the reference code instead. This holds whatever the scenario's calibration.
2. Golden runs: ``summary()`` and the rounds table of fixed-seed ``classroom`` runs, recorded
   with the reference code before the optimization. If the classroom scenario or the model's
   rules change on purpose, regenerate them with ``python tests/test_performance_invariants.py``
   and paste its output over ``GOLDEN``.
3. Scaling: the number of Python lines executed per round does not grow with the number of
   stakeholders, no Stakeholder method runs during a round, and traced memory per stakeholder
   stays far below the 1 GB budget for 100,000 stakeholders.
"""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from scipy import ndimage

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


def ref_count_clusters(positions, gap=0.02, min_share=0.02):
    positions = np.asarray(positions, dtype=float)
    if positions.ndim == 1:
        positions = positions[:, None]
    n = len(positions)
    if n == 0:
        return 0
    if positions.shape[1] == 1:
        x = np.sort(positions[:, 0])
        labels = np.concatenate([[0], np.cumsum(np.diff(x) > gap)])
    else:
        cells = np.minimum((positions / gap).astype(int), int(1 / gap))
        grid = np.zeros((int(1 / gap) + 1,) * positions.shape[1], dtype=bool)
        grid[tuple(cells.T)] = True
        labelled, _ = ndimage.label(grid, structure=np.ones((3,) * positions.shape[1]))
        labels = labelled[tuple(cells.T)]
    sizes = np.bincount(labels)
    return int(np.sum(sizes >= max(1, min_share * n)))


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
        assert metrics.count_clusters(points, gap=0.1, min_share=0.1) == ref_count_clusters(
            points, gap=0.1, min_share=0.1
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

# Recorded with the reference code (before the optimization) on the classroom scenario.
GOLDEN = {
    "bottom_up-1": {
        "round_sums": {
            "attendance_business": 33.4,
            "attendance_civil_society": 18.7,
            "attendance_government": 41.9,
            "attendance_technical": 33.800000000000004,
            "clusters": 1157.0,
            "issue": 82.0,
            "objecting_share": 13.778082281734871,
            "polarization": 9.742343010544538,
            "proposal_openness": 25.158989507820728,
            "proposal_rights": 23.10775709703842,
            "round": 218.0,
        },
        "rounds": 44,
        "summary": {
            "adoption_rate": 1.0,
            "divergence": 0.0,
            "fragmentation": 0.0,
            "mean_ambition": 0.07658663493620677,
            "mean_compliance": 1.0,
            "mean_gain_business": 0.017825996360412634,
            "mean_gain_civil_society": -0.0033150200855004003,
            "mean_gain_gap": 0.0663520648696441,
            "mean_gain_government": -0.00522762733351829,
            "mean_gain_technical": 0.011679665758969546,
            "mean_government_compliance": 1.0,
            "mean_min_group_gain": -0.032414477407793754,
            "mean_objecting_share": 0.04056695992179863,
            "mean_participation_business": 0.7571111111111112,
            "mean_participation_civil_society": 0.4244126984126984,
            "mean_participation_government": 0.9508253968253969,
            "mean_participation_technical": 0.7697460317460318,
            "mean_rounds": 8.8,
            "n_issues": 5,
            "stakeholders": 40,
        },
    },
    "regional-2": {
        "round_sums": {
            "attendance_business": 32.3,
            "attendance_civil_society": 15.799999999999999,
            "attendance_government": 45.099999999999994,
            "attendance_technical": 21.800000000000004,
            "clusters": 1476.0,
            "issue": 83.0,
            "objecting_share": 18.697440163036138,
            "polarization": 11.450254799592907,
            "proposal_openness": 26.815362628614153,
            "proposal_rights": 25.73962939211386,
            "round": 309.0,
        },
        "rounds": 50,
        "summary": {
            "adoption_rate": 1.0,
            "divergence": 0.18276987697820657,
            "fragmentation": 0.15994104286370167,
            "mean_ambition": 0.12758100948471915,
            "mean_compliance": 0.775,
            "mean_gain_business": -0.01268443746117386,
            "mean_gain_civil_society": -0.04329030774438725,
            "mean_gain_gap": 0.10885247341801385,
            "mean_gain_government": 0.04140331823784573,
            "mean_gain_technical": -0.0373742172175347,
            "mean_government_compliance": 1.0,
            "mean_min_group_gain": -0.05846783363265122,
            "mean_objecting_share": 0.04666666666666666,
            "mean_participation_business": 0.7023003663003663,
            "mean_participation_civil_society": 0.3356923076923077,
            "mean_participation_government": 0.8924981684981684,
            "mean_participation_technical": 0.48194871794871796,
            "mean_rounds": 10.0,
            "n_issues": 5,
            "stakeholders": 40,
        },
    },
    "top_down-3": {
        "round_sums": {
            "attendance_business": 0.0,
            "attendance_civil_society": 0.0,
            "attendance_government": 13.200000000000001,
            "attendance_technical": 0.0,
            "clusters": 451.0,
            "issue": 13.0,
            "objecting_share": 7.216666666666667,
            "polarization": 3.2855905289601157,
            "proposal_openness": 6.797472620613983,
            "proposal_rights": 6.004915211729229,
            "round": 51.0,
        },
        "rounds": 14,
        "summary": {
            "adoption_rate": 1.0,
            "divergence": 0.0,
            "fragmentation": 0.03193157424373501,
            "mean_ambition": 0.10206379246540101,
            "mean_compliance": 0.93,
            "mean_gain_business": 0.03450656258598047,
            "mean_gain_civil_society": -0.02933572563375885,
            "mean_gain_gap": 0.07549183505233424,
            "mean_gain_government": 0.04387380857685672,
            "mean_gain_technical": 0.0031107992396405245,
            "mean_government_compliance": 1.0,
            "mean_min_group_gain": -0.02933572563375885,
            "mean_objecting_share": 0.13,
            "mean_participation_business": 0.0,
            "mean_participation_civil_society": 0.0,
            "mean_participation_government": 0.9233333333333335,
            "mean_participation_technical": 0.0,
            "mean_rounds": 2.8,
            "n_issues": 5,
            "stakeholders": 40,
        },
    },
}


def golden_record(model: GovernanceModel) -> dict:
    """What a golden run pins: the run summary, and the rounds table's shape and column sums."""
    numbers = {k: v for k, v in model.summary().items() if isinstance(v, float | int)}
    sums = model.rounds.sum(numeric_only=True)
    return {
        "summary": numbers,
        "rounds": len(model.rounds),
        "round_sums": {k: float(v) for k, v in sums.items()},
    }


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_golden_classroom_runs(key):
    protocol, seed = key.rsplit("-", 1)
    got = golden_record(GovernanceModel("classroom", protocol=protocol, rng=int(seed)).run())
    want = GOLDEN[key]
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


if __name__ == "__main__":  # print GOLDEN for the current scenario and model
    import pprint

    runs = {f"{p}-{s}": None for p, s in (("bottom_up", 1), ("regional", 2), ("top_down", 3))}
    for key in runs:
        protocol, seed = key.rsplit("-", 1)
        runs[key] = golden_record(GovernanceModel("classroom", protocol=protocol, rng=int(seed)).run())
    pprint.pprint(runs, sort_dicts=True, width=100)
