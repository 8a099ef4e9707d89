"""The engine is pure: no web framework, database or event loop, and no clock or random source."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "game" / "engine"
ROOT = ENGINE.parents[1]

# Modules the brief names; each must exist, so the checks below cannot pass on an empty list.
KNOWN_MODULES = {
    "state",
    "actions",
    "events",
    "errors",
    "phases",
    "rotation",
    "decision",
    "rules",
    "replay",
    "views",
    "codec",
    "roles",
}
FORBIDDEN_LOADED = ("flask", "sqlalchemy", "eventlet", "socketio", "engineio", "redis", "psycopg")
FORBIDDEN_IMPORTS = {"time", "datetime", "random", "secrets", "uuid", "os"}

IMPORT_ALL = """
import importlib, json, pkgutil, sys
import game.engine
names = sorted(m.name for m in pkgutil.iter_modules(game.engine.__path__))
for name in names:
    importlib.import_module("game.engine." + name)
print(json.dumps({"engine": names, "loaded": sorted(sys.modules)}))
"""


def engine_files() -> list[Path]:
    return sorted(ENGINE.glob("*.py"))


@pytest.fixture(scope="module")
def fresh_import() -> dict[str, list[str]]:
    """Import every engine module in a fresh interpreter and list what got loaded."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_engine_module_is_imported(fresh_import: dict[str, list[str]]) -> None:
    """The fresh import found and loaded every known engine module (and any newer ones)."""
    assert set(fresh_import["engine"]) >= KNOWN_MODULES
    loaded = set(fresh_import["loaded"])
    for name in fresh_import["engine"]:
        assert f"game.engine.{name}" in loaded


@pytest.mark.parametrize("package", FORBIDDEN_LOADED)
def test_engine_does_not_load_infrastructure(
    fresh_import: dict[str, list[str]], package: str
) -> None:
    """Importing the whole engine loads no Flask, SQLAlchemy, eventlet, Socket.IO or Redis."""
    loaded = [m for m in fresh_import["loaded"] if m == package or m.startswith(package + ".")]
    assert loaded == []


def test_engine_loads_no_other_part_of_the_game(fresh_import: dict[str, list[str]]) -> None:
    """From the game package the engine uses only itself, the scenario schema, the
    languages (game/languages.py, standard library only) and the words (game/words.py: the
    compiled catalogues read once, fixed data like the scenarios, standard library only)."""
    allowed = {
        "game",
        "game.engine",
        "game.languages",
        "game.scenarios",
        "game.scenarios.schema",
        "game.words",
    }
    others = [
        m
        for m in fresh_import["loaded"]
        if (m == "game" or m.startswith("game."))
        and m not in allowed
        and not m.startswith("game.engine.")
    ]
    assert others == []


def imported_modules(source: str) -> set[str]:
    """The top-level names of every module a source imports, at any depth (also inside
    functions), including `__import__("x")` and `importlib.import_module("x")` calls."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ("__import__", "import_module") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value.split(".")[0])
    return found


def test_import_scanner_sees_every_form_of_import() -> None:
    """The scanner finds plain, dotted, aliased, from- and nested imports, and dynamic ones."""
    source = (
        "import time\n"
        "import os.path as p\n"
        "from datetime import datetime\n"
        "def f():\n"
        "    import random\n"
        "    from secrets import token_hex\n"
        "x = __import__('uuid')\n"
        "y = importlib.import_module('flask.json')\n"
        "from . import sibling\n"
    )
    assert imported_modules(source) == {
        "time",
        "os",
        "datetime",
        "random",
        "secrets",
        "uuid",
        "flask",
    }


def test_engine_source_is_scanned() -> None:
    """The source scan covers every known engine module file."""
    assert {path.stem for path in engine_files()} >= KNOWN_MODULES


@pytest.mark.parametrize("path", engine_files(), ids=lambda p: p.name)
def test_engine_source_imports_no_clock_random_or_os(path: Path) -> None:
    """No engine module imports time, datetime, random, secrets, uuid or os."""
    found = imported_modules(path.read_text(encoding="utf-8"))
    assert found & FORBIDDEN_IMPORTS == set()


@pytest.mark.parametrize("path", engine_files(), ids=lambda p: p.name)
def test_engine_source_imports_only_stdlib_pydantic_and_the_schema(path: Path) -> None:
    """Each engine module imports only the standard library, pydantic and game.* modules
    (which the fresh-import test limits to the engine and the scenario schema)."""
    found = imported_modules(path.read_text(encoding="utf-8"))
    outside = {m for m in found if m not in sys.stdlib_module_names} - {"pydantic", "game"}
    assert outside == set()
