"""Structure rules for every notebook in ``notebooks/`` (see ``notebooks/README.md``).

These tests read the files; nbval (pytest's ``testpaths`` include ``notebooks/``) executes them.
New notebooks are picked up by the glob, so a notebook cannot join the course without
objectives, timing, key points, things to try and clean outputs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(p for p in NOTEBOOKS.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
CHECKED = "nbval-check-output"


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def _headings(cell: nbformat.NotebookNode) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^#+\s+(.+?)\s*#*\s*$", cell.source, re.M)]


def _python(source: str) -> str:
    """Cell source with IPython magics and shell lines commented out, so ``ast`` can parse it."""
    return "\n".join(
        "# " + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def test_there_are_notebooks_and_a_readme():
    assert PATHS, "no notebooks found in notebooks/"
    readme = NOTEBOOKS / "README.md"
    assert readme.exists(), "notebooks/README.md documents the storage rule"
    assert CHECKED in readme.read_text()


@pytest.fixture(params=PATHS, ids=[p.stem for p in PATHS])
def nb(request) -> nbformat.NotebookNode:
    return _read(request.param)


def test_valid_nbformat(nb):
    nbformat.validate(nb)


def test_metadata_has_objectives_and_timing(nb):
    meta = nb.metadata.get("govsim")
    assert isinstance(meta, dict), 'metadata needs {"govsim": {...}}'
    for key in ("teaching_minutes", "exercise_minutes"):
        value = meta.get(key)
        assert isinstance(value, int) and not isinstance(value, bool) and value >= 0, f"{key}={value!r}"
    assert meta["teaching_minutes"] + meta["exercise_minutes"] > 0
    objectives = meta.get("objectives")
    assert isinstance(objectives, list) and objectives, "objectives must be a non-empty list"
    assert all(isinstance(o, str) and o.strip() for o in objectives)


def test_first_markdown_cell_states_objectives_and_timing(nb):
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    assert nb.cells[0] is first, "the notebook must open with a markdown cell"
    meta = nb.metadata["govsim"]
    text = _squash(first.source)
    for objective in meta["objectives"]:
        assert _squash(objective) in text, f"objective not in the first cell: {objective!r}"
    for key in ("teaching_minutes", "exercise_minutes"):
        assert re.search(rf"\b{meta[key]}\s*min", text), f"{key}={meta[key]} not stated as '<n> min'"


def test_ends_with_key_points_then_things_to_try(nb):
    where: dict[str, int] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for heading in _headings(cell):
                where.setdefault(heading, i)
    assert "Key points" in where, "missing a markdown heading exactly 'Key points'"
    assert "Things to try" in where, "missing a markdown heading exactly 'Things to try'"
    assert where["Key points"] <= where["Things to try"]
    tail = nb.cells[where["Key points"] :]
    assert all(c.cell_type == "markdown" for c in tail), "no code after 'Key points': the notebook ends there"


def test_no_stored_outputs_except_checked_cells(nb):
    for i, cell in enumerate(_code(nb)):
        if CHECKED in cell.metadata.get("tags", []):
            continue
        assert not cell.outputs, f"code cell {i} stores outputs (strip them, or tag it {CHECKED})"
        assert cell.execution_count is None, f"code cell {i} stores an execution count"


def test_code_imports_govsim_and_defines_no_model(nb):
    sources = [_python(c.source) for c in _code(nb)]
    assert any(re.search(r"^\s*(from|import)\s+govsim\b", s, re.M) for s in sources), "import from govsim"
    for i, source in enumerate(sources):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b) for b in node.bases]
                assert not any(b.split(".")[-1].endswith("Model") for b in bases), (
                    f"code cell {i} defines a model class {node.name}({', '.join(bases)}): "
                    "models live in src/govsim, notebooks import them"
                )


def test_no_global_randomness(nb):
    for i, cell in enumerate(_code(nb)):
        source = _python(cell.source)
        assert not re.search(r"\bnp\.random\.(?!default_rng\b|Generator\b)\w+", source), (
            f"code cell {i} uses numpy's global random state: pass rng= or a seed instead"
        )
        assert not re.search(r"^\s*(import random\b|from random import)", source, re.M), (
            f"code cell {i} imports the global 'random' module"
        )


GUIDE = NOTEBOOKS.parent / "docs" / "facilitator.md"


def test_every_checked_claim_follows_an_assert_cell(nb):
    """A markdown sentence marked **Checked:** states what the code cell before it asserts;
    a claim with no assertion above it would let CI pass after the model stopped showing it."""
    last_code = ""
    for cell in nb.cells:
        if cell.cell_type == "code":
            last_code = cell.source
        elif "**Checked:**" in cell.source:
            assert re.search(r"^\s*assert\b", last_code, re.MULTILINE), cell.source[:120]


def test_facilitator_guide_covers_every_notebook_and_its_limits():
    text = GUIDE.read_text()
    for path in PATHS:
        assert f"`{path.stem}`" in text, f"docs/facilitator.md does not name {path.stem}"
    for heading in (
        "90 minutes",
        "Half day",
        "Full day",
        "Common pitfalls",
        "Offline plan",
        "Limits of this model",
    ):
        assert re.search(rf"^#+ .*{heading}", text, re.M | re.I), (
            f"facilitator guide lacks a '{heading}' section"
        )
    assert "govsim doctor" in text


def test_facilitator_guide_timings_match_notebook_metadata():
    """A row '| `name` | ... | T + E min |' in the guide's table must match the notebook's metadata."""
    rows = re.findall(r"^\| `(\w+)` \|[^|]*\| (\d+) \+ (\d+) min \|$", GUIDE.read_text(), re.M)
    assert rows, "the guide's notebook table gives no 'T + E min' timings"
    for stem, teaching, exercise in rows:
        path = NOTEBOOKS / f"{stem}.ipynb"
        if not path.exists():
            continue
        meta = _read(path).metadata["govsim"]
        assert (meta["teaching_minutes"], meta["exercise_minutes"]) == (int(teaching), int(exercise)), stem


# --- Prose bound to numbers (rule in notebooks/README.md, "Numbers in prose") -----------------

_TO = r"\s?[-–]\s?"  # the join of a range: 0.6-0.8 ("from A to B" is a change, not a range)
_BETWEEN = r"between\s+[-−+]?\d+(?:\.\d+)?\s+and\s+[-−+]?\d+(?:\.\d+)?"  # between -0.02 and -0.01
STATED = re.compile(
    rf"(?<![\w.\-]){_BETWEEN}(?:\s?(?:%|×|x\b))?"  # a range in words
    rf"|(?<![\w.\-])[-−+]?\d+(?:\.\d+)?{_TO}\d+(?:\.\d+)?\s?(?:%|×|x\b)"  # a range: 75-90%, 11-14x
    rf"|(?<![\w.\-])[-−+]?\d+\.\d+{_TO}\d+\.\d+(?!\w|\.\d)"  # a range of decimals: 0.31-0.33
    r"|(?<![\w.\-])[-−]?\d+(?:\.\d+)?\s?(?:%|×|x\b)"  # a percentage or a multiple: 44%, 13x
    r"|(?<![\w.\-])[-−]?\d+\.\d+(?!\w|\.\d)"  # a decimal: 0.72 (also at a sentence's end)
)
_SPAN = re.compile(r"(?:between)?([-+]?\d+(?:\.\d+)?)(?:-|–|to|and)([-+]?\d+(?:\.\d+)?)(%|x|×)?")


def _canonical(number: str) -> str:
    """A stated number without spaces, a range as ``low..high``: the prose's "between -0.02 and
    -0.01" and ``stated(..., "-0.02 to -0.01")`` are the same range."""
    text = re.sub(r"\s+", "", number).replace("−", "-")
    span = _SPAN.fullmatch(text)
    return f"{span[1]}..{span[2]}{span[3] or ''}" if span else text


