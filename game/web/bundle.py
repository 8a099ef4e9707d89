"""One script per page, made from the ES modules when the server starts (issue 13, point 8).

A phone on a slow line pays a round trip for every file, and over HTTP/1.1 chromium fetches
at most six at once: a page of 21 modules took four rounds. So each page gets its script and
every module it imports, directly or not, as one text. The modules in static/js/ (and the
vendored ones in static/vendor/) stay the source; nothing is built or kept on disk.

Each module becomes a function run once, in the order a browser would run it (the modules
it imports first, depth first, in the order of its imports). Its imports become constants
taken from the modules run before it, and its exports an object of getters:

    import { a, b as c } from "./x.js";      const { a, b: c } = modules["js/x.js"];
    import "./x.js";                         (x.js is run first)
    export function f() {}   export class C {}   export const K = ...
    export { a, b as c };                    return { get a() {...}, get c() {...} }
    export { a, b as c } from "./x.js";      (getters on x.js's exports)

Exactly these forms, which our modules and the vendored lit-html and socket.io use. Anything
else is refused with BundleError when the server starts (a default export or import,
`import * as`, `export *`, `export let`/`var`, `import()`, `import.meta`, an address that is
not relative, a cycle of imports). An import is a copy taken once the imported module has
run, not a live binding: that is why `export let` is refused. Statements are recognised where
a statement can start: at the start of a line, or after `;` or `}` (minified code).
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import safe_join

# Where an import or export statement may start: a line's start, or after ; or } (minified).
_AT = r"(?:^|(?<=[;}]))[ \t]*"
_NAME = r"[A-Za-z_$][\w$]*"
_SPEC = r"""(["'])([^"'\n]+)\2"""  # groups: quote, address
_STATEMENT = re.compile(
    _AT
    + r"""(?:
      import\s*\{(?P<imported>[^}]*)\}\s*from\s*(?P<iq>["'])(?P<ispec>[^"'\n]+)(?P=iq)
    | import\s*(?P<bq>["'])(?P<bare>[^"'\n]+)(?P=bq)
    | export\s*\{(?P<exported>[^}]*)\}(?:\s*from\s*(?P<eq>["'])(?P<espec>[^"'\n]+)(?P=eq))?
    | export\s+(?P<decl>(?:async\s+)?function\b\s*|class\s+|const\s+)(?P<name>"""
    + _NAME
    + r""")
    )[ \t]*;?""",
    re.MULTILINE | re.VERBOSE,
)
# What is left of `import`/`export` at a statement's start after the forms above: refused.
_LEFTOVER = re.compile(_AT + r"(?:import|export)(?![\w$])", re.MULTILINE)
_DYNAMIC = re.compile(r"(?<![\w$.])import\s*(?:\(|\.\s*meta\b)")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_BINDING = re.compile(rf"^\s*({_NAME})(?:\s+as\s+({_NAME}))?\s*$")
MODULES = "__rwModules"  # the bundle's one name of its own


class BundleError(ValueError):
    """A module uses a form the bundler does not handle, or cannot be found."""


@dataclass(frozen=True)
class Bundle:
    """A page's script as it is sent: its text, and its hash for the CSP and the ETag."""

    text: str
    csp_hash: str  # 'sha256-...' for the Content-Security-Policy
    etag: str


@dataclass(frozen=True)
class _Module:
    name: str
    body: str
    imports: tuple[str, ...]  # the modules it needs, in the order it names them
    exports: tuple[tuple[str, str], ...]  # (exported name, JS expression that gives it)


def _bindings(text: str, name: str) -> list[tuple[str, str]]:
    """`a, b as c` as [(a, a), (b, c)]."""
    found = []
    for part in text.split(","):
        if not part.strip():
            continue  # a trailing comma
        match = _BINDING.match(part)
        if match is None:
            raise BundleError(f"{name}: cannot read the names {part.strip()!r}")
        found.append((match[1], match[2] or match[1]))
    return found


def _resolve(name: str, spec: str) -> str:
    if not spec.startswith(("./", "../")):
        raise BundleError(f"{name}: only relative addresses can be bundled, not {spec!r}")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), spec))
    if joined.startswith(".."):
        raise BundleError(f"{name}: {spec!r} is outside the static folder")
    return joined


def _ref(module: str) -> str:
    return f"{MODULES}[{json.dumps(module)}]"


