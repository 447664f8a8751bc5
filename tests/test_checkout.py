"""Installed without the source checkout: the commands that read the checkout's notebooks,
exercises or docs by default say so in one line (exit 2), naming the option that gives them."""

from __future__ import annotations

import pytest

from govsim import checkout, cli
from govsim.checkout import ROOT, checkout_folder
from govsim.exercises.notebooks import exercise_notebooks
from govsim.handouts import content, write_docs


def test_the_checkout_folders_are_found_in_a_checkout():
    for name in checkout.FOLDERS:
        assert checkout_folder(name) == ROOT / name


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """As after ``pip install govsim``: the package's grandparent holds site-packages only."""
    (tmp_path / "lib" / "site-packages").mkdir(parents=True)
    monkeypatch.setattr(checkout, "ROOT", tmp_path / "lib")
    return tmp_path


@pytest.mark.parametrize(
    ("read", "what"),
    [
        (content.blocks, "the course notebooks"),
        (exercise_notebooks, "the exercise notebooks"),
        (write_docs, "the documentation"),
    ],
)
def test_an_installed_package_says_where_the_folders_are_in_one_line(installed, read, what):
    with pytest.raises(FileNotFoundError) as info:
        read()
    said = str(info.value)
    assert "\n" not in said and said.startswith(what) and "installed package" in said


@pytest.mark.parametrize("command", [["handouts"], ["solutions"]])
def test_the_commands_exit_2_naming_source(installed, capsys, command):
    code = cli.main([*command, str(installed / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "--source" in err and "installed package" in err and "\n" not in err, err
    assert not (installed / "out").exists()
