"""The package's import graph: no cycles (type-only imports aside), and library code never imports
the command line.

Edges are read from the source with :mod:`ast`: every ``import govsim...`` and
``from govsim... import ...`` at any depth (a function-level import still runs), except those
under ``if TYPE_CHECKING:``. An import of a module's own parent package is not an edge (Python
always runs the parent's ``__init__`` first, so such an import adds nothing).
"""

from __future__ import annotations

import ast
from pathlib import Path

import govsim

ROOT = Path(govsim.__file__).parent


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The govsim modules ``name`` imports at run time."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    return {m for m in found if m in modules and m != name and m not in ancestors}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_except_type_only_ones():
    graph = import_graph()
    assert "govsim.protocols" in graph["govsim.forums"]  # the reader sees real edges
    assert "govsim.forums" not in graph["govsim.protocols"]  # type-only import skipped
    assert cycles(graph) == []


def test_only_the_command_line_imports_the_command_line():
    cli = {"govsim.cli", "govsim.__main__"} | {m for m in import_graph() if m.startswith("govsim.commands")}
    users = {m for m, deps in import_graph().items() if deps & cli and m not in cli}
    assert users == set(), users


STATE_MACHINE = {"forums", "issue_index", "round_in_issue", "issue_records", "capacity_eff"}
OWNERS = {"govsim.model", "govsim.forums"}
# outcome code may read the forums of an issue handed to it (an IssueContext's ``forums``)
MODEL_ONLY = (STATE_MACHINE - {"forums"}) | {f"_{name}" for name in STATE_MACHINE}
PRESENTATION = {
    "govsim.screen.plotting",
    "govsim.screen.dashboard",
    "govsim.screen.replay",
    "govsim.screen.run_view",
    "govsim.screen.display",
    "govsim.roleplay",
    "govsim.roleplay.panel",
    "govsim.teaching",
}


def _attributes(source: str) -> set[str]:
    return {node.attr for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute)}


def test_only_the_model_reads_the_issue_state_machine():
    """Presentation, the role-play, notebooks and exercises use the model's public interface
    (current_issue, texts_on_table, gains_if_adopted, snapshot, closed_issues), never its
    issue state machine, public or underscored."""
    import json

    private = MODEL_ONLY | STATE_MACHINE
    readers = {}
    for name, path in _modules().items():
        banned = private if name in PRESENTATION or name.startswith("govsim.exercises") else MODEL_ONLY
        if name not in OWNERS and (hits := _attributes(path.read_text(encoding="utf-8")) & banned):
            readers[name] = hits
    repo = Path(__file__).parents[1]
    for notebook in [*repo.glob("notebooks/*.ipynb"), *repo.glob("exercises/*.ipynb")]:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
        if hits := _attributes(code) & private:
            readers[notebook.name] = hits
    assert len(list(repo.glob("notebooks/*.ipynb"))) > 3 and _attributes("m.issue_index") == {"issue_index"}
    assert readers == {}
