"""The folders of a source checkout that the installed package does not ship.

The course notebooks (``notebooks/``), the exercise notebooks (``exercises/``) and the
documentation (``docs/``) live next to ``src/`` in the repository; ``pip install govsim`` puts
only the ``govsim`` package in site-packages. :func:`checkout_folder` is the one place that
finds them, and says in one line what to do when govsim runs without its checkout.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The folder two levels above the package: a source checkout's root (``src/govsim`` ->
the checkout), or, for an installed package, the folder holding ``site-packages``."""

FOLDERS = {
    "notebooks": "the course notebooks",
    "exercises": "the exercise notebooks",
    "docs": "the documentation",
}
"""The checkout's folders that a command reads by default, and what each holds."""


def checkout_folder(name: str, option: str = "--source") -> Path:
    """The source checkout's folder ``name`` (a key of :data:`FOLDERS`), next to ``src/``.

    Returns
    -------
    pathlib.Path
        ``ROOT / name``, an existing folder.

    Raises
    ------
    FileNotFoundError
        One line: there is no such folder beside the package (govsim is installed, not run
        from a checkout), naming the folder looked for and the ``option`` that gives another.
    KeyError
        ``name`` is not a key of :data:`FOLDERS`.
    """
    what = FOLDERS[name]
    folder = ROOT / name
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{what} ship with govsim's source, not with the installed package (no {folder}): "
            f"give their folder with {option} (the {name}/ folder of a clone of the repository)"
        )
    return folder