SOURCES = ("reading-list.md", "glossary.md")
NEAR_BEFORE, NEAR_AFTER = 2, 3


def _without_code(source: str) -> str:
    """Markdown without code (fenced, inline) and maths: values you type are not stated numbers."""
    text = re.sub(r"```.*?```", " ", source, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)


def stated_numbers(source: str) -> list[tuple[str, bool]]:
    """Every number the markdown ``source`` states, and whether its sentence cites a source.

    A stated number is a decimal (0.72), a percentage (44%) or a multiple (13x) outside code,
    maths and link targets; integers (counts, years, minutes, section numbers) are not."""
    found = []
    for sentence in re.split(r"(?<=[.!?:])\s+|\n\s*\n|\n\s*[-*]\s", _without_code(source)):
        cited = any(s in sentence for s in SOURCES)
        prose = re.sub(r"\]\([^)]*\)", "] ", sentence)
        found += [(_canonical(m.group(0)), cited) for m in STATED.finditer(prose)]
    return found


def _stated_calls(source: str) -> set[str]:
    return {_canonical(m) for m in re.findall(r"stated\([^\n]*?,\s*[\"']([^\"']+)[\"']", source)}


def test_stated_numbers_rule_itself():
    text = (
        "Compliance moves from 0.33 to 0.96 (`lobbying = 1.0` is a setting), in 85 % of runs, "
        "about 10x faster. In 2012, 62% signed ([reading list](../docs/reading-list.md)). "
        "Section 1. RFC 7282, 2014, 20 min, $\\sqrt n$, `rho = 0.1`. It ends at 0.55. "
        "In 75-90% of runs, 11-14x, gains between -0.017 and -0.013, 0.31-0.33, seeds 0-199, 2014-2016."
    )
    assert stated_numbers(text) == [
        ("0.33", False),
        ("0.96", False),
        ("85%", False),
        ("10x", False),
        ("62%", True),
        ("0.55", False),
        ("75..90%", False),
        ("11..14x", False),
        ("-0.017..-0.013", False),
        ("0.31..0.33", False),
    ]
    assert _stated_calls('stated(x, "0.33")\nstated(rate, "85 %")\nstated(FACTS["a"], "-0.02 to -0.01")') == {
        "0.33",
        "85%",
        "-0.02..-0.01",
    }


