"""Registered measures: the built-in ones reproduce the outcomes table exactly as before the
registry, and a measure registered from outside the package (one decorated function, as in a
notebook) reaches ``model.outcomes``, ``model.summary()``, ``govsim run``'s output and sweeps
on every backend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim import GovernanceModel, measures
from govsim.commands.run import result
from govsim.groups import GROUP_NAMES
from govsim.screen import plotting
from govsim.sweep import Experiment, load_runs, run_sweep

# The outcomes columns and summary keys as they were before the registry (tests must not
# derive them from the code they check).
OLD_COLUMNS = [
    "issue",
    "name",
    "adopted",
    "regions_adopted",
    "rounds",
    "outcome_openness",
    "outcome_rights",
    "compliance",
    "government_compliance",
    "noncompliance",
    "divergence",
    "objecting_share",
    "ambition",
    *(f"gain_{g}" for g in GROUP_NAMES),
    "min_group_gain",
    "gain_gap",
    *(f"participation_{g}" for g in GROUP_NAMES),
]
OLD_SUMMARY = {
    "scenario",
    "protocol",
    "stakeholders",
    "n_issues",
    "adoption_rate",
    "mean_rounds",
    "mean_compliance",
    "mean_government_compliance",
    "mean_min_group_gain",
    "mean_gain_gap",
    "noncompliance",
    "divergence",
    "mean_objecting_share",
    "mean_ambition",
    *(f"mean_gain_{g}" for g in GROUP_NAMES),
    *(f"mean_participation_{g}" for g in GROUP_NAMES),
}


def as_float(value):
    """A helper the measure calls, defined in the same notebook (it must travel too)."""
    return float(value)


def issue_number(ctx):
    """A measure whose values are known without running anything: the agenda position."""
    return as_float(ctx.index)


# what notebook cells give: no module a worker could import
as_float.__module__ = issue_number.__module__ = "__main__"


@pytest.fixture
def user_measure():
    """``issue_number`` registered as a notebook would, and removed afterwards."""
    govsim.measure(column="issue_number", label="Agenda position", unit="issues", bounds=(0, None))(
        issue_number
    )
    yield "issue_number"
    measures.unregister("issue_number")


def test_builtin_columns_and_summary_keys_are_unchanged():
    model = GovernanceModel(rng=2).run()
    assert list(model.outcomes.columns) == OLD_COLUMNS
    assert set(model.summary()) == OLD_SUMMARY
    assert all(m.builtin for m in measures.registered())


def test_a_registered_measure_reaches_outcomes_summary_and_cli_json(user_measure):
    model = GovernanceModel(rng=3).run()
    n = len(model.setup.agenda)
    assert list(model.outcomes[user_measure]) == [float(i) for i in range(n)]
    assert model.summary()["mean_issue_number"] == pytest.approx((n - 1) / 2)
    out = result(model, 3)  # what `govsim run --json` prints
    assert out["mean_issue_number"] == pytest.approx((n - 1) / 2)
    assert [issue[user_measure] for issue in out["issues"]] == list(range(n))
    assert plotting.metric_label("mean_issue_number") == "Agenda position (issues)"
    assert measures.bounds_of("mean_issue_number") == (0, None)


def test_a_model_keeps_the_measures_it_was_built_with(user_measure):
    before = GovernanceModel(rng=1)
    measures.unregister(user_measure)
    try:
        assert user_measure in before.run().outcomes.columns
        assert user_measure not in GovernanceModel(rng=1).run().outcomes.columns
    finally:
        govsim.measure(column=user_measure)(issue_number)


def test_per_group_measure_hand_checked():
    @govsim.measure(column="members", label="members", unit="stakeholders", per_group=True)
    def members(ctx):
        return np.bincount(ctx.group, minlength=len(GROUP_NAMES))

    try:
        model = GovernanceModel(rng=0).run()
        counts = np.bincount(model.population.group, minlength=len(GROUP_NAMES))
        row = model.outcomes.iloc[0]
        assert [row[f"members_{g}"] for g in GROUP_NAMES] == counts.tolist()
        assert model.summary()["mean_members_civil_society"] == counts[2]
        assert model.closed_issues[0].record["members_by_group"] == dict(
            zip(GROUP_NAMES, counts.tolist(), strict=True)
        )
    finally:
        measures.unregister("members")


def test_rerunning_the_same_cell_replaces_the_measure(user_measure):
    @govsim.measure(column=user_measure)
    def twice(ctx):
        return 2.0 * ctx.index

    assert list(GovernanceModel(rng=0).run().outcomes[user_measure])[:3] == [0.0, 2.0, 4.0]
    assert sum(m.column == user_measure for m in measures.registered()) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"column": "compliance"}, "'compliance' is built in"),
        ({"column": "my_rate", "summary_name": "adoption_rate"}, "'adoption_rate' is already used"),
        ({"column": "rho"}, "'rho' is already used"),
        ({"column": "name"}, "'name' is already used"),
        ({"column": "my share", "summary": "mean"}, "must be a name"),
        ({"column": "ok_name", "summary": "total"}, "summary='total' is not known"),
        ({"column": "ok_name", "bounds": (1, 0)}, "bounds=(1, 0)"),
    ],
)
def test_refused_registrations(options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        govsim.measure(**options)(issue_number)
    assert not measures.user_measures()


def test_a_measure_returning_the_wrong_length_says_so():
    @govsim.measure(column="bad_groups", per_group=True)
    def bad_groups(ctx):
        return [1.0, 2.0]

    try:
        with pytest.raises(ValueError, match="returned 2 values; it needs one per group"):
            GovernanceModel(rng=0).run()
    finally:
        measures.unregister("bad_groups")


@pytest.mark.parametrize("backend", ["serial", "processes", "dask"])
def test_a_notebook_measure_reaches_a_sweep_on_every_backend(backend, user_measure, request, tmp_path):
    client = request.getfixturevalue("dask_client") if backend == "dask" else None
    exp = Experiment(factors={"protocol": ["top_down", "bottom_up"]}, fixed={"max_rounds": 4}, replicates=2)
    run_sweep(exp, tmp_path, backend=backend, workers=2, client=client, quiet=True, chunk=1)
    runs = load_runs(tmp_path)
    assert (runs["status"] == "ok").all(), runs["error"].tolist()
    agenda = len(govsim.load_scenario("classroom").agenda)
    assert (runs["mean_issue_number"] == (agenda - 1) / 2).all()


def test_workers_drop_measures_the_driver_no_longer_has(user_measure):
    shipped = measures.user_measures()
    measures.install(())  # a reused worker, given a sweep without user measures
    try:
        assert not measures.user_measures()
        assert "mean_issue_number" not in GovernanceModel(rng=0).run().summary()
    finally:
        measures.install(shipped)
    assert measures.user_measures() == shipped


def test_report_lists_a_stored_user_measure_without_registering_it(user_measure, tmp_path, capsys):
    exp = Experiment(factors={"support": [0.0, 1.0]}, fixed={"max_rounds": 3}, replicates=2)
    run_sweep(exp, tmp_path, backend="serial", quiet=True)
    measures.unregister(user_measure)  # a fresh `govsim report` process knows only built-ins
    try:
        from govsim.cli import main

        assert main(["report", str(tmp_path), "--no-plots"]) == 0
        assert "mean_issue_number" in capsys.readouterr().out
    finally:
        govsim.measure(column=user_measure, bounds=(0, None))(issue_number)


def test_outcomes_frame_types_are_as_before():
    out = GovernanceModel(rng=5).run().outcomes
    assert out["adopted"].dtype == bool and pd.api.types.is_integer_dtype(out["rounds"])


def test_the_readme_recipe_runs_as_written():
    """The README's "How to add a measure" code, run as a reader would paste it."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("**How to add a measure (touches one file).**", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {"__name__": "__main__"}
    try:
        exec(compile(code, "README.md", "exec"), namespace)
        model = namespace["model"]
        column = model.outcomes["loser_share"]
        assert len(column) == len(model.setup.agenda) and column.between(0, 1).all()
        assert model.summary()["mean_loser_share"] == pytest.approx(column.mean())
        assert plotting.metric_label("mean_loser_share") == "Stakeholders worse off (share)"
    finally:
        measures.unregister("loser_share")


