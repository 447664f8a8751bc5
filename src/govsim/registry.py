"""Every extension registry of govsim, saved and restored as one.

Each registry (protocols, seating layouts, measures) is a plain dict created with
:func:`registry`, which also lists it here. :func:`registered` is a context manager that
snapshots all of them and puts them back on exit, whatever was registered or removed in
between: the tests (an autouse fixture in ``tests/conftest.py``), the exercise checks (a
learner's broken measure never reaches the next check) and a user's own experiments use it.

    >>> from govsim import register, Protocol
    >>> from govsim.protocols import PROTOCOLS
    >>> from govsim.registry import registered
    >>> with registered():
    ...     @register
    ...     class Tryout(Protocol):
    ...         name, label = "tryout", "Try-out"
    ...     "tryout" in PROTOCOLS
    True
    >>> "tryout" in PROTOCOLS
    False
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_REGISTRIES: list[dict] = []
_NAMES: dict[int, str] = {}


def registry(name: str) -> dict:
    """A new, empty registry dict, listed so that :func:`registered` saves and restores it.

    ``name`` says what it holds (for :func:`registries`).
    """
    table: dict = {}
    _REGISTRIES.append(table)
    _NAMES[id(table)] = name
    return table


def registries() -> dict[str, dict]:
    """Every registry by name (``"protocols"``, ``"seatings"``, ``"layouts"``, ``"measures"``)."""
    return {_NAMES[id(t)]: t for t in _REGISTRIES}


@contextmanager
def registered() -> Iterator[None]:
    """Snapshot every registry; on exit (also after an exception) restore each one exactly,
    in place, so names registered inside the block are gone and names removed come back."""
    saved = [(table, dict(table)) for table in _REGISTRIES]
    try:
        yield
    finally:
        for table, items in saved:
            table.clear()
            table.update(items)
