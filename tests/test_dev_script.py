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
import shlex
import shutil
import subprocess
import sys
import tomllib
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
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + b"extras=dev\n").hexdigest()
    (venv / ".govsim-installed").write_text(stamp + "\n")
    return venv


def _dev(venv: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "GOVSIM_VENV")}
    environ = {**inherited, "GOVSIM_VENV": str(venv), **env}
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


def _python_reporting(folder: Path, version: str) -> Path:
    """A stand-in interpreter: this Python, reporting ``version`` as ``sys.version_info``."""
    site = folder / "site"
    site.mkdir(parents=True)
    major, minor, micro = map(int, version.split("."))
    (site / "sitecustomize.py").write_text(
        f"import sys\nsys.version_info = ({major}, {minor}, {micro}, 'final', 0)\n"
    )
    python = folder / "bin" / f"python{major}.{minor}"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nPYTHONPATH="{site}" exec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    return python


OTHER = f"3.{sys.version_info.minor + 1}"  # a Python other than the one running the tests


@pytest.fixture
def pyenv_other(tmp_path: Path) -> dict[str, str]:
    """A pyenv whose selected version lacks pythonX.Y (:data:`OTHER`, e.g. python3.13): its
    shim fails (exit 127) and ``pyenv whence pythonX.Y`` names X.Y.0, which has it."""
    root = tmp_path / "pyenv"
    real = _python_reporting(root / "versions" / f"{OTHER}.0", f"{OTHER}.0")
    shim = root / "shims" / f"python{OTHER}"
    shim.parent.mkdir(parents=True)
    shim.write_text(f"#!/bin/sh\necho 'pyenv: python{OTHER}: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    tool = tmp_path / "tools" / "pyenv"
    tool.parent.mkdir()
    tool.write_text(
        "#!/bin/bash\n"
        f"root={shlex.quote(str(root))}\nv={OTHER}.0\n"
        'case "$1" in\n'
        '  root) echo "$root" ;;\n'
        '  which) if [ "${PYENV_VERSION:-}" = "$v" ] && [ -x "$root/versions/$v/bin/$2" ]; then\n'
        '           echo "$root/versions/$v/bin/$2"; else echo "pyenv: $2: command not found" >&2; exit 127; fi ;;\n'
        '  whence) [ -x "$root/versions/$v/bin/$2" ] && echo "$v" ;;\n'
        '  versions) echo "$v" ;;\n'
        "esac\n"
    )
    tool.chmod(0o755)
    return {"PATH": f"{tool.parent}{os.pathsep}{os.environ['PATH']}", "PYTHON": str(shim), "real": str(real)}


def test_a_pyenv_shim_in_PYTHON_is_resolved_and_a_venv_of_another_version_stops(fake_venv, pyenv_other):
    """PYTHON=$(command -v python3.13) under pyenv is a shim (the review's case, with 3.13 the
    Python after this one); the .venv here is this Python."""
    done = _dev(fake_venv, "govsim", "--version", PATH=pyenv_other["PATH"], PYTHON=pyenv_other["PYTHON"])
    have = ".".join(map(str, sys.version_info[:3]))
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"{fake_venv} has Python {have} but PYTHON={pyenv_other['PYTHON']} is Python {OTHER}.0: remove"
        f" {fake_venv} to rebuild it, or set GOVSIM_VENV=.venv-{OTHER} to keep both"
    ]


def test_a_venv_of_the_asked_for_version_is_used(fake_venv):
    have = ".".join(map(str, sys.version_info[:3]))
    asked = _python_reporting(fake_venv.parent / "asked", have)
    done = _dev(fake_venv, "govsim", "--version", PYTHON=str(asked))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("govsim ")


@pytest.mark.parametrize("python", ["/nowhere/python3.13", "python2.7", "false"])
def test_a_PYTHON_that_cannot_run_stops_with_one_line(tmp_path, python):
    done = _dev(tmp_path / "venv", "govsim", "--version", PYTHON=python)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"PYTHON={python} is not a Python 3.12 or newer that runs here"
        " (under pyenv: pyenv versions lists what is installed)"
    ]
    assert not (tmp_path / "venv").exists(), "nothing is built from another interpreter"


def _ci_pythons() -> set[str]:
    """The Pythons CI runs govsim's tests on: the dev.sh default and each PYTHON= in .ci/run."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return {"3.12", *re.findall(r"PYTHON=python(3\.\d+)", ci)}


def test_classifiers_name_the_pythons_ci_tests():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    named = {
        c.rsplit(":: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert named == _ci_pythons()
    assert project["requires-python"] == f">={min(named, key=lambda v: tuple(map(int, v.split('.'))))}"
    first = re.search(r"for cand in (\S+)", (ROOT / "scripts" / "dev.sh").read_text(encoding="utf-8"))
    assert first.group(1) == "python3.12", "dev.sh prefers the Python CI runs the whole suite on"


def test_ci_runs_the_quick_loop_on_the_other_pythons_in_their_own_venv():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for version in _ci_pythons() - {"3.12"}:
        line = next(line for line in ci.splitlines() if f"PYTHON=python{version}" in line)
        assert f"GOVSIM_VENV=.venv-{version}" in line and "dev.sh test --quick" in line, line


def test_the_quick_loop_names_test_files_that_exist():
    """``dev.sh test --quick`` runs the tests marked ``core`` (tests/conftest.py): a renamed or
    removed file must not silently drop out of the inner loop."""
    from conftest import CORE

    tests = Path(__file__).resolve().parent
    missing = sorted(name for name in CORE if not (tests / f"{name}.py").is_file())
    assert not missing, f"tests/conftest.py CORE names missing files: {missing}"
    script = (tests.parent / "scripts" / "dev.sh").read_text(encoding="utf-8")
    assert '-m "core and not slow and not browser"' in script


def test_a_venv_of_an_older_python_stops_with_one_line(tmp_path):
    """break26a item 3: a .venv made by Python 3.11 was "re-created" by a 3.12 (``venv`` keeps
    the existing bin/python), then pip failed after 36 s."""
    venv = tmp_path / "v311"
    _python_reporting(venv, "3.11.7")
    (venv / "bin" / "python").symlink_to(venv / "bin" / "python3.11")
    done = _dev(venv, "govsim", "--version")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"{venv} has Python 3.11.7; govsim needs Python 3.12 or newer: remove {venv} to rebuild it,"
        " or set GOVSIM_VENV=.venv-3.12 to keep it"
    ]


def test_a_venv_whose_python_is_a_dangling_link_stops_with_one_line(tmp_path):
    """break26a item 4: "line 66: .../bin/python: No such file or directory", exit 127."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(tmp_path / "removed" / "python3.12")
    done = _dev(venv, "govsim", "--version")
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{venv} is broken: its bin/python links to ")
    assert "which no longer exists: remove" in lines[0]
