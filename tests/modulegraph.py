"""Which files a page's script loads, read from the files themselves, independently of the
server's bundler (game/web/bundle.py), so tests can check the bundler against it."""

from __future__ import annotations

import re
from pathlib import Path

# `import ... from "x"` and `export ... from "x"`, also in minified files (`import{a as b}from"x"`).
IMPORT = re.compile(
    r"""(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']""", re.M
)


def module_graph(entry: Path) -> list[Path]:
    """The entry module and every module it imports, as the browser loads them."""
    seen: list[Path] = []
    todo = [entry]
    while todo:
        path = todo.pop().resolve()
        if path in seen:
            continue
        seen.append(path)
        for target in IMPORT.findall(path.read_text(encoding="utf-8")):
            assert target.startswith("."), f"{path.name} imports {target}: only local files"
            todo.append(path.parent / target)
    return seen
