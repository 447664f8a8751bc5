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
        "noncompliance",
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
        (("run", "--seed", "x"), "argument --seed: 'x' is not a whole number"),
        (("run", "--seed", "-5"), "argument --seed: -5 is out of range (allowed: a whole number >= 0)"),
        (("run", "--set", "rho=0.2", "--set", "rho=0.3"), "--set rho is given twice (0.2 and 0.3)"),
        (("sweep", "x.toml", "--out", ""), "argument --out: an empty path is not allowed"),
        (("report", ""), "argument DIR: an empty path is not allowed"),
        (("handouts", ""), "argument outdir: an empty path is not allowed"),
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


def _reader_leaves(*args: str) -> tuple[int, str]:
    """Run govsim with its stdout a pipe whose reader has already gone (as `| head -1` ends)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "govsim", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=120), err


def test_a_reader_that_leaves_early_ends_the_command_quietly(tmp_path):
    """`govsim run | head -1` and `govsim report DIR | head -1` (issue 12, item 18)."""
    assert _reader_leaves("run", "--seed", "1") == (0, "")
    experiment = tmp_path / "tiny.toml"
    experiment.write_text("[fixed]\nmax_rounds = 3\n[factors]\nsupport = [0.0, 1.0]\n")
    out = tmp_path / "res"
    sweep = govsim("sweep", str(experiment), "--out", str(out), "--backend", "serial", "--quiet")
    assert sweep.returncode == 0, sweep.stderr
    assert _reader_leaves("report", str(out), "--no-plots") == (0, "")


@pytest.mark.parametrize("args", [("--help",), ("run", "--seed", "x"), ("sweep",), ("report",)])
def test_start_up_imports_neither_mesa_nor_pandas(args):
    """The start-up paths stay light (their time is measured in benchmarks/cli_startup.py)."""
    probe = (
        "import runpy, sys\nsys.argv = ['govsim', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('govsim', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print('heavy:', sorted(m for m in ('mesa', 'pandas', 'scipy', 'matplotlib') if m in sys.modules))"
    )
    res = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60)
    assert res.stdout.strip().splitlines()[-1] == "heavy: []"


def test_corrupt_manifest_is_named(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")
    res = govsim("report", str(tmp_path))
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert f"{tmp_path / 'manifest.json'}: not valid JSON (line 1, column 2" in res.stderr


def test_an_accented_scenario_runs_under_an_ascii_locale(tmp_path):
    """Issue 12, item 13: files are UTF-8 whatever the locale; output degrades, never fails."""
    toml = tmp_path / "accents.toml"
    toml.write_text(
        'name = "São Paulo"\n[groups.government]\ncount = 4\n[[agenda]]\nname = "Réseau"\nstatus_quo = [0.5, 0.5]\n',
        encoding="utf-8",
    )
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    env["PYTHONPATH"] = ":".join(sys.path)
    res = subprocess.run(
        [sys.executable, "-m", "govsim", "run", "--scenario", str(toml)],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert b"scenario S\\xe3o Paulo" in res.stdout


def test_deeply_nested_files_are_one_line(tmp_path, capsys):
    """Breaker item 7: TOML 5,000 lists deep and JSON 100,000 deep were RecursionError tracebacks
    (run, sweep, report, RolePlay.load); one "nested too deeply" line naming the file now, also
    for depths the parser survives (65 levels) but a later walk might not."""
    from govsim.cli import main
    from govsim.roleplay import RolePlay

    for depth in (65, 5000):
        deep = tmp_path / f"deep{depth}.toml"
        deep.write_text("a = " + "[" * depth + "]" * depth + "\n")
        for args in (["run", "--scenario", str(deep)], ["sweep", str(deep), "--out", str(tmp_path / "o")]):
            assert main(args) == 2
            err = capsys.readouterr().err
            assert f"deep{depth}.toml: nested too deeply" in err and err.count("\n") == 1, err
    results = tmp_path / "h1"
    results.mkdir()
    (results / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    assert main(["report", str(results)]) == 2
    err = capsys.readouterr().err
    assert "manifest.json: nested too deeply" in err and err.count("\n") == 1
    with pytest.raises(ValueError, match=r"manifest\.json: nested too deeply"):
        RolePlay.load(results / "manifest.json")


def test_metrics_that_name_nothing_are_refused():
    """Breaker item 10: `govsim report base --metrics ","` was a pandas message about columns."""
    import pandas as pd

    from govsim.commands.report import _metrics

    with pytest.raises(ValueError, match=r"--metrics ', ,' names no metric"):
        _metrics(", ,", pd.DataFrame({"adopted": [1.0]}))


def test_a_huge_value_in_an_error_is_cut_to_one_readable_line(tmp_path, capsys):
    """Breaker item 10: 200,000 levels in an experiment gave a 1 MB error line; the terminal
    rule (govsim.escape.terminal_text) keeps the start and the end of a long message."""
    from govsim.cli import main
    from govsim.escape import MAX_LINE

    experiment = tmp_path / "wide.toml"
    experiment.write_text("[factors]\nsupport = [" + ", ".join(["0.5"] * 200_000) + "]\n")
    assert main(["sweep", str(experiment), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < MAX_LINE + 100
    assert "wide.toml: factors.support=[0.5, 0.5" in err and "characters left out) ... " in err
    assert err.rstrip().endswith("repeats a level")
