"""Results folders under hostile contents, crashes, interruptions and concurrent drivers (issue 12, items 1-11).

Every case here is one of the issue's findings, replayed: it failed before the fix.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from govsim import cli, safefiles
from govsim.locks import SweepLock
from govsim.protocols import PROTOCOLS, BottomUp
from govsim.sweep import Experiment, Factor, backends, cluster, load_runs, run_sweep
from govsim.sweep.store import Store

from helpers import SMALL_TOML

SMALL = Experiment(
    factors=(Factor("rho", levels=(0.1, 0.2)),), fixed={"max_rounds": 3}, replicates=2, name="small"
)
LONG_TOML = """
name = "long"
replicates = 40
[fixed]
max_rounds = 8
[factors]
support = [0.0, 0.8]
"""
# the test process; workers inherit the variable (a worker that imports this module keeps it)
DRIVER = int(os.environ.setdefault("GOVSIM_TEST_DRIVER_PID", str(os.getpid())))


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "govsim.cli", *args]


@pytest.fixture
def small_file(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML)
    return path


def _victim(tmp_path: Path) -> Path:
    """A folder outside the results that a crafted link points at; it must stay untouched."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.tex").write_text("years of work")
    return victim


# ---------------------------------------------------------------- 1, 2: links and foreign files
@pytest.mark.parametrize("sub", ["runs", "rounds", "plots"])
def test_overwrite_never_deletes_through_a_linked_folder(sub, small_file, tmp_path, capsys):
    out = tmp_path / "out"
    run_sweep(SMALL, out, backend="serial", quiet=True)
    victim = _victim(tmp_path)
    target = out / sub
    if target.exists():
        shutil.rmtree(target)
    target.symlink_to(victim, target_is_directory=True)
    args = ["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet", "--overwrite"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "symbolic link" in err and sub in err
    assert sorted(p.name for p in victim.iterdir()) == ["thesis.tex"]


def test_overwrite_refuses_a_stranger_file_in_runs_and_deletes_nothing(small_file, tmp_path, capsys):
    out = tmp_path / "out"
    run_sweep(SMALL, out, backend="serial", quiet=True)
    (out / "runs" / "notes.txt").write_text("mine")
    before = sorted(p.name for p in (out / "runs").iterdir())
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--overwrite"]) == 2
    assert "'notes.txt', which govsim did not write" in capsys.readouterr().err
    assert sorted(p.name for p in (out / "runs").iterdir()) == before


def test_planted_links_at_temporary_and_plot_names_are_never_written_through(small_file, tmp_path, capsys):
    out = tmp_path / "out"
    run_sweep(SMALL, out, backend="serial", quiet=True)
    (out / "runs" / "part-000001.parquet").unlink()  # something left to resume
    victim = _victim(tmp_path)
    secret = victim / "thesis.tex"
    for name in (".manifest.json.tmp", ".lock.tmp", ".govsim-tmp-manifest.json.00000000"):
        (out / name).symlink_to(secret)  # the old fixed names, and one of ours
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    assert secret.read_text() == "years of work" and len(load_runs(out)) == 4
    (out / "plots").mkdir()
    (out / "plots" / "rho.png").symlink_to(secret)
    assert cli.main(["report", str(out)]) == 2
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert "rho.png is a symbolic link" in errors[0] and "'rho.png', which govsim did not write" in errors[1]
    assert secret.read_text() == "years of work"


def test_write_atomic_creates_temporaries_exclusively_and_leaves_nothing_on_failure(tmp_path):
    def fail(handle):
        handle.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        safefiles.write_atomic(tmp_path / "a.txt", fail)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="symbolic link"):
        safefiles.write_text(tmp_path / "link", "x")
    assert not (tmp_path / "elsewhere").exists()
    safefiles.write_atomic(tmp_path / "new.txt", lambda h: h.write(b"first"), replace=False)
    with pytest.raises(FileExistsError):
        safefiles.write_atomic(tmp_path / "new.txt", lambda h: h.write(b"second"), replace=False)
    assert (tmp_path / "new.txt").read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "new.txt"]


