"""``govsim doctor``: every check goes green here (the dev environment is a fresh install) and
each one turns red, with a one-line fix, when its condition is broken on purpose."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from govsim import cli, doctor
from govsim.doctor import CHECKS, CheckResult, format_checklist, run_checks

SRC = Path(__file__).resolve().parents[1] / "src"


def _red(result: CheckResult) -> CheckResult:
    assert not result.ok, result
    assert result.fix and "\n" not in result.fix, "a red line carries a one-line fix"
    return result


def test_all_checks_but_the_kernel_are_green_here():
    results = run_checks(skip=("kernel",))
    assert [r.name for r in results] == [n for n in CHECKS if n != "kernel"]
    assert all(r.ok for r in results), format_checklist(results)


@pytest.mark.slow
def test_a_kernel_starts_and_imports_govsim():
    result = doctor.check_kernel()
    assert result.ok, result
    assert "0." in result.detail or "govsim" in result.detail


def test_missing_kernel_is_red():
    result = _red(doctor.check_kernel("no-such-kernel-govsim", timeout=5))
    assert "ipykernel install" in result.fix


def test_too_old_or_missing_package_is_red(monkeypatch):
    wanted = [Requirement("numpy>=999"), Requirement("no-such-package-govsim>=1")]
    monkeypatch.setattr(doctor, "_requirements", lambda: wanted)
    result = _red(doctor.check_packages())
    assert "numpy" in result.detail and "needs >=999" in result.detail
    assert "no-such-package-govsim missing" in result.detail
    assert '"numpy>=999"' in result.fix


def test_requirements_match_the_installed_metadata():
    names = {r.name for r in doctor._requirements()}
    assert {"mesa", "numpy", "matplotlib", "ipywidgets", "jupyterlab"} <= names
    assert "playwright" not in names, "extras are not runtime requirements"


def test_disabled_widget_extension_is_red(tmp_path, monkeypatch):
    config = tmp_path / "labconfig"
    config.mkdir()
    disabled = {"disabledExtensions": {doctor.WIDGET_EXTENSION: True}}
    (config / "page_config.json").write_text(json.dumps(disabled))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path))
    result = _red(doctor.check_widget_extension())
    assert "disabled" in result.detail
    assert result.fix == f"jupyter labextension enable {doctor.WIDGET_EXTENSION}"


def test_plugin_level_disable_counts_and_false_does_not():
    name = doctor.WIDGET_EXTENSION
    assert doctor._is_disabled(name, {f"{name}:plugin": True})
    assert not doctor._is_disabled(name, {name: False})
    assert not doctor._is_disabled(name, {"@jupyter-widgets/other": True})


def test_missing_widget_extension_is_red(tmp_path, monkeypatch):
    monkeypatch.setattr(doctor, "_labextension_dirs", lambda: [tmp_path])
    result = _red(doctor.check_widget_extension())
    assert "not found" in result.detail and "jupyterlab_widgets" in result.fix


def test_missing_live_view_extension_is_red(tmp_path, monkeypatch):
    """The dashboard draws through anywidget's JupyterLab extension: without it, no picture."""
    manager = tmp_path / doctor.WIDGET_EXTENSION
    manager.mkdir(parents=True)
    (manager / "package.json").write_text(json.dumps({"version": "5.0.0"}))
    monkeypatch.setattr(doctor, "_labextension_dirs", lambda: [tmp_path])
    result = _red(doctor.check_widget_extension())
    assert doctor.LIVE_VIEW_EXTENSION in result.detail and "anywidget" in result.fix


def test_blocked_network_refuses_and_records_remote_connections():
    attempts: list[str] = []
    real = socket.socket.connect
    with doctor.blocked_network(attempts):
        with pytest.raises(OSError, match="blocked"):
            socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed
        with pytest.raises(OSError, match="blocked"):
            socket.getaddrinfo("example.invalid", 443)
    assert len(attempts) == 2
    assert socket.socket.connect is real, "the real socket functions are restored"


def test_blocked_network_lets_loopback_through():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        attempts: list[str] = []
        with doctor.blocked_network(attempts), socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    assert attempts == []


def test_code_that_reaches_out_makes_offline_red(monkeypatch):
    def sneaky(broken, without_extra=None):
        try:
            socket.create_connection(("192.0.2.1", 443), timeout=1)
        except OSError:
            pass  # even a swallowed failure is reported
        return []

    monkeypatch.setattr(doctor, "_import_all", sneaky)
    result = _red(doctor.check_offline())
    assert "192.0.2.1" in result.detail


