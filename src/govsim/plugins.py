"""Plugins: installed packages that add measures or protocols to the ``govsim`` command.

A notebook registers a measure by running its decorated function; a command-line run has no
notebook, so it imports the modules that installed packages declare under the entry-point
group ``govsim.plugins`` (their decorators register what they define). In a package's
``pyproject.toml``::

    [project.entry-points."govsim.plugins"]
    my_measures = "my_package.measures"

Only installed packages are imported (code the user chose to install, as with any
``pip install``); nothing is read from results or scenario files.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

GROUP = "govsim.plugins"


def load_plugins() -> list[str]:
    """Import every module declared under ``govsim.plugins``; returns their names.

    Raises
    ------
    ValueError
        A plugin failed to import (names the plugin, its module and the error in one line).
    """
    loaded = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            importlib.import_module(ep.value.split(":")[0])
        except Exception as exc:  # any failure of someone else's code: one line, no traceback
            raise ValueError(
                f"plugin {ep.name!r} ({ep.value}) failed to load: {type(exc).__name__}: {exc}"
            ) from None
        loaded.append(ep.name)
    return loaded
