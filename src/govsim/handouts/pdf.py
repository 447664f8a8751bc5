"""PDFs from the handout pages with Chromium's own print engine (via Playwright).

Why Chromium: the project already uses Debian's Chromium through Playwright for its browser
tests, so no second rendering engine (LaTeX, WeasyPrint and its system libraries) is needed,
and the PDF looks exactly like the page a facilitator previews in a browser. Nothing is
downloaded: Playwright drives the system's ``/usr/bin/chromium`` (``GOVSIM_CHROMIUM`` moves
it), and every request that is not a ``file:`` or ``data:`` URL is aborted, so a page that
tried to reach the network fails loudly instead of printing without its content.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
"""Flags for a headless Chromium on a machine with no network: the one list, also used by the tests."""
HOW_TO_GET_PDFS = (
    "install Debian's chromium (apt-get install chromium) and Playwright "
    '(pip install "govsim[browser]"), then run govsim handouts again'
)


def chromium_path() -> Path:
    """The Chromium executable to print with: ``$GOVSIM_CHROMIUM``, else ``/usr/bin/chromium``
    (Debian's package). Not checked here: :func:`unavailable` says whether it runs."""
    return Path(os.environ.get("GOVSIM_CHROMIUM", "/usr/bin/chromium"))


def unavailable() -> str | None:
    """Why PDFs cannot be made here (one line), or None when Chromium and Playwright are present."""
    path = chromium_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        return f"Chromium not found at {path}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


def page_count(pdf: bytes) -> int:
    """Number of pages in a PDF written by Chromium: its ``/Type /Page`` objects, counted in the
    raw bytes (Chromium does not compress them; a PDF that does gives 0).

    >>> page_count(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page >>")
    2
    """
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def offline_only(route) -> None:
    """Playwright route handler: let ``file:`` and ``data:`` through, abort everything else."""
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


PDF_OPTIONS = {"format": "A4", "print_background": True, "prefer_css_page_size": True, "scale": 1.0}
"""How every page prints: A4, at full size. A handout is never shrunk to fit: every text prints
at 10 pt or more (the CSS's smallest size), for rooms reading in a second or third language
(issue 22.12); a page meant for one sheet that runs longer keeps its page count, which
:func:`print_pdfs` returns and the tests check."""


def print_pdfs(pages: Sequence[Path]) -> dict[str, int]:
    """Print each HTML file in ``pages`` to an A4 PDF beside it (same name, ``.pdf``), at full
    size (:data:`PDF_OPTIONS`: no text below the CSS's 10 pt). Needs Chromium and Playwright
    (:func:`unavailable` says why not).

    Parameters
    ----------
    pages : sequence of pathlib.Path
        Self-contained HTML files (:mod:`govsim.handouts.html`).

    Returns
    -------
    dict of str to int
        The number of pages of each PDF written, by its file name (``"glossary.pdf"``).

    Raises
    ------
    RuntimeError
        A page requested anything other than a ``file:`` or ``data:`` URL (handouts must be
        self-contained); the PDFs printed before it are kept.
    ValueError
        A PDF's path is a symbolic link (:func:`govsim.handouts.files.write_bytes`).
    ImportError
        Playwright is not installed.
    """
    from playwright.sync_api import sync_playwright

    counts: dict[str, int] = {}
    failed: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True)
            context.route("**/*", offline_only)
            page = context.new_page()
            page.on("requestfailed", lambda request: failed.append(request.url))
            for path in pages:
                page.goto(path.resolve().as_uri(), wait_until="load")
                target = path.with_suffix(".pdf")
                pdf = page.pdf(**PDF_OPTIONS)
                if failed:
                    raise RuntimeError(f"{path.name} requested {failed[0]} (handouts must be self-contained)")
                _write_bytes(target, pdf)
                counts[target.name] = page_count(pdf)
        finally:
            browser.close()
    return counts


def _write_bytes(path: Path, data: bytes) -> None:
    from govsim.handouts.files import write_bytes

    write_bytes(path, data)