def test_a_crashing_check_becomes_a_red_line(monkeypatch):
    def boom() -> CheckResult:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setitem(CHECKS, "matplotlib", boom)
    (result,) = run_checks(only=("matplotlib",))
    assert _red(result).detail == f"RuntimeError: disk on fire (raised in {__file__})"


def test_unknown_check_names_are_rejected_in_one_line():
    with pytest.raises(ValueError, match=r"check='nope' is unknown \(allowed: python, "):
        run_checks(skip=("nope",))


def test_checklist_plain_coloured_and_ascii():
    results = [CheckResult("python", True, "fine"), CheckResult("widgets", False, "gone", "reinstall it")]
    plain = format_checklist(results)
    assert "\033[" not in plain
    assert plain.splitlines() == [
        "✓ python     fine",
        "✗ widgets    gone",
        "             fix: reinstall it",
        f"1 of 2 of the {len(CHECKS)} checks failed (not run: {', '.join(n for n in CHECKS if n not in ('python', 'widgets'))}): widgets",
    ]
    assert "\033[31m✗\033[0m" in format_checklist(results, color=True)
    ascii_stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert "BAD widgets" in format_checklist(results, stream=ascii_stream)


def test_colour_only_on_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert doctor.wants_color(Tty()) and not doctor.wants_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not doctor.wants_color(Tty())


