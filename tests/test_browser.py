"""End to end, as a learner sees it: JupyterLab in a real Chromium, widgets clicked by a mouse.

A module fixture starts JupyterLab headless on a free loopback port with a random token, rooted
in a temporary folder holding copies of the notebooks; Playwright drives Debian's Chromium
(``/usr/bin/chromium``, packages ``chromium`` and ``chromium-driver``; no browser is ever
downloaded) with a fresh profile. Each test opens a notebook, runs all cells, works its widget
panel, checks that the picture changed and that no cell shows an error, and saves screenshots
in ``test-output/browser/``. The dashboard test also plays the run and drags a slider, prints
the median slider-to-paint latency and Play's frame rate, and saves them in
``test-output/browser/dashboard-latency.json`` (``benchmarks/dashboard_latency.py --browser``
reads them; the targets live there, never in a timed assertion). The server's whole process tree is stopped afterwards and the test
checks that nothing is left behind.

Without Chromium the tests are skipped, except on CI (``CI`` set), where they fail.
``GOVSIM_BROWSER_NOTEBOOKS=DIR`` takes the notebooks from another folder.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from govsim.handouts.pdf import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(os.environ.get("GOVSIM_BROWSER_NOTEBOOKS", ROOT / "notebooks"))
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = str(chromium_path())
DASHBOARD = "02_top_down_vs_bottom_up.ipynb"
ROLEPLAY = "workshop_roleplay.ipynb"
RUN_ALL_MS = 150_000
WIDGET_MS = 60_000


def _need_browser() -> None:
    """Skip without Chromium or Playwright; on CI that is a failure with the fix in the message."""
    problem = None
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        problem = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium chromium-driver"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = 'Playwright for Python is missing: pip install -e ".[browser]"'
    if problem:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"browser tests need a browser: {problem}")


# ---------------------------------------------------------------- the JupyterLab server
@dataclass
class Lab:
    port: int
    token: str
    root: Path
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
        return json.loads(body) if body else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc), kernels included: they run in their own session."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _settings(folder: Path) -> None:
    """Lab settings for testing: every cell stays in the page (no windowing), no news pop-up."""
    tracker = folder / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    notices = folder / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notices.parent.mkdir(parents=True)
    notices.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def _start_lab(base: Path) -> Lab:
    root = base / "root"
    root.mkdir()
    for name in (DASHBOARD, ROLEPLAY):
        if (SOURCE / name).is_file():
            shutil.copy(SOURCE / name, root / name)
    _settings(base / "settings")
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # kernels as a learner has them
    env.update(JUPYTER_RUNTIME_DIR=str(base / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={base / 'settings'}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = base / "server.log"
    with log.open("w") as out:  # the server keeps its own copy of the file descriptor
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    lab = Lab(port, token, root, process, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()}")
        try:
            lab.api("status")
            return lab
        except OSError:
            time.sleep(0.5)
    _stop_lab(lab)
    raise RuntimeError(f"JupyterLab did not answer on port {port} within 90 s")


def _stop_lab(lab: Lab) -> set[int]:
    """Shut the kernels down politely, then the server's process group; return what was running."""
    tree = _descendants(lab.process.pid) | {lab.process.pid}
    try:
        for kernel in lab.api("kernels"):
            lab.api(f"kernels/{kernel['id']}", method="DELETE")
    except OSError:
        pass
    try:
        os.killpg(lab.process.pid, signal.SIGTERM)
        lab.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(lab.process.pid, signal.SIGKILL)
        lab.process.wait(timeout=10)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in tree:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    return tree


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    _need_browser()
    server = _start_lab(tmp_path_factory.mktemp("lab"))
    yield server
    tree = _stop_lab(server)
    left = sorted(p for p in tree if _alive(p))
    assert server.process.returncode is not None and not left, f"processes left behind: {left}"


@pytest.fixture(scope="module")
def page(lab, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1500, "height": 1100},
        )
        context.set_default_timeout(WIDGET_MS)
        yield context.pages[0] if context.pages else context.new_page()
        context.close()
    left = [p for p in _chromium_processes() if str(profile) in p]
    assert not left, f"Chromium processes left behind: {left}"


def _chromium_processes() -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            found.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return [c for c in found if "chrom" in c]


# ---------------------------------------------------------------- driving JupyterLab
def _notebook(name: str) -> str:
    if not (SOURCE / name).is_file():
        pytest.fail(f"{SOURCE / name} is missing: the browser test drives that notebook")
    return name


