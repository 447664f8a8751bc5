"""``govsim lab``: open JupyterLab on your own working copy of the workshop notebooks and exercises.

The repository's notebooks are never opened in place (JupyterLab's autosave would write outputs
into them). ``govsim lab`` copies ``notebooks/`` and ``exercises/`` into a workspace folder,
copying only files that are not there yet (your work is never overwritten; delete a file to get
the original back), and roots JupyterLab there, opening ``notebooks/00_start_here``. What the
notebooks and exercises link to (the glossary and the reading list in ``docs/``) is copied too,
at the same place relative to them, so every relative link opens in the lab.

The workspace is govsim's: a new or empty folder, or one ``govsim lab`` made before (it holds
``.govsim-lab.json``). Another non-empty folder is refused unless ``--use-existing`` asks to add
govsim's folders to it. Nothing is written through a symbolic link (``notebooks``,
``exercises``, ``.jupyter`` or the workspace itself), so nothing lands outside the workspace.

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
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

from govsim import safefiles
from govsim.cli import UsageError

NAME = "lab"
HELP = "open JupyterLab on your own copy of the workshop notebooks and exercises (start with 00_start_here)"
START = "00_start_here.ipynb"
FOLDERS = ("notebooks", "exercises")  # copied into the workspace under these names
COPIED = ("*.ipynb", "*.md")
SETTINGS = ".jupyter/user-settings"
KIND = "lab"  # the workspace's marker: .govsim-lab.json (govsim.safefiles.claim_folder)
# A relative link in Markdown (``[text](../docs/glossary.md#term)``) or HTML (``href=``/``src=``).
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?|(?:href|src)=[\"']([^\"']+)[\"']")
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
        "--use-existing",
        action="store_true",
        help="use --workspace DIR although govsim lab did not make it (adds its folders; replaces nothing)",
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
    from govsim.checkout import ROOT

    return [Path.cwd() / "notebooks", Path.cwd(), ROOT / "notebooks"]


def find_notebooks(given: Path | None = None) -> Path:
    if given is not None:
        if not given.is_dir():
            raise UsageError(f"--notebooks {str(given)!r} is not a folder (give the folder holding {START})")
        if not (given / START).is_file():
            raise UsageError(
                f"--notebooks {str(given)!r} holds no {START} (give the folder holding the workshop notebooks)"
            )
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
        return Path(os.environ["GOVSIM_WORKSPACE"]).expanduser().absolute()  # a link is refused, not followed
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
        safefiles.write_atomic(path, lambda out: out.write(text.encode("utf-8")), replace=False)


def relative_links(path: Path) -> list[str]:
    """The relative links in a notebook's Markdown cells or a Markdown file, without their
    ``#anchor`` (web addresses, ``mailto:``, absolute paths and in-page anchors left out)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = json.loads(text).get("cells", [])
            text = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, TypeError):
        return []  # not a readable notebook: it links to nothing we could follow
    links = []
    for match in LINK.finditer(text):
        link = unquote((match.group(1) or match.group(2)).split("#")[0].split("?")[0])
        if link and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", link) and not link.startswith("/"):
            links.append(link)
    return links


def linked_files(files: list[Path], base: Path) -> list[Path]:
    """Files inside ``base`` that ``files`` link to, and what those link to in turn (Markdown),
    as paths relative to ``base``; a link leaving ``base`` or to nothing is left out."""
    base = base.resolve()
    found: list[Path] = []
    seen: set[Path] = set()
    queue = [f.resolve() for f in files]
    while queue:
        current = queue.pop(0)
        for link in relative_links(current):
            target = (current.parent / link).resolve()
            if target in seen or not target.is_file() or base not in target.parents:
                continue
            seen.add(target)
            found.append(target.relative_to(base))
            if target.suffix in (".md", ".ipynb"):
                queue.append(target)
    return found


def refuse_links(workspace: Path, relatives: list[Path]) -> None:
    """Refuse (one line, before anything is written) a symbolic link at any step of
    ``workspace / relative`` below ``workspace`` for each of ``relatives``.

    Raises :class:`UsageError` naming the link."""
    for relative in relatives:
        path = workspace
        for part in Path(relative).parts:
            path = path / part
            if path.is_symlink():
                raise UsageError(
                    f"--workspace {str(workspace)!r} holds {str(path.relative_to(workspace))!r}, a symbolic "
                    "link; nothing was written (govsim never writes through a link: remove it)"
                )


