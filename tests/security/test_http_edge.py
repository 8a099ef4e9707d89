"""HTTP at the edge (issue 11, point 6): security headers on every response (Engine.IO's
long-polling ones too), HSTS and Secure cookies only over TLS (behind a proxy only when it is
trusted), join links and QR codes never steered by a forged Host, 413 with a code for a large
body, and no query string or odd path that makes a 500."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from attack import Start, tracebacks
from wire import HOST, POLLING_PATH, HttpReply, http, new_room

from game import create_app
from game.web.guard import CONTENT_SECURITY_POLICY, SECURITY_HEADERS

pytestmark = pytest.mark.slow


# A page's CSP may add the hashes of its own inline scripts and styles, nothing else.
INLINE_HASH = re.compile(r" 'sha256-[A-Za-z0-9+/]+={0,2}'")


def assert_guarded(reply: HttpReply, what: str) -> None:
    for name, value in SECURITY_HEADERS:
        got = reply.headers.get(name.lower())
        if name == "Content-Security-Policy" and got is not None:
            got = INLINE_HASH.sub("", got)
        assert got == value, (what, name, reply.headers)
    assert "strict-transport-security" not in reply.headers, what


def test_security_headers_are_on_every_kind_of_response(serve: Start) -> None:
    """Pages, API, static files, QR codes, errors, the guard's own refusals and every kind of
    Engine.IO response carry the same headers; the CSP lets the page connect to itself only."""
    assert "connect-src 'self';" in CONTENT_SECURITY_POLICY
    assert "ws:" not in CONTENT_SECURITY_POLICY and "wss:" not in CONTENT_SECURITY_POLICY
    server = serve()
    port = server.port
    created = new_room(server.url)
    room = created["rooms"][0]
    opened = http(port, "GET", POLLING_PATH)
    sid = json.loads(opened.body[1:])["sid"]
    replies = {
        "page": http(port, "GET", "/"),
        "room page": http(port, "GET", f"/room/{room['room_id']}/play"),
        "missing page": http(port, "GET", "/room/nope/play"),
        "api": http(port, "GET", "/api/scenarios"),
        "api refusal": http(port, "POST", "/api/join", body=b"{}"),
        "static": http(port, "GET", "/static/js/play.js"),
        "qr": http(port, "GET", f"/qr/{room['code']}.svg"),
        "healthz": http(port, "GET", "/healthz"),
        "too large": http(port, "POST", "/api/rooms", body=b"{" + b" " * 70_000 + b"}"),
        "polling open": opened,
        # A connect without a key: refused, so the next long poll has an answer at once.
        "polling post": http(port, "POST", f"{POLLING_PATH}&sid={sid}", body=b"40"),
        "polling get": http(port, "GET", f"{POLLING_PATH}&sid={sid}"),
        "polling bad sid": http(port, "GET", f"{POLLING_PATH}&sid=nope"),
        "polling refused": http(port, "POST", f"{POLLING_PATH}&sid={sid}", body=b"\xff"),
        "jsonp": http(port, "GET", f"{POLLING_PATH}&j=0"),
        "options": http(port, "OPTIONS", POLLING_PATH),
        "websocket refused": http(
            port, "GET", "/socket.io/?EIO=4&transport=websocket",
            headers={"Upgrade": "websocket", "Connection": "Upgrade"},
        ),
    }  # fmt: skip
    for what, reply in replies.items():
        assert reply.status < 500, (what, reply.status)
        assert_guarded(reply, what)
    too_large = replies["too large"]
    assert too_large.status == 413 and too_large.json()["code"] == "body_too_large"
    assert replies["polling refused"].status == 400
    assert replies["polling refused"].json()["code"] == "bad_packet"
    assert replies["jsonp"].json()["code"] == "bad_packet"
    assert not tracebacks(server)


def test_hsts_and_secure_cookies_only_over_tls_from_a_trusted_proxy(serve: Start) -> None:
    """Behind TRUSTED_PROXIES=1, X-Forwarded-Proto https brings HSTS (also on long-polling
    responses) and a Secure, HttpOnly language cookie; without trust the header changes
    nothing; plain http never gets HSTS."""
    trusting = serve(TRUSTED_PROXIES="1")
    plain = serve()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}

    page = http(trusting.port, "GET", "/?lang=en", headers=https)
    assert page.headers.get("strict-transport-security") == "max-age=31536000"
    cookie = page.headers["set-cookie"]
    assert "rw_lang=en" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    polling = http(trusting.port, "GET", POLLING_PATH, headers=https)
    assert polling.headers.get("strict-transport-security") == "max-age=31536000"

    over_http = http(trusting.port, "GET", "/?lang=en")
    assert "strict-transport-security" not in over_http.headers
    assert "Secure" not in over_http.headers["set-cookie"]
    for reply in (http(plain.port, "GET", "/?lang=en", headers=https),):
        assert "strict-transport-security" not in reply.headers
        assert "Secure" not in reply.headers["set-cookie"]


def _join_url(port: int, host: str) -> str:
    headers = {"Host": host, "Content-Type": "application/json"}
    body = json.dumps({"scenario_id": "buurtkamer-bibliotheek"}).encode()
    reply = http(port, "POST", "/api/rooms", headers=headers, body=body)
    assert reply.status == 201, reply.body
    return str(reply.json()["rooms"][0]["join_url"])


def test_a_forged_host_never_steers_a_join_link_or_qr_code(serve: Start) -> None:
    """Without PUBLIC_URL, a Host outside the allow-list gets links to the address the request
    arrived on (loopback and ALLOWED_HOSTS names are used as they are); the QR code follows
    the same rule, and the console and big screen pages carry no join link at all; with
    PUBLIC_URL, the Host does not matter."""
    server = serve(ALLOWED_HOSTS="spel.gemeente.nl")
    port = server.port
    own = f"http://{HOST}:{port}"
    assert _join_url(port, "evil.example").startswith(own + "/j/")
    assert _join_url(port, f"evil.example:{port}").startswith(own + "/j/")
    assert _join_url(port, "127.0.0.1.evil.example").startswith(own + "/j/")
    assert _join_url(port, f"localhost:{port}").startswith(f"http://localhost:{port}/j/")
    assert _join_url(port, "spel.gemeente.nl").startswith("http://spel.gemeente.nl/j/")

    created = new_room(server.url)
    room = created["rooms"][0]
    qr = f"/qr/{room['code']}.svg"
    genuine = http(port, "GET", qr).body
    assert http(port, "GET", qr, headers={"Host": "evil.example"}).body == genuine
    assert http(port, "GET", qr, headers={"Host": f"localhost:{port}"}).body != genuine
    console = http(port, "GET", f"/room/{room['room_id']}/host", headers={"Host": "evil.example"})
    screen = http(port, "GET", f"/room/{room['room_id']}/screen", headers={"Host": "evil.example"})
    switch = http(port, "GET", "/?_external=1&_scheme=https", headers={"Host": "evil.example"})
    for page in (console, screen, switch):
        assert page.status == 200 and b"evil.example" not in page.body
    for page in (console, screen):
        # Issue 11: the pages carry no join link at all; the console and the big screen get it
        # over their socket, made by the same links.join_url.
        # (The page's inline script is code: the screen's splits a join link it gets.)
        markup = re.sub(rb'<script type="module">.*?</script>', b"", page.body, flags=re.S)
        assert b"/j/" not in markup

    public = serve(PUBLIC_URL="https://rolwissel.example.nl/")
    for host in ("evil.example", f"127.0.0.1:{public.port}"):
        assert _join_url(public.port, host).startswith("https://rolwissel.example.nl/j/")
    code = new_room(public.url)["rooms"][0]["code"]
    forged = http(public.port, "GET", f"/qr/{code}.svg", headers={"Host": "evil.example"})
    assert forged.body == http(public.port, "GET", f"/qr/{code}.svg").body


QUERIES = [
    "", "?", "?&&&", "?=", "?==&=", "?lang", "?lang=", "?lang=fr", "?lang=%ff", "?lang=%",
    "?lang=%zz", "?lang=%00", "?lang[]=en", "?lang=en&lang=nl", "?lang=" + "e" * 4000,
    "?code=%3Cscript%3E", "?t=%0d%0aSet-Cookie:%20x=1", "?%ff%fe=%c0%af", "?a=%e2%80%ae",
    "?EIO=3&transport=polling", "?sid=" + "A" * 500, "?j=1", "?fmt=../../etc/passwd",
    "?lang=en;drop", "?\x7f=\x7f", "?é=ü", "?lang=%u00e9", "?%%%=%%%", "?" + "a=1&" * 500,
    "?code=X&room_id=Y&event_id=Z&fmt=pdf&filename=a", "?endpoint=api.qr", "?_external=1",
    "?_anchor=x&_scheme=javascript&_method=POST", "?values=1",
]  # fmt: skip
PATHS = [
    "/room/%00/play", "/room/..%2f..%2fetc/play", "/room/" + "a" * 65 + "/host", "/j/%ff",
    "/j/%c0%ae%c0%ae", "/j/" + "x" * 40, "/qr/%ff.svg", "/qr/.svg", "/qr/AAAA-AAAA.svg",
    "/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/",
    "/static/js/%00.js", "/event/%20/compare.pdf", "/room/x/summary.%ff", "/room/x/summary.",
    "/api/events/%0a", "/socket.io", "/socket.io/", "/socket.io/?EIO=4", "/socket.io/x/y",
    "//", "/%2f%2f", "/.env", "/api/", "/room//play", "/\x1b[31m", "/%u0041",
]  # fmt: skip


def _routes(tmp_path: Path, ids: dict[str, str]) -> list[tuple[str, str]]:
    """(method, path) of every route of the app, with real ids filled in."""
    app = create_app(
        {"ASYNC_MODE": "threading", "DATABASE_URL": f"sqlite:///{tmp_path / 'routes.sqlite3'}"}
    )
    routes = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for name, value in ids.items():
            path = path.replace(f"<{name}>", value).replace(f"<path:{name}>", value)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    app.extensions["rolwissel"].close(timeout=5)
    return routes


def test_no_query_string_or_odd_path_makes_a_500(serve: Start, tmp_path: Path) -> None:
    """Every route with odd query strings (and seeded random ones), and odd paths: never a 5xx,
    always the security headers, no traceback."""
    server = serve(ROOM_CREATE_LIMIT="10000 per hour", JOIN_FAIL_LIMIT="10000 per minute")
    created = new_room(server.url, tables=2)
    room = created["rooms"][0]
    ids = {
        "room_id": room["room_id"],
        "event_id": created["event_id"],
        "code": room["code"],
        "fmt": "md",
        "filename": "js/play.js",
    }
    routes = _routes(tmp_path, ids)
    rng = random.Random(3)
    alphabet = "=&%?#;+ /\\.'\"<>[]{}é\x7f" + "0123456789abcdefABCDEF"
    queries = QUERIES + [
        "?" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(30)
    ]
    seen = 0
    for method, path in routes:
        for query in queries:
            target = path + query.replace(" ", "%20").replace("#", "%23")
            body = b'{"scenario_id":"buurtkamer-bibliotheek"}' if method == "POST" else b""
            reply = http(server.port, method, target, body=body)
            assert reply.status < 500, (method, target, reply.status, reply.body[:200])
            assert reply.status == 414 or "content-security-policy" in reply.headers, target
            seen += 1
    for path in PATHS:
        reply = http(server.port, "GET", path)
        assert reply.status < 500, (path, reply.status, reply.body[:200])
        seen += 1
    print(f"{seen} requests over {len(routes)} routes")
    assert seen > 1000
    assert not tracebacks(server)