def open_and_run_all(page, lab: Lab, name: str) -> None:
    """Open ``name``, wait for its kernel, run every cell and wait until all have finished."""
    page.goto(lab.url(f"lab/tree/{name}") + "&reset")
    page.wait_for_function(
        """name => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = w && w.context && w.context.path === name && w.sessionContext.session?.kernel;
            return kernel && kernel.status === 'idle';
        }""",
        arg=name,
        timeout=RUN_ALL_MS,
    )
    page.evaluate(
        """() => { window.__govsimRan = undefined;
                   window.jupyterapp.commands.execute('notebook:run-all-cells')
                     .then(ok => { window.__govsimRan = ok; }, () => { window.__govsimRan = false; }); }"""
    )
    page.wait_for_function("() => window.__govsimRan !== undefined", timeout=RUN_ALL_MS)
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'"
    )


def cell_errors(page) -> list[str]:
    """Errors any cell shows: error outputs in the notebook model, tracebacks on stderr in the page."""
    from_model = page.evaluate(
        """() => {
            const errors = [];
            for (const cell of window.jupyterapp.shell.currentWidget.content.model.cells) {
                if (cell.type !== 'code') continue;
                for (const out of cell.outputs.toJSON()) {
                    if (out.output_type === 'error') errors.push(`${out.ename}: ${out.evalue}`);
                }
            }
            return errors;
        }"""
    )
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    from_page = [
        t[:300] for t in stderr.all_inner_texts() if "Traceback" in t or "Error" in t.split("\n", 1)[0]
    ]
    return from_model + from_page


def image_src(page, scope: str) -> str:
    image = page.locator(f"{scope} img").first
    image.wait_for(state="visible")
    return image.get_attribute("src") or ""


def wait_for_new_image(page, scope: str, before: str) -> str:
    page.wait_for_function(
        """([scope, before]) => {
            const img = document.querySelector(scope + ' img');
            return img && img.src && img.src !== before;
        }""",
        arg=[scope, before],
    )
    return image_src(page, scope)


def drag_slider(page, slider) -> tuple[str, str]:
    """Drag a slider's handle a fifth of its track to the right; return the readout before and after."""
    slider.scroll_into_view_if_needed()
    readout = slider.locator(".widget-readout")
    before = readout.inner_text()
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-target").first.bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    step = track["width"] / 5 if x + track["width"] / 5 < track["x"] + track["width"] else -track["width"] / 5
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + step, y, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "([el, before]) => el.innerText !== before", arg=[readout.element_handle(), before]
    )
    return before, readout.inner_text()


def choose(menu, move: str) -> None:
    """Pick the option of a ``<select>`` whose label starts with ``move`` (labels are "move: meaning")."""
    labels = menu.locator("option").all_inner_texts()
    index = next(i for i, label in enumerate(labels) if label.strip().startswith(move))
    menu.select_option(index=index)


def shot(page, name: str) -> None:
    page.screenshot(path=str(OUTPUT / f"{name}.png"))


# ---------------------------------------------------------------- the tests
def _paints_after(page, version: int, since: float) -> list[dict]:
    return page.evaluate(
        "([v, t]) => (window.__govsimPaints || []).filter(p => p.version >= v && p.time >= t)",
        [version, since],
    )


def measure_slider_latency(page, view, slider, changes: int) -> list[float]:
    """Drag a slider and release it (the dashboard reruns the whole model) to the new picture
    painted: from the mouse release to the end of the canvas paint showing the new run, in ms."""
    page.evaluate(
        """() => { for (const kind of ['mouseup', 'pointerup'])
                     document.addEventListener(kind, () => { window.__govsimRelease = performance.now(); }, true); }"""
    )
    latencies = []
    for _ in range(changes):
        version = int(view.get_attribute("data-version"))
        drag_slider(page, slider)
        page.wait_for_function(
            "v => (window.__govsimPaints || []).some(p => p.version > v)", arg=version, timeout=WIDGET_MS
        )
        latencies.append(
            page.evaluate(
                "v => window.__govsimPaints.find(p => p.version > v).time - window.__govsimRelease", version
            )
        )
    return latencies


