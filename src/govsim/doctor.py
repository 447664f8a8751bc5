"""Is this machine ready for a govsim workshop? A checklist, one line per check.

Each check is a small function returning a :class:`CheckResult`; :data:`CHECKS` lists them in
the order they are printed. ``govsim doctor`` prints the list; the ``00_start_here`` notebook
calls :func:`run_checks` itself::

    from govsim.doctor import run_checks, format_checklist
    results = run_checks(skip=("kernel",))   # inside a notebook the kernel is already running
    print(format_checklist(results))

A red line always carries a one-line fix. Nothing here needs the network or changes the machine.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import pkgutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

WIDGET_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
LIVE_VIEW_EXTENSION = "anywidget"  # the dashboard's live view (govsim.screen.run_view)
LIVE_VIEW_FIX = 'pip install "anywidget>=0.9", then restart JupyterLab'
REINSTALL = 'pip install -e ".[dev]" (or: conda env update -f environment.yml)'
LOOPBACK = ("127.0.0.1", "::1", "localhost", "0.0.0.0", "", "None")


@dataclass(frozen=True)
class CheckResult:
    """One line of the checklist: ``ok`` or not, what was found and, when red, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


# ---------------------------------------------------------------- versions
def _requirements() -> list:
    """The runtime requirements of govsim (no extras) as ``packaging`` Requirement objects."""
    from packaging.requirements import Requirement

    reqs = [Requirement(text) for text in metadata.requires("govsim") or []]
    return [r for r in reqs if r.marker is None or r.marker.evaluate({"extra": ""})]


def check_python() -> CheckResult:
    from packaging.specifiers import SpecifierSet

    wanted = metadata.metadata("govsim").get("Requires-Python") or ">=3.12"
    have = ".".join(map(str, sys.version_info[:3]))
    ok = SpecifierSet(wanted).contains(have, prereleases=True)
    fix = "" if ok else f"install Python {wanted.lstrip('>=')} or newer and recreate the environment"
    return CheckResult("python", ok, f"Python {have} (govsim needs {wanted}) at {sys.executable}", fix)


def _modules_of(distribution: str, index: dict[str, list[str]] | None = None) -> list[str]:
    """The top-level modules an installed distribution provides (``"PyYAML"`` -> ``["yaml"]``).

    ``index`` is :func:`importlib.metadata.packages_distributions` when the caller has it already:
    building it reads every installed package's file list (0.3-0.5 s here, each time)."""
    index = metadata.packages_distributions() if index is None else index
    found = sorted(
        m
        for m, dists in index.items()
        if distribution.lower() in (d.lower() for d in dists) and not m.startswith("_")
    )
    return found or [_import_name(distribution)]


def check_packages() -> CheckResult:
    """Each runtime requirement is installed at a version govsim accepts, and imports."""
    found, bad = [], []
    for req in _requirements():
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            bad.append((req, "missing"))
            continue
        if req.specifier.contains(version, prereleases=True):
            found.append(f"{req.name} {version}")
        else:
            bad.append((req, version))
    if not bad:
        index = metadata.packages_distributions()  # once (it was built 14 times: 5 of 13 s)
        for req in _requirements():
            for module in _modules_of(req.name, index)[:1]:
                _DOING["packages"] = f"importing {module}"
                try:
                    importlib.import_module(module)
                except Exception as exc:  # a diagnosis: name the module and why
                    detail = f"{req.name} is installed but `import {module}` fails: {_reason(exc)}"
                    return CheckResult("packages", False, detail, f'pip install --force-reinstall "{req}"')
        return CheckResult(
            "packages", True, f"{len(found)} packages meet govsim's minimums and import: {', '.join(found)}"
        )
    listed = ", ".join(f"{r.name} {v} (needs {r.specifier})" for r, v in bad)
    pins = " ".join(f'"{r.name}{r.specifier}"' for r, _ in bad)
    return CheckResult("packages", False, listed, f"pip install --upgrade {pins}")


def _reason(exc: BaseException) -> str:
    """``ImportError: boom (raised in /x/numpy.py)``: the error's first line and where it was raised."""
    import traceback

    first = (str(exc).splitlines() or [""])[0]
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (raised in {frames[-1].filename})" if frames else ""
    name = getattr(exc, "name", None)
    module = f" importing {name}" if isinstance(exc, ImportError) and name else ""
    return f"{type(exc).__name__}{module}: {first}{where}"


