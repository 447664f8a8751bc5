"""Counting in words: the one ``plural`` every printed count uses (plots, CLI, role-play)."""

from __future__ import annotations


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 round``, ``2 rounds`` (``words`` for irregular plurals).

    >>> plural(1, "issue"), plural(2, "issue"), plural(0, "body", "bodies")
    ('1 issue', '2 issues', '0 bodies')
    """
    return f"{n} {word if n == 1 else words or word + 's'}"
