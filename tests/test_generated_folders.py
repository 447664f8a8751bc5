"""What govsim commands write into a checkout (``govsim lab``'s workspace, ``govsim solutions
solutions/``, handouts, sweep results, saved role-play sessions) is ignored by git, ruff and
pytest, so the README's test command still passes and ``git status`` stays clean after a workshop."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
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


def test_pytest_skips_generated_folders(pyproject):
    pytest_skips = pyproject["tool"]["pytest"]["ini_options"]["norecursedirs"]
    for folder in GENERATED_FOLDERS:
        assert folder in pytest_skips, f"pytest would collect {folder}/"


@pytest.mark.parametrize("folder", GENERATED_FOLDERS)
def test_git_ignores_only_the_top_level_folder(folder):
    """A source package may share a generated folder's name (``src/govsim/handouts``): only the
    checkout's own top-level folder is ignored."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    nested = f"src/govsim/{folder}/x.py"
    ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", nested], cwd=ROOT, check=False)
    assert ignored.returncode == 1, f"{nested} is ignored by git"


def test_ruff_skips_generated_folders_but_lints_source_packages_of_the_same_name(tmp_path):
    """Outside a git checkout too: ruff's exclusions are anchored to the project root, so
    ``handouts/`` at the root is skipped and ``src/govsim/handouts/`` is linted."""
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed")
    ruff = [sys.executable, "-m", "ruff"]
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for folder in GENERATED_FOLDERS:
        for where in (tmp_path / folder, tmp_path / "src" / "govsim" / folder):
            where.mkdir(parents=True, exist_ok=True)
            (where / "x.py").write_text("x = 1\n", encoding="utf-8")
    shown = subprocess.run(
        [*ruff, "check", "--show-files", "."], cwd=tmp_path, capture_output=True, text=True, check=False
    ).stdout
    for folder in GENERATED_FOLDERS:
        assert f"src/govsim/{folder}/x.py" in shown, f"ruff skips src/govsim/{folder}/"
        top = [
            line for line in shown.splitlines() if line.endswith(f"/{folder}/x.py") and "/src/" not in line
        ]
        assert not top, f"ruff lints the generated {folder}/"


def test_the_lab_workspace_is_one_of_them():
    from govsim.commands.lab import default_workspace

    assert default_workspace(ROOT / "notebooks").name in GENERATED_FOLDERS