def parse_module(name: str, text: str) -> _Module:
    """One module's body without its import and export statements, what it imports and
    what it exports; BundleError on a form the bundler does not handle."""
    imports: list[str] = []
    exports: list[tuple[str, str]] = []

    def rewrite(match: re.Match[str]) -> str:
        if match["ispec"] is not None:
            target = _resolve(name, match["ispec"])
            imports.append(target)
            names = ", ".join(
                local if imported == local else f"{imported}: {local}"
                for imported, local in _bindings(match["imported"], name)
            )
            return f"const {{ {names} }} = {_ref(target)};"
        if match["bare"] is not None:
            imports.append(_resolve(name, match["bare"]))
            return ""
        if match["exported"] is not None:
            pairs = _bindings(match["exported"], name)
            if match["espec"] is not None:
                target = _resolve(name, match["espec"])
                imports.append(target)
                exports.extend((out, f"{_ref(target)}.{local}") for local, out in pairs)
            else:
                exports.extend((out, local) for local, out in pairs)
            return ""
        exports.append((match["name"], match["name"]))
        # The declaration stays, with what followed its name (the pattern's tail took it).
        return match["decl"] + match["name"] + match[0][match.end("name") - match.start() :]

    body = _STATEMENT.sub(rewrite, _SOURCE_MAP.sub("", text))
    for pattern in (_LEFTOVER, _DYNAMIC):
        left = pattern.search(body)
        if left is not None:
            line = body[: left.start()].count("\n") + 1
            snippet = body[left.start() : left.start() + 40].strip()
            raise BundleError(f"{name}: the bundler does not handle {snippet!r} (line {line})")
    return _Module(name, body, tuple(dict.fromkeys(imports)), tuple(exports))


def bundle(entry: str, read: Callable[[str], str]) -> str:
    """The script for `entry` (e.g. "js/play.js"): every module it needs, each run once, in
    the order a browser runs them. `read(name)` gives a module's text."""
    done: dict[str, _Module] = {}
    order: list[_Module] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise BundleError(f"a cycle of imports: {' -> '.join([*visiting, name])}")
        visiting.append(name)
        module = parse_module(name, read(name))
        for target in module.imports:
            visit(target)
        visiting.pop()
        done[name] = module
        order.append(module)

    visit(entry)
    parts = [
        f"// {entry} and every module it imports, in one script (game/web/bundle.py).",
        f"const {MODULES} = Object.create(null);",
    ]
    for module in order:
        getters = ", ".join(
            f"get {json.dumps(out)}() {{ return {expression}; }}"
            for out, expression in module.exports
        )
        parts.append(
            f"// ---- {module.name}\n{_ref(module.name)} = (() => {{\n{module.body.strip()}\n"
            f"return Object.freeze({{ {getters} }});\n}})();"
        )
    return "\n".join(parts) + "\n"


def made(text: str) -> Bundle:
    """A bundle's text with its CSP hash and ETag."""
    digest = hashlib.sha256(text.encode()).digest()
    return Bundle(
        text=text,
        csp_hash=f"'sha256-{base64.b64encode(digest).decode()}'",
        etag=digest.hex()[:16],
    )


def _fits_in_html(name: str, text: str) -> str:
    # Inline, a script ends at the first "</script" and a style at the first "</style";
    # "<script" after "<!--" would keep a script open past its end (the parser's escaped
    # states).
    for bad in ("</script", "<script", "</style"):
        if bad in text.lower():
            raise BundleError(f"{name}: {bad!r} cannot be inside an inline script or style")
    return text


class Bundles:
    """The pages' scripts, each made once per process from the files in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, Bundle] = {}
        self._lock = threading.Lock()

    def _read(self, name: str) -> str:
        # The same containment check as the static files' (game/web/statics.py).
        path = safe_join(str(self.folder), name)
        if path is None or not Path(path).is_file():
            raise BundleError(f"no module {name}")
        return Path(path).read_text(encoding="utf-8")

    def page(self, entry: str) -> Bundle:
        """The bundle of an entry module ("js/play.js")."""
        return self._kept(entry, lambda: bundle(entry, self._read))

    def file(self, name: str) -> Bundle:
        """A file as it is, to be inlined: a classic script ("js/first_view.js") or a style
        sheet without imports ("css/rolwissel.css")."""
        return self._kept(f"file:{name}", lambda: self._read(name))

    def _kept(self, key: str, make: Callable[[], str]) -> Bundle:
        found = self._made.get(key)
        if found is None:
            found = made(_fits_in_html(key, make()))
            with self._lock:
                self._made[key] = found
        return found