# ---------------------------------------------------------------- Jupyter
def _labextension_dirs() -> list[Path]:
    from jupyter_core.paths import jupyter_path

    return [Path(p) for p in jupyter_path("labextensions")]


def _disabled_extensions() -> dict[str, bool]:
    """``disabledExtensions`` from every ``labconfig/page_config.json`` Jupyter reads (what
    ``jupyter labextension disable`` writes), plus the JupyterLab application settings."""
    from jupyter_core.paths import jupyter_config_path

    files = []
    for folder in map(Path, jupyter_config_path()):
        files.append(folder / "labconfig" / "page_config.json")
        files.extend(sorted((folder / "labconfig" / "page_config.d").glob("*.json")))
    app_dir = os.environ.get("JUPYTERLAB_DIR") or Path(sys.prefix, "share", "jupyter", "lab")
    files.append(Path(app_dir, "settings", "page_config.json"))
    disabled: dict[str, bool] = {}
    for path in reversed(files):  # earlier folders take precedence
        try:
            value = json.loads(path.read_text(encoding="utf-8")).get("disabledExtensions", {})
        except (OSError, ValueError):
            continue
        disabled.update(dict.fromkeys(value, True) if isinstance(value, list) else value)
    return disabled


def _is_disabled(name: str, disabled: dict[str, bool]) -> bool:
    return any(v and (key == name or key.startswith(name + ":")) for key, v in disabled.items())


def check_widget_extension() -> CheckResult:
    fix = 'pip install "ipywidgets>=8.1,<9" "jupyterlab_widgets>=3", then restart JupyterLab'
    try:
        ipywidgets_version = metadata.version("ipywidgets")
        lab_widgets_version = metadata.version("jupyterlab_widgets")
    except metadata.PackageNotFoundError as exc:
        return CheckResult("widgets", False, f"{exc.name} is not installed", fix)
    if ipywidgets_version.split(".")[0] != "8" or lab_widgets_version.split(".")[0] != "3":
        detail = f"ipywidgets {ipywidgets_version} with jupyterlab_widgets {lab_widgets_version} do not match"
        return CheckResult("widgets", False, detail + " (need 8.x with 3.x)", fix)
    found = {}
    for name, reinstall in ((WIDGET_EXTENSION, fix), (LIVE_VIEW_EXTENSION, LIVE_VIEW_FIX)):
        where = _find_extension(name)
        if where is None:
            return CheckResult("widgets", False, f"JupyterLab extension {name} not found", reinstall)
        if _is_disabled(name, _disabled_extensions()):
            detail = f"{name} {where[0]} is installed but disabled"
            return CheckResult("widgets", False, detail, f"jupyter labextension enable {name}")
        found[name] = where
    version, folder = found[WIDGET_EXTENSION]
    detail = (
        f"{WIDGET_EXTENSION} {version} enabled (ipywidgets {ipywidgets_version}) in {folder}; "
        f"the dashboard's {LIVE_VIEW_EXTENSION} {found[LIVE_VIEW_EXTENSION][0]} too"
    )
    return CheckResult("widgets", True, detail)


def _find_extension(name: str) -> tuple[str, Path] | None:
    """(version, folder) of the installed JupyterLab extension ``name``, or None."""
    for folder in _labextension_dirs():
        package = folder / name / "package.json"
        if package.is_file():
            return json.loads(package.read_text(encoding="utf-8")).get("version", "?"), folder
    return None


KERNEL_CODE = "import sys, govsim; print(sys.executable, govsim.__version__)"