def test_builtin_measures_on_a_hand_computed_issue():
    """Four stakeholders on one dimension, q = 0.5, the table adopts y = 0.6, nobody heard.
    Gains |x - q| - |x - y|: -0.1, -0.1, +0.1, +0.1; with tolerances 0, 0.15, 0, 0 the first
    alone does not comply."""
    from types import SimpleNamespace

    from govsim.outcomes import IssueContext
    from govsim.params import Parameters
    from govsim.population import Population
    from govsim.scenarios import Issue

    n = 4
    population = Population(
        group=np.array([0, 0, 1, 2]),
        region=np.zeros(n, dtype=int),
        x0=np.array([[0.2], [0.4], [0.6], [0.9]]),
        salience=np.ones((n, 1)),
        capability=np.array([1.0, 1.0, 2.0, 0.0]),
        confidence=np.zeros(n),
        tolerance=np.array([0.0, 0.15, 0.0, 0.0]),
        capacity=np.ones(n),
        stubbornness=np.zeros(n),
    )
    forum = SimpleNamespace(
        name="all",
        members=np.ones(n, dtype=bool),
        adopted=True,
        proposal=np.array([0.6]),
        rounds=3,
        heard=np.zeros(n, dtype=bool),
        last=SimpleNamespace(objecting=np.array([0, 1, 0, 0], bool), deciding=np.array([1, 1, 0, 0], bool)),
    )
    ctx = IssueContext(
        index=0,
        issue=Issue("micro", (0.5,)),
        forums=(forum,),
        population=population,
        positions=np.array([[0.2], [0.4], [0.6], [0.9]]),
        params=Parameters(voice_bonus=0.0),
        participation=np.array([1.0, 0.5, 0.0, np.nan]),
        dimensions=("x",),
    )
    rec = measures.issue_record(ctx)
    assert rec["adopted"] is True and rec["rounds"] == 3 and rec["regions_adopted"] == 1.0
    assert rec["outcome_x"] == pytest.approx(0.6) and rec["ambition"] == pytest.approx(0.1)
    assert rec["compliance"] == 0.75 and rec["government_compliance"] == 0.5
    assert rec["noncompliance"] == pytest.approx(0.25)  # capability 1 of 4 does not comply
    assert rec["objecting_share"] == 0.5
    assert rec["gain_by_group"] == pytest.approx({"government": -0.1, "business": 0.1, "civil_society": 0.1})
    assert np.isnan(rec["gain_technical"])
    assert rec["min_group_gain"] == pytest.approx(-0.1) and rec["gain_gap"] == pytest.approx(0.2)
    assert rec["divergence"] == 0.0 and rec["regional_outcomes"] == {"all": [0.6]}


