"""``environment.yml`` (conda, Binder/repo2docker) stays consistent with ``pyproject.toml``.

conda users and Binder never read pyproject's dependency list directly: they install what
``environment.yml`` names, then ``pip install -e .`` fills any gap from PyPI. So the two lists
must name the same runtime packages with the same version bounds, or a conda laptop and a pip
laptop end up with different libraries. repo2docker's rules (its conda build pack): it reads
``environment.yml`` and ``postBuild`` from ``binder/`` or ``.binder/`` if either exists, and then
ignores the root files; it builds the environment before the repository is copied in (so a local
``pip: -e .`` fails there) and runs ``postBuild`` from the repository root afterwards; it picks its
base Python only from an exact ``python=X.Y`` line. So Binder gets ``binder/environment.yml`` (the
same conda lines, no local pip requirement) and ``binder/postBuild`` installs govsim with
``--no-deps``. A requirement conda-forge does not carry at govsim's bounds (mesa>=3.5: conda-forge
had 3.3.1) is installed by the files' ``pip:`` section, with the same bounds and a comment
saying why.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
CONDA_NAMES: dict[str, str] = {}  # PyPI name -> conda-forge name, where they differ
NON_PACKAGES = {"python", "pip"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _conda_specs(env: dict) -> dict[str, str]:
    """``{"numpy": ">=2.0"}`` from the conda (non-pip) dependency lines."""
    specs = {}
    for line in env["dependencies"]:
        if isinstance(line, str):
            match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", line)
            assert match, f"cannot parse conda dependency {line!r}"
            specs[_norm(match.group(1))] = match.group(2).replace(" ", "")
    return specs


def _pip_lines(env: dict) -> list[str]:
    return [line for dep in env["dependencies"] if isinstance(dep, dict) for line in dep.get("pip", [])]


def _pip_requirements(env: dict) -> dict[str, SpecifierSet]:
    """The packages the ``pip:`` section installs from PyPI (not the local checkout)."""
    reqs = [Requirement(line) for line in _pip_lines(env) if not line.split()[-1].startswith((".", "/"))]
    return {_norm(r.name): r.specifier for r in reqs}


def test_environment_is_a_named_conda_forge_env(env):
    assert env["name"] == "govsim"
    assert "conda-forge" in env["channels"]
    assert "pip" in _conda_specs(env), "list pip explicitly so the pip section works"


def test_same_runtime_packages_and_bounds(pyproject, env):
    """Each runtime requirement once, from conda-forge or (where conda-forge lags) from pip."""
    wanted = {_norm(r.name): r.specifier for r in map(Requirement, pyproject["project"]["dependencies"])}
    conda = {k: SpecifierSet(v) for k, v in _conda_specs(env).items() if k not in NON_PACKAGES}
    pip = _pip_requirements(env)
    assert not set(conda) & set(pip), f"listed for both conda and pip: {sorted(set(conda) & set(pip))}"
    named = {
        _norm(CONDA_NAMES.get(name, name)) if name not in pip else name: spec for name, spec in wanted.items()
    }
    listed = {**conda, **pip}
    assert sorted(listed) == sorted(named), "environment.yml and pyproject.toml list different packages"
    for name, spec in named.items():
        assert listed[name] == spec, f"{name}: environment.yml {listed[name]} vs pyproject {spec}"


def test_mesa_comes_from_pypi_and_each_pip_package_says_why(env):
    """conda-forge's ``mesa`` (the agent-based modelling package) lagged PyPI at 3.3.1 while
    govsim needs >=3.5, so conda could not solve the file: mesa is installed by pip."""
    assert "mesa" in _pip_requirements(env) and "mesa" not in _conda_specs(env)
    comments = " ".join(
        line
        for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    )
    for name in _pip_requirements(env):
        assert re.search(rf"\b{re.escape(name)}\b.*(conda-forge|PyPI)", comments), (
            f"environment.yml installs {name} with pip: say why in a comment"
        )


def test_python_version_agrees_with_requires_python(pyproject, env):
    requires = SpecifierSet(pyproject["project"]["requires-python"])
    spec = _conda_specs(env)["python"]
    exact = re.fullmatch(r"=+(\d+\.\d+)(\.\*)?", spec)
    lowest = exact.group(1) if exact else re.fullmatch(r">=(\d+\.\d+)", spec).group(1)
    assert requires.contains(lowest + ".0"), f"python{spec} allows versions pyproject rejects ({requires})"


@pytest.fixture(scope="module")
def binder_env() -> dict:
    return yaml.safe_load((BINDER / "environment.yml").read_text(encoding="utf-8"))


def test_binder_reads_an_exact_python_version(env, binder_env):
    """repo2docker (Binder) only picks a Python from an exact 'python=X.Y' line."""
    assert re.fullmatch(r"=+\d+\.\d+(\.\*)?", _conda_specs(binder_env)["python"])


def test_binder_environment_is_the_conda_environment_without_the_local_install(env, binder_env):
    assert binder_env["channels"] == env["channels"]
    assert _conda_specs(binder_env) == _conda_specs(env), (
        "binder/environment.yml differs from environment.yml"
    )
    local = [line for line in _pip_lines(binder_env) if line.split()[-1].startswith((".", "/"))]
    assert not local, f"Binder builds the environment before copying the repository: {local} fails there"
    assert _pip_requirements(binder_env) == _pip_requirements(env), "the pip: sections differ"


def test_binder_post_build_installs_govsim_from_the_checkout():
    post = BINDER / "postBuild"
    assert post.is_file() and os.access(post, os.X_OK), "binder/postBuild must exist and be executable"
    lines = post.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#!"), "postBuild needs a shebang line"
    assert "set -euo pipefail" in lines, "a failing install must fail the Binder build"
    installs = [line.split() for line in lines if re.match(r"\s*(python -m )?pip install", line)]
    assert any("--no-deps" in cmd and cmd[-1] == "." for cmd in installs), installs


def test_binder_folder_holds_only_what_repo2docker_should_read():
    """With binder/ present, repo2docker reads only it; a stray requirements.txt there would
    add a second, unsynchronised dependency list."""
    names = {p.name for p in BINDER.iterdir()}
    assert names <= {"environment.yml", "postBuild", "README.md"}, names
    assert not (ROOT / ".binder").exists(), ".binder/ would compete with binder/"


def test_govsim_itself_is_installed_from_the_checkout(env):
    pip = [line.split() for line in _pip_lines(env)]
    assert ["-e", "."] in pip or ["."] in pip, "the pip section must install govsim from the checkout"


def test_binder_start_notebook_exists():
    assert (ROOT / START_NOTEBOOK).is_file(), f"the README tells Binder to open {START_NOTEBOOK}"


def test_readme_binder_links_open_existing_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for url in re.findall(r"https://mybinder\.org/v2/[^\s)\"'\]]+", readme):
        repo = urlparse(url).path.split("/")[3:5]
        assert not re.search(r"[<>{}]|OWNER|REPO|USER", "/".join(repo)), f"Binder link {url} is a placeholder"
        query = dict(p.split("=", 1) for p in urlparse(url).query.split("&") if "=" in p)
        path = unquote(query.get("labpath", query.get("urlpath", "").removeprefix("lab/tree/")))
        assert path, f"Binder link {url} names no notebook (add ?labpath=...)"
        assert (ROOT / path).is_file(), f"Binder link {url} opens {path}, which does not exist"


def test_readme_binder_steps_open_an_existing_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps = re.search(r'"File to open" to\s+`([^`]+)`', readme)
    assert steps, "the README says how to launch on Binder, with the notebook to open"
    assert steps.group(1) == START_NOTEBOOK and (ROOT / steps.group(1)).is_file()
