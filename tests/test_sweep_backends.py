"""The same experiment gives the same runs table on every backend, and survives a lost Dask worker."""

from __future__ import annotations

import os
import signal

import pandas as pd
import pytest

from govsim.protocols import PROTOCOLS, BottomUp
from govsim.sweep import Experiment, Factor, load_rounds, load_runs, run_sweep

TINY = Experiment(
    scenario="classroom",
    factors=(Factor("support", levels=(0.0, 0.6)), Factor("protocol", levels=("top_down", "bottom_up"))),
    fixed={"max_rounds": 6},
    replicates=3,
    seed=11,
    rounds=True,
)


def _comparable(runs: pd.DataFrame) -> pd.DataFrame:
    """Everything but the wall time, which is the only thing allowed to differ."""
    return runs.drop(columns="wall_time").sort_values("run_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    result = run_sweep(TINY, out, backend="serial", quiet=True, chunk=5)
    assert (result.planned, result.ran, result.failed, result.missing) == (12, 12, 0, 0)
    return _comparable(load_runs(out)), load_rounds(out)


def test_reference_is_complete_and_ordered(reference):
    runs, rounds = reference
    assert list(runs["run_id"]) == sorted(runs["run_id"]) and runs["run_id"].is_unique
    assert (runs["status"] == "ok").all()
    assert set(rounds["run_id"]) == set(runs["run_id"])
    assert runs.groupby("protocol").size().to_dict() == {"bottom_up": 6, "top_down": 6}


@pytest.mark.parametrize("workers", [1, 2])
def test_processes_match_serial(reference, workers, tmp_path):
    run_sweep(TINY, tmp_path, backend="processes", workers=workers, quiet=True, chunk=2)
    pd.testing.assert_frame_equal(_comparable(load_runs(tmp_path)), reference[0])
    pd.testing.assert_frame_equal(load_rounds(tmp_path), reference[1])


def test_chunking_does_not_change_results(reference, tmp_path):
    run_sweep(TINY, tmp_path, backend="serial", quiet=True, chunk=1)
    pd.testing.assert_frame_equal(_comparable(load_runs(tmp_path)), reference[0])


@pytest.mark.slow
def test_dask_matches_serial(reference, dask_client, tmp_path):
    address = dask_client.scheduler.address  # as given by --scheduler tcp://...
    run_sweep(TINY, tmp_path, backend="dask", scheduler=address, quiet=True, chunk=2)
    pd.testing.assert_frame_equal(_comparable(load_runs(tmp_path)), reference[0])
    pd.testing.assert_frame_equal(load_rounds(tmp_path), reference[1])


@pytest.mark.slow
def test_sweep_completes_when_a_dask_worker_is_killed(reference, dask_client, tmp_path):
    killed = []

    def kill_one_worker(_chunk):
        if not killed:
            pids = sorted(dask_client.run(os.getpid).values())
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    result = run_sweep(
        TINY, tmp_path, backend="dask", client=dask_client, quiet=True, chunk=1, on_chunk=kill_one_worker
    )
    assert killed
    assert result.missing == 0 and result.failed == 0
    runs = load_runs(tmp_path)
    assert runs["run_id"].is_unique and len(runs) == 12
    pd.testing.assert_frame_equal(_comparable(runs), reference[0])


class NotebookBottomUp(BottomUp):
    """Bottom-up under another name, as a learner would define and register it in a notebook."""

    name = "notebook_bottom_up"


NotebookBottomUp.__module__ = "__main__"  # what a notebook cell gives: no module a worker could import


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_a_protocol_defined_in_a_notebook_runs_on_workers(backend, dask_client, monkeypatch, tmp_path):
    monkeypatch.setitem(PROTOCOLS, NotebookBottomUp.name, NotebookBottomUp)  # @register, undone after
    exp = Experiment(
        factors={"protocol": ["bottom_up", NotebookBottomUp.name]},
        fixed={"max_rounds": 6},
        replicates=2,
        common_random_numbers=True,
    )
    client = dask_client if backend == "dask" else None
    run_sweep(exp, tmp_path, backend=backend, workers=2, client=client, quiet=True, chunk=1)
    runs = load_runs(tmp_path)
    assert (runs["status"] == "ok").all(), runs["error"].tolist()
    metrics = ["adoption_rate", "mean_compliance", "mean_rounds"]
    ours = runs[runs["protocol"] == NotebookBottomUp.name][metrics].reset_index(drop=True)
    theirs = runs[runs["protocol"] == "bottom_up"][metrics].reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs)  # same rules, same streams: same results


def test_tapered_chunks_cover_every_run_once_and_shrink_at_the_end():
    from govsim.sweep.backends import MIN_CHUNK, chunk_size, tapered

    runs = list(range(1000))
    chunks = tapered(runs, chunk_size(len(runs), 2), 2)
    assert [r for c in chunks for r in c] == runs
    sizes = [len(c) for c in chunks]
    assert sizes[0] == chunk_size(1000, 2) and sizes == sorted(sizes, reverse=True)
    assert min(sizes[:-1]) == MIN_CHUNK and sizes[-1] <= MIN_CHUNK
