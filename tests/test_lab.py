"""``govsim lab``: which folder it opens and the JupyterLab command it builds (``--dry-run``);
the browser tests in ``test_browser.py`` start a real server."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from govsim import cli
from govsim.cli import UsageError
from govsim.commands import lab

CHECKOUT_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    (tmp_path / lab.START).write_text("{}")
    return tmp_path


def test_given_folder_is_used(workshop):
    assert lab.find_notebooks(workshop) == workshop.resolve()


def test_missing_folder_is_one_line_error(tmp_path):
    with pytest.raises(UsageError, match=r"--notebooks '.*nowhere' is not a folder"):
        lab.find_notebooks(tmp_path / "nowhere")


def test_search_prefers_the_start_notebook(tmp_path, workshop, monkeypatch):
    plain = tmp_path / "other" / "notebooks"
    plain.mkdir(parents=True)
    (plain / "x.ipynb").write_text("{}")
    monkeypatch.setattr(lab, "candidates", lambda: [plain, workshop])
    assert lab.find_notebooks() == workshop.resolve()
    monkeypatch.setattr(lab, "candidates", lambda: [plain, tmp_path / "missing"])
    assert lab.find_notebooks() == plain.resolve(), "a notebooks folder without the start notebook will do"
    monkeypatch.setattr(lab, "candidates", lambda: [tmp_path / "missing"])
    with pytest.raises(UsageError, match="cannot find the workshop notebooks"):
        lab.find_notebooks()


def test_the_checkout_notebooks_are_a_candidate():
    assert CHECKOUT_NOTEBOOKS in lab.candidates()


def test_command_roots_jupyterlab_at_the_folder_and_opens_the_start_notebook(workshop, monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000, raising=False)
    command = lab.lab_command(workshop.resolve(), no_browser=True, extra=["--", "--port", "8899"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={workshop.resolve()}" in command
    assert command[-3:] == ["--port", "8899", str(workshop.resolve() / lab.START)]
    assert "--no-browser" in command and "--allow-root" not in command and "--" not in command


def test_root_users_get_allow_root(workshop, monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0, raising=False)
    assert "--allow-root" in lab.lab_command(workshop)


def test_cli_dry_run_prints_the_command(workshop, capsys):
    assert cli.main(["lab", "--notebooks", str(workshop), "--dry-run", "--", "--port", "8899"]) == 0
    command = shlex.split(capsys.readouterr().out)
    assert command[1:3] == ["-m", "jupyterlab"] and "8899" in command


def test_cli_bad_folder_exits_2(tmp_path, capsys):
    assert cli.main(["lab", "--notebooks", str(tmp_path / "nowhere"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a folder" in err