def test_every_stated_number_is_checked_nearby(nb):
    """A number in prose is checked by ``stated(value, "<number>")`` in one of the two code cells
    before it or the three after it, is cited from the reading list or glossary in its sentence,
    or is a given (a chosen level such as "95%") listed in the metadata ``govsim.given_numbers``."""
    given = set(nb.metadata["govsim"].get("given_numbers", {}))
    code_at = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        before = [j for j in code_at if j < i][-NEAR_BEFORE:]
        after = [j for j in code_at if j > i][:NEAR_AFTER]
        checked = set().union(*(_stated_calls(nb.cells[j].source) for j in before + after))
        for number, cited in stated_numbers(cell.source):
            ends = number.split("..")  # a range whose ends are given or checked (ideal points 0.1-0.3)
            assert cited or number in checked or number in given or all(e in given | checked for e in ends), (
                f"cell {i} states {number} with no stated(value, {number!r}) nearby, no reading-list "
                f"link in its sentence and no given_numbers entry: {cell.source[:100]!r}"
            )


def _stated_values(source: str) -> list[tuple[ast.expr, str]]:
    """``(value expression, text)`` of every ``stated(value, "text")`` call in a code cell."""
    found = []
    for node in ast.walk(ast.parse(_python(source))):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("stated") and len(node.args) == 2:
            value, text = node.args
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                found.append((value, text.value))
    return found


def test_stated_values_are_facts_unless_no_seed_changes_them(nb):
    """A number that comes out of seeded runs is stated as a registered fact,
    ``stated(FACTS["NAME"], "text")``, computed over seeds 0-199 and checked on held-out seeds
    (``tests/test_stated.py``); a plain value is allowed only for a number no seed changes (an
    assumption, a hand computation), listed with its reason in the metadata
    ``govsim.exact_numbers``. A notebook's own ten runs never back a stated number."""
    from govsim.handouts.facts import FACTS

    exact = nb.metadata["govsim"].get("exact_numbers", {})
    used = set()
    for i, cell in enumerate(_code(nb)):
        for value, text in _stated_values(cell.source):
            if isinstance(value, ast.Subscript) and ast.unparse(value.value) == "FACTS":
                name = value.slice.value if isinstance(value.slice, ast.Constant) else None
                assert name in FACTS, f"code cell {i}: {ast.unparse(value)} is not a registered fact"
                continue
            assert text in exact, (
                f"code cell {i} states {ast.unparse(value)} as {text!r}: use stated(FACTS[...], {text!r}) "
                "(govsim.handouts.facts), or list it in govsim.exact_numbers with why no seed changes it"
            )
            used.add(text)
    assert set(exact) <= used, f"exact_numbers not stated anywhere: {sorted(set(exact) - used)}"


