"""Names a package hands on from its modules, imported on first use (PEP 562).

``govsim`` and ``govsim.sweep`` list each public name with the module that defines it, so
``import govsim`` and the ``govsim`` command start without loading Mesa, pandas or scipy::

    __getattr__, __dir__ = lazy_exports(__name__, {"GovernanceModel": "govsim.model"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : the package's ``__name__``.
    homes : public name -> the module that defines it.

    Returns
    -------
    (``__getattr__``, ``__dir__``): the first imports a name's home on first use and caches the
    value in the package; an unknown name raises ``AttributeError`` as Python's own would.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