def check_kernel(kernel_name: str = "python3", timeout: float = 90.0) -> CheckResult:
    """Start the kernel Jupyter would start, import govsim in it, shut it down."""
    from jupyter_client.kernelspec import NoSuchKernel
    from jupyter_client.manager import start_new_kernel

    install = "python -m ipykernel install --user --name python3 (run it with this environment's python)"
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # the kernel's stderr
    try:
        manager, client = start_new_kernel(
            startup_timeout=timeout, kernel_name=kernel_name, cwd=tempfile.gettempdir(), stderr=log
        )
    except NoSuchKernel:
        return CheckResult("kernel", False, f"no Jupyter kernel named {kernel_name!r}", install)
    except RuntimeError as exc:
        log.seek(0)
        said = (log.read().strip().splitlines() or [str(exc)])[-1]
        return CheckResult("kernel", False, f"the {kernel_name} kernel did not start: {said}", install)
    printed: list[str] = []

    def keep(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])

    try:
        reply = client.execute_interactive(KERNEL_CODE, timeout=timeout, output_hook=keep)
    except TimeoutError:
        return CheckResult("kernel", False, f"the kernel did not answer within {timeout:g} s", install)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        log.close()
    content = reply["content"]
    if content["status"] != "ok":
        detail = (
            f"the {kernel_name} kernel cannot import govsim: {content.get('ename')}: {content.get('evalue')}"
        )
        return CheckResult("kernel", False, detail, install + "; or " + REINSTALL)
    return CheckResult(
        "kernel", True, f"the {kernel_name} kernel imports govsim ({''.join(printed).strip()})"
    )


# ---------------------------------------------------------------- govsim itself
def check_matplotlib() -> CheckResult:
    import matplotlib
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1.5), dpi=50)
    fig.subplots().plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    png = buffer.getvalue()
    ok = png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 100
    fix = "" if ok else 'pip install --force-reinstall "matplotlib>=3.8"'
    return CheckResult(
        "matplotlib", ok, f"matplotlib {matplotlib.__version__} drew a {len(png)}-byte PNG", fix
    )


def check_scenarios() -> CheckResult:
    from govsim.scenarios import load_scenario, scenario_names

    names = scenario_names()
    broken = []
    for name in names:
        try:
            load_scenario(name)
        except Exception as exc:  # reported, not raised: this is a diagnosis
            broken.append(f"{name} ({type(exc).__name__}: {exc})")
    if not names or broken:
        detail = "no bundled scenarios found" if not names else "cannot load " + "; ".join(broken)
        return CheckResult("scenarios", False, detail, REINSTALL)
    return CheckResult("scenarios", True, f"{len(names)} bundled scenarios load: {', '.join(names)}")


@contextmanager
def blocked_network(attempts: list[str]) -> Iterator[None]:
    """Refuse (and record in ``attempts``) every connection or name lookup beyond this machine."""
    real_connect, real_connect_ex, real_lookup = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def refuse(address: object) -> None:
        if isinstance(address, tuple) and str(address[0]) not in LOOPBACK:
            attempts.append(repr(address[:2]))
            raise OSError(f"govsim doctor blocked a network connection to {address[:2]!r}")

    def connect(self, address):
        refuse(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, port, *args, **kwargs):
        refuse((host, port))
        return real_lookup(host, port, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
            real_connect,
            real_connect_ex,
            real_lookup,
        )


def _import_name(name: str) -> str:
    return name.lower().replace("-", "_")


def _extra_packages() -> dict[str, str]:
    """Import name -> govsim extra, for the packages only an extra installs
    (``{"dask": "dask", "distributed": "dask", "salib": "sensitivity", ...}``), from govsim's
    installed metadata."""
    from packaging.requirements import Requirement

    extras = metadata.metadata("govsim").get_all("Provides-Extra") or []
    found: dict[str, str] = {}
    for text in metadata.requires("govsim") or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}) or _import_name(req.name) == "govsim":
            continue
        for extra in extras:
            if req.marker.evaluate({"extra": extra}):
                for name in (req.name, *req.extras):
                    found.setdefault(_import_name(name), extra)
    return found


def _import_all(broken: list[str], without_extra: list[str] | None = None) -> list[str]:
    """Import every govsim module and return the names imported.

    A module that cannot be imported is added to ``broken`` with the reason, unless what is
    missing is a package that only one of govsim's extras installs (dask, SALib, ...): that
    module goes to ``without_extra`` as ``"module (extra)"``, so a line can name it."""
    import govsim

    optional = _extra_packages()
    imported = []
    for info in pkgutil.walk_packages(govsim.__path__, "govsim."):
        if info.name.endswith("__main__"):  # importing it would run the command line
            continue
        try:
            importlib.import_module(info.name)
        except ImportError as exc:
            missing = _import_name((exc.name or "").split(".")[0])
            if missing in optional and without_extra is not None:
                without_extra.append(f"{info.name} (needs the {optional[missing]!r} extra)")
            else:
                broken.append(f"{info.name} ({type(exc).__name__}: {exc})")
        except Exception as exc:  # any other failure at import is a broken module too
            broken.append(f"{info.name} ({type(exc).__name__}: {(str(exc).splitlines() or [''])[0]})")
        else:
            imported.append(info.name)
    return imported


