"""``govsim handouts OUTDIR``: the printable, offline set (glossary, reading list, debrief
template, one handout per course block, parameter cheat-sheet) as HTML and PDF."""

from __future__ import annotations

import argparse

from govsim.cli import add_lang, path_arg

NAME = "handouts"
HELP = "write printable handouts (glossary, reading list, debrief, one page per block) as HTML and PDF"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "outdir",
        type=path_arg("OUTDIR"),
        help="folder to write to: new, empty, or written before by govsim handouts (never through a link)",
    )
    parser.add_argument(
        "--source",
        default=None,
        type=path_arg("--source"),
        help="folder of course notebooks (default: the repository's notebooks/)",
    )
    parser.add_argument("--html-only", action="store_true", help="write the HTML pages only, no PDFs")
    add_lang(parser, "the handouts")


def main(args: argparse.Namespace) -> int:
    from govsim.handouts import write_handouts
    from govsim.handouts.pdf import HOW_TO_GET_PDFS
    from govsim.i18n import _, decimal, language

    result = write_handouts(args.outdir, source=args.source, pdf=not args.html_only, lang=args.lang)
    with language(args.lang):
        pdfs = _(" and {count} PDFs").format(count=len(result.pdf_pages)) if result.pdf_pages else ""
        said = _("wrote {count} HTML pages{pdfs} to {folder} in {seconds} s; open index.html").format(
            count=len(result.html), pdfs=pdfs, folder=result.outdir, seconds=decimal(result.seconds, 1)
        )
        print(f"govsim handouts: {said}")
        if result.pdf_skipped and not args.html_only:
            print(f"govsim handouts: no PDFs ({result.pdf_skipped}): {HOW_TO_GET_PDFS}")
    return 0