# ---------------------------------------------------------------- 4: terminal escapes
def test_report_strips_terminal_escapes_from_the_experiment_name(tmp_path, capsys):
    evil = Experiment(
        factors=(Factor("rho", levels=(0.1, 0.2)),), fixed={"max_rounds": 3}, name="x\x1b]0;owned\x07\x1b[2J"
    )
    run_sweep(evil, tmp_path, backend="serial", quiet=True)
    assert cli.main(["report", str(tmp_path), "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "govsim report: x]0;owned[2J" in out


# ---------------------------------------------------------------- 5: one error path
def test_an_unreachable_scheduler_writes_nothing_and_says_why(small_file, tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    out = tmp_path / "out"
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "tcp://127.0.0.1:1: cannot connect" in err
    assert not out.exists()


def _raise(exc):
    def run_chunk(config, specs):
        raise exc

    return run_chunk


def test_an_error_before_the_first_chunk_names_its_cause_and_releases_the_lock(
    small_file, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(backends, "run_chunk", _raise(RuntimeError("boom")))
    out = tmp_path / "out"
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet"]) == 1
    printed = capsys.readouterr().out.strip().splitlines()
    assert (
        printed[-1]
        == "govsim sweep: RuntimeError: boom; 4 runs missing; run the same command again to resume"
    )
    assert not (out / ".lock").exists()
    assert json.loads((out / "manifest.json").read_text())["counts"] == {"ok": 0, "failed": 0}


def test_ctrl_c_in_the_first_seconds_prints_interrupted_and_exits_130(
    small_file, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(backends, "run_chunk", _raise(KeyboardInterrupt()))
    out = tmp_path / "out"
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet"]) == 130
    err = capsys.readouterr().err.strip()
    assert err == "govsim sweep: interrupted; 0 of 4 runs stored; run the same command again to resume"
    assert not (out / ".lock").exists()
    monkeypatch.undo()
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet"]) == 0


# ---------------------------------------------------------------- 6: killed while writing the manifest
def test_a_kill_during_the_first_manifest_write_leaves_a_resumable_folder(small_file, tmp_path):
    out = tmp_path / "out"
    killer = (
        "import os, signal, sys; os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL); "
        "from govsim.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    args = ["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet"]
    proc = subprocess.run([sys.executable, "-c", killer, *args], timeout=60, check=False)
    assert proc.returncode == -signal.SIGKILL and not (out / "manifest.json").exists()
    assert any(p.name.startswith(".") for p in out.iterdir())  # what the kill left behind
    assert subprocess.run(_cli(*args), timeout=60, check=False).returncode == 0
    assert len(load_runs(out)) == 4
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "rounds", "runs"]


# ---------------------------------------------------------------- 7: the driver killed
def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found |= {int(c) for c in text}
    return found | {g for c in found if Path(f"/proc/{c}").exists() for g in _children(c)}


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _start_long_sweep(tmp_path: Path) -> tuple[subprocess.Popen, Path, set[int]]:
    experiment = tmp_path / "long.toml"
    experiment.write_text(LONG_TOML)
    out = tmp_path / "out"
    args = ["sweep", str(experiment), "--out", str(out), "--workers", "2", "--chunk", "1", "--quiet"]
    proc = subprocess.Popen(_cli(*args), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / "runs").is_dir() or not any((out / "runs").glob("part-*")):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert len(workers) >= 2
    return proc, out, workers


def _all_gone(pids: set[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_killing_the_driver_takes_its_workers_with_it(signum, tmp_path):
    proc, out, workers = _start_long_sweep(tmp_path)
    proc.send_signal(signum)
    code = proc.wait(timeout=30)
    assert _all_gone(workers), "worker processes outlived their driver"
    if signum != signal.SIGKILL:
        err = proc.stderr.read().strip()
        assert code == 128 + signum
        assert err.startswith(f"govsim sweep: interrupted by {signum.name};") and err.endswith("resume")
        assert len(err.splitlines()) == 1 and not (out / ".lock").exists()
    proc.stderr.close()


# ---------------------------------------------------------------- 8, 9: a run that kills its worker
class KillsItsWorker(BottomUp):
    """Bottom-up, except that with ``support`` above 0.5 it kills the process running it, as the
    system's out-of-memory killer would (never the test process itself)."""

    name = "kills_its_worker"

    def decide(self, table, y):
        if table.params.support > 0.5 and os.getpid() != DRIVER:
            os.kill(os.getpid(), signal.SIGKILL)
        return BottomUp.decide(self, table, y)  # no super(): the class travels by value


KillsItsWorker.__module__ = "__main__"  # travels by value, as a notebook's class does

KILLER_TOML = f"""
replicates = {{replicates}}
[fixed]
max_rounds = 4
[factors]
support = [0.0, 0.9]
protocol = ["bottom_up", "{KillsItsWorker.name}"]
"""  # points: 0 (0.0, bottom_up), 1 (0.0, killer), 2 (0.9, bottom_up), 3 (0.9, killer: dies)


def test_a_worker_killed_by_the_system_keeps_finished_chunks_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(PROTOCOLS, KillsItsWorker.name, KillsItsWorker)
    experiment = tmp_path / "killer.toml"
    experiment.write_text(KILLER_TOML.format(replicates=2))
    out = tmp_path / "out"
    args = ["sweep", str(experiment), "--out", str(out), "--workers", "2", "--chunk", "1", "--quiet"]
    assert cli.main(args) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    stored = load_runs(out)  # break26b F3: the runs in the broken pool are retried one at a time
    assert len(stored) == 6 and 3 not in set(stored["point_id"]) and (stored["status"] == "ok").all()
    assert captured.out.strip().splitlines()[-1] == (
        "govsim sweep: the runs of point(s) p000003 killed their worker every time; 2 runs missing; "
        "running the same command again only tries them again: check those points' settings"
    )
    assert not (out / ".lock").exists()


@pytest.mark.slow
def test_on_dask_only_the_killing_point_is_missing_and_named(tmp_path, monkeypatch, capsys):
    distributed = pytest.importorskip("distributed")
    import dask

    monkeypatch.setitem(PROTOCOLS, KillsItsWorker.name, KillsItsWorker)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),  # one death per try: a quick test
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        killer = Experiment.from_dict(tomllib.loads(KILLER_TOML.format(replicates=1)))
        result = run_sweep(killer, tmp_path, backend="dask", client=client, quiet=True, chunk=2)
    runs = load_runs(tmp_path)  # chunk [2, 3] was lost with its worker; 2 is a bystander
    assert sorted(runs["point_id"].unique()) == [0, 1, 2]
    assert len(runs) == 3 and (runs["status"] == "ok").all()
    assert result.missing == 1 and result.killer_points == (3,)
    from govsim.commands.sweep import report_lines

    assert report_lines(result)[-1] == (
        "govsim sweep: the runs of point(s) p000003 killed their worker every time; "
        "1 run missing; running the same command again only tries them again: check those points' settings"
    )


# ---------------------------------------------------------------- 10: the lock
def test_the_lock_is_exclusive_and_names_its_holder(tmp_path):
    run_sweep(SMALL, tmp_path, backend="serial", quiet=True)
    with SweepLock(tmp_path):
        with pytest.raises(ValueError, match=rf"in use by another sweep \(process {os.getpid()} on host "):
            run_sweep(SMALL, tmp_path, backend="serial", quiet=True)
        with pytest.raises(ValueError, match="started 20"):
            SweepLock(tmp_path).acquire()
    assert not (tmp_path / ".lock").exists()


def test_a_lock_file_naming_a_live_unrelated_process_blocks_nothing(tmp_path):
    run_sweep(SMALL, tmp_path, backend="serial", quiet=True)
    (tmp_path / "runs" / "part-000001.parquet").unlink()
    (tmp_path / ".lock").write_text(str(os.getppid()))  # the old format, naming a live process
    result = run_sweep(SMALL, tmp_path, backend="serial", quiet=True)
    assert result.missing == 0 and not (tmp_path / ".lock").exists()


# ---------------------------------------------------------------- 11: writability first
def test_a_read_only_results_folder_is_refused_before_any_run(tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_sweep(SMALL, out, backend="serial", quiet=True)
    (out / "runs" / "part-000001.parquet").unlink()
    real_open = os.open
    runs = str(out / "runs")

    def read_only(path, flags, *args, **kwargs):  # what a read-only runs/ does (as root too)
        if str(path).startswith(runs) and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    ran = []
    with pytest.raises(
        ValueError, match=r"^cannot write in \S*runs \(permission denied\): make the folder writable"
    ):
        run_sweep(SMALL, out, backend="serial", quiet=True, on_chunk=ran.append)
    assert ran == [] and not (out / ".lock").exists()


# ---------------------------------------------------------------- 18 (last part): more replicates
def test_more_replicates_extend_a_finished_sweep_in_place(tmp_path):
    run_sweep(SMALL, tmp_path / "two", backend="serial", quiet=True)
    before = load_runs(tmp_path / "two")
    more = Experiment(**{**SMALL.__dict__, "replicates": 3})
    result = run_sweep(more, tmp_path / "two", backend="serial", quiet=True)
    assert (result.planned, result.skipped, result.ran) == (6, 4, 2)
    run_sweep(more, tmp_path / "fresh", backend="serial", quiet=True)
    extended, fresh = (load_runs(tmp_path / n).drop(columns="wall_time") for n in ("two", "fresh"))
    pd.testing.assert_frame_equal(extended, fresh)
    kept = extended.set_index("run_id").loc[before["run_id"]].reset_index()
    pd.testing.assert_frame_equal(kept, before.drop(columns="wall_time"))
    manifest = Store(tmp_path / "two").manifest()
    assert manifest["runs_planned"] == 6 and manifest["experiment"]["replicates"] == 3
    fewer = Experiment(**{**SMALL.__dict__, "replicates": 1})
    with pytest.raises(ValueError, match="different experiment"):
        run_sweep(fewer, tmp_path / "two", backend="serial", quiet=True)


# ---------------------------------------------------------------- the library never imports the CLI
def test_a_missing_dask_is_a_value_error_not_the_cli_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ValueError, match=r"pip install 'govsim\[dask\]'"):
        cluster.import_distributed()


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_runs_part_that_is_not_a_plain_file_is_named_with_its_kind(tmp_path, capsys, kind):
    """Breaker item 10: a FIFO (or a link to /dev/zero) as a runs part hung or said only its path;
    parts are checked with lstat before they are opened."""
    out = tmp_path / "out"
    run_sweep(SMALL, out, backend="serial", quiet=True)
    part = sorted((out / "runs").iterdir())[0]
    part.unlink()
    if kind == "fifo":
        os.mkfifo(part)
    else:
        part.symlink_to("/dev/zero")
    assert cli.main(["report", str(out), "--no-plots"]) == 2
    err = capsys.readouterr().err
    expected = "a FIFO (named pipe)" if kind == "fifo" else "a symbolic link"
    assert f"{part} is {expected}, not a results part" in err and err.count("\n") == 1


def test_a_hard_linked_part_that_is_not_parquet_is_named_in_one_line(small_file, tmp_path, capsys):
    """break26b minor: a hard-linked file planted as a results part gave Arrow's raw line ('Could
    not open Parquet input source ... magic bytes not found'). Now the part is named, with what
    to do, in one line and exit 2; the planted file and its other name are left untouched."""
    out = tmp_path / "out"
    run_sweep(SMALL, out, backend="serial", quiet=True)
    stranger = tmp_path / "notes.txt"
    stranger.write_text("not parquet")
    os.link(stranger, out / "runs" / "part-000009.parquet")
    assert cli.main(["sweep", str(small_file), "--out", str(out), "--backend", "serial", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "part-000009.parquet is not a results part govsim can read" in err[0]
    assert "run the same command again" in err[0] and "Traceback" not in err[0]
    assert stranger.read_text() == "not parquet"