def check_offline() -> CheckResult:
    """Import every govsim module and run the classroom scenario with the network blocked.

    Red when a module cannot be imported (a missing runtime package included); a module that
    needs an extra that is not installed is named on the green line, never silently left out."""
    from govsim.model import GovernanceModel

    attempts: list[str] = []
    broken: list[str] = []
    without_extra: list[str] = []
    with blocked_network(attempts):
        modules = _import_all(broken, without_extra)
        model = GovernanceModel("classroom", rng=0).run()
    if attempts:
        detail = f"govsim tried to reach the network: {', '.join(attempts[:3])}"
        return CheckResult(
            "offline", False, detail, "report this as a bug; meanwhile keep the machine online"
        )
    total = len(modules) + len(broken) + len(without_extra)
    if broken:
        detail = f"{len(broken)} of {total} modules cannot be imported: {'; '.join(broken)}"
        return CheckResult("offline", False, detail, REINSTALL)
    skipped = f" ({'; '.join(without_extra)}: not installed here)" if without_extra else ""
    detail = (
        f"{len(modules)} of {total} modules imported{skipped} and a {len(model.rounds)}-round run "
        "finished with the network blocked"
    )
    return CheckResult("offline", True, detail)


# ---------------------------------------------------------------- the room server
ROOM_PORT = 5006  # ``govsim room serve``'s default --port (govsim.commands.roleplay.add_server_options)
ROOM_FIX_PORT = "another program listens on it: stop it, or start the room with --port 5007 (any free port)"
ROOM_FIX_FIREWALL = (
    "a firewall on this laptop refuses connections to its own network address: allow incoming "
    "connections for Python on port {port} (Windows: allow it on private networks when asked; "
    "macOS: System Settings > Network > Firewall)"
)


