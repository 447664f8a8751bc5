"""The CLI contract, run as a subprocess exactly as users and other checks run it."""

import json
import subprocess
import sys

import pytest

from govsim import scenario_names


def govsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govsim", *args], capture_output=True, text=True, timeout=120
    )


def test_scenarios_lists_one_per_line_with_a_description():
    res = govsim("scenarios")
    assert res.returncode == 0
    lines = res.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == scenario_names()
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_run_json_contract():
    res = govsim("run", "--scenario", "wcit_2012", "--json", "--seed", "4")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    for key in (
        "scenario",
        "protocol",
        "seed",
        "adoption_rate",
        "mean_rounds",
        "mean_compliance",
        "mean_min_group_gain",
        "fragmentation",
    ):
        assert key in data
    assert data["scenario"] == "wcit_2012" and data["protocol"] == "top_down" and data["seed"] == 4
    issue = data["issues"][0]
    for key in (
        "name",
        "adopted",
        "rounds",
        "outcome",
        "compliance",
        "gain_by_group",
        "government_compliance",
    ):
        assert key in issue
    assert set(issue["gain_by_group"]) == {"government", "business", "civil_society", "technical"}


def test_same_seed_same_output_byte_for_byte():
    args = ("run", "--protocol", "regional", "--seed", "9", "--set", "rho=0.2", "--json")
    assert govsim(*args).stdout == govsim(*args).stdout
    text = ("run", "--seed", "9")
    first = govsim(*text)
    assert first.returncode == 0 and "adopted" in first.stdout and first.stdout == govsim(*text).stdout
    assert "stylized illustration" in first.stdout and "not a forecast" in first.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("run", "--scenario", "wcit2012"), "unknown scenario 'wcit2012'; did you mean 'wcit_2012'?"),
        (("run", "--protocol", "majority"), "unknown protocol 'majority'"),
        (("run", "--set", "rho=0.9"), "rho=0.9 is out of range (allowed: float in [0, 0.5])"),
        (("run", "--set", "rhoo=0.1"), "did you mean 'rho'"),
        (("run", "--set", "rho"), "must look like FIELD=VALUE"),
        (("run", "--set", "rho=abc"), "rho='abc' is not a number"),
        (("run", "--set", "civil_society.capacity=2"), "capacity=2.0 is out of range"),
        (("run", "--seed", "x"), "invalid int value"),
        (("run", "--scenario", "missing.toml"), "missing.toml"),
        (("fly",), "invalid choice"),
    ],
)
def test_user_errors_are_one_line_exit_2_no_traceback(args, expected):
    res = govsim(*args)
    assert res.returncode == 2
    assert expected in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert res.stdout == ""
