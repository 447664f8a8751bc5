"""Plain JSON values from anything govsim reports: the one sanitiser every writer of JSON uses.

``plain`` turns numpy scalars and arrays into Python numbers and lists, tuples into lists and
mapping keys into strings, and writes a number that is not finite (NaN, +-inf) as ``None``
(JSON ``null``: standard JSON has no NaN, and ``json.dumps`` would write the non-standard
``NaN`` that other readers refuse). ``digits`` rounds floats, for stable printed output.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def plain(value: Any, digits: int | None = None) -> Any:
    """``value`` with every part JSON-ready (see the module docstring); other objects unchanged.

    >>> plain({"a": np.float64("nan"), 1: (np.int64(2), 0.1234567)}, digits=3)
    {'a': None, '1': [2, 0.123]}
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v, digits) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return value if digits is None else round(value, digits)
    return value
