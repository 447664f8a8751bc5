"""``scripts/dev.sh``: the README's tour works right after the set-up command.

The tour starts by activating the ``.venv`` the set-up command built; the set-up command says
how; ``bash scripts/dev.sh govsim ARGS`` runs govsim without activating. The script runs here
against a stand-in ``.venv`` (a ``bin/python`` that calls this interpreter and an up-to-date
install stamp), so nothing is installed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def tour_commands() -> list[str]:
    """The README's tour: the first fenced bash block after a heading containing "tour"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    heading = re.search(r"^#+ .*[Tt]our.*$", text, flags=re.MULTILINE)
    block = re.search(r"```bash\n(.*?)```", text[heading.end() :], flags=re.DOTALL)
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line]


@pytest.fixture
def fake_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    (venv / ".govsim-installed").write_text(stamp + "\n")
    return venv


def _dev(venv: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "GOVSIM_VENV": str(venv), **env}
    environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), environ.get("PYTHONPATH", "")])
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "dev.sh"), *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


def test_the_tour_first_activates_the_venv_the_set_up_command_built():
    commands = tour_commands()
    assert commands[0] == "source .venv/bin/activate"
    assert all(c.startswith("govsim ") for c in commands[1:]), commands


def test_dev_sh_govsim_runs_govsim_through_the_venv(fake_venv):
    done = _dev(fake_venv, "govsim", "scenarios")
    assert done.returncode == 0, done.stderr
    assert "classroom" in done.stdout


def test_set_up_command_says_how_to_activate(fake_venv):
    done = _dev(fake_venv, "start", "--seed", "1", GOVSIM_HEADLESS="1")
    assert done.returncode == 0, done.stderr
    assert f"source {fake_venv}/bin/activate" in done.stdout
    assert "bash scripts/dev.sh govsim" in done.stdout
    assert "govsim: scenario classroom" in done.stdout, "headless start runs the default scenario"


def test_the_quick_loop_names_test_files_that_exist():
    """``dev.sh test --quick`` runs the tests marked ``core`` (tests/conftest.py): a renamed or
    removed file must not silently drop out of the inner loop."""
    from conftest import CORE

    tests = Path(__file__).resolve().parent
    missing = sorted(name for name in CORE if not (tests / f"{name}.py").is_file())
    assert not missing, f"tests/conftest.py CORE names missing files: {missing}"
    script = (tests.parent / "scripts" / "dev.sh").read_text(encoding="utf-8")
    assert '-m "core and not slow and not browser"' in script
