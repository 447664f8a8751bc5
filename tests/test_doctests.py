"""The examples in the package's docstrings run as written (doctest), wherever a module has one."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import govsim

ROOT = Path(govsim.__file__).parent
WITH_EXAMPLES = sorted(
    ".".join(p.relative_to(ROOT.parent).with_suffix("").parts)
    for p in ROOT.rglob("*.py")
    if ">>> " in p.read_text(encoding="utf-8")
)


def test_the_modules_that_promise_examples_have_them():
    assert {"govsim.metrics", "govsim.deliberation", "govsim.overrides"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0 and result.failed == 0, (
        f"{name}: {result.failed} of {result.attempted} failed"
    )
