"""``govsim lab``: which folder it copies, the working copy it opens (the originals stay
untouched) and the JupyterLab command it builds (``--dry-run``); the browser tests in
``test_browser.py`` start a real server."""

from __future__ import annotations

import json
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


def test_command_roots_jupyterlab_at_the_workspace_and_opens_the_start_notebook(tmp_path, monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000, raising=False)
    start = tmp_path / "notebooks" / lab.START
    command = lab.lab_command(tmp_path, no_browser=True, extra=["--", "--port", "8899"], start=start)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert f"--LabApp.user_settings_dir={tmp_path / lab.SETTINGS}" in command, "settings in the workspace"
    assert command[-3:] == ["--port", "8899", str(start)]
    assert "--no-browser" in command and "--allow-root" not in command and "--" not in command


def test_the_news_pop_up_is_off(tmp_path):
    """JupyterLab 4 asks "notified about official Jupyter news?" while the notification
    plugin's ``fetchNews`` is "none"; the workspace settings answer it, the flags stop fetching."""
    command = lab.lab_command(tmp_path)
    assert "--LabApp.news_url=None" in command
    assert any("NeverCheckForUpdate" in part for part in command)
    (tmp_path / "notebooks").mkdir()
    lab.prepare_workspace(tmp_path / "notebooks", tmp_path / "ws")
    settings = (
        tmp_path / "ws" / lab.SETTINGS / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    )
    assert json.loads(settings.read_text())["fetchNews"] == "false"


def _originals(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    for folder, name in [("notebooks", lab.START), ("notebooks", "README.md"), ("exercises", "ex1.ipynb")]:
        (checkout / folder).mkdir(parents=True, exist_ok=True)
        (checkout / folder / name).write_text(f"original {name}")
    return checkout / "notebooks"


def test_the_workspace_copies_notebooks_and_exercises_and_never_overwrites(tmp_path):
    notebooks = _originals(tmp_path)
    workspace = tmp_path / "ws"
    copied = lab.prepare_workspace(notebooks, workspace)
    assert sorted(p.relative_to(workspace).as_posix() for p in copied) == [
        "exercises/ex1.ipynb",
        "notebooks/00_start_here.ipynb",
        "notebooks/README.md",
    ]
    (workspace / "notebooks" / lab.START).write_text("my work")  # what autosave would do
    (workspace / "exercises" / "ex1.ipynb").unlink()  # "delete a file to get the original back"
    again = lab.prepare_workspace(notebooks, workspace)
    assert [p.name for p in again] == ["ex1.ipynb"]
    assert (workspace / "notebooks" / lab.START).read_text() == "my work"
    assert (notebooks / lab.START).read_text() == f"original {lab.START}", "the original is untouched"


def test_the_workspace_is_never_the_originals(tmp_path):
    notebooks = _originals(tmp_path)
    for inside in (notebooks, notebooks / "sub", notebooks.parent / "exercises"):
        with pytest.raises(UsageError, match="is inside the originals"):
            lab.prepare_workspace(notebooks, inside)


def test_default_workspace_is_in_the_checkout_and_ignored_by_git(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVSIM_WORKSPACE", raising=False)
    assert lab.default_workspace(CHECKOUT_NOTEBOOKS) == CHECKOUT_NOTEBOOKS.parent / "workspace"
    monkeypatch.setenv("GOVSIM_WORKSPACE", str(tmp_path / "mine"))
    assert lab.default_workspace(CHECKOUT_NOTEBOOKS) == tmp_path / "mine"


def test_root_users_get_allow_root(workshop, monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0, raising=False)
    assert "--allow-root" in lab.lab_command(workshop)


def test_cli_dry_run_prints_the_command_and_copies_nothing(tmp_path, capsys):
    notebooks = _originals(tmp_path)
    workspace = tmp_path / "ws"
    args = ["lab", "--notebooks", str(notebooks), "--workspace", str(workspace), "--dry-run"]
    assert cli.main([*args, "--", "--port", "8899"]) == 0
    command = shlex.split(capsys.readouterr().out)
    assert command[1:3] == ["-m", "jupyterlab"] and "8899" in command
    assert command[-1] == str(workspace.resolve() / "notebooks" / lab.START)
    assert not workspace.exists()


def test_cli_bad_folder_exits_2(tmp_path, capsys):
    assert cli.main(["lab", "--notebooks", str(tmp_path / "nowhere"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a folder" in err
