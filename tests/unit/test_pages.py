"""The HTML pages: they render in Dutch and English, carry a strict Content-Security-Policy,
run no inline script but their own by its hash, never build HTML from data, and stay within
the size budget."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from modulegraph import module_graph

from game.engine import state
from game.web.guard import CONTENT_SECURITY_POLICY, content_security_policy

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
BUDGET = 150 * 1024  # compressed bytes of the participant page (its JavaScript and CSS inline)


@pytest.fixture
def room(client: FlaskClient) -> dict:
    """One new room (one table) on a shipped scenario, as the start page creates it."""
    scenario = client.get("/api/scenarios").get_json()["scenarios"][0]["id"]
    created = client.post("/api/rooms", json={"scenario_id": scenario, "tables": 1, "lang": "nl"})
    assert created.status_code == 201
    return created.get_json()


@pytest.fixture
def event(client: FlaskClient) -> dict:
    """Three tables of one event."""
    scenario = client.get("/api/scenarios").get_json()["scenarios"][0]["id"]
    created = client.post("/api/rooms", json={"scenario_id": scenario, "tables": 3, "lang": "nl"})
    assert created.status_code == 201
    return created.get_json()


def _urls(room: dict, event: dict) -> list[str]:
    r = room["rooms"][0]
    return [
        "/",
        "/join",
        "/j/" + r["code"],
        f"/room/{r['room_id']}/play",
        r["host_url"].split("#")[0],
        r["screen_url"].split("#")[0],
        f"/event/{event['event_id']}",
    ]


class _Scripts(HTMLParser):
    """Collects script elements, the text of inline scripts (not JSON data) and styles, and
    inline event-handler or style attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_styles: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self.scripts.append(names)
            self._open = "data" if names.get("type") == "application/json" else "script"
        elif tag == "style":
            self._open = "style"
        for name, _value in attrs:
            if name.startswith("on") or name == "style":
                self.inline.append(f"<{tag} {name}>")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.inline_scripts.append(data)
        elif self._open == "style":
            self.inline_styles.append(data)


def test_pages_render_in_dutch_by_default(client: FlaskClient, room: dict, event: dict) -> None:
    """Every page answers 200 in Dutch, with its script and the stylesheet."""
    for url in _urls(room, event):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert '<html lang="nl">' in html, url
        stylesheet = '<link rel="stylesheet" href="/static/css/rolwissel.css?v='
        assert stylesheet in html or (url.endswith("/play") and "<style>" in html), url
        assert re.search(
            r'<script type="module">// js/\w+\.js and every module it imports', html
        ), url
        assert 'data-testid="lang-switch"' in html and ">English</a>" in html, url


def test_pages_render_in_english_on_request(client: FlaskClient, room: dict, event: dict) -> None:
    """?lang=en gives every page in English, with a switch back to Dutch."""
    for url in _urls(room, event):
        separator = "&" if "?" in url else "?"
        html = client.get(url + separator + "lang=en").get_data(as_text=True)
        assert '<html lang="en">' in html, url
        assert ">Nederlands</a>" in html, url
    join = client.get("/join?lang=en").get_data(as_text=True)
    assert "What are you in real life?" in join
    assert "Wat ben je in het echt?" not in join


def test_join_page_explains_the_three_roles(client: FlaskClient) -> None:
    """The join page offers the three home roles with a word, an icon and a one-line explanation."""
    html = client.get("/j/k7m-4qx9").get_data(as_text=True)
    assert 'value="K7M-4QX9"' in html
    for role, word in (
        ("inwoner", "Inwoner"),
        ("raadslid", "Raadslid"),
        ("ambtenaar", "Ambtenaar"),
    ):
        assert f'data-testid="join-role-{role}"' in html
        assert f'<span class="role-word">{word}</span>' in html
    assert html.count('class="role-explain"') == 3
    # A longer name is kept and refused with a sentence, never cut (issue 9, point 10).
    assert 'data-limit="40"' in html and "maxlength" not in html.split('id="name"')[1][:200]


def test_pages_carry_the_engine_limits(client: FlaskClient, room: dict) -> None:
    """The engine's limits reach the pages as a JSON block and as data-limit (a text over it is
    kept and refused with a sentence) or maxlength, typed nowhere else."""
    r = room["rooms"][0]
    play = client.get(f"/room/{r['room_id']}/play").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="rw-limits">(.*?)</script>', play, re.S)
    assert block is not None
    assert json.loads(block.group(1)) == {
        "name": state.MAX_NAME,
        "card": state.MAX_CARD,
        "condition": state.MAX_CARD,
        "conditions": state.MAX_CONDITIONS,
        "reflection": state.MAX_REFLECTION,
        "proposal": state.MAX_PROPOSAL,
        "reason": state.MAX_REASON,
        "bedenking": state.MAX_BEDENKING,
    }
    assert f'data-limit="{state.MAX_CARD}"' in play and f"0/{state.MAX_CARD}<" in play
    assert f'data-limit="{state.MAX_REFLECTION}"' in play
    assert f'data-limit="{state.MAX_BEDENKING}"' in play
    host = client.get(r["host_url"].split("#")[0]).get_data(as_text=True)
    assert f'maxlength="{state.MAX_PROPOSAL}"' in host
    # Templates say {{ limits.x }}; only the join code's length (no engine limit) is a number.
    for path in TEMPLATES.glob("*.html"):
        typed = set(re.findall(r'maxlength="(\d+)"', path.read_text(encoding="utf-8")))
        assert typed <= {"32"}, path
    for path in sorted((STATIC / "js").glob("*.js")):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\bMAX_[A-Z_]+\s*=|maxlength: *\d", source), path.name


