"""Never losing a finished run: crash and resume, failed runs retried, directories guarded."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from govsim import cli
from govsim.sweep import Experiment, Factor, load_rounds, load_runs, rebuild_model, run_sweep, runner
from govsim.sweep.store import Store

CRASH_TOML = """
name = "crash"
scenario = "classroom"
replicates = 10
seed = 42
rounds = true

[fixed]
max_rounds = 8

[factors]
support = [0.0, 0.4, 0.8]
protocol = ["top_down", "bottom_up"]
"""
N_RUNS = 60  # long enough that a kill after 15 parts lands well before the end, even on a loaded machine


def _comparable(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.drop(columns="wall_time").sort_values("run_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def crash_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "crash.toml"
    path.write_text(CRASH_TOML)
    return path


@pytest.fixture(scope="module")
def uninterrupted(crash_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    run_sweep(crash_file, out, backend="serial", quiet=True, chunk=1)
    return _comparable(load_runs(out)), load_rounds(out)


def _parts(out: Path) -> int:
    return len(list((out / "runs").glob("part-*.parquet")))


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 7, 15])
def test_killed_sweep_resumes_to_the_uninterrupted_table(kill_after, crash_file, uninterrupted, tmp_path):
    out = tmp_path / "results"
    command = [sys.executable, "-m", "govsim.cli", "sweep", str(crash_file), "--out", str(out)]
    proc = subprocess.Popen([*command, "--backend", "serial", "--chunk", "1", "--quiet"])
    deadline = time.monotonic() + 120
    while (out / "runs").is_dir() is False or _parts(out) < kill_after:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    stored = _parts(out)
    assert kill_after <= stored < N_RUNS
    assert len(load_runs(out)) == stored  # what is there is whole

    result = run_sweep(crash_file, out, backend="serial", quiet=True, chunk=1)
    assert result.skipped == stored and result.ran == N_RUNS - stored and result.missing == 0
    raw = Store(out).raw_runs()
    assert len(raw) == N_RUNS and raw["run_id"].is_unique  # none lost, none duplicated
    assert not list(out.rglob("*.tmp")) and not (out / ".lock").exists()
    pd.testing.assert_frame_equal(_comparable(load_runs(out)), uninterrupted[0])
    pd.testing.assert_frame_equal(load_rounds(out), uninterrupted[1])


def test_failed_runs_are_recorded_and_retried_on_resume(crash_file, uninterrupted, tmp_path, monkeypatch):
    real = runner.build_model

    def flaky(config, spec):
        if spec.replicate == 1:
            raise RuntimeError("injected failure")
        return real(config, spec)

    monkeypatch.setattr(runner, "build_model", flaky)
    first = run_sweep(crash_file, tmp_path, backend="serial", quiet=True, chunk=4)
    assert (first.ran, first.failed, first.missing) == (N_RUNS, 6, 0)
    runs = load_runs(tmp_path)
    failed = runs[runs["status"] == "failed"]
    assert set(failed["replicate"]) == {1} and len(failed) == 6
    assert failed["error"].str.contains("RuntimeError: injected failure").all()
    assert failed["adoption_rate"].isna().all() and (failed["support"].notna()).all()
    assert set(load_rounds(tmp_path)["run_id"]) == set(runs.loc[runs["status"] == "ok", "run_id"])

    monkeypatch.setattr(runner, "build_model", real)
    second = run_sweep(crash_file, tmp_path, backend="serial", quiet=True)
    assert (second.skipped, second.ran, second.failed) == (N_RUNS - 6, 6, 0)
    pd.testing.assert_frame_equal(_comparable(load_runs(tmp_path)), uninterrupted[0])
    pd.testing.assert_frame_equal(load_rounds(tmp_path), uninterrupted[1])
    assert json.loads((tmp_path / "manifest.json").read_text())["counts"] == {"ok": N_RUNS, "failed": 0}


def test_a_complete_sweep_reruns_nothing_and_any_run_can_be_rebuilt(crash_file, uninterrupted, tmp_path):
    run_sweep(crash_file, tmp_path, backend="serial", quiet=True)
    again = run_sweep(crash_file, tmp_path, backend="serial", quiet=True)
    assert (again.skipped, again.ran) == (N_RUNS, 0)
    row = uninterrupted[0].set_index("run_id").loc["p000003-r0002"]
    model = rebuild_model(tmp_path, "p000003-r0002").run()
    summary = model.summary()
    assert (summary["protocol"], model.params.support) == (row["protocol"], row["support"])
    for metric in ("adoption_rate", "mean_compliance", "mean_participation_civil_society"):
        assert summary[metric] == row[metric]
    with pytest.raises(ValueError, match="'p999' is not part"):
        rebuild_model(tmp_path, "p999")


def test_different_experiment_is_refused_unless_overwrite(crash_file, tmp_path, capsys):
    small = Experiment(factors=(Factor("rho", levels=(0.1,)),), fixed={"max_rounds": 3})
    run_sweep(small, tmp_path, backend="serial", quiet=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {"experiment", "digest", "versions", "git_commit", "created", "updated"} <= set(manifest)
    assert set(manifest["versions"]) >= {"govsim", "mesa", "python"}

    args = ["sweep", str(crash_file), "--out", str(tmp_path), "--backend", "serial", "--quiet"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "different experiment" in err and "--overwrite" in err
    assert len(load_runs(tmp_path)) == 1

    assert cli.main([*args, "--overwrite"]) == 0
    assert len(load_runs(tmp_path)) == N_RUNS
    assert cli.main([*args, "--overwrite"]) == 0  # the same experiment afresh: nothing skipped
    assert len(Store(tmp_path).raw_runs()) == N_RUNS
    assert cli.main([*args, "--overwrite", "--resume"]) == 2
    assert "choose one" in capsys.readouterr().err


def test_resume_without_the_file_uses_the_manifest(tmp_path, capsys):
    small = Experiment(factors=(Factor("rho", levels=(0.1, 0.2)),), fixed={"max_rounds": 3}, replicates=2)
    run_sweep(small, tmp_path, backend="serial", quiet=True)
    (tmp_path / "runs" / "part-000001.parquet").unlink()  # as if it had never finished
    assert cli.main(["sweep", "--resume", "--out", str(tmp_path), "--backend", "serial", "--quiet"]) == 0
    assert len(load_runs(tmp_path)) == 4
    assert cli.main(["sweep", "--resume", "--out", str(tmp_path / "empty"), "--quiet"]) == 2
    assert "holds no results to resume" in capsys.readouterr().err


def test_a_foreign_directory_is_never_written(crash_file, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    for extra in ([], ["--overwrite"]):
        assert cli.main(["sweep", str(crash_file), "--out", str(tmp_path), "--quiet", *extra]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