def claim_workspace(workspace: Path, use_existing: bool = False) -> list[str]:
    """Check that ``workspace`` is govsim's (new, empty, or made by ``govsim lab``) and create it
    if missing; with ``use_existing`` any real folder is accepted. A workspace made before the
    marker existed is recognised by the Lab settings file govsim wrote there. Returns the
    entries the marker lists.

    Raises :class:`UsageError` (one line) for a link, a file or another non-empty folder."""
    legacy = workspace / SETTINGS / f"{next(iter(LAB_SETTINGS))}.jupyterlab-settings"
    refuse_links(workspace, [legacy.relative_to(workspace)])  # is_file() below must not follow one
    try:
        _, previous = safefiles.claim_folder(
            workspace, KIND, adopt=use_existing or legacy.is_file(), name="--workspace"
        )
    except ValueError as exc:
        hint = "; --use-existing adds govsim's folders to it" if "not empty" in str(exc) else ""
        raise UsageError(f"{exc}{hint}") from None
    return previous


def prepare_workspace(notebooks: Path, workspace: Path, use_existing: bool = False) -> list[Path]:
    """Copy the originals that are missing into ``workspace`` and write its Lab settings.

    Copies ``notebooks/`` and ``exercises/`` (:data:`COPIED` files) and every file inside the
    checkout that they link to (the glossary and the reading list), at the same place relative
    to them. Returns the files copied this time (empty when the workspace is complete). Raises
    :class:`UsageError` when the workspace is one of the original folders or inside one, or is
    not a govsim workspace (see :func:`claim_workspace`); ``ValueError`` when a folder on the way
    is a symbolic link.
    """
    workspace = Path(workspace).absolute()
    folders = sources(notebooks)
    here = workspace.resolve()
    for folder in folders.values():
        original = folder.resolve()
        if here == original or original in here.parents or here in original.parents:
            where = "holds" if here in original.parents else "is inside"
            raise UsageError(
                f"--workspace {str(workspace)!r} {where} the originals {str(folder)!r} "
                "(allowed: a folder outside the notebooks and exercises and not holding them, "
                "e.g. workspace/ in the checkout)"
            )
    base = notebooks.parent
    originals = [
        original
        for folder in folders.values()
        for pattern in COPIED
        for original in sorted(p for p in folder.glob(pattern) if p.is_file())
    ]
    linked = [r for r in linked_files(originals, base) if r.parts[0] not in folders]
    # every place this will write, checked for links before anything is written
    refuse_links(
        workspace,
        [Path(n) for n in folders] + [Path(SETTINGS)] + linked + [Path(safefiles.marker_name(KIND))],
    )
    previous = claim_workspace(workspace, use_existing)
    copied, originals = [], []
    for name, folder in folders.items():
        target_folder = safefiles.make_folders(workspace, name)
        for pattern in COPIED:
            for original in sorted(p for p in folder.glob(pattern) if p.is_file()):
                originals.append(original)
                if _copy_new(original, target_folder / original.name):
                    copied.append(target_folder / original.name)
    for relative in linked:  # outside the copied folders (inside: already there, or deleted)
        target = safefiles.make_folders(workspace, relative.parent) / relative.name
        if _copy_new(base / relative, target):
            copied.append(target)
    write_lab_settings(workspace / SETTINGS, root=workspace)
    made = {p.relative_to(workspace).parts[0] for p in copied} | {SETTINGS.split("/")[0]}
    safefiles.record_folder(workspace, KIND, sorted(made | set(previous)), previous)
    return copied


def write_lab_settings(folder: Path, root: Path | None = None) -> None:
    """Write :data:`LAB_SETTINGS` into a JupyterLab user-settings ``folder`` (files already
    there are kept). Below ``root`` (the workspace) no folder is created or used through a
    symbolic link. Binder's ``postBuild`` calls this for its image."""
    for plugin, values in LAB_SETTINGS.items():
        path = Path(folder) / f"{plugin}.jupyterlab-settings"
        if root is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            parent = path.parent
        else:
            parent = safefiles.make_folders(root, path.parent.relative_to(root))
        _write_new(parent / path.name, json.dumps(values, indent=2))


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
    workspace = (args.workspace or default_workspace(notebooks)).expanduser().absolute()
    start = workspace / "notebooks" / START if (notebooks / START).is_file() else None
    command = lab_command(workspace, args.no_browser, args.jupyter_args, start)
    if args.dry_run:
        print(shlex.join(command))
        return 0
    copied = prepare_workspace(notebooks, workspace, use_existing=args.use_existing)
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