def measure_play(page, dashboard, view) -> tuple[float, int, int]:
    """Play from the start at the fastest speed until the last round: (frames painted per
    second, distinct rounds painted, rounds in the run)."""
    dashboard.locator(".govsim-reset").click()
    page.wait_for_function("el => el.dataset.frame === '0'", arg=view.element_handle())
    speed = dashboard.locator(".govsim-speed")
    box = speed.locator(".noUi-handle").first.bounding_box()
    track = speed.locator(".noUi-target").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 40, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up()
    page.wait_for_function(
        "el => el.innerText.trim() === '30'", arg=speed.locator(".widget-readout").element_handle()
    )
    page.wait_for_timeout(300)  # the kernel sets Play's interval
    status = view.locator(".govsim-frame-status").inner_text()  # "... (43 rounds in the run)"
    last = re.search(r"\((\d+) rounds? in the run\)", status).group(1)
    version = int(view.get_attribute("data-version"))
    since = page.evaluate("() => performance.now()")
    dashboard.locator(".govsim-play").first.click()
    page.wait_for_function(
        "([el, last]) => el.dataset.frame === last",
        arg=[view.element_handle(), last.strip()],
        timeout=WIDGET_MS,
    )
    paints = [p for p in _paints_after(page, version, since) if p["frame"] > 0]
    span = (paints[-1]["time"] - paints[0]["time"]) / 1000 if len(paints) > 1 else float("inf")
    return (len(paints) - 1) / span, len({p["frame"] for p in paints}), int(last)


def test_dashboard_notebook_in_the_browser(lab, page):
    """Run the dashboard notebook, move a slider (the model reruns), play the run round by round
    and step back; print the median latency and the frame rate (targets in benchmarks/)."""
    name = _notebook(DASHBOARD)
    stem = Path(name).stem
    open_and_run_all(page, lab, name)
    dashboard = page.locator(".govsim-dashboard").first
    dashboard.scroll_into_view_if_needed()
    view = dashboard.locator(".govsim-run-view")
    page.wait_for_function("el => el.dataset.version !== undefined", arg=view.element_handle())
    assert "Issue" in view.locator(".govsim-frame-status").inner_text()
    fallback = page.locator(".govsim-static-fallback")
    assert fallback.count() >= 1, "the static picture for offline exports is in the notebook"
    assert not any(fallback.nth(i).is_visible() for i in range(fallback.count())), "hidden in a live view"
    shot(page, f"{stem}-1-ran-all")
    assert cell_errors(page) == []

    version = int(view.get_attribute("data-version"))
    dashboard.locator(".govsim-protocol select").select_option("bottom_up")  # the classroom default
    page.wait_for_function(
        "v => (window.__govsimPaints || []).some(p => p.version > v)", arg=version, timeout=WIDGET_MS
    )
    slider = dashboard.locator(".govsim-slider-rho")  # bottom-up's objection threshold
    latencies = measure_slider_latency(page, view, slider, changes=9)
    shot(page, f"{stem}-2-slider")
    fps, shown, rounds = measure_play(page, dashboard, view)
    shot(page, f"{stem}-3-played")
    dashboard.locator(".govsim-back").click()
    page.wait_for_function(
        "([el, n]) => el.dataset.frame === String(n)", arg=[view.element_handle(), rounds - 1]
    )
    assert "round" in view.locator(".govsim-frame-status").inner_text()
    dashboard.locator(".govsim-projector-switch input[type=checkbox]").check()
    page.wait_for_function("el => el.dataset.projector === '1'", arg=view.element_handle())
    width = page.evaluate(
        "el => [el.querySelector('canvas').getBoundingClientRect().right, el.getBoundingClientRect().right]",
        view.element_handle(),
    )
    assert width[0] <= width[1] + 1, "the picture fits the notebook's width"
    shot(page, f"{stem}-4-projector")
    assert cell_errors(page) == []

    ordered = sorted(latencies)
    draws = page.evaluate("() => (window.__govsimPaints || []).map(p => p.draw)")
    figures = {
        "canvas_draw_ms_median": statistics.median(draws),
        "slider_to_paint_ms_median": statistics.median(latencies),
        "slider_to_paint_ms_p90": ordered[int(0.9 * (len(ordered) - 1))],
        "slider_changes": len(latencies),
        "play_frames_per_second": fps,
        "play_rounds_painted": shown,
        "play_rounds_in_run": rounds,
    }
    (OUTPUT / "dashboard-latency.json").write_text(json.dumps(figures, indent=2))
    print(
        f"\ndashboard in Chromium: slider change -> new picture painted, median "
        f"{figures['slider_to_paint_ms_median']:.0f} ms (p90 {figures['slider_to_paint_ms_p90']:.0f} ms, "
        f"{len(latencies)} changes; target <= 150 ms; drawing the canvas {figures['canvas_draw_ms_median']:.1f} ms); Play: {fps:.1f} frames/s, {shown} of {rounds} "
        "rounds painted (target >= 10 frames/s)"
    )
    assert shown >= rounds // 2 and fps > 0, "Play animated the run round by round"


