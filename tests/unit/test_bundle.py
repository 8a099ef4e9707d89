"""The bundler (game/web/bundle.py): the import and export forms our modules use, in the
order a browser runs them; every other form refused; every page's script bundles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from modulegraph import module_graph

from game.web.bundle import BundleError, Bundles, bundle, parse_module
from game.web.pages import SCRIPTED_PAGES

STATIC = Path(__file__).resolve().parents[2] / "static"


def _reader(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda name: files[name]


def test_each_supported_form_becomes_a_constant_or_a_getter() -> None:
    """Named imports (renamed too), a bare import, exported declarations, an export list and
    a re-export become constants and getters; no import or export statement is left."""
    files = {
        "js/main.js": (
            'import { a, b as c } from "./lib.js";\n'
            'import "./side.js";\n'
            'export { x as y } from "../vendor/v.js";\n'
            "export function f() { return a + c; }\n"
            "export async function g() {}\n"
            "export class K extends Error {}\n"
            "export const N = 1;\n"
        ),
        "js/lib.js": "const a = 1, q = 2;\nexport { a, q as b };\n",
        "js/side.js": "window.sideRan = true;\n",
        "vendor/v.js": 'import{b as t}from"../js/lib.js";const x=t;export{x};',
    }
    text = bundle("js/main.js", _reader(files))
    order = re.findall(r"^// ---- (\S+)$", text, re.M)
    assert order == ["js/lib.js", "js/side.js", "vendor/v.js", "js/main.js"]
    assert 'const { a, b: c } = __rwModules["js/lib.js"];' in text
    assert 'const { b: t } = __rwModules["js/lib.js"];' in text
    assert 'get "y"() { return __rwModules["vendor/v.js"].x; }' in text
    assert 'get "b"() { return q; }' in text
    for name in ("f", "g", "K", "N"):
        assert f'get "{name}"() {{ return {name}; }}' in text
    assert "class K extends Error {}" in text and "async function g() {}" in text
    assert not re.search(r"(?:^|[;}])\s*(?:import|export)\b", text, re.M)


@pytest.mark.parametrize(
    "source",
    [
        "export default function f() {}",
        'import f from "./lib.js";',
        'import * as lib from "./lib.js";',
        'export * from "./lib.js";',
        "export let n = 1;",
        "export var n = 1;",
        'const m = import("./lib.js");',
        "const here = import.meta.url;",
        'import { a } from "lit-html";',
        'import { a } from "../../outside.js";',
    ],
)
def test_a_form_it_does_not_handle_is_refused(source: str) -> None:
    """Each form outside the supported ones stops the bundle with the module's name."""
    with pytest.raises(BundleError, match=r"js/main\.js"):
        parse_module("js/main.js", source)


def test_a_cycle_of_imports_is_refused() -> None:
    """Imports are copies taken once a module has run, so a cycle cannot be bundled."""
    files = {
        "js/a.js": 'import { b } from "./b.js";\nexport const a = 1;\n',
        "js/b.js": 'import { a } from "./a.js";\nexport const b = 2;\n',
    }
    with pytest.raises(BundleError, match="cycle"):
        bundle("js/a.js", _reader(files))


def test_text_that_would_end_an_inline_element_is_refused(tmp_path: Path) -> None:
    """A module holding "</script" could not be inlined: refused, never sent broken."""
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "bad.js").write_text('const s = "</script>";\n')
    with pytest.raises(BundleError, match="inline"):
        Bundles(tmp_path).page("js/bad.js")


def test_every_pages_script_bundles_with_all_its_modules() -> None:
    """Each page's bundle holds every module its script imports (found by the files' own
    imports), the page's own module last, and its CSP hash is the hash of its text."""
    bundles = Bundles(STATIC)
    for page in SCRIPTED_PAGES:
        made = bundles.page(f"js/{page}.js")
        order = re.findall(r"^// ---- (\S+)$", made.text, re.M)
        assert order[-1] == f"js/{page}.js"
        graph = module_graph(STATIC / "js" / f"{page}.js")
        assert {(STATIC / name).resolve() for name in order} == set(graph), page
        assert made.csp_hash.startswith("'sha256-") and made.csp_hash.endswith("='")
    play = bundles.page("js/play.js").text
    assert "socket.io" in play and "lit-html" in play


def test_a_module_outside_the_folder_or_missing_is_refused(tmp_path: Path) -> None:
    """An import that leaves the static folder, or names no file, stops the bundle: the
    bundler reads only files inside its folder."""
    (tmp_path / "secret.js").write_text("export const k = 1;\n", encoding="utf-8")
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "leak.js").write_text('import { k } from "../../secret.js";\n', "utf-8")
    (static / "js" / "gone.js").write_text('import { k } from "./nothing.js";\n', "utf-8")
    with pytest.raises(BundleError, match="outside the static folder"):
        Bundles(static).page("js/leak.js")
    with pytest.raises(BundleError, match=r"no module js/nothing\.js"):
        Bundles(static).page("js/gone.js")
    with pytest.raises(BundleError, match="no module"):
        Bundles(static).file("../secret.js")  # the reader's own check, past the resolver
