"""The printable, offline layer of the kit: glossary, reading list, debrief template, one
handout per course block (with the predict-then-run sheet for notebook 02) and a parameter
cheat-sheet, written as self-contained HTML and, where Chromium is available, as PDF.

Everything is generated: terms and readings from ``govsim/data/*.toml``, block handouts from
the course notebooks, the cheat-sheet from the parameter declarations. ``govsim handouts
OUTDIR`` (or :func:`write_handouts`) writes the set; :func:`glossary_markdown` and
:func:`readings_markdown` render ``docs/glossary.md`` and ``docs/reading-list.md``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from govsim.checkout import checkout_folder
from govsim.handouts import content, html
from govsim.handouts.files import finish, prepare, write_text
from govsim.i18n import N_, _, language

FOOTER = N_(
    "govsim handouts · generated from the course notebooks and the package's data · a stylized "
    "teaching model, not a forecast"
)


@dataclass
class Written:
    """What :func:`write_handouts` wrote: the folder, the HTML and PDF file names, each PDF's
    page count, why PDFs were skipped (or None) and how long it took (seconds)."""

    outdir: Path
    html: list[str] = field(default_factory=list)
    pdf_pages: dict[str, int] = field(default_factory=dict)
    pdf_skipped: str | None = None
    seconds: float = 0.0
    one_sheet: list[str] = field(default_factory=list)  # PDFs meant for one double-sided sheet


def positions_figure():
    """Where the classroom's stakeholders start (seed 0): a matplotlib figure, labels in the
    current language (:mod:`govsim.i18n`), number ticks in its locale."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from govsim.model import GovernanceModel
    from govsim.screen.plotting import fit_texts, localize_ticks, plot_positions, short_dimension_label

    fig, ax = plt.subplots(figsize=(4.2, 4.0), layout="constrained")
    model = GovernanceModel("classroom", rng=0)
    plot_positions(model, ax=ax)
    x, y = model.setup.dimensions[:2]  # short labels: the caption says what the ends mean
    ax.set_xlabel(short_dimension_label(x))
    ax.set_ylabel(short_dimension_label(y))
    ax.legend(loc="upper left", fontsize="x-small")
    return fit_texts(localize_ticks(fig))


def _positions_figure() -> str:
    """:func:`positions_figure` with its caption, as HTML (the image a data URI)."""
    import matplotlib.pyplot as plt

    from govsim.model import GovernanceModel
    from govsim.screen.display import png_data_uri
    from govsim.screen.plotting import dimension_caption

    fig = positions_figure()
    dimensions = GovernanceModel("classroom", rng=0).setup.dimensions[:2]
    try:
        return html.figure_html(
            png_data_uri(fig, dpi=150, tight=True, fast=False),
            _("Where the forty classroom stakeholders start (seed 0): one marker shape and colour per group.")
            + " "
            + dimension_caption(dimensions),
        )
    finally:
        plt.close(fig)


def pages(source: str | Path | None = None) -> dict[str, tuple[str, str, str]]:
    """Every handout page, in the current language (:mod:`govsim.i18n`): file name -> (title,
    what it is, HTML)."""
    footer = _(FOOTER)
    found: dict[str, tuple[str, str, str]] = {}
    sheets = content.worksheets()
    for b in content.blocks(source):
        figure = _positions_figure() if b.stem.startswith("01_") else ""
        what = (
            _("predict-then-run sheet")
            if sheets.get(b.stem, {}).get("predict")
            else _("one-page handout and worksheet")
        )
        found[f"block-{b.stem}.html"] = (
            content.block_in_language(b).title,
            what,
            html.block_page(b, sheets.get(b.stem, {}), footer, figure),
        )
    found["cheat-sheet.html"] = (
        _("Parameter cheat-sheet"),
        _("every setting, its default, range and meaning (settings by their names in the code)"),
        html.cheat_sheet_page(content.parameter_rows(), footer),
    )
    found["debrief.html"] = (_("Debrief"), _("what happened / so what / now what"), html.debrief_page(footer))
    found["glossary.html"] = (
        _("Glossary"),
        _("terms with definitions and sources"),
        html.glossary_page(content.glossary(), footer),
    )
    found["reading-list.html"] = (
        _("Reading list"),
        _("per event, primary sources and both camps"),
        html.readings_page(content.readings(), footer),
    )
    return found


