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
PRESENTATION = {"govsim.teaching"}  # and every module of govsim.screen and govsim.roleplay (below)


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
        above = name in PRESENTATION or name.startswith(
            ("govsim.exercises", "govsim.screen", "govsim.roleplay")
        )
        banned = private if above else MODEL_ONLY
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


# The layers the folders show, lowest first (README, Development). A module imports only from
# its own layer or lower ones; two layers of the same rank never import each other.
LAYERS = (
    ("cli", 5, ("govsim.cli", "govsim.__main__", "govsim.commands", "govsim.doctor")),
    ("room", 4, ("govsim.room",)),
    ("course", 3, ("govsim.course", "govsim.anatomy", "govsim.exercises", "govsim.handouts")),
    ("roleplay", 2, ("govsim.roleplay",)),
    ("research", 2, ("govsim.sweep",)),
    ("screen", 1, ("govsim.screen",)),
)


def layer_of(module: str) -> tuple[str, int]:
    for name, rank, prefixes in LAYERS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name, rank
    return "core", 0


def test_every_layer_imports_only_downward():
    """The model core imports no presentation, role-play, sweep, course or command line; the
    screen only the core; the role-play and the sweeps the screen and the core (never each
    other); the course everything but the room and the command line; the room everything but
    the command line."""
    assert layer_of("govsim.roleplay.serve") == ("roleplay", 2) and layer_of("govsim.model") == ("core", 0)
    upward = []
    for module, deps in import_graph().items():
        name, rank = layer_of(module)
        for dep in deps:
            dep_name, dep_rank = layer_of(dep)
            if dep_rank > rank or (dep_rank == rank and dep_name != name):
                upward.append(f"{module} ({name}) imports {dep} ({dep_name})")
    assert upward == []


def test_no_role_play_module_lies_at_the_package_root():
    assert sorted(p.name for p in ROOT.glob("roleplay*.py")) == []
    assert {p.name for p in (ROOT / "roleplay").glob("*.py")} >= {"session.py", "serve.py", "page.py"}
    assert {p.name for p in (ROOT / "screen").glob("*.py")} >= {"dashboard.py", "plotting.py", "run_view.py"}
