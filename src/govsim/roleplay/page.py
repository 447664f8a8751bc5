"""The role-play's printable page shell: one home for the card style and the standalone page.

Every role-play module that writes HTML escapes user strings with :func:`govsim.escape.html_text`
and wraps a printable page with :func:`page_html`; none borrows them from a sibling.
"""

from __future__ import annotations

from govsim.escape import html_text
from govsim.i18n import locale_name, typography_html

CARD_CSS = """
.govsim-card { font-family: sans-serif; max-width: 48em; line-height: 1.35; }
.govsim-card h2 { margin: 0 0 .3em; } .govsim-card h3 { margin: .8em 0 .2em; font-size: 1.05em; }
.govsim-card ul { margin: .2em 0; padding-left: 1.4em; }
.govsim-card-moves th { text-align: left; vertical-align: top; padding-right: 1em; white-space: nowrap; }
.govsim-card-moves td { overflow-wrap: anywhere; }
@media print { .govsim-card { page-break-after: always; break-after: page; } }
"""


def page_html(title: str, body: str, css: str = CARD_CSS) -> str:
    """A standalone, printable HTML page (no scripts, no network), in the current language (its
    typography too: :func:`govsim.i18n.typography_html`)."""
    return typography_html(
        f"<!DOCTYPE html><html lang='{locale_name()}'><head><meta charset='utf-8'>"
        f"<title>{html_text(title)}</title><style>{css}</style></head><body>{body}</body></html>"
    )