def test_cli_exit_status_follows_the_checklist(monkeypatch, capsys):
    assert cli.main(["doctor", "--skip", "kernel"]) == 0
    assert (
        f"All {len(CHECKS) - 1} of the {len(CHECKS)} checks passed (not run: kernel)"
        in capsys.readouterr().out
    )
    monkeypatch.setitem(CHECKS, "scenarios", lambda: CheckResult("scenarios", False, "none", "reinstall"))
    assert cli.main(["doctor", "--skip", "kernel", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"]: r["ok"] for r in rows}["scenarios"] is False


def test_every_quoted_count_is_the_real_number_of_checks():
    """The laptop guide quotes the verdict of a full run and lists every check; notebook 00 runs
    all but the kernel and prints the verdict itself (never a retyped number)."""
    import re
    from pathlib import Path

    import nbformat

    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "checking-laptops.md").read_text(encoding="utf-8")
    full = doctor.verdict([CheckResult(name, True, "") for name in CHECKS])
    assert full == f"All {len(CHECKS)} checks passed: this machine is ready for govsim."
    assert f"`{full}`" in guide
    in_notebook = doctor.verdict([CheckResult(name, True, "") for name in CHECKS if name != "kernel"])
    assert f"`{in_notebook.split('):')[0]}): ...`" in guide
    assert re.findall(r"^\| `(\w+)` \|", guide, flags=re.MULTILINE) == list(CHECKS)
    nb = nbformat.read(root / "notebooks" / "00_start_here.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    assert not re.search(r"\b\d+ checks\b", text), "notebook 00 must not retype the number of checks"
    assert 'run_checks(skip=("kernel",), progress=True)' in text, (
        "notebook 00: every check but a second kernel, a slow one named"
    )


def test_cli_rejects_an_unknown_check(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["doctor", "--skip", "nope"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_offline_import_skips_the_command_line_entry_point(monkeypatch):
    monkeypatch.setattr("sys.argv", ["govsim", "doctor"])
    broken: list[str] = []
    modules = doctor._import_all(broken)
    assert broken == [] and "govsim.model" in modules and "govsim.screen.dashboard" in modules
    assert not any(m.endswith("__main__") for m in modules)


def _failing_imports(monkeypatch, missing: dict[str, str]) -> None:
    """Make ``importlib.import_module`` fail for some govsim modules as if a package were missing."""
    real = doctor.importlib.import_module

    def import_module(name, package=None):
        if name in missing:
            raise ModuleNotFoundError(f"No module named {missing[name]!r}", name=missing[name])
        return real(name, package)

    monkeypatch.setattr(doctor.importlib, "import_module", import_module)


def test_a_module_missing_a_runtime_package_makes_offline_red(monkeypatch):
    """The review blocked panel: the line stayed green with a smaller count (93 -> 91)."""
    _failing_imports(monkeypatch, {"govsim.metrics": "panel", "govsim.values": "matplotlib"})
    result = _red(doctor.check_offline())
    assert result.detail.startswith("2 of ")
    assert "govsim.metrics (ModuleNotFoundError: No module named 'panel')" in result.detail
    assert "govsim.values" in result.detail


def test_a_module_needing_an_extra_that_is_missing_is_named_on_a_green_line(monkeypatch):
    _failing_imports(monkeypatch, {"govsim.sweep.analysis": "SALib", "govsim.testing": "distributed"})
    result = doctor.check_offline()
    assert result.ok, result
    total = int(result.detail.split(" of ")[1].split()[0])
    assert result.detail.startswith(f"{total - 2} of {total} modules imported (")
    assert "govsim.sweep.analysis (needs the 'sensitivity' extra)" in result.detail
    assert "govsim.testing (needs the 'dask' extra)" in result.detail


def test_an_error_other_than_import_in_a_module_is_red(monkeypatch):
    real = doctor.importlib.import_module

    def import_module(name, package=None):
        if name == "govsim.views":
            raise AttributeError("module 'numpy' has no attribute 'float'")
        return real(name, package)

    monkeypatch.setattr(doctor.importlib, "import_module", import_module)
    assert "govsim.views (AttributeError: module 'numpy'" in _red(doctor.check_offline()).detail


def test_extras_are_read_from_the_installed_metadata():
    extras = doctor._extra_packages()
    assert extras["dask"] == "dask" and extras["distributed"] == "dask"
    assert extras["salib"] == "sensitivity" and extras["playwright"] == "browser"
    assert "mesa" not in extras and "panel" not in extras, "runtime packages are never optional"


def test_the_kernel_check_runs_beside_the_others(monkeypatch):
    """The kernel is started before the first check runs: the first check can see it started."""
    import threading

    started = threading.Event()

    def kernel() -> CheckResult:
        started.set()
        return CheckResult("kernel", True, "fake kernel")

    def python() -> CheckResult:
        return CheckResult("python", started.wait(timeout=30), "waited for the kernel to start")

    monkeypatch.setitem(CHECKS, "kernel", kernel)
    monkeypatch.setitem(CHECKS, "python", python)
    results = run_checks(only=("python", "kernel"))
    assert [r.name for r in results] == ["python", "kernel"] and all(r.ok for r in results)


def test_each_line_is_printed_when_its_check_ends(monkeypatch, capsys):
    """A slow check is seen while it runs: the lines before it are already out."""
    seen: dict[str, str] = {}

    def scenarios() -> CheckResult:
        seen["before"] = capsys.readouterr().out
        return CheckResult("scenarios", True, "fine")

    monkeypatch.setitem(CHECKS, "scenarios", scenarios)
    monkeypatch.setitem(CHECKS, "offline", lambda: CheckResult("offline", True, "fine"))
    assert cli.main(["doctor", "--skip", "kernel", "--skip", "matplotlib"]) == 0
    before = seen["before"].splitlines()
    assert before[0].startswith("govsim doctor: checking this machine")
    results = [line for line in before[1:] if not line.startswith("  ... ")]  # "still running" lines
    assert [line.split()[1] for line in results] == ["python", "packages", "widgets"]
    after = capsys.readouterr().out.splitlines()
    assert after[0] == "✓ scenarios  fine" and after[-1].startswith(
        f"All {len(CHECKS) - 2} of the {len(CHECKS)} checks passed"
    )


def _doctor_with_shadow(tmp_path, module: str, body: str, code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a Python whose ``module`` is a file of ``tmp_path`` holding ``body``."""
    (tmp_path / f"{module}.py").write_text(body)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(SRC)])}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_the_doctor_starts_with_a_broken_numpy_and_names_it(tmp_path):
    """break26a item 5: a numpy that raises ImportError stopped ``govsim doctor`` with a
    12-line traceback from govsim/__init__.py; now the packages check fails naming the file."""
    done = _doctor_with_shadow(
        tmp_path,
        "numpy",
        "raise ImportError('numpy is broken here')\n",
        "import sys; from govsim.cli import main; sys.exit(main(['doctor', '--skip', 'kernel', '--skip', 'widgets']))",
    )
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, done.stderr
    packages = next(line for line in done.stdout.splitlines() if " packages " in line)
    assert packages.startswith("✗") and "import" in packages
    assert f"numpy is broken here (raised in {tmp_path / 'numpy.py'})" in packages


def test_a_hanging_import_is_named_while_it_runs_and_stopped_by_the_time_limit(tmp_path):
    """break26a item 6: a mesa that sleeps 600 s kept ``govsim doctor > log`` silent until
    killed. Outside a terminal a line names the running check; the limit makes it red."""
    code = (
        "import sys, time; import govsim.doctor as d; d.TICK = 0.5; start = time.monotonic(); "
        "r = d.run_checks(only=('packages',), progress=True, limit=2.0); "
        "print('RESULT', r[0].ok, r[0].detail); print('TOOK', time.monotonic() - start)"
    )
    done = _doctor_with_shadow(tmp_path, "mesa", "import time\ntime.sleep(600)\n", code)
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("  ... packages still running after") and "importing mesa" in line for line in lines
    )
    result = next(line for line in lines if line.startswith("RESULT"))
    assert result == "RESULT False did not finish within 2 s (it was importing mesa)"
    assert float(next(line for line in lines if line.startswith("TOOK")).split()[1]) < 60


def test_the_packages_check_reads_the_installed_file_lists_once(monkeypatch):
    """reliability3: ``packages_distributions()`` was rebuilt for each of the 14 requirements
    (0.3-0.5 s each: 5 of the doctor's 17 s here). However many requirements, one reading."""
    calls = []
    real = doctor.metadata.packages_distributions

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(doctor.metadata, "packages_distributions", counted)
    result = doctor.check_packages()
    assert result.ok, result
    assert len(doctor._requirements()) > 5 and len(calls) == 1


@pytest.mark.parametrize("seconds", [0.3, 0.8])
def test_a_slow_check_is_named_after_a_few_seconds_not_only_at_each_tick(monkeypatch, seconds):
    """A check still running after :data:`doctor.SLOW` seconds is named once then, long before
    the next :data:`doctor.TICK`, and a fast one never is."""
    import time

    monkeypatch.setattr(doctor, "SLOW", 0.15)
    monkeypatch.setattr(doctor, "TICK", 600.0)
    monkeypatch.setitem(
        CHECKS, "scenarios", lambda: time.sleep(seconds) or CheckResult("scenarios", True, "slept")
    )
    monkeypatch.setitem(CHECKS, "python", lambda: CheckResult("python", True, "quick"))
    said = []
    results = run_checks(only=("python", "scenarios"), progress=lambda *a: said.append(a))
    assert all(r.ok for r in results)
    assert len(said) == 1 and said[0][0] == "scenarios" and 0.15 <= said[0][1] < seconds


def test_cli_time_limit_makes_a_hanging_check_red_and_names_it_in_a_log(monkeypatch, capsys):
    """``govsim doctor --time-limit S`` outside a terminal: the running check is named in a line
    while it runs, then red at the limit; the checks after it still run."""
    import threading

    never = threading.Event()
    monkeypatch.setattr(doctor, "SLOW", 0.1)
    monkeypatch.setitem(CHECKS, "matplotlib", lambda: never.wait(60) or CheckResult("matplotlib", True, ""))
    monkeypatch.setitem(CHECKS, "offline", lambda: CheckResult("offline", True, "fine"))
    code = cli.main(["doctor", "--skip", "kernel", "--skip", "packages", "--time-limit", "0.5"])
    never.set()
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert any(line.startswith("  ... matplotlib still running after 0 s: drawing a PNG") for line in out)
    red = next(line for line in out if line[:1] in "✓✗" and line.split()[1:2] == ["matplotlib"])
    assert red.startswith("✗") and "did not finish within 0.5 s (it was drawing a PNG)" in red
    assert any(line.startswith("✓ offline") for line in out)


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "soon"])
def test_cli_time_limit_must_be_a_positive_number(capsys, text):
    with pytest.raises(SystemExit) as stop:
        cli.main(["doctor", "--time-limit", text])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and "is not a positive number of seconds" in err[-1]


def test_room_check_is_red_when_its_port_is_taken():
    """Another program listening on the room server's port: red, naming the port and --port."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = doctor.check_room(port)
    assert not result.ok and f"port {port}" in result.detail and "--port" in result.fix


def test_room_check_is_red_when_the_laptop_cannot_reach_its_own_address(monkeypatch):
    """A firewall refusing incoming connections: the laptop cannot reach its own LAN address."""
    import socket

    monkeypatch.setattr("govsim.screen.serving.outbound_addresses", lambda: ["192.0.2.77"])

    def refused(address, timeout=None):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(doctor, "_listen", lambda host, port, listen=True: socket.socket())
    monkeypatch.setattr(socket, "create_connection", refused)
    result = doctor.check_room(5006)
    assert not result.ok and "192.0.2.77" in result.detail and "firewall" in result.fix


def test_room_check_without_a_network_is_green_and_says_so(monkeypatch):
    monkeypatch.setattr("govsim.screen.serving.outbound_addresses", lambda: [])
    result = doctor.check_room()
    assert result.ok and "no network address" in result.detail
