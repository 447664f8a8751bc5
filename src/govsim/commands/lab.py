"""``govsim lab``: open JupyterLab on the workshop notebooks, starting at ``00_start_here``.

The notebooks folder is ``--notebooks DIR``, else ``./notebooks`` when run from a checkout, else
the ``notebooks`` folder of the checkout govsim was installed from (``pip install -e .``).
Anything after ``--`` goes to JupyterLab unchanged, e.g. ``govsim lab -- --port 8899``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

from govsim.cli import UsageError

NAME = "lab"
HELP = "open JupyterLab on the workshop notebooks (start with 00_start_here)"
START = "00_start_here.ipynb"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notebooks", metavar="DIR", type=Path, help="folder holding the workshop notebooks")
    parser.add_argument(
        "--no-browser", action="store_true", help="start the server without opening a browser"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the JupyterLab command instead of running it"
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


def lab_command(folder: Path, no_browser: bool = False, extra: list[str] | None = None) -> list[str]:
    """``python -m jupyterlab`` rooted at ``folder``, opening the start notebook when it is there."""
    extra = list(extra or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if no_browser:
        command.append("--no-browser")
    if getattr(os, "geteuid", lambda: 1)() == 0:  # containers and CI often run as root
        command.append("--allow-root")
    command += extra
    if (folder / START).is_file():
        command.append(str(folder / START))
    return command


def main(args: argparse.Namespace) -> int:
    folder = find_notebooks(args.notebooks)
    command = lab_command(folder, args.no_browser, args.jupyter_args)
    if args.dry_run:
        print(shlex.join(command))
        return 0
    print(f"govsim lab: JupyterLab on {folder} (stop it with Ctrl+C twice; problems? run: govsim doctor)")
    sys.stdout.flush()
    if os.name == "posix":  # become JupyterLab: signals reach it directly, nothing is left behind
        os.chdir(folder)
        os.execv(command[0], command)
    return subprocess.call(command, cwd=folder)
