"""``govsim lab``: which folder it copies, the working copy it opens (the originals stay
untouched) and the JupyterLab command it builds (``--dry-run``); the browser tests in
``test_browser.py`` start a real server."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from urllib.parse import unquote

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


# ---------------------------------------------------------------- links (issue 26, item 6)
def _slug(heading: str) -> str:
    """The anchor GitHub and JupyterLab give a Markdown heading: lower case, punctuation
    dropped, spaces to hyphens."""
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", heading.strip().lower()))


def _anchors(path: Path) -> set[str]:
    return {
        _slug(m) for m in re.findall(r"^#+\s+(.*)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    }


def _all_links(path: Path) -> list[str]:
    """Every relative link of a notebook's Markdown cells or a Markdown file, anchor included."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join(
            "".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown"
        )
    found = re.findall(r"\]\(\s*<?([^)\s>]+)>?", text) + re.findall(r"(?:href|src)=[\"']([^\"']+)", text)
    return [unquote(link) for link in found if not re.match(r"[A-Za-z][\w+.-]*:|#|/", link)]


def test_every_relative_link_opens_from_the_workspace(tmp_path):
    """The review found 36 dead links (glossary, reading list) in 9 lab notebooks: follow every
    relative link of every notebook and exercise, and of the files they lead to, from the
    workspace, anchors included."""
    workspace = tmp_path / "ws"
    lab.prepare_workspace(CHECKOUT_NOTEBOOKS, workspace)
    queue = sorted(
        p for folder in lab.FOLDERS for p in (workspace / folder).iterdir() if p.suffix in (".ipynb", ".md")
    )
    assert len(queue) >= 10
    followed, seen = 0, set(queue)
    while queue:
        page = queue.pop()
        for link in _all_links(page):
            file, _, anchor = link.partition("#")
            target = (page.parent / file).resolve()
            assert target.is_file(), f"{page.relative_to(workspace)}: {link} is dead in the workspace"
            assert workspace.resolve() in target.parents, f"{page.name}: {link} leaves the workspace"
            if anchor:
                assert anchor.lower() in _anchors(target), (
                    f"{page.relative_to(workspace)}: no heading #{anchor}"
                )
            followed += 1
            if target.suffix == ".md" and target not in seen:
                seen.add(target)
                queue.append(target)
    assert followed >= 36, followed  # the review's count: the glossary and reading-list links


def test_linked_files_are_copied_once_and_kept(tmp_path):
    notebooks = _originals(tmp_path)
    (notebooks.parent / "docs").mkdir()
    (notebooks.parent / "docs" / "glossary.md").write_text("# Glossary\nsee [more](more.md)\n")
    (notebooks.parent / "docs" / "more.md").write_text("# More\n")
    (notebooks.parent / "secret.txt").write_text("not linked")
    (notebooks / "01.ipynb").write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "markdown",
                        "source": ["[g](../docs/glossary.md#glossary) [w](https://x.org)"],
                    }
                ]
            }
        )
    )
    workspace = tmp_path / "ws"
    copied = {p.relative_to(workspace).as_posix() for p in lab.prepare_workspace(notebooks, workspace)}
    assert {"docs/glossary.md", "docs/more.md"} <= copied and not (workspace / "secret.txt").exists()
    (workspace / "docs" / "glossary.md").write_text("my notes")
    assert lab.prepare_workspace(notebooks, workspace) == []
    assert (workspace / "docs" / "glossary.md").read_text() == "my notes"


# ---------------------------------------------------------------- whose folder (issue 26, item 7)
def test_a_foreign_non_empty_folder_is_refused_unless_asked(tmp_path, capsys):
    """The review's O11: 25 files merged into a foreign project without a word."""
    notebooks = _originals(tmp_path)
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "notebooks" / lab.START).write_text("their own")
    args = ["lab", "--notebooks", str(notebooks), "--workspace", str(project), "--", "--help"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1
        and "is not empty and holds no .govsim-lab.json" in err[0]
        and "--use-existing" in err[0]
    )
    assert sorted(p.name for p in project.rglob("*")) == ["00_start_here.ipynb", "notebooks"]
    copied = lab.prepare_workspace(notebooks, project, use_existing=True)
    assert (project / "notebooks" / lab.START).read_text() == "their own"
    assert "notebooks/00_start_here.ipynb" not in {p.relative_to(project).as_posix() for p in copied}
    assert lab.prepare_workspace(notebooks, project) == [], "now marked: used again without asking"


