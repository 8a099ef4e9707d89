"""The layers of game/ hold: the lower ones never import the web edge, and no import cycle.

The imports are read from the source with ast (every import, also inside functions and under
TYPE_CHECKING: a lazy or type-only import is still a dependency), turned into a graph of
game.* modules, and checked. A failure names the forbidden edge or the cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "game"

# What each lower layer may never import, at any depth.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "game.engine": ("game.web", "game.rooms", "game.store", "game.exports", "game.codes"),
    "game.store": ("game.web", "game.rooms", "game.exports"),
    "game.rooms": ("game.web", "game.exports"),
    "game.exports": ("game.web", "game.rooms", "game.store"),
    "game.codes": ("game.",),
    "game.languages": ("game.",),
    # The words sit below every layer, the engine included: only the languages under them.
    "game.words": (
        "game.web",
        "game.engine",
        "game.rooms",
        "game.store",
        "game.exports",
        "game.scenarios",
        "game.codes",
    ),
    "game.logfmt": ("game.",),
    "game.green": ("game.",),
}


def module_name(path: Path, root: Path = ROOT) -> str:
    """`game/web/api.py` -> `game.web.api`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, module: str, is_package: bool) -> set[str]:
    """Every dotted name a module imports, absolute or relative: for `from a import b` both
    `a` and `a.b` (the graph keeps whichever is a module)."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph(package: Path, root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports."""
    files = {module_name(p, root): p for p in sorted(package.rglob("*.py"))}
    top = module_name(package / "__init__.py", root)
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        names = imported_names(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
        graph[name] = {
            n for n in names if n in files and n != name and (n == top or n.startswith(top + "."))
        }
    return graph


def forbidden_edges(
    graph: Mapping[str, Iterable[str]], rules: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """Each import a rule forbids, as 'a -> b'."""
    found = []
    for module, targets in sorted(graph.items()):
        for layer, banned in rules.items():
            if module != layer and not module.startswith(layer + "."):
                continue
            for target in sorted(targets):
                if any(target == b or target.startswith(b if b.endswith(".") else b + ".")
                       for b in banned):  # fmt: skip
                    found.append(f"{module} -> {target}")
    return found


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each as one cycle
    path through it, so a failure can name the imports to cut."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_through(graph, group) for group in groups]


def _path_through(graph: Mapping[str, Iterable[str]], group: list[str]) -> list[str]:
    # A shortest way from the group's first module back to itself, inside the group.
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, ())):
            if target == start:
                return [*paths[node], start]
            if target in members and target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return group  # pragma: no cover - a strongly connected group always has a way back


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE)


def test_the_graph_sees_the_layers(graph: dict[str, set[str]]) -> None:
    """The scan found the modules of every layer and some of their imports, so the checks
    below cannot pass on an empty graph."""
    for layer in ("game.engine.rules", "game.rooms.writer", "game.store.log", "game.web.api"):
        assert layer in graph
    assert "game.engine.rules" in graph["game.rooms.writer"]
    assert "game.codes" in graph["game.web.api"]


def test_lower_layers_import_nothing_from_the_edges(graph: dict[str, set[str]]) -> None:
    """engine, store, rooms and exports never import game.web (nor each other upwards);
    the shared codes and languages import nothing from game/."""
    assert forbidden_edges(graph, FORBIDDEN) == []


def test_there_is_no_import_cycle_in_game(graph: dict[str, set[str]]) -> None:
    """No module of game/ comes back to itself through its imports, lazy ones included."""
    found = [" -> ".join(path) for path in cycles(graph)]
    assert found == []


def test_the_checks_name_a_forbidden_edge_and_a_cycle(tmp_path: Path) -> None:
    """On a made-up package with a rooms -> web import and a two-module cycle, the checks
    report exactly those, by name."""
    package = tmp_path / "game"
    for folder in ("rooms", "web"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "rooms" / "service.py").write_text("from game.web.protocol import X\n")
    (package / "web" / "protocol.py").write_text("def render():\n    from . import messages\n")
    (package / "web" / "messages.py").write_text("from game.web.protocol import render\n")
    made = import_graph(package, tmp_path)
    assert forbidden_edges(made, {"game.rooms": ("game.web",)}) == [
        "game.rooms.service -> game.web.protocol"
    ]
    assert cycles(made) == [["game.web.messages", "game.web.protocol", "game.web.messages"]]


def test_the_client_and_the_server_package_stay_apart() -> None:
    """rolwissel_client talks to a server over the network: from game/ it uses only the
    languages and where the scenario files are. In game/ only the command line uses it."""
    server_modules = {module_name(path) for path in PACKAGE.rglob("*.py")}
    used = set()
    for path in sorted((ROOT / "rolwissel_client").rglob("*.py")):
        names = imported_names(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
        used |= names & server_modules
    assert used == {"game.languages", "game.scenarios.loader"}
    users = [
        module_name(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(
            n.startswith("rolwissel_client")
            for n in imported_names(path.read_text(encoding="utf-8"), module_name(path), False)
        )
    ]
    assert users == ["game.cli"]
