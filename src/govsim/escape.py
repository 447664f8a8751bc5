"""Showing text that came from a file: escaped for HTML, stripped of control characters for a terminal.

A scenario, experiment, role-play file or results folder is written by whoever handed it over,
and its names reach the screen in error messages, status lines, tables and paths. Two rules:

* every such string put into widget HTML goes through :func:`html_text` (``<``, ``>``, ``&``
  and quotes become entities, so ``<img src=x onerror=...>`` shows as text and runs nothing);
* every such string printed to a terminal goes through :func:`terminal_text` (escape sequences,
  other control characters and Unicode text-direction overrides are removed, so a name cannot
  move the cursor, retitle the window, hide text or show itself reversed); a one-line message
  longer than :data:`MAX_LINE` characters keeps its start and end with the middle left out.

Readers that refuse such characters outright (actor tables) use :func:`has_control`.
"""

from __future__ import annotations

import html
import re
from typing import Any

# Unicode bidirectional marks, embeddings, overrides and isolates ("Trojan Source")
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 controls except tab and newline, DEL, C1 controls (ESC, CSI, OSC ... start sequences), bidi
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")
MAX_LINE = 1000  # characters of a one-line message (a 200,000-level list is not echoed whole)
_LINE_BREAKS = re.compile(r"[\n\t]")


def html_text(value: Any) -> str:
    """``str(value)`` safe to put into HTML as text (attribute values included)."""
    return html.escape(str(value), quote=True)


def terminal_text(value: Any, *, one_line: bool = False) -> str:
    """``str(value)`` without control or text-direction characters (``one_line``: tabs and
    newlines become spaces, and at most about :data:`MAX_LINE` characters are kept)."""
    text = _CONTROL.sub("", str(value))
    if not one_line:
        return text
    text = _LINE_BREAKS.sub(" ", text)
    if len(text) > MAX_LINE:
        head, tail = MAX_LINE * 3 // 5, MAX_LINE * 3 // 10
        left_out = len(text) - head - tail
        text = f"{text[:head]} ... ({left_out:,} characters left out) ... {text[-tail:]}"
    return text


def has_control(value: str) -> bool:
    """Whether ``value`` holds a control character (tab and newline included) or a text-direction
    override/isolate: text a reader should refuse rather than show."""
    return _UNSAFE.search(value) is not None