def test_a_workspace_made_before_the_marker_is_still_ours(tmp_path):
    notebooks = _originals(tmp_path)
    workspace = tmp_path / "ws"
    lab.prepare_workspace(notebooks, workspace)
    (workspace / ".govsim-lab.json").unlink()  # as an older govsim lab left it
    (workspace / "notebooks" / lab.START).write_text("my work")
    assert lab.prepare_workspace(notebooks, workspace) == []
    assert (workspace / "notebooks" / lab.START).read_text() == "my work"


@pytest.mark.parametrize(
    "link", [".jupyter", ".jupyter/user-settings", "notebooks", "exercises", "docs", "."]
)
def test_nothing_is_written_through_a_link(tmp_path, link):
    """The review's L2: a symlinked .jupyter got a settings file written into its target."""
    notebooks = _originals(tmp_path)
    (notebooks.parent / "docs").mkdir()
    (notebooks.parent / "docs" / "g.md").write_text("# G\n")
    (notebooks / "01.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "markdown", "source": "[g](../docs/g.md)"}]})
    )
    victim = tmp_path / "victim"
    victim.mkdir()
    workspace = tmp_path / "ws"
    if link == ".":
        workspace.symlink_to(victim)
    else:
        (workspace / link).parent.mkdir(parents=True, exist_ok=True)
        (workspace / link).symlink_to(victim)
        (workspace / ".govsim-lab.json").write_text(json.dumps({"generator": "govsim lab", "files": []}))
    with pytest.raises((ValueError, UsageError), match="symbolic link"):
        lab.prepare_workspace(notebooks, workspace)
    assert list(victim.iterdir()) == [], "nothing written into the link's target"


def test_notebooks_folder_without_the_start_notebook_is_refused(tmp_path, capsys):
    """break26a item 2: ``--notebooks ''``-like folders (none, or other notebooks) were used."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "theirs.ipynb").write_text("{}")
    workspace = tmp_path / "ws"
    for given in (other, tmp_path / "empty"):
        given.mkdir(exist_ok=True)
        assert (
            cli.main(["lab", "--notebooks", str(given), "--workspace", str(workspace), "--no-browser"]) == 2
        )
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"holds no {lab.START}" in err and "Traceback" not in err
    assert not workspace.exists()


@pytest.mark.parametrize("option", ["--notebooks", "--workspace"])
def test_an_empty_path_is_not_here(tmp_path, monkeypatch, capsys, option):
    """break26a item 1: ``govsim lab --workspace ''`` took the current folder."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        cli.main(["lab", option, "", "--no-browser"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "an empty path is not allowed" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("use_existing", [False, True])
def test_a_linked_jupyter_folder_is_refused_before_any_write(tmp_path, capsys, use_existing):
    """break26a item 8: a foreign folder whose ``.jupyter`` links to a folder holding Lab
    settings got 22 files written, then was refused."""
    notebooks = _originals(tmp_path)
    jdir = tmp_path / "jdir"
    settings = jdir / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text("{}")
    foreign = tmp_path / "foreign2"
    foreign.mkdir()
    (foreign / ".jupyter").symlink_to(jdir)
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    args = ["lab", "--notebooks", str(notebooks), "--workspace", str(foreign), "--no-browser"]
    assert cli.main(args + (["--use-existing"] if use_existing else [])) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'.jupyter', a symbolic link" in err and "nothing was written" in err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("use_existing", [False, True])
def test_the_workspace_may_not_hold_the_originals(tmp_path, capsys, use_existing):
    """break26a item 9: the checkout itself as the workspace opened the originals in place."""
    notebooks = _originals(tmp_path)
    checkout = notebooks.parent
    for workspace in (checkout, tmp_path):
        args = ["lab", "--notebooks", str(notebooks), "--workspace", str(workspace), "--no-browser"]
        assert cli.main(args + (["--use-existing"] if use_existing else [])) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "holds the originals" in err
    assert not (checkout / ".govsim-lab.json").exists() and not (checkout / ".jupyter").exists()


def test_a_linked_marker_is_named_as_a_link(tmp_path):
    """break26a item 9: a marker that is a symbolic link was reported as missing."""
    notebooks = _originals(tmp_path)
    workspace = tmp_path / "ws"
    lab.prepare_workspace(notebooks, workspace)
    real = tmp_path / "elsewhere.json"
    real.write_text((workspace / ".govsim-lab.json").read_text())
    (workspace / ".govsim-lab.json").unlink()
    (workspace / ".govsim-lab.json").symlink_to(real)
    with pytest.raises(UsageError, match=r"\.govsim-lab\.json', a symbolic link"):
        lab.prepare_workspace(notebooks, workspace)
