"""How the code is laid out, checked: the base imports no app, apps meet only through public
doors and registries, no import circles (imports hidden in functions count), no giant modules."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["kokona", "consultations", "supplies", "ibasho", "reports"]
APPS = [p for p in PACKAGES if p != "kokona"]
MAX_LINES = 500


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, names: set[str]) -> set[str]:
    """The project modules `path` imports anywhere in it (in functions too), except under
    `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text())
    type_checking = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            type_checking |= {id(child) for child in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_checking:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for target in targets:
            while target and target not in names:
                target = target.rpartition(".")[0]
            if target:
                found.add(target)
    return found


GRAPH = {name: imports_of(path, set(modules())) for name, path in modules().items()}


def test_kokona_imports_no_app():
    offenders = {
        (module, target)
        for module, targets in GRAPH.items()
        if module.startswith("kokona") and module != "kokona.urls"
        for target in targets
        if target.split(".")[0] in APPS
    }
    assert offenders == set()


def test_reports_reads_other_apps_only_through_the_registry():
    offenders = {
        (module, target)
        for module, targets in GRAPH.items()
        if module.startswith("reports")
        for target in targets
        if target.split(".")[0] in {"consultations", "supplies", "ibasho"}
    }
    assert offenders == set()


def test_there_is_no_import_circle():
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(GRAPH.get(node, ())):
            if target == node or target.startswith(node + "."):
                continue  # a package importing its own modules
            if node.startswith(target + "."):
                continue  # a module importing its package's other modules through it
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target) :] + [target])
            elif state.get(target) is None:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(GRAPH):
        if node not in state:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_passes_500_lines(name):
    lines = len(modules()[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines"
