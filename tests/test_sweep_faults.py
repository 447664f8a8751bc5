"""Sweeps on failing clusters, under nohup and under spawn (issue 26, items 8, 10 and 11).

Each test replays a finding of the reliability review (F07b, F05, H2/N13, N08) that failed before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

LONG_TOML = """
name = "long"
replicates = 30
[fixed]
max_rounds = 8
[factors]
support = [0.0, 0.8]
"""


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "govsim.cli", *args]


def _ignore_sighup() -> None:  # what nohup does before it runs the command
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


# ---------------------------------------------------------------- 10: nohup
@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_a_sweep_started_under_nohup_survives_the_hang_up(tmp_path, backend):
    """H2/N13: ``nohup govsim sweep ... &`` then logout (SIGHUP to the whole process group)
    stopped the sweep with exit 129. The hang-up now reaches driver and workers, and is ignored."""
    if backend == "dask":
        pytest.importorskip("distributed")
    experiment = tmp_path / "long.toml"
    experiment.write_text(LONG_TOML)
    out = tmp_path / "out"
    args = ["sweep", str(experiment), "--out", str(out), "--workers", "2", "--chunk", "2", "--quiet"]
    proc = subprocess.Popen(
        _cli(*args, "--backend", backend),
        preexec_fn=_ignore_sighup,
        start_new_session=True,  # its own process group, as a login session's job
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (out / "runs").is_dir() or not any((out / "runs").glob("part-*")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGHUP)  # the terminal went away
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "interrupted" not in stderr
    from govsim.sweep import load_runs

    runs = load_runs(out)
    assert len(runs) == 60 and runs["run_id"].is_unique and (runs["status"] == "ok").all()


def test_without_nohup_the_hang_up_still_stops_the_sweep_cleanly(tmp_path):
    """The default is unchanged: SIGHUP stops the sweep with one line, resumable (exit 129)."""
    experiment = tmp_path / "long.toml"
    experiment.write_text(LONG_TOML)
    out = tmp_path / "out"
    args = ["sweep", str(experiment), "--out", str(out), "--workers", "2", "--chunk", "1", "--quiet"]
    proc = subprocess.Popen(_cli(*args), start_new_session=True, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out / "runs").is_dir() or not any((out / "runs").glob("part-*")):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGHUP)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGHUP
    assert stderr.startswith("govsim sweep: interrupted by SIGHUP;") and stderr.count("\n") == 1


def test_the_workers_keep_what_the_driver_inherited(monkeypatch):
    from govsim.sweep.processes import leave_signals_to_the_driver

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *a: None)  # the driver's own handler, inherited by a fork
        leave_signals_to_the_driver()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
