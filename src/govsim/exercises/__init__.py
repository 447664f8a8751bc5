"""Self-checking exercises: ``from govsim.exercises import ex3`` then ``ex3.q1.check(answer)``,
``ex3.q1.hint()`` and ``ex3.q1.solution()``.

Each module ``ex1`` ... ``ex8`` holds the questions of one exercise notebook in the repository's
``exercises/`` folder, with their reference answers, hints and worked solutions. Everything
runs offline: expected values come from seeded model runs on first use (or are closed-form).

For instructors, :func:`make_solution_notebooks` (or ``govsim solutions OUTDIR``) writes the
notebooks with the reference answers filled into their answer cells.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govsim.exercises.checks import Question

EXERCISES = ("ex1", "ex2", "ex3", "ex4", "ex5", "ex6", "ex7", "ex8")


def questions() -> dict[str, Question]:
    """Every question of every exercise, by id (``"ex3.q1"``), in order."""
    found: dict[str, Question] = {}
    for name in EXERCISES:
        module = importlib.import_module(f"govsim.exercises.{name}")
        found.update({q.qid: q for q in module.QUESTIONS})
    return found


def make_solution_notebooks(outdir: str | Path, source: str | Path | None = None) -> list[Path]:
    """Write each exercise notebook with its answer cells filled in; returns the paths written."""
    from govsim.exercises.notebooks import make_solution_notebooks as make

    return make(outdir, source)


__all__ = ["EXERCISES", "make_solution_notebooks", "questions"]