def test_roleplay_notebook_two_rounds_in_the_browser(lab, page):
    name = _notebook(ROLEPLAY)
    stem = Path(name).stem
    open_and_run_all(page, lab, name)
    panel = page.locator(".govsim-roleplay").first
    panel.scroll_into_view_if_needed()
    scope = ".govsim-roleplay .govsim-rp-output"
    status = panel.locator(".govsim-rp-status")
    image = image_src(page, scope)
    shot(page, f"{stem}-0-ran-all")
    assert cell_errors(page) == []
    menus = panel.locator(".govsim-rp-move select")
    assert menus.count() >= 1, "the panel offers a move menu per team"
    moves = ["hold", "object"]
    for round_no in (1, 2):
        for i in range(menus.count()):  # every team picks a move, different in each round
            choose(menus.nth(i), moves[(i + round_no) % len(moves)])
        before = status.inner_text()
        panel.locator(".govsim-rp-next").click()
        image = wait_for_new_image(page, scope, image)
        page.wait_for_function(
            "([el, before]) => el.innerText !== before", arg=[status.element_handle(), before]
        )
        shot(page, f"{stem}-{round_no}-round-{round_no}")
        assert "Last round" in status.inner_text()
        assert "Traceback" not in panel.locator(".govsim-rp-output").inner_text()
    assert cell_errors(page) == []


def test_a_failing_cell_is_reported(lab, page):
    """The error check itself can fail: a notebook whose second cell raises."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("x / 0")]
    nbformat.write(nb, lab.root / "broken.ipynb")
    open_and_run_all(page, lab, "broken.ipynb")
    errors = cell_errors(page)
    assert any(e.startswith("ZeroDivisionError") for e in errors), errors


# ---------------------------------------------------------------- the dashboard on laptops and projectors
SCREENS = [(1366, 768), (1920, 1080)]
# every text a widget shows; a select's text is checked by its width against its longest option
TEXTS = "label, button, .widget-readout, .widget-html-content, .govsim-frame-status"
CONTROLS = "button, select, input, .widget-slider, .widget-checkbox, .widget-readout, .widget-label"


def _file_browser(page, open_: bool) -> None:
    """Open JupyterLab's file browser in the left sidebar, or close the sidebar."""
    page.evaluate(
        """open => { const shell = window.jupyterapp.shell;
                     if (open) shell.activateById('filebrowser'); else shell.collapseLeft(); }""",
        open_,
    )
    page.wait_for_function(
        "open => window.jupyterapp.shell.leftCollapsed === !open", arg=open_, timeout=WIDGET_MS
    )


def _settled(page, view) -> None:
    """Wait until the run view has painted at its current size and stays put for a moment."""
    page.wait_for_timeout(400)
    page.wait_for_function(
        """el => { const c = el.querySelector('canvas'); const now = c.width + 'x' + c.height;
                   const same = el.__govsimSize === now; el.__govsimSize = now; return same; }""",
        arg=view.element_handle(),
        polling=300,
    )


