"""Showing text that came from a file: escaped for HTML, stripped of control characters for a terminal.

A scenario, experiment, role-play file or results folder is written by whoever handed it over,
and its names reach the screen in error messages, status lines, tables and paths. Two rules:

* every such string put into widget HTML goes through :func:`html_text` (``<``, ``>``, ``&``
  and quotes become entities, so ``<img src=x onerror=...>`` shows as text and runs nothing);
* every such string printed to a terminal goes through :func:`terminal_text` (escape sequences
  and other control characters are removed, so a name cannot move the cursor, retitle the
  window or hide text).
"""

from __future__ import annotations

import html
import re
from typing import Any

# C0 controls except tab and newline, DEL, and C1 controls (ESC, CSI, OSC ... start sequences)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\n\t]")


def html_text(value: Any) -> str:
    """``str(value)`` safe to put into HTML as text (attribute values included)."""
    return html.escape(str(value), quote=True)


def terminal_text(value: Any, *, one_line: bool = False) -> str:
    """``str(value)`` without control characters (``one_line``: tabs and newlines become spaces)."""
    text = _CONTROL.sub("", str(value))
    return _LINE_BREAKS.sub(" ", text) if one_line else text