# --- Figures: a caption after each, one unit per axis -----------------------------------------

DRAWS = re.compile(r"\b(plot_\w+|plt\.subplots|plt\.figure)\(")


def test_every_figure_has_a_caption(nb):
    """A code cell that draws is followed by a markdown cell opening with **Figure.** and one
    plain-language sentence (the figure's alt text)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not DRAWS.search(_python(cell.source)):
            continue
        after = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        assert after is not None and after.cell_type == "markdown", (
            f"cell {i} draws a figure with no caption after it"
        )
        first = after.source.strip().split("\n\n")[0]
        assert first.startswith("**Figure.**"), f"cell {i + 1} should open with '**Figure.** <one sentence>'"
        words = re.sub(r"\d\.\d", "0", first[len("**Figure.**") :]).strip()
        assert words and len(re.findall(r"[.!?](\s|$)", words)) == 1, f"cell {i + 1}: one sentence, please"


def test_comparison_plots_have_one_unit_per_axis(nb):
    """``plot_protocol_comparison`` gets a literal list of metrics that share one unit; several
    units go through ``govsim.course.plot_by_unit`` (one panel per unit)."""
    from govsim.course import unit_of
    from govsim.screen.plotting import DEFAULT_METRICS

    for i, cell in enumerate(_code(nb)):
        for node in ast.walk(ast.parse(_python(cell.source))):
            if not (
                isinstance(node, ast.Call) and ast.unparse(node.func).endswith("plot_protocol_comparison")
            ):
                continue
            given = {k.arg: k.value for k in node.keywords}
            if "metrics" in given:
                metrics = ast.literal_eval(given["metrics"])  # a name or expression fails here: use a literal
            else:
                metrics = DEFAULT_METRICS
            units = {unit_of(m) for m in metrics}
            assert len(units) == 1, f"code cell {i} plots {sorted(units)} on one axis: use plot_by_unit"


def _slug(heading: str) -> str:
    """GitHub's anchor for a markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_to_the_docs_resolve(nb):
    """A link to docs/reading-list.md#anchor or docs/glossary.md#anchor names a heading there."""
    docs = NOTEBOOKS.parent / "docs"
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for name, anchor in re.findall(r"\]\(\.\./docs/([\w\-]+\.md)(?:#([^)]*))?\)", cell.source):
            path = docs / name
            assert path.exists(), f"link to missing docs/{name}"
            if anchor:
                headings = re.findall(r"^#+\s+(.+)$", path.read_text(encoding="utf-8"), re.M)
                assert anchor in {_slug(h) for h in headings}, f"docs/{name} has no heading #{anchor}"


def _summary_key(node: ast.AST) -> str | None:
    """The summary column an expression reads: ``x["col"]``, ``x.loc[row, "col"]``, ``x["col"].mean()``."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("mean", "median")
    ):
        node = node.func.value
    if not isinstance(node, ast.Subscript):
        return None
    key = node.slice.elts[-1] if isinstance(node.slice, ast.Tuple) else node.slice
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def test_run_comparisons_go_through_paired_intervals(nb):
    """An assert that one setting's runs score higher than another's on a summary column uses
    ``govsim.course.more`` (mean higher AND paired 95% interval excluding zero), never a bare
    ``<``/``>`` between two means: a difference within the noise must not pass as a finding."""
    from govsim import GovernanceModel

    keys = set(GovernanceModel("classroom", rng=0).run().summary())
    for i, cell in enumerate(_code(nb)):
        for node in ast.walk(ast.parse(_python(cell.source))):
            if not isinstance(node, ast.Assert):
                continue
            for test in ast.walk(node.test):
                if isinstance(test, ast.Compare) and any(isinstance(op, (ast.Lt, ast.Gt)) for op in test.ops):
                    sides = [_summary_key(s) for s in (test.left, *test.comparators)]
                    assert sum(s in keys for s in sides) < 2, (
                        f"code cell {i} compares two means with < or >: {ast.unparse(test)}; use more(...)"
                    )
