"""``govsim lab``: open JupyterLab on your own working copy of the workshop notebooks and exercises.

The repository's notebooks are never opened in place (JupyterLab's autosave would write outputs
into them). ``govsim lab`` copies ``notebooks/`` and ``exercises/`` into a workspace folder,
copying only files that are not there yet (your work is never overwritten; delete a file to get
the original back), and roots JupyterLab there, opening ``notebooks/00_start_here``.

The workspace is ``--workspace DIR``, else ``$GOVSIM_WORKSPACE``, else ``workspace/`` in the
checkout (ignored by git), or ``~/govsim-workspace`` when the checkout is not writable.
The originals are ``--notebooks DIR``, else ``./notebooks`` when run from a checkout, else the
``notebooks`` folder of the checkout govsim was installed from (``pip install -e .``); the
exercises are the ``exercises`` folder next to them. The server's settings live in the
workspace (``.jupyter/``), never in your home folder: JupyterLab's news pop-up is off.
Anything after ``--`` goes to JupyterLab unchanged, e.g. ``govsim lab -- --port 8899``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from govsim import safefiles
from govsim.cli import UsageError

NAME = "lab"
HELP = "open JupyterLab on your own copy of the workshop notebooks and exercises (start with 00_start_here)"
START = "00_start_here.ipynb"
FOLDERS = ("notebooks", "exercises")  # copied into the workspace under these names
COPIED = ("*.ipynb", "*.md")
SETTINGS = ".jupyter/user-settings"
# Lab settings a workshop server starts with (plugin id -> settings): no news or update pop-ups.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
QUIET_FLAGS = (
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notebooks", metavar="DIR", type=Path, help="folder holding the original notebooks")
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        type=Path,
        help="your working copy (default: workspace/ in the checkout)",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="start the server without opening a browser"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the JupyterLab command instead of running it (and copy nothing)",
    )
    parser.add_argument(
        "jupyter_args", nargs=argparse.REMAINDER, metavar="-- ARGS", help="passed on to JupyterLab"
    )


def candidates() -> list[Path]:
    """Where to look for the notebooks, in order: the working directory, then the checkout
    holding the installed package (``src/govsim`` -> ``notebooks``)."""
    import govsim

    checkout = Path(govsim.__file__).resolve().parents[2]
    return [Path.cwd() / "notebooks", Path.cwd(), checkout / "notebooks"]


def find_notebooks(given: Path | None = None) -> Path:
    if given is not None:
        if not given.is_dir():
            raise UsageError(f"--notebooks {str(given)!r} is not a folder (give the folder holding {START})")
        return given.resolve()
    found = [folder for folder in candidates() if folder.is_dir()]
    for folder in found:  # the folder with the start notebook, else a notebooks folder with any
        if (folder / START).is_file():
            return folder.resolve()
    for folder in found:
        if folder.name == "notebooks" and any(folder.glob("*.ipynb")):
            return folder.resolve()
    raise UsageError(
        f"cannot find the workshop notebooks ({START}); run from the govsim checkout or pass --notebooks DIR"
    )


def default_workspace(notebooks: Path) -> Path:
    """``$GOVSIM_WORKSPACE``, else ``workspace/`` beside the notebooks folder when that folder's
    parent is writable (a checkout), else ``~/govsim-workspace``."""
    if os.environ.get("GOVSIM_WORKSPACE"):
        return Path(os.environ["GOVSIM_WORKSPACE"]).expanduser().resolve()
    checkout = notebooks.parent
    if os.access(checkout, os.W_OK):
        return checkout / "workspace"
    return Path.home() / "govsim-workspace"


def sources(notebooks: Path) -> dict[str, Path]:
    """The folders to copy: ``{"notebooks": <given>, "exercises": <its sibling>}`` (when present)."""
    found = {"notebooks": notebooks, "exercises": notebooks.parent / "exercises"}
    return {name: folder for name, folder in found.items() if folder.is_dir()}


def _copy_new(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless ``target`` exists (or is a link): never overwrite."""
    if target.exists() or target.is_symlink():
        return False
    safefiles.write_atomic(target, lambda write: write.write(source.read_bytes()), replace=False)
    return True


def _write_new(path: Path, text: str) -> None:
    if not (path.exists() or path.is_symlink()):
        path.parent.mkdir(parents=True, exist_ok=True)
        safefiles.write_atomic(path, lambda out: out.write(text.encode("utf-8")), replace=False)


def prepare_workspace(notebooks: Path, workspace: Path) -> list[Path]:
    """Copy the originals that are missing into ``workspace`` and write its Lab settings.

    Returns the files copied this time (empty when the workspace is complete). Raises
    :class:`UsageError` when the workspace is one of the original folders or inside one.
    """
    workspace = workspace.resolve()
    folders = sources(notebooks)
    for folder in folders.values():
        if workspace == folder.resolve() or folder.resolve() in workspace.parents:
            raise UsageError(
                f"--workspace {str(workspace)!r} is inside the originals {str(folder)!r} "
                "(allowed: any folder outside them)"
            )
    copied = []
    for name, folder in folders.items():
        target = workspace / name
        target.mkdir(parents=True, exist_ok=True)
        for pattern in COPIED:
            for original in sorted(folder.glob(pattern)):
                if original.is_file() and _copy_new(original, target / original.name):
                    copied.append(target / original.name)
    write_lab_settings(workspace / SETTINGS)
    return copied


def write_lab_settings(folder: Path) -> None:
    """Write :data:`LAB_SETTINGS` into a JupyterLab user-settings ``folder`` (files already
    there are kept). Binder's ``postBuild`` calls this for its image."""
    for plugin, values in LAB_SETTINGS.items():
        _write_new(Path(folder) / f"{plugin}.jupyterlab-settings", json.dumps(values, indent=2))


def lab_command(
    workspace: Path, no_browser: bool = False, extra: list[str] | None = None, start: Path | None = None
) -> list[str]:
    """``python -m jupyterlab`` rooted at ``workspace`` with the workspace's settings and no
    news pop-up, opening ``start`` (a notebook path) when given."""
    extra = list(extra or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={workspace}",
        f"--LabApp.user_settings_dir={workspace / SETTINGS}",
        *QUIET_FLAGS,
    ]
    if no_browser:
        command.append("--no-browser")
    if getattr(os, "geteuid", lambda: 1)() == 0:  # containers and CI often run as root
        command.append("--allow-root")
    command += extra
    if start is not None:
        command.append(str(start))
    return command


def main(args: argparse.Namespace) -> int:
    notebooks = find_notebooks(args.notebooks)
    workspace = (args.workspace or default_workspace(notebooks)).expanduser().resolve()
    start = workspace / "notebooks" / START if (notebooks / START).is_file() else None
    command = lab_command(workspace, args.no_browser, args.jupyter_args, start)
    if args.dry_run:
        print(shlex.join(command))
        return 0
    copied = prepare_workspace(notebooks, workspace)
    fresh = f"copied {len(copied)} original(s) in; " if copied else ""
    print(
        f"govsim lab: your working copy is {workspace} ({fresh}the originals in {notebooks.parent} stay "
        "untouched; delete a file there to get the original back).\n"
        "Stop JupyterLab with Ctrl+C twice; problems? run: govsim doctor"
    )
    sys.stdout.flush()
    if os.name == "posix":  # become JupyterLab: signals reach it directly, nothing is left behind
        os.chdir(workspace)
        os.execv(command[0], command)
    return subprocess.call(command, cwd=workspace)
