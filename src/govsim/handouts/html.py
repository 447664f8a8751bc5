"""The handouts as self-contained HTML pages: inline CSS, images as data URIs, no script and
no request to anything outside the page, so they print and read with the network off.

Every string that comes from a data file or a notebook is escaped (:func:`inline` renders the
few inline marks the notebooks use: `code`, **bold**, *italics*, and keeps a link's text only).
Each page is sized for A4 paper, every text at 10 pt or more; the block handouts, the
cheat-sheet and the debrief template fit on one sheet printed on both sides.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from govsim.handouts.content import (
    Block,
    Event,
    Reading,
    Term,
    block_in_language,
    event_in_language,
    parameter_row_in_language,
    term_in_language,
    worksheet_in_language,
)
from govsim.i18n import N_, _, collation_key, locale_name, typography_html

CSS = """
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; margin: 0; }
main { max-width: 182mm; margin: 0 auto; padding: 4mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 4mm 0 1.5mm; border-bottom: 1px solid #999; padding-bottom: 0.5mm; }
h3 { font-size: 10.5pt; margin: 3mm 0 1mm; }
p, li { margin: 0.8mm 0; }
ul { margin: 0; padding-left: 5mm; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 10pt; background: #f1f1f1; padding: 0 0.6mm; }
.meta { color: #444; font-size: 10pt; margin-bottom: 2mm; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
.box { border: 1px solid #777; border-radius: 1.5mm; padding: 2mm 3mm; margin: 2mm 0; break-inside: avoid; }
.write { border: 1px solid #777; border-radius: 1.5mm; min-height: 14mm; margin: 1mm 0 2.5mm; }
.write.tall { min-height: 25mm; }
.slip { border: 1px dashed #777; padding: 2mm; margin: 1mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
table.dense th, table.dense td { padding: 0.4mm 1.2mm; }
th, td { border: 1px solid #888; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; }
td.blank { height: 7mm; min-width: 22mm; }
td.choice { text-align: center; white-space: nowrap; font-size: 12pt; }
dl { margin: 0; }
dt { font-weight: bold; margin-top: 2mm; break-after: avoid; }
dd { margin: 0.5mm 0 0 5mm; }
.source { color: #444; font-size: 10pt; }
.view { font-size: 10pt; text-transform: uppercase; letter-spacing: 0.04em; color: #333;
        border: 1px solid #999; border-radius: 1mm; padding: 0 1mm; }
figure { margin: 2mm 0; text-align: center; }
figure img { width: 68mm; }
figcaption { font-size: 10pt; color: #333; }
footer { color: #555; font-size: 10pt; border-top: 1px solid #bbb; margin-top: 4mm; padding-top: 1mm; }
a { color: inherit; }
"""


def esc(text: object) -> str:
    """``str(text)`` HTML-escaped, quotes too, so it is safe in an element and in an attribute.

    >>> esc('<a href="x">')
    '&lt;a href=&quot;x&quot;&gt;'
    """
    return html.escape(str(text), quote=True)


#: TeX maths between dollar signs, as pandoc reads it (``tex_math_dollars``): the opening ``$``
#: has no space after it, the closing one no space before it and no digit after it, and
#: neither is escaped (``\$``, shown as ``$``); so ``$5 and $10`` is prose, not maths
MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])([^$]*?[^\s$\\])\$(?![\d$])")


def inline(text: str) -> str:
    r"""``text`` (one line of notebook Markdown) as escaped HTML.

    A link ``[text](url)`` keeps its text only; maths between two ``$`` signs (:data:`MATH`,
    pandoc's rule) has ``\sqrt`` made ``√`` and its spaces dropped (``$1/\sqrt n$`` is
    ``1/√n``), while prices stay as written (``costs $5 and $10``); everything is then escaped,
    and text in backquotes, ``**bold**`` and ``*italics*`` become ``<code>``, ``<strong>`` and
    ``<em>``.

    >>> inline("Run `step()` **twice**; see [RFC 7282](https://x) and $1/\\sqrt n$ <b>")
    'Run <code>step()</code> <strong>twice</strong>; see RFC 7282 and 1/√n &lt;b&gt;'
    >>> inline("It costs $5 and $10, or $20,000.")
    'It costs $5 and $10, or $20,000.'
    """
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = MATH.sub(lambda m: m.group(1).replace("\\sqrt", "√").replace(" ", ""), text).replace("\\$", "$")
    out = esc(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", out)


def page(title: str, body: str, footer: str, lang: str | None = None) -> str:
    """A complete, self-contained HTML document: ``title`` and ``footer`` escaped, ``body``
    inserted as given (already HTML), :data:`CSS` inline, the language's typography applied
    (:func:`govsim.i18n.typography_html`).

    ``lang`` is the page's ``lang`` attribute (default: the current language; ``"en"`` for a
    page kept in English). Returns the document as one string.
    """
    lang = lang or locale_name()
    return typography_html(
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n<footer>{esc(footer)}</footer>\n</main>\n</body>\n</html>\n"
    )


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>"


def figure_html(uri: str, caption: str) -> str:
    """A ``<figure>``: the image at ``uri`` (a ``data:`` URI keeps the page self-contained) with
    ``caption`` as its alt text and its caption, both escaped."""
    return (
        f'<figure><img src="{esc(uri)}" alt="{esc(caption)}"><figcaption>{esc(caption)}</figcaption></figure>'
    )


# ------------------------------------------------------------------ pages
def said_source(t: Term) -> str:
    """A glossary entry's source as HTML: in the page's language where a translation gives it,
    else as published (``translate="no"``)."""
    return esc(t.source) if not t.source_kept else f'<span translate="no">{esc(t.source)}</span>'


def glossary_page(terms: Sequence[Term], footer: str) -> str:
    """The glossary as a page (:func:`page`): ``terms`` in the current language
    (:func:`~govsim.handouts.content.term_in_language`), sorted by :func:`govsim.i18n.collation_key`,
    Internet-governance terms first, then the model's own words. Each entry carries its
    expansion, definition, further context and source, and an ``id`` (:attr:`Term.anchor`) that
    the block pages link to."""
    parts = [
        f"<h1>{esc(_('Glossary'))}</h1>",
        f'<p class="meta">{esc(_("Internet-governance terms, then what govsim means by its own words."))}</p>',
    ]
    terms = sorted((term_in_language(t) for t in terms), key=lambda t: collation_key(t.term))
    for kind, heading in (("governance", _("Internet governance")), ("model", _("The model's words"))):
        parts.append(f"<h2>{esc(heading)}</h2><dl>")
        for t in (t for t in terms if t.kind == kind):
            name = esc(t.term) + (f" <span class='source'>({esc(t.expansion)})</span>" if t.expansion else "")
            more = f"{inline(t.more)} " if t.more else ""
            parts.append(
                f'<dt id="{esc(t.anchor)}">{name}</dt><dd>{inline(t.definition)} {more}'
                f'<span class="source">{esc(_("Source: {source}.")).format(source=said_source(t))}</span></dd>'
            )
        parts.append("</dl>")
    return page(_("govsim glossary"), "\n".join(parts), footer)


def reading_html(r: Reading) -> str:
    """One reading: its authors, title and publisher in the page's language where a translation
    gives them (connecting words, dates, a document's official title), else as published
    (``translate="no"``); its view and note in the page's language."""

    def field(name: str, tag: str = "span") -> str:
        keep = ' translate="no"' if name in r.kept else ""
        return f"<{tag}{keep}>{esc(getattr(r, name))}</{tag}>"

    cited = f"{field('authors')} ({r.year}). {field('title', 'em')}. {field('published')}."
    return f"<li><span class=\"view\">{esc(r.view)}</span> {cited} <span class='source'>{esc(r.note)}</span></li>"


def readings_page(events: Sequence[Event], footer: str) -> str:
    """The reading list as a page (:func:`page`): per event, in the order given and in the
    current language (:func:`~govsim.handouts.content.event_in_language`), its title (with the
    event's key as ``id``, which the block pages link to), why it matters and its readings
    (:func:`reading_html`)."""
    intro = _(
        "Per event: the primary documents and accounts from more than one camp (supportive, "
        "critical, analysis), so a room can read both sides."
    )
    parts = [f"<h1>{esc(_('Reading list'))}</h1>", f'<p class="meta">{esc(intro)}</p>']
    for e in map(event_in_language, events):
        parts.append(f'<h2 id="{esc(e.key)}">{esc(e.title)}</h2><p>{esc(e.why)}</p>')
        parts.append("<ul>" + "".join(reading_html(r) for r in e.readings) + "</ul>")
    return page(_("govsim reading list"), "\n".join(parts), footer)


DEBRIEF = (
    (
        N_("What happened"),
        (
            N_("Scenario, rule set, seeds (and which groups the room played):"),
            N_("What was decided, in how many rounds, and who complied?"),
            N_("Which move, setting or assumption made the difference?"),
        ),
    ),
    (
        N_("So what"),
        (
            N_("What does this say about the rules, and for whom is it good news?"),
            N_(
                "Which result would the other camp stress? Is it a finding of the model, or built "
                "into the scenario?"
            ),
        ),
    ),
    (
        N_("Now what"),
        (
            N_("One change you would make to a forum you know:"),
            N_("One thing to test next in the model (one setting, many seeds):"),
        ),
    ),
)


def debrief_page(footer: str, facts: Mapping[str, object] | None = None) -> str:
    """The debrief template (what happened / so what / now what); ``facts`` pre-fills a table
    of the room's numbers (label -> value) above it."""
    blanks = _("Session: {blank}  Date: {short}  Team: {short}").format(blank="_" * 16, short="_" * 12)
    parts = [f"<h1>{esc(_('Debrief'))}</h1>", f'<p class="meta">{esc(blanks)}</p>']
    if facts:
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts.items())
        parts.append(f"<table>{rows}</table>")
    for heading, prompts in DEBRIEF:
        parts.append(f"<h2>{esc(_(heading))}</h2>")
        parts += [f'<p>{esc(_(p))}</p><div class="write tall"></div>' for p in prompts]
    return page(_("govsim debrief"), "\n".join(parts), footer)


def cheat_sheet_page(rows: Mapping[str, Sequence[Mapping[str, str]]], footer: str) -> str:
    """Every declared setting: name (the code name a facilitator types), default, range, unit
    and meaning, in the current language (:func:`~govsim.handouts.content.parameter_row_in_language`)."""

    def table(items: Sequence[Mapping[str, str]]) -> str:
        items = [parameter_row_in_language(dict(r)) for r in items]
        here = any(r.get("classroom") for r in items)
        inside = esc(_("in {scenario}")).format(scenario="<code>classroom</code>")
        extra = f"<th>{inside}</th>" if here else ""
        head = (
            f"<tr><th>{esc(_('setting'))}</th><th>{esc(_('default'))}</th>{extra}"
            f"<th>{esc(_('range'))}</th><th>{esc(_('unit'))}</th><th>{esc(_('meaning'))}</th></tr>"
        )
        body = "".join(
            f"<tr><td><code>{esc(r['name'])}</code></td><td>{esc(r['default'])}</td>"
            + (f"<td>{esc(r.get('classroom', ''))}</td>" if here else "")
            + f"<td>{esc(r['range'])}</td><td>{esc(r['unit'])}</td><td>{esc(r['meaning'])}</td></tr>"
            for r in items
        )
        return f"<table class='dense'>{head}{body}</table>"

    code = {
        "params": "<code>params.py</code>",
        "population": "<code>population.py</code>",
        "model": "<code>GovernanceModel(..., rho=0.2)</code>",
        "trait": '<code>"civil_society.capacity": 0.9</code>',
        "profile": "<code>with_profile</code>",
    }
    intro = esc(
        _(
            "Generated from the declarations in {params} and {population}. Set a process setting "
            "with {model}; a group trait with {trait} in a sweep, or {profile} on a scenario. Each "
            "scenario sets its own values: predict from the scenario's column, not the default. "
            "Settings keep their names in the code, as you type them."
        )
    ).format(**code)
    body = (
        f'<h1>{esc(_("Parameter cheat-sheet"))}</h1><p class="meta">{intro}</p>'
        f"<h2>{esc(_('The rules of the process'))}</h2>{table(rows['process'])}"
        f"<h2>{esc(_('Group traits (per group, each drawn around its mean)'))}</h2>{table(rows['group'])}"
    )
    return page(_("govsim parameter cheat-sheet"), body, footer)


def predict_table(predict: Mapping[str, object]) -> str:
    """The predict-then-run table: per measure, a direction to circle (the second rule against
    the first: higher, lower or about the same), then what each rule's run showed."""
    from govsim.protocols import rule_in_words

    rules = list(predict["rules"])  # type: ignore[arg-type]
    first, second = rules[0], rules[-1]

    def said(rule: str) -> str:  # the rule in words, and its code name as the notebook types it
        return f"{esc(rule_in_words(rule))} (<code>{esc(rule)}</code>)"

    prediction = esc(_("my prediction: {second} against {first}")).format(
        first=said(first), second=said(second)
    )
    head = (
        f"<tr><th rowspan='2'>{esc(_('measure'))}</th><th rowspan='2'>{prediction}</th>"
        f"<th colspan='{len(rules)}'>{esc(_('the run showed'))}</th>"
        f"<th rowspan='2'>{esc(_('surprised? why'))}</th></tr>"
        + "".join(f"<th>{said(r)}</th>" for r in rules).join(("<tr>", "</tr>"))
    )
    rows = "".join(
        f"<tr><td>{esc(label)}</td><td class='choice'>↑ &nbsp; ↓ &nbsp; =</td>"
        + "<td class='blank'></td>" * (len(rules) + 1)
        + "</tr>"
        for _, label in predict["measures"]  # type: ignore[union-attr]
    )
    return f"<table>{head}{rows}</table>"


def block_page(b: Block, sheet: Mapping[str, object], footer: str, figure: str = "") -> str:
    """One page per course block: objectives, key points, things to try, terms, readings and
    the block's worksheet (for 02 the predict-then-run sheet)."""
    b = block_in_language(b)
    sheet = worksheet_in_language(b.stem, dict(sheet))
    title = str(sheet.get("title") or b.title)
    minutes = esc(_("{teaching} min teaching + {exercises} min exercises (notebook {file})")).format(
        teaching=b.teaching_minutes, exercises=b.exercise_minutes, file=f"<code>{esc(b.stem)}.ipynb</code>"
    )
    parts = [f"<h1>{inline(b.title)}</h1>", f'<p class="meta">{minutes}</p>']
    predict = sheet.get("predict")
    if predict:
        how = _(
            "Before the runs, circle a direction for each measure (↑ higher, ↓ lower, = about the "
            "same); after them, write what each run showed."
        )
        parts.append(f"<h2>{esc(title)}</h2><p>{esc(how)}</p>")
        parts.append(predict_table(predict))  # type: ignore[arg-type]
    left = f"<h2>{esc(_('You will be able to'))}</h2>{_list(b.objectives)}"
    if b.key_points:
        left += f"<h2>{esc(_('Key points'))}</h2>{_list(b.key_points)}"
    right = figure
    if b.terms:
        right += (
            f"<h2>{esc(_('Words to know'))}</h2><p>"
            + ", ".join(
                f'<a href="glossary.html#{esc(t.anchor)}">{esc(t.term)}</a>'
                for t in sorted(b.terms, key=lambda t: collation_key(t.term))
            )
            + f" {esc(_('(see the glossary).'))}</p>"
        )
    if b.events:
        right += (
            f"<h2>{esc(_('Further reading'))}</h2><ul>"
            + "".join(
                f'<li><a href="reading-list.html#{esc(e.key)}">{esc(e.title)}</a></li>' for e in b.events
            )
            + "</ul>"
        )
    if b.things_to_try and not predict:
        right += f"<h2>{esc(_('Things to try'))}</h2>{_list(b.things_to_try[:3])}"
    parts.append(f'<div class="cols"><div>{left}</div><div>{right}</div></div>')
    prompts = list(sheet.get("prompts", []))  # type: ignore[arg-type]
    if prompts:
        if not predict:
            parts.append(f"<h2>{esc(_('{title}: your notes').format(title=title))}</h2>")
        parts += [f'<p>{esc(p)}</p><div class="write"></div>' for p in prompts]
    slips = int(sheet.get("slips", 0) or 0)  # type: ignore[call-overload]
    if slips:
        parts.append(move_slips(slips))
    return page(_("govsim · {title}").format(title=b.title), "\n".join(parts), footer)


def move_slip() -> str:
    """One role-play move slip (plain text): the moves are :class:`govsim.roleplay.Move`, so a
    new move reaches the printed slip too. ``simulated`` is printed as "pass (simulated)"."""
    from govsim.roleplay import Move
    from govsim.roleplay.cards import move_name

    boxes = " ".join(
        "☐ " + _("pass (simulated)")
        if m is Move.SIMULATED
        else (
            "☐ " + _("{amend} → point: ___ / ___").format(amend=move_name(m.value))
            if m is Move.AMEND
            else f"☐ {move_name(m.value)}"
        )
        for m in Move
    )
    return _("Team ___ Round ___ Move: {boxes}").format(boxes=boxes)


def move_slips(n: int) -> str:
    """``n`` move slips to cut out, one per round (the head of delegation hands one in)."""
    slip = f'<p class="slip">{esc(move_slip())}</p>'
    return f"<h2>{esc(_('Move slips (cut out; one per round)'))}</h2>" + slip * n


def index_page(entries: Sequence[tuple[str, str, str]], footer: str) -> str:
    """The folder's table of contents: (file name, title, what it is)."""
    rows = "".join(
        f'<li><a href="{esc(name)}">{esc(title)}</a> <span class="source">{esc(what)}</span></li>'
        for name, title, what in entries
    )
    intro = _(
        "Printable and offline: every page is self-contained (no network), and each has a PDF "
        "beside it when Chromium was available."
    )
    body = f"<h1>{esc(_('govsim handouts'))}</h1><p class='meta'>{esc(intro)}</p><ul>{rows}</ul>"
    return page(_("govsim handouts"), body, footer)
