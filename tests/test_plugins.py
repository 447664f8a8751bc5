"""A measure defined outside the package reaches the ``govsim`` command through a plugin: an
installed distribution declaring a module under the ``govsim.plugins`` entry-point group."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = textwrap.dedent(
    '''
    """A plugin module: one decorated function registers one measure."""
    import numpy as np

    from govsim import measure


    @measure(column="loser_share", label="Stakeholders worse off", unit="share", bounds=(0, 1))
    def loser_share(ctx):
        return float(np.mean(ctx.gains < 0))
    '''
)


def _install(site: Path, module: str, source: str) -> None:
    """What ``pip install`` of a one-module plugin leaves on the path: the module and its
    ``.dist-info`` with an entry point."""
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[govsim.plugins]\n{module} = {module}\n", encoding="utf-8")


def _govsim(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.run(
        [sys.executable, "-m", "govsim", *args], capture_output=True, text=True, timeout=300, env=env, cwd=cwd
    )


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    _install(folder, "govsim_test_plugin", PLUGIN)
    return folder


def test_a_plugin_measure_reaches_govsim_run_json_and_text(site):
    res = _govsim(site, "run", "--json", "--seed", "2")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    per_issue = [issue["loser_share"] for issue in data["issues"]]
    assert all(0.0 <= v <= 1.0 for v in per_issue)
    assert data["mean_loser_share"] == pytest.approx(sum(per_issue) / len(per_issue), abs=1e-6)
    text = _govsim(site, "run", "--seed", "2")
    assert f"Stakeholders worse off (share): {data['mean_loser_share']:.3f}" in text.stdout


def test_a_plugin_measure_reaches_a_command_line_sweep_and_report(site, tmp_path):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(
        'replicates = 2\n[fixed]\nmax_rounds = 3\n[factors]\nprotocol = ["top_down", "bottom_up"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = _govsim(
        site,
        "sweep",
        str(experiment),
        "--out",
        str(out),
        "--backend",
        "processes",
        "--workers",
        "2",
        "--quiet",
    )
    assert res.returncode == 0, res.stderr
    report = _govsim(site, "report", str(out), "--no-plots")
    assert report.returncode == 0, report.stderr
    assert "mean_loser_share" in report.stdout


def test_a_broken_plugin_is_one_line(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    _install(folder, "govsim_broken_plugin", "raise RuntimeError('no such thing')\n")
    res = _govsim(folder, "run")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip() == (
        "govsim run: error: plugin 'govsim_broken_plugin' (govsim_broken_plugin) failed to load: "
        "RuntimeError: no such thing"
    )