def _listen(host: str, port: int, listen: bool = True) -> socket.socket:
    """A socket bound to ``host:port`` as the room server would bind it (and ``listen`` ing)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        if listen:
            listener.listen(1)
    except OSError:
        listener.close()
        raise
    return listener


def check_room(port: int = ROOM_PORT, timeout: float = 3.0) -> CheckResult:
    """Whether ``govsim room serve --host 0.0.0.0`` could serve the phones in the room from here.

    Red when ``port`` is taken (another server listens on it), or when this machine cannot
    connect to itself at its own network address (the one the room server prints for phones:
    :func:`govsim.screen.serving.outbound_addresses`), which is what a firewall refusing
    incoming connections looks like. Green, saying so, when the machine has no network address
    now (Wi-Fi off: the notebooks need none; phones need one). What this cannot see: a guest
    Wi-Fi that keeps its devices apart (client isolation); only a phone joining tells."""
    from govsim.screen.serving import outbound_addresses

    try:
        free = _listen("0.0.0.0", port, listen=False)  # bound, never listening: nothing can connect
    except OSError as exc:
        detail = f"port {port} (govsim room serve's default) is not free: {exc.strerror or exc}"
        return CheckResult("room", False, detail, ROOM_FIX_PORT)
    free.close()
    lan = [a for a in outbound_addresses() if ":" not in a]
    if not lan:
        return CheckResult(
            "room",
            True,
            f"port {port} is free; no network address now (Wi-Fi off?): the room server would serve "
            "this laptop only; join the room's network to serve phones",
        )
    address = lan[0]
    with _listen(address, 0) as listener:  # a free port at that address, for a moment, never accepted
        probe_port = listener.getsockname()[1]
        try:
            with socket.create_connection((address, probe_port), timeout=timeout):
                pass
        except OSError as exc:
            detail = (
                f"port {port} is free, but {address}:{probe_port} cannot be reached from this laptop ({exc})"
            )
            return CheckResult("room", False, detail, ROOM_FIX_FIREWALL.format(port=port))
    return CheckResult(
        "room",
        True,
        f"port {port} is free and this laptop answers at its network address {address} "
        f"(phones on the same Wi-Fi open http://{address}:{port}/join...)",
    )


# ---------------------------------------------------------------- running them
CHECKS: dict[str, Callable[[], CheckResult]] = {
    "python": check_python,
    "packages": check_packages,
    "widgets": check_widget_extension,
    "kernel": check_kernel,
    "matplotlib": check_matplotlib,
    "scenarios": check_scenarios,
    "offline": check_offline,
    "room": check_room,
}


def _safe(name: str, check: Callable[[], CheckResult]) -> CheckResult:
    """Run one check; an unexpected error becomes a red line naming it instead of a traceback."""
    try:
        return check()
    except metadata.PackageNotFoundError as exc:
        return CheckResult(name, False, f"package {exc.name or exc} is not installed", REINSTALL)
    except Exception as exc:  # a diagnosis must finish and say what broke (and where)
        return CheckResult(name, False, _reason(exc), REINSTALL)


TIME_LIMIT = 120.0  # seconds a check may take before it is reported red (the machine may be slow)
LIMITS = {"kernel": 180.0}  # the kernel check waits for a new process to start
SLOW = 3.0  # seconds after which a running check is first named ("still running ...")
TICK = 10.0  # seconds between later "still running" reports
_DOING: dict[str, str] = {}  # what a running check is doing now (e.g. "importing mesa")


# What each check is doing, shown while it runs (``govsim doctor`` on a terminal).
RUNNING = {
    "packages": "reading the installed versions",
    "kernel": "starting Jupyter's python3 kernel (started first, runs beside the others)",
    "matplotlib": "drawing a PNG",
    "offline": "importing every govsim module and running a model with the network blocked",
    "room": "checking the room server's port and this laptop's network address",
}
BACKGROUND = ("kernel",)  # checks that wait on another process: started first, collected in turn


def _selected(skip: Iterable[str], only: Iterable[str] | None) -> list[str]:
    skip, only = set(skip), None if only is None else set(only)
    unknown = sorted((skip | (only or set())) - set(CHECKS))
    if unknown:
        raise ValueError(f"check={unknown[0]!r} is unknown (allowed: {', '.join(CHECKS)})")
    return [name for name in CHECKS if name not in skip and (only is None or name in only)]


def _start(name: str):
    """Run check ``name`` in a daemon thread (a hanging import cannot keep the process alive)."""
    import threading

    box: list[CheckResult] = []
    _DOING.pop(name, None)
    thread = threading.Thread(target=lambda: box.append(_safe(name, CHECKS[name])), daemon=True)
    thread.start()
    return thread, box, time.monotonic()


def _waiter(name: str, started, limit: float | None):
    """``wait(progress=None)`` for a started check: its result, or a red line after its limit.

    ``progress(name, seconds, doing)`` is called once it has run :data:`SLOW` seconds, then
    every :data:`TICK` seconds."""
    limit = LIMITS.get(name, TIME_LIMIT) if limit is None else limit

    def wait(progress: Callable[[str, float, str], object] | None = None) -> CheckResult:
        thread, box, began = started() if callable(started) else started
        report = min(SLOW, TICK)  # when it is next named as still running
        while True:
            elapsed = time.monotonic() - began
            thread.join(max(0.0, min(report, limit) - elapsed))
            if box:
                return box[0]
            elapsed = time.monotonic() - began
            doing = _DOING.get(name) or RUNNING.get(name, "checking")
            if elapsed >= limit:
                return CheckResult(
                    name,
                    False,
                    f"did not finish within {limit:g} s (it was {doing})",
                    "something it imports or starts hangs: python -X importtime -c 'import govsim.model' "
                    "shows which import, then reinstall that package",
                )
            if elapsed >= report:
                report = elapsed + TICK
                if progress is not None:
                    progress(name, elapsed, doing)

    return wait


def iter_checks(
    skip: Iterable[str] = (), only: Iterable[str] | None = None, limit: float | None = None
) -> Iterator[tuple[str, Callable]]:
    """``(name, wait)`` for each selected check in :data:`CHECKS` order; ``wait(progress=None)``
    runs the check (or waits for it) and returns its :class:`CheckResult`.

    Each check runs in a daemon thread and is reported red, naming what it was doing, when it
    takes longer than ``limit`` seconds (default: :data:`LIMITS`, else :data:`TIME_LIMIT`);
    ``progress(name, seconds, doing)`` is called after :data:`SLOW` seconds, then every
    :data:`TICK` seconds. The
    checks in :data:`BACKGROUND` (the kernel: mostly waiting on a new process) start before
    the first is returned, so their time overlaps the others'. Raises ``ValueError`` for an
    unknown check name."""
    names = _selected(skip, only)
    started = {n: _start(n) for n in names if n in BACKGROUND}
    for name in names:
        yield name, _waiter(name, started.get(name) or (lambda name=name: _start(name)), limit)


def _print_progress(name: str, seconds: float, doing: str) -> None:
    print(f"  ... {name} still running after {seconds:.0f} s: {doing}", flush=True)


def run_checks(
    skip: Iterable[str] = (),
    only: Iterable[str] | None = None,
    progress: bool | Callable[[str, float, str], object] = False,
    limit: float | None = None,
) -> list[CheckResult]:
    """Run the checks in :data:`CHECKS` order (``only`` some of them, or all but ``skip``).

    ``progress=True`` prints a line naming a check still running after :data:`SLOW` seconds,
    then every :data:`TICK` seconds
    (or pass a function ``progress(name, seconds, doing)``); a check over its time limit is a
    red result (see :func:`iter_checks`)."""
    report = _print_progress if progress is True else (progress or None)
    return [wait(report) for _, wait in iter_checks(skip, only, limit)]


def all_ok(results: Iterable[CheckResult]) -> bool:
    """True when every check in ``results`` passed."""
    return all(r.ok for r in results)


def _symbols(stream: io.TextIOBase | None) -> tuple[str, str]:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "✓✗".encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return "OK ", "BAD"
    return "✓", "✗"


def format_line(result: CheckResult, color: bool = False, stream: object = None) -> str:
    """One check as text: ``✓``/``✗``, its name and detail, and a ``fix:`` line when red."""
    yes, no = _symbols(stream) if stream is not None else ("✓", "✗")
    green, red, off = ("\033[32m", "\033[31m", "\033[0m") if color else ("", "", "")
    mark = f"{green}{yes}{off}" if result.ok else f"{red}{no}{off}"
    line = f"{mark} {result.name:<10} {result.detail}"
    return line if result.ok else f"{line}\n  {'':<10} fix: {result.fix}"


def format_checklist(results: list[CheckResult], color: bool = False, stream: object = None) -> str:
    """The checklist as text: ``✓``/``✗`` per line, a ``fix:`` line under each red one, and a verdict.
    ``color`` adds ANSI green/red; ``stream`` picks plain symbols when it cannot print ✓."""
    green, red, off = ("\033[32m", "\033[31m", "\033[0m") if color else ("", "", "")
    lines = [format_line(r, color, stream) for r in results]
    lines.append(verdict(results, green, red, off))
    return "\n".join(lines)


def verdict(results: list[CheckResult], green: str = "", red: str = "", off: str = "") -> str:
    """The checklist's last line. It counts the checks that ran against all of :data:`CHECKS`
    and names those left out, so every place that quotes it agrees with the real number."""
    bad = [r.name for r in results if not r.ok]
    ran = {r.name for r in results}
    left_out = [name for name in CHECKS if name not in ran]
    count = f"{len(results)} of the {len(CHECKS)} checks" if left_out else f"{len(results)} checks"
    note = f" (not run: {', '.join(left_out)})" if left_out else ""
    if bad:
        return f"{red}{len(bad)} of {count} failed{note}: {', '.join(bad)}{off}"
    ready = "ready as far as these checks go" if left_out else "this machine is ready for govsim"
    return f"{green}All {count} passed{note}: {ready}.{off}"


def wants_color(stream: object) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


__all__ = [
    "CHECKS",
    "CheckResult",
    "all_ok",
    "format_checklist",
    "format_line",
    "iter_checks",
    "run_checks",
    "verdict",
    "wants_color",
]