#: the handouts written for one sheet printed on both sides (at most two A4 pages at full size;
#: nothing is shrunk to fit: :data:`govsim.handouts.pdf.PDF_OPTIONS`)
ONE_SHEET_PREFIXES = ("block-", "cheat-sheet", "debrief")


def write_handouts(
    outdir: str | Path, source: str | Path | None = None, pdf: bool = True, lang: str | None = None
) -> Written:
    """Write the handouts to ``outdir`` (see :mod:`govsim.handouts.files` for which folders are
    accepted) in ``lang`` ("en", "fr", "es"; default: the current language); with ``pdf`` and
    Chromium present, a PDF beside each page."""
    from govsim.handouts import pdf as printer

    started = time.perf_counter()
    with language(lang):
        every = pages(source)  # build everything before touching the folder
        index_html = html.index_page(
            [(name, title, what) for name, (title, what, _html) in every.items()], _(FOOTER)
        )
    out, previous = prepare(outdir)
    result = Written(out)
    for name, (_title, _what, text) in every.items():
        write_text(out / name, text)
        result.html.append(name)
    write_text(out / "index.html", index_html)
    result.html.append("index.html")
    result.one_sheet = [n.replace(".html", ".pdf") for n in every if n.startswith(ONE_SHEET_PREFIXES)]
    written = list(result.html)
    if pdf:
        result.pdf_skipped = printer.unavailable()
        if result.pdf_skipped is None:
            result.pdf_pages = printer.print_pdfs([out / n for n in result.html])
            written += list(result.pdf_pages)
    else:
        result.pdf_skipped = "PDFs not asked for"
    finish(out, written, previous)
    result.seconds = time.perf_counter() - started
    return result


# ------------------------------------------------------------------ docs/*.md
GENERATED = "<!-- Generated by govsim.handouts from src/govsim/data/{name}: edit that file, then run `python -m govsim.handouts` (a test checks this copy is current). -->"


def glossary_markdown() -> str:
    """``docs/glossary.md``: every term with its definition and source."""
    lines = [GENERATED.format(name="glossary.toml"), "", "# Glossary", ""]
    lines += [
        "Internet-governance terms first, then what govsim means by its own words. Sources are in the",
        "[reading list](reading-list.md). Printable: `govsim handouts OUTDIR`.",
        "",
    ]
    for kind, heading in (("governance", "Internet governance"), ("model", "The model's words")):
        lines += [f"## {heading}", ""]
        for t in (t for t in content.glossary() if t.kind == kind):
            name = f"**{t.term}**" + (f" ({t.expansion})" if t.expansion else "")
            more = f" {t.more}" if t.more else ""
            lines += [f"- {name}: {t.definition}{more} *Source: {t.source}.*"]
        lines.append("")
    return "\n".join(lines)


def readings_markdown() -> str:
    """``docs/reading-list.md``: per event, its readings with their view."""
    lines = [GENERATED.format(name="readings.toml"), "", "# Reading list", ""]
    lines += [
        "Per event: the primary documents and accounts from more than one camp. Each entry says where",
        "it stands: *primary* (the document itself), *supportive*, *critical* or *analysis*.",
        "",
    ]
    for e in content.readings():
        lines += [f"## {e.title}", "", e.why, ""]
        lines += [
            f"- [{r.view}] {r.authors} ({r.year}). *{r.title}*. {r.published}. {r.note}" for r in e.readings
        ]
        lines.append("")
    return "\n".join(lines)


DOCS = {"glossary.md": glossary_markdown, "reading-list.md": readings_markdown}


def write_docs(folder: str | Path | None = None) -> list[Path]:
    """Write ``docs/glossary.md`` and ``docs/reading-list.md`` (default: the repository's docs,
    :func:`govsim.checkout.checkout_folder`: a one-line ``FileNotFoundError`` without a checkout)."""
    target = Path(folder) if folder is not None else checkout_folder("docs", "folder")
    written = []
    for name, render in DOCS.items():
        path = target / name
        write_text(path, render())
        written.append(path)
    return written


__all__ = ["Written", "glossary_markdown", "pages", "readings_markdown", "write_docs", "write_handouts"]
