"""What govsim commands write into a checkout (``govsim lab``'s workspace, ``govsim solutions
solutions/``, handouts, sweep results, saved role-play sessions) is ignored by git, ruff and
pytest, so the README's test command still passes and ``git status`` stays clean after a workshop."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATED_FOLDERS = ("workspace", "solutions", "handouts", "results", "test-output")
GENERATED_FILES = ("roleplay.json", "roleplay-team-a.json")


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
@pytest.mark.parametrize(
    "path", [f"{folder}/x.ipynb" for folder in GENERATED_FOLDERS] + list(GENERATED_FILES)
)
def test_git_ignores_generated_output(path):
    ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{path} is not in .gitignore"


def test_ruff_and_pytest_skip_generated_folders(pyproject):
    ruff = pyproject["tool"]["ruff"]["extend-exclude"]
    pytest_skips = pyproject["tool"]["pytest"]["ini_options"]["norecursedirs"]
    for folder in GENERATED_FOLDERS:
        assert folder in ruff, f"ruff would lint {folder}/"
        assert folder in pytest_skips, f"pytest would collect {folder}/"


def test_the_lab_workspace_is_one_of_them():
    from govsim.commands.lab import default_workspace

    assert default_workspace(ROOT / "notebooks").name in GENERATED_FOLDERS