def test_the_room_id_alone_shows_no_join_code(client: FlaskClient, room: dict) -> None:
    """The console, the big screen and the participant page render nothing of the room: no
    join code, no QR code address (issue 11: they come over the socket, to a key that may
    show them; the screen's old server-rendered code and QR were asked to go)."""
    r = room["rooms"][0]
    code = r["code"]
    for url in (r["host_url"], r["screen_url"], f"/room/{r['room_id']}/play"):
        html = client.get(url.split("#")[0]).get_data(as_text=True)
        assert code not in html and code.replace("-", "") not in html, url
        assert "/qr/" not in html, url


def test_every_page_links_the_privacy_statement(client: FlaskClient, room: dict) -> None:
    """The footer of every page links /privacy, which says in Dutch and English what is kept,
    why, for how long (the configured days) and how to have it deleted."""
    for url in [*_urls(room, {"event_id": "ev"}), "/privacy", "/no/such/page"]:
        html = client.get(url).get_data(as_text=True)
        assert 'href="/privacy' in html and 'data-testid="privacy-link"' in html, url
    dutch = client.get("/privacy?lang=nl").get_data(as_text=True)
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    assert "We slaan geen IP-adressen op" in dutch and "30 dagen" in dutch and "90 dagen" in dutch
    assert "Vraag het de spelleider" in dutch
    assert "We do not store IP addresses" in english and "30 days" in english
    assert "Ask the workshop leader" in english


def test_unknown_room_is_not_found(client: FlaskClient) -> None:
    """A page for a room that does not exist (or a malformed id) is a 404 page in plain words."""
    for page in ("play", "host", "screen"):
        missing = client.get(f"/room/nosuchroom/{page}?lang=nl")
        assert missing.status_code == 404
        assert "Deze pagina bestaat niet (meer)" in missing.get_data(as_text=True)
        assert client.get(f"/room/bad%3Cid%3E/{page}?lang=en").status_code == 404
    english = client.get("/no/such/page?lang=en").get_data(as_text=True)
    assert "This page does not exist (any more)" in english
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.mimetype != "text/html"


def test_code_in_the_address_never_becomes_markup(client: FlaskClient) -> None:
    """A join code in the address is escaped or dropped, never parsed as HTML."""
    html = client.get('/join?code="><img src=x onerror=alert(1)>').get_data(as_text=True)
    assert "<img" not in html
    html = client.get("/j/%3Cimg%20src%3Dx%3E").get_data(as_text=True)
    assert "<img" not in html


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_content_security_policy_on_every_response(
    client: FlaskClient, room: dict, event: dict
) -> None:
    """Pages, API answers and static files carry a CSP whose scripts come only from 'self' or,
    inline, by the hash of each inline script and style of that very page; never
    'unsafe-inline' or 'unsafe-eval'."""
    directives = dict(
        part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert directives["frame-ancestors"] == "'none'"
    for url in ["/api/scenarios", "/static/js/play.js"]:
        with client.get(url) as response:
            assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, url
    for url in _urls(room, event):
        with client.get(url) as response:
            parser = _Scripts()
            parser.feed(response.get_data(as_text=True))
            expected = content_security_policy(
                [_hash(text) for text in parser.inline_scripts],
                [_hash(text) for text in parser.inline_styles],
            )
            assert response.headers.get("Content-Security-Policy") == expected, url
            assert "unsafe-inline" not in expected and "unsafe-eval" not in expected
            assert response.headers.get("X-Content-Type-Options") == "nosniff", url


def test_no_inline_scripts_or_styles(client: FlaskClient, room: dict, event: dict) -> None:
    """Templates and rendered pages hold no event handler or style attribute; a script
    without src is the JSON data, the page's bundled module, or the participant page's
    first-view script, each run only by its hash (previous test)."""
    for path in TEMPLATES.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\son\w+\s*=", source), path.name
        assert not re.search(r"\sstyle\s*=", source), path.name
    for url in _urls(room, event):
        parser = _Scripts()
        parser.feed(client.get(url).get_data(as_text=True))
        assert parser.inline == [], url
        assert sum(1 for s in parser.scripts if s.get("type") == "module") == 1, url
        assert not any(s.get("src") for s in parser.scripts), url
        classic = [s for s in parser.scripts if s.get("type") not in ("module", "application/json")]
        assert len(classic) == (1 if url.endswith("/play") else 0), url


# Our own scripts (static/js, not the vendored libraries): no HTML from strings, no eval, and
# none of the rendering library's raw-HTML escape hatches (lit-html's unsafe* directives and
# static templates; preact's dangerouslySetInnerHTML, should it ever replace lit-html).
_RAW_HTML = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function"
    r"|unsafeHTML|unsafeSVG|unsafeMathML|unsafeStatic|unsafe-(?:html|svg|mathml)\.js"
    r"|lit-html[^\"']*/static\.js|dangerouslySetInnerHTML"
)