def layout_problems(page, dashboard, view, *, whole: bool) -> list[str]:
    """What a learner or a room would see cut or out of reach: a widget text cut (its scrollWidth
    over its clientWidth), a name cut in the picture (the run view's ``data-clipped``), a
    control beyond the notebook's visible width, and with ``whole`` (the dashboard scrolled to
    the top of the notebook) a control or the picture's legend below the visible height."""
    dashboard.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)
    found = page.evaluate(
        """([el, texts, controls, whole]) => {
            const problems = [];
            const scroller = el.closest('.jp-WindowedPanel-outer') || document.documentElement;
            const area = scroller.getBoundingClientRect();
            const right = Math.min(area.right, window.innerWidth), bottom = Math.min(area.bottom, window.innerHeight);
            const shown = (n) => n.offsetParent !== null && n.getClientRects().length > 0;
            const name = (n) => (n.innerText || n.value || n.className || n.tagName).toString().trim().slice(0, 40);
            for (const n of el.querySelectorAll(texts)) {
                if (shown(n) && n.scrollWidth > n.clientWidth + 1 && getComputedStyle(n).overflowX !== 'visible')
                    problems.push(`text cut: "${name(n)}" (${n.clientWidth} of ${n.scrollWidth} px)`);
            }
            for (const n of el.querySelectorAll('select')) {
                const ctx = document.createElement('canvas').getContext('2d');
                ctx.font = getComputedStyle(n).font;
                const widest = Math.max(...[...n.options].map((o) => ctx.measureText(o.text).width));
                if (shown(n) && widest + 24 > n.clientWidth) problems.push(`menu text cut: "${n.value}" (${n.clientWidth} px for ${Math.round(widest)})`);
            }
            for (const n of el.querySelectorAll(controls)) {
                if (!shown(n)) continue;
                const r = n.getBoundingClientRect();
                if (r.left < area.left - 1 || r.right > right + 1) problems.push(`control beyond the width: "${name(n)}" (${Math.round(r.left)}-${Math.round(r.right)} of ${Math.round(area.left)}-${Math.round(right)})`);
                if (whole && (r.top < area.top - 1 || r.bottom > bottom + 1)) problems.push(`control off screen: "${name(n)}" (${Math.round(r.top)}-${Math.round(r.bottom)} of ${Math.round(area.top)}-${Math.round(bottom)})`);
            }
            const view = el.querySelector('.govsim-run-view'), canvas = view.querySelector('canvas');
            if (view.dataset.clipped) problems.push(`names cut in the picture: ${view.dataset.clipped}`);
            const c = canvas.getBoundingClientRect();
            if (c.right > right + 1) problems.push(`picture beyond the width (${Math.round(c.right)} > ${Math.round(right)})`);
            if (whole && c.bottom > bottom + 1) problems.push(`legend below the screen (${Math.round(c.bottom)} > ${Math.round(bottom)})`);
            return problems;
        }""",
        [dashboard.element_handle(), TEXTS, CONTROLS, whole],
    )
    return found


def test_the_dashboard_fits_laptop_and_projector_screens(lab, page):
    """Issue 26: at 1366x768 and 1920x1080, with JupyterLab's file browser open and closed, in
    normal and projector mode, no widget text or name in the picture is cut and no control is
    beyond the notebook's width; with the dashboard scrolled to the top, its controls and the
    picture's legend are on screen together (not asked of the smallest screens with the
    browser open or in projector mode, where the controls alone fill much of the height); and the
    round slider follows Play."""
    name = _notebook(DASHBOARD)
    open_and_run_all(page, lab, name)
    dashboard = page.locator(".govsim-dashboard").first
    view = dashboard.locator(".govsim-run-view")
    page.wait_for_function("el => el.dataset.version !== undefined", arg=view.element_handle())
    problems = []
    try:
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            for browser_open in (True, False):
                _file_browser(page, browser_open)
                for projector in (False, True):
                    box = dashboard.locator(".govsim-projector-switch input[type=checkbox]")
                    box.set_checked(projector)
                    page.wait_for_function(
                        "([el, on]) => el.dataset.projector === on",
                        arg=[view.element_handle(), "01"[projector]],
                    )
                    _settled(page, view)
                    # the whole dashboard on one screen: at 1080p always; on a laptop in normal
                    # mode with the file browser closed
                    whole = width >= 1920 or not (browser_open or projector)
                    where = f"{width}x{height}, file browser {'open' if browser_open else 'closed'}, "
                    where += "projector" if projector else "normal"
                    found = layout_problems(page, dashboard, view, whole=whole)
                    side = "browser" if browser_open else "full"
                    shot(page, f"fit-{width}x{height}-{side}-{'projector' if projector else 'normal'}")
                    problems += [f"{where}: {p}" for p in found]
        # the round slider follows Play (it stayed at 0)
        dashboard.locator(".govsim-reset").click()
        page.wait_for_function("el => el.dataset.frame === '0'", arg=view.element_handle())
        readout = dashboard.locator(".govsim-round .widget-readout")
        dashboard.locator(".govsim-play").first.click()
        page.wait_for_function(
            "el => Number(el.dataset.frame) >= 3", arg=view.element_handle(), timeout=WIDGET_MS
        )
        seen = int(readout.inner_text())
        dashboard.locator(".govsim-play").first.click()  # pause
        assert seen >= 2, f"the round slider stayed at {seen} while Play showed later rounds"
        page.wait_for_function(
            "([el, r]) => r.innerText.trim() === el.dataset.frame",
            arg=[view.element_handle(), readout.element_handle()],
        )
    finally:
        page.set_viewport_size({"width": 1500, "height": 1100})
    assert problems == [], "\n".join(problems)
    assert cell_errors(page) == []
