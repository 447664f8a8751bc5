"""Experiment descriptions, designs and seeds: validation before anything runs, known layouts."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from govsim import cli
from govsim.params import parameter_specs
from govsim.sweep import Experiment, design_points, load_experiment, plan, run_rng
from govsim.sweep.designs import saltelli_rows, unit_sample
from govsim.sweep.factors import DesignKind

EXPERIMENTS = sorted((Path(__file__).parents[1] / "experiments").glob("*.toml"))

GOOD = """
name = "tiny"
scenario = "classroom"
replicates = 2
seed = 5

[fixed]
max_rounds = 5

[factors]
support = [0.0, 0.5]
protocol = ["top_down", "bottom_up"]

[design]
kind = "grid"
"""

BAD = {
    "unknown top-level key": (
        GOOD.replace("replicates = 2", "replicate = 2"),
        ["'replicate'", "'replicates'"],
    ),
    "unknown factor": (GOOD.replace("support = [", "suport = ["), ["'suport'", "'support'"]),
    "bad range": (GOOD.replace("support = [0.0, 0.5]", "support = [0.0, 1.5]"), ["support=1.5", "[0, 1]"]),
    "bad fixed value": (GOOD.replace("max_rounds = 5", "max_rounds = 0"), ["max_rounds=0", "[1, 2000]"]),
    "empty levels": (GOOD.replace("support = [0.0, 0.5]", "support = []"), ["factors.support", "empty"]),
    "empty list design": ("[design]\nkind = 'list'\npoints = []\n", ["design.points", "empty"]),
    "unknown protocol": (GOOD.replace('"bottom_up"]', '"botom_up"]'), ["'botom_up'", "'bottom_up'"]),
    "unknown design kind": (GOOD.replace('kind = "grid"', 'kind = "grd"'), ["'grd'", "'grid'"]),
    "sobol not a power of two": (
        GOOD.replace("support = [0.0, 0.5]", "support = {}").replace(
            'kind = "grid"', 'kind = "sobol"\nsamples = 10'
        ),
        ["design.samples=10", "power of two"],
    ),
    "grid over a range": (
        GOOD.replace("support = [0.0, 0.5]", "support = {low = 0.1}"),
        ["factors.support", "grid"],
    ),
    "low above high": (
        GOOD.replace("support = [0.0, 0.5]", "rho = {low = 0.3, high = 0.1}").replace(
            'kind = "grid"', 'kind = "lhs"\nsamples = 4'
        ),
        ["low=0.3", "high=0.1"],
    ),
    "unknown trait": (GOOD.replace("support = [", '"civil_society.capacty" = ['), ["civil_society.capacity"]),
    "fixed and varied": (
        GOOD.replace("max_rounds = 5", "support = 0.2"),
        ["support", "both fixed and varied"],
    ),
    "replicates zero": (GOOD.replace("replicates = 2", "replicates = 0"), ["replicates=0", ">= 1"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_fails_fast_with_one_line_and_writes_nothing(case, tmp_path, capsys):
    text, needles = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "results"
    assert cli.main(["sweep", str(path), "--out", str(out), "--backend", "serial", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("govsim sweep: error: bad.toml:")
    for needle in needles:
        assert needle in err, err
    assert not out.exists()


def test_missing_file_and_bad_toml_are_one_line_errors(tmp_path, capsys):
    assert cli.main(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "r")]) == 2
    (tmp_path / "broken.toml").write_text("replicates = = 2")
    assert cli.main(["sweep", str(tmp_path / "broken.toml"), "--out", str(tmp_path / "r")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and "not found" in lines[0] and "not valid TOML" in lines[1]
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("path", EXPERIMENTS, ids=[p.stem for p in EXPERIMENTS])
def test_bundled_experiments_load_and_round_trip(path):
    experiment = load_experiment(path)
    again = Experiment.from_dict(experiment.to_dict())
    assert again == experiment and again.digest() == experiment.digest()
    assert len(plan(experiment)) == len(design_points(experiment)) * experiment.replicates


def test_grid_crosses_levels_in_declared_order():
    exp = Experiment(
        factors=(
            _factor("support", levels=(0.0, 0.5)),
            _factor("meetings", low=1, high=3, count=3),
            _factor("protocol", levels=("top_down", "bottom_up")),
        )
    )
    points = [p.settings for p in design_points(exp)]
    assert len(points) == 12
    assert points[0] == {"support": 0.0, "meetings": 1, "protocol": "top_down"}
    assert points[1] == {"support": 0.0, "meetings": 1, "protocol": "bottom_up"}
    assert [p["meetings"] for p in points[:6:2]] == [1, 2, 3]
    assert all(isinstance(p["meetings"], int) for p in points)


@pytest.mark.parametrize("kind", ["lhs", "sobol", "saltelli"])
def test_sampled_points_stay_in_bounds_and_are_reproducible(kind):
    data = {
        "seed": 3,
        "factors": {"rho": {"low": 0.05, "high": 0.3}, "meetings": {}, "protocol": ["top_down", "chambers"]},
        "design": {"kind": kind, "samples": 8},
    }
    points = design_points(Experiment.from_dict(data))
    per_protocol = 8 * (2 + 2) if kind == "saltelli" else 8
    assert len(points) == 2 * per_protocol
    meetings = next(s for s in parameter_specs() if s.name == "meetings")
    for p in points:
        assert 0.05 <= p.settings["rho"] <= 0.3
        assert meetings.low <= p.settings["meetings"] <= meetings.high
        assert isinstance(p.settings["meetings"], int)
    # a protocol is compared at the same sampled settings
    first = [{k: v for k, v in p.settings.items() if k != "protocol"} for p in points[:per_protocol]]
    second = [{k: v for k, v in p.settings.items() if k != "protocol"} for p in points[per_protocol:]]
    assert first == second
    assert [p.settings for p in design_points(Experiment.from_dict(data))] == [p.settings for p in points]


def test_latin_hypercube_has_one_point_per_stratum():
    u = unit_sample(DesignKind.LHS, 3, 10, seed=1)
    for column in u.T:
        assert sorted(np.floor(column * 10).astype(int)) == list(range(10))


def test_saltelli_layout_is_a_then_ab_then_b():
    a = np.arange(6.0).reshape(2, 3)
    b = -np.arange(6.0).reshape(2, 3) - 1
    rows = saltelli_rows(a, b)
    assert rows.shape == (2 * 5, 3)
    np.testing.assert_array_equal(rows[0], a[0])
    np.testing.assert_array_equal(rows[2], [a[0, 0], b[0, 1], a[0, 2]])
    np.testing.assert_array_equal(rows[4], b[0])
    np.testing.assert_array_equal(rows[5], a[1])


def test_seeds_come_from_point_and_replicate_only():
    exp = Experiment(factors=(_factor("support", levels=(0.0, 0.5, 1.0)),), replicates=2, seed=9)
    more = Experiment(factors=exp.factors, replicates=5, seed=9)
    keys = {s.run_id: s.key for s in plan(exp)}
    assert keys == {s.run_id: s.key for s in plan(more) if s.run_id in keys}
    assert keys["p000002-r0001"] == (2, 1)
    draw = run_rng(9, (2, 1)).random(3)
    np.testing.assert_array_equal(
        draw, np.random.default_rng(np.random.SeedSequence(9, spawn_key=(2, 1))).random(3)
    )
    crn = Experiment(factors=exp.factors, replicates=2, seed=9, common_random_numbers=True)
    assert {s.key for s in plan(crn) if s.replicate == 1} == {(1,)}


def test_python_object_validates_like_the_file():
    with pytest.raises(ValueError, match=r"rho=0\.9 is out of range"):
        Experiment(factors=(_factor("rho", levels=(0.1, 0.9)),))
    with pytest.raises(ValueError, match="did you mean 'bottom_up'"):
        Experiment(protocol="bottomup")
    with pytest.raises(ValueError, match="unknown scenario"):
        Experiment(scenario="clasroom")


def test_missing_dask_gives_one_line_error_and_writes_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the dask extra were not installed
    path = tmp_path / "tiny.toml"
    path.write_text(GOOD)
    assert cli.main(["sweep", str(path), "--out", str(tmp_path / "r"), "--backend", "dask", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pip install 'govsim[dask]'" in err
    assert not (tmp_path / "r").exists()


def _factor(name, **kw):
    from govsim.sweep import Factor

    return Factor(name, **kw)


def _sweep_error(tmp_path, capsys, text: str, name: str = "exp.toml") -> str:
    (tmp_path / "big.toml").write_text(
        "[groups.government]\ncount = 1000\n[[agenda]]\nname = 'a'\nstatus_quo = [0.5, 0.5]\n"
    )
    path = tmp_path / name
    path.write_text(text) if isinstance(text, str) else path.write_bytes(text)
    out = tmp_path / "results"
    assert cli.main(["sweep", str(path), "--out", str(out), "--backend", "serial", "--quiet"]) == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


def test_a_bad_scenario_named_by_an_experiment_is_reported_against_the_scenario(tmp_path, capsys):
    (tmp_path / "mine.toml").write_text('[groups.government]\ncount = 3\nregions = ["north"]\n')
    err = _sweep_error(tmp_path, capsys, 'scenario = "mine.toml"\n')
    assert err.startswith("govsim sweep: error: mine.toml: groups.government.regions=['north']"), err


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ["exp.toml: the experiment is empty"]),
        ("# only a comment\n", ["exp.toml: the experiment is empty"]),
        ('steps = "all"\n', ["steps='all'", '"end"']),
        ('[fixed]\nrho = "0.2"\n', ["fixed.rho: rho='0.2' is not a number"]),
        ("replicates = true\n", ["replicates=True is not a whole number"]),
        ("replicates = 2.5\n", ["replicates=2.5 is not a whole number"]),
        # size limits (item 14): counted, not planned
        (
            "[factors]\nrho = {levels = 1000000}\nsupport = {levels = 1000000}\n",
            ["1,000,000,000,000 design points", "above the limit of 1,000,000 runs", "confirmed or not"],
        ),
        ("replicates = 1000000000\n", ["1,000,000,000 runs", "above the limit of 1,000,000 runs"]),
        ("replicates = 200000\n", ["200,000 runs", "max_runs=100,000", "max_runs = 200000"]),
        (
            'scenario = "big.toml"\n[factors]\npopulation_scale = [1, 500]\n',
            ["population_scale=500 gives 500000"],
        ),
        ("name = 3\n", ["name=3 is not text"]),
        ('[design]\nkind = "list"\npoints = "abc"\n', ["design.points='abc' must be a list of tables"]),
        (b'name = "caf\xe9"\n', ["exp.toml: not UTF-8 text (byte 11, line 1"]),
    ],
)
def test_bad_experiments_fail_fast_with_one_named_line(tmp_path, capsys, text, needles):
    err = _sweep_error(tmp_path, capsys, text)
    for needle in needles:
        assert needle in err, err


def test_max_runs_confirms_a_large_experiment_without_planning_it():
    big = {"factors": {"rho": {"levels": 10**3}, "support": {"levels": 10**3}}, "max_runs": 10**6}
    experiment = Experiment.from_dict(big)
    assert experiment.size == (10**6, 10**6)
    assert Experiment.from_dict(experiment.to_dict()) == experiment
    small = Experiment.from_dict({"replicates": 3})
    assert "max_runs" not in small.to_dict()  # the digest of stored results stays the same


def test_numpy_integers_and_whole_floats_are_whole_numbers():
    """Issue 12, item 15: one integral validator; numpy integers accepted, bool refused."""
    exp = Experiment(seed=np.int64(5), replicates=np.int64(3), steps=np.int32(4))
    assert (exp.seed, exp.replicates, exp.steps) == (5, 3, 4)
    assert all(type(v) is int for v in (exp.seed, exp.replicates, exp.steps))
    assert Experiment.from_dict({"replicates": 10.0}).replicates == 10
    assert Experiment(factors={"meetings": {"levels": np.int64(3)}}).factors[0].count == 3
    assert Experiment(design={"kind": "lhs", "samples": np.int64(4)}, factors={"rho": {}}).design.samples == 4
    with pytest.raises(ValueError, match="seed=True is not a whole number"):
        Experiment(seed=True)


@pytest.mark.parametrize("kind", ["lhs", "sobol", "saltelli"])
def test_integer_factors_get_equal_weight_per_whole_number(kind):
    """meetings in [0, 2]: a third of the draws each (rounding to nearest gave 75 / 150 / 75)."""
    samples = 300 if kind == "lhs" else 256
    exp = Experiment(factors={"meetings": {"low": 0, "high": 2}}, design={"kind": kind, "samples": samples})
    counts = np.bincount([p.settings["meetings"] for p in design_points(exp)], minlength=3)
    assert counts.sum() == exp.size[0]
    np.testing.assert_allclose(counts / counts.sum(), 1 / 3, atol=0.02)
    factor = exp.factors[0]
    assert factor.span == (0, 3)  # the interval drawn from, also SALib's bounds
    assert [factor.from_unit(u) for u in (0.0, 0.33, 0.34, 0.66, 0.67, 0.999, 1.0)] == [0, 0, 1, 1, 2, 2, 2]


def test_report_reads_results_of_a_protocol_this_session_does_not_know(tmp_path, capsys, monkeypatch):
    """Issue 12, item 17: reading needs no protocol class; resuming says what to register."""
    from govsim.protocols import PROTOCOLS, BottomUp
    from govsim.sweep import run_sweep

    class Notebook(BottomUp):
        name = "notebook_rule"

    with monkeypatch.context() as registered:
        registered.setitem(PROTOCOLS, Notebook.name, Notebook)
        exp = Experiment(factors={"protocol": ["bottom_up", Notebook.name]}, fixed={"max_rounds": 3})
        run_sweep(exp, tmp_path, backend="serial", quiet=True)
    assert Notebook.name not in PROTOCOLS  # a new session: the notebook's class is gone
    assert cli.main(["report", str(tmp_path), "--no-plots"]) == 0
    assert "2 runs ok, 0 failed, 2 planned" in capsys.readouterr().out
    assert cli.main(["sweep", "--resume", "--out", str(tmp_path), "--backend", "serial", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "protocol 'notebook_rule' is not registered in this Python session" in err
    assert "@govsim.register" in err and "run_sweep(None, OUT, resume=True)" in err


def test_saltelli_with_too_few_samples_warns_about_indices_outside_0_1():
    pytest.importorskip("SALib")
    import pandas as pd

    from govsim.sweep import sobol_indices

    exp = Experiment(factors={"rho": {}, "mu": {}}, design={"kind": "saltelli", "samples": 2})
    runs = pd.DataFrame({"sample": range(8), "status": "ok", "y": [0.0, 5.0, -3.0, 1.0, 9.0, -7.0, 0.5, 2.0]})
    with pytest.warns(RuntimeWarning, match=r"outside \[0, 1\] for .*samples=2 .* use more samples"):
        table = sobol_indices(runs, exp, "y")
    assert not (table[["S1", "ST"]].stack().between(0, 1)).all()


@pytest.mark.parametrize(
    "given",
    [
        {"factors": {"support": {"low": 0.0, "high": 1.0, "levels": 10**10}}, "max_runs": 10**6},
        {"factors": {"support": [0.0, 1.0]}, "replicates": 10**12, "max_runs": 10**6},
        {"factors": {f"x{i}": {"levels": 10**6} for i in range(3)}, "max_runs": 10**6},
    ],
)
def test_no_experiment_plans_more_than_the_hard_cap_even_confirmed(given):
    """Breaker item 7: 10**10 grid levels (74.5 GiB allocated) or 10**12 replicates (planning hung)
    with a matching max_runs. The size is counted arithmetically and refused at once, also when
    read from a stored manifest (resume)."""
    from govsim.sweep.experiment import HARD_MAX_RUNS

    names = {"x0": "support", "x1": "rho", "x2": "max_rounds"}
    factors = {names.get(k, k): v for k, v in given["factors"].items()}
    data = {**given, "factors": factors}
    for stored in (False, True):
        with pytest.raises(ValueError, match=f"above the limit of {HARD_MAX_RUNS:,} runs") as info:
            Experiment.from_dict(data, stored=stored)
        assert len(str(info.value)) < 300
    with pytest.raises(ValueError, match=r"max_runs=\S+ is out of range \(allowed: a whole number in \[1, "):
        Experiment.from_dict({**data, "max_runs": 1e14})


def test_report_on_a_sweep_where_every_run_failed_says_so_with_the_stored_failure(
    tmp_path, capsys, monkeypatch
):
    """Issue 21's independent try, item 16: `govsim report DIR --no-plots` on a sweep whose
    runs all failed said "--metrics None names no metric", though --metrics was not passed,
    and gave no failure reason."""
    from govsim.sweep import run_sweep, runner

    def broken(config, spec):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(runner, "build_model", broken)
    exp = Experiment(factors={"protocol": ["bottom_up", "top_down"]}, fixed={"max_rounds": 3})
    run_sweep(exp, tmp_path, backend="serial", quiet=True)
    assert cli.main(["report", str(tmp_path), "--no-plots"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--metrics" not in err
    assert "every run failed (2 of 2)" in err and "RuntimeError: injected failure" in err