def _own_scripts() -> list[Path]:
    scripts = sorted((STATIC / "js").rglob("*.js"))
    assert scripts and not any("vendor" in p.parts for p in scripts)
    return scripts


def test_scripts_never_build_html_from_strings() -> None:
    """No script of ours uses innerHTML and friends, eval, or a raw-HTML template directive."""
    offenders = [
        f"{path.name}:{number}"
        for path in _own_scripts()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _RAW_HTML.search(line)
    ]
    assert offenders == []


def test_the_raw_html_ban_catches_each_escape_hatch() -> None:
    """The ban above matches every way to put a string in as markup (so it can fail)."""
    for line in (
        "el.innerHTML = text;",
        "html`${unsafeHTML(text)}`",
        'import { unsafeSVG } from "../vendor/lit-html-3.3.3/directives/unsafe-svg.js";',
        'import { literal } from "../vendor/lit-html-3.3.3/static.js";',
        "h('p', { dangerouslySetInnerHTML: { __html: text } })",
        "new Function('return 1')",
    ):
        assert _RAW_HTML.search(line), line
    assert not _RAW_HTML.search("html`<p>${text}</p>`")


def test_live_pages_load_no_code_that_needs_eval() -> None:
    """Every module a live page loads, the vendored ones included, runs without eval (the CSP
    has no 'unsafe-eval'); the rendering library is among them."""
    for page in ("play", "host", "screen", "event"):
        modules = module_graph(STATIC / "js" / f"{page}.js")
        assert any("lit-html" in str(m) for m in modules), page
        assert any(m.name == "repeat.js" for m in modules), page
        for module in modules:
            source = module.read_text(encoding="utf-8")
            assert not re.search(r"\beval\(|new Function", source), module


def test_participant_page_within_budget(client: FlaskClient, room: dict) -> None:
    """The participant page, with its script and style sheet inline, is at most 150 KB
    gzip-compressed, and holds the socket client."""
    reply = client.get(
        f"/room/{room['rooms'][0]['room_id']}/play", headers={"Accept-Encoding": "gzip"}
    )
    assert reply.headers["Content-Encoding"] == "gzip"
    assert "socket.io" in gzip.decompress(reply.get_data()).decode()
    assert len(reply.get_data()) <= BUDGET, f"{len(reply.get_data())} bytes"


def test_every_vendored_package_is_documented() -> None:
    """Each vendored folder carries its version and licence and is listed in the README."""
    readme = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    folders = [p for p in (STATIC / "vendor").iterdir() if p.is_dir()]
    assert folders
    for folder in folders:
        name, _, version = folder.name.rpartition("-")
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), folder.name
        assert f"| {name} | {version} |" in readme, folder.name
        assert (folder / "LICENSE").exists(), folder.name
        assert f"npm pack {name}@{version}" in readme, folder.name


def test_static_files_are_compressed_cached_and_revalidated(client: FlaskClient) -> None:
    """A script comes gzip-compressed when asked, with an ETag; asked again with it, an empty
    304; with its version in the address it may be kept a year, without it it is revalidated."""
    plain = client.get("/static/js/shell.js")
    zipped = client.get("/static/js/shell.js", headers={"Accept-Encoding": "gzip, br"})
    assert plain.status_code == zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data()) / 2
    assert plain.headers["Cache-Control"] == "no-cache"
    etag = plain.headers["ETag"]
    again = client.get("/static/js/shell.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    version = etag.strip('"')
    kept = client.get(f"/static/js/shell.js?v={version}")
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/js/nothing.js").status_code == 404
    assert client.get("/static/../game/config.py").status_code == 404


def test_a_live_page_carries_every_module_it_imports(client: FlaskClient, room: dict) -> None:
    """The participant page's inline module is its script with exactly the modules it
    imports (all levels), so none waits for a request, let alone for the one before it."""
    parser = _Scripts()
    parser.feed(client.get(f"/room/{room['rooms'][0]['room_id']}/play").get_data(as_text=True))
    module = next(text for text in parser.inline_scripts if "__rwModules" in text)
    bundled = {(STATIC / name).resolve() for name in re.findall(r"^// ---- (\S+)$", module, re.M)}
    graph = set(module_graph(STATIC / "js" / "play.js"))
    assert bundled == graph and any("socket.io" in p.name for p in bundled)