def test_the_dashboard_status_line_shows_a_user_measure_escaped():
    from govsim.screen.dashboard import status_html

    @govsim.measure(column="tagged", label="<b>Tagged</b>", unit="share", bounds=(0, 1))
    def tagged(ctx):
        return 0.5

    try:
        line = status_html(GovernanceModel(rng=0).run())
        assert "&lt;b&gt;Tagged&lt;/b&gt; (share): 0.5." in line and "<b>Tagged" not in line
    finally:
        measures.unregister("tagged")


def test_a_renamed_measure_reads_from_tables_stored_under_its_former_name(tmp_path):
    """Issue 22.6: 'fragmentation' (an IGF room hears 'splinternet') is now 'noncompliance'.
    A results part written before the rename joins a new part column for column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from govsim.measure_registry import RENAMED, renamed
    from govsim.sweep.store import _current_names

    assert RENAMED == {"fragmentation": "noncompliance"}
    assert "fragmentation" not in GovernanceModel(rng=0).run().summary()
    old = pa.table({"run_id": ["a"], "fragmentation": [0.25]})
    pq.write_table(old, tmp_path / "part.parquet")
    read = _current_names(pq.read_table(tmp_path / "part.parquet"))
    assert read.column_names == ["run_id", "noncompliance"] and read.column("noncompliance").to_pylist() == [
        0.25
    ]
    assert renamed(["run_id", "noncompliance"]) == {}
