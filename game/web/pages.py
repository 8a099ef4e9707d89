"""The HTML pages: start, join, participant, facilitator console, big screen, event overview.

Pages are thin shells. The server renders the frame, the texts and the translations the
page's script needs; everything about the game arrives over the socket as the viewer's
view and is built into the page with DOM calls (never as HTML). Every response carries a
Content-Security-Policy that allows only this site's own scripts (game/web/guard.py): a
page's script comes inline, bundled at start-up (game/web/bundle.py), and runs by its hash
in that page's policy, so even a slip that let typed text into the markup could not run.
The participant's first view comes over HTTP before its socket (api.first_view).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from markupsafe import Markup

from game.engine import state
from game.engine.roles import ROLE_ORDER
from game.extension import extension, has_extension
from game.languages import LANGUAGES
from game.rooms import seats
from game.web import api
from game.web.bundle import Bundle, Bundles
from game.web.guard import content_security_policy
from game.web.i18n import current_language
from game.web.statics import StaticFiles, compressed

ROOT = Path(__file__).resolve().parents[2]

STATIC = StaticFiles(ROOT / "static")
BUNDLES = Bundles(ROOT / "static")
# The pages with a script of their own (static/js/<page>.js): bundled when the app is made, so
# a module the bundler cannot read stops the server at start-up, not a page later.
SCRIPTED_PAGES = ("start", "join", "play", "host", "screen", "event", "editor", "summary")
INLINE_FILES = ("js/first_view.js", "css/rolwissel.css")  # inlined as they are (play.html)
INLINE_HASHES = "rolwissel_inline_hashes"  # on flask.g: the hashes of this page's inline parts


class _Pages(Blueprint):
    def send_static_file(self, filename: str) -> Response:
        # Compressed, with an ETag, and kept for a year when the address carries its version
        # (game/web/statics.py).
        return STATIC.response(filename)


bp = _Pages(
    "pages",
    __name__,
    template_folder=str(ROOT / "templates"),
    # Served at /static even when the app itself has no static folder.
    static_folder=str(ROOT / "static"),
    static_url_path="/static",
)

# What may be in a join code in the address; the server checks it properly on join.
_CODE = re.compile(r"^[A-Za-z0-9 _.-]{1,32}$")

ROLES = tuple(role.value for role in ROLE_ORDER)

# The engine's limits as the pages use them: maxlength and counters in the templates, and
# the JSON block #rw-limits for fields the scripts make (static/js/limits.js). Typed once,
# in game/engine/state.py.
LIMITS = {
    "name": state.MAX_NAME,
    "card": state.MAX_CARD,
    "condition": state.MAX_CARD,  # a condition is checked against the card length
    "conditions": state.MAX_CONDITIONS,
    "reflection": state.MAX_REFLECTION,
    "proposal": state.MAX_PROPOSAL,
    "reason": state.MAX_REASON,
    "bedenking": state.MAX_BEDENKING,  # the short text beside "eens met bedenkingen"
}


def _checked_id(value: str) -> str:
    if not seats.looks_like_id(value):
        abort(404)
    return value


def _known_room(room_id: str) -> str:
    """The room id of an existing room; 404 for an unknown one. The page itself carries
    nothing of the room (no code, no QR, no names): that comes over the socket, and only to
    a key that may see it. Without the room service (the page tests) any id renders."""
    _checked_id(room_id)
    if has_extension() and extension().queries.room(room_id) is None:
        abort(404)
    return room_id


def _switch_url() -> str:
    """This page's address in the other language (the switch every page shows)."""
    other = next(code for code in LANGUAGES if code != current_language())
    path_args = request.view_args or {}
    # The query is the client's: never a second value for a path argument, never one of
    # url_for's own (_external would put the Host header into the link).
    args: dict[str, Any] = {
        name: value
        for name, value in request.args.items()
        if name not in path_args and name != "endpoint" and not name.startswith("_")
    }
    args["lang"] = other
    return url_for(request.endpoint or "pages.start", **path_args, **args)


@bp.app_context_processor
def _page_context() -> dict[str, object]:
    return {
        "switch_url": _switch_url,
        "roles": ROLES,
        "limits": LIMITS,
        "static_url": static_url,
        "page_script": page_script,
        "inline_script": inline_script,
        "inline_style": inline_style,
    }


def static_url(filename: str) -> str:
    """The address of a static file with its version: browsers may keep it for a year."""
    return url_for("pages.static", filename=filename, v=STATIC.version(filename))


def _inline(found: Bundle, element: str, attributes: str = "") -> Markup:
    """An inline script or style element, its hash noted for this response's CSP."""
    g.setdefault(INLINE_HASHES, {"script": [], "style": []})[element].append(found.csp_hash)
    # The text is ours (static/), checked to fit in the element (game/web/bundle.py).
    return Markup(f"<{element}{attributes}>{found.text}</{element}>")


def page_script(page: str) -> Markup:
    """The page's script and every module it imports, inline, as one module
    (game/web/bundle.py): no request of its own on a slow line."""
    return _inline(BUNDLES.page(f"js/{page}.js"), "script", ' type="module"')


def inline_script(filename: str) -> Markup:
    """A small classic script inline, run as soon as it is parsed (js/first_view.js)."""
    return _inline(BUNDLES.file(filename), "script")


def inline_style(filename: str) -> Markup:
    """A style sheet inline: on the participant's page it would cost a request that holds
    back the page's script (a script waits for the style sheets before it)."""
    return _inline(BUNDLES.file(filename), "style")


def prepare() -> None:
    """Bundle every page's script now (create_app calls it): a BundleError stops start-up."""
    for page in SCRIPTED_PAGES:
        BUNDLES.page(f"js/{page}.js")
    for filename in INLINE_FILES:
        BUNDLES.file(filename)


@bp.after_app_request
def _page_headers(response: Response) -> Response:
    hashes = g.get(INLINE_HASHES)
    if hashes:
        # The page's own policy: Guard adds the plain one only where a response has none.
        policy = content_security_policy(hashes["script"], hashes["style"])
        response.headers["Content-Security-Policy"] = policy
    return compressed(response)


@bp.app_errorhandler(404)
def not_found(error: Exception) -> Response | tuple[str, int]:
    """A page that does not exist (an old link, a room that was removed), in plain words.

    Addresses for scripts (/api, /static, /qr, /socket.io) keep the plain 404.
    """
    if request.path.startswith(("/api/", "/static/", "/qr/", "/socket.io")):
        return Response("not found\n", status=404, mimetype="text/plain")
    return render_template("error.html", page="error"), 404


@bp.get("/")
def start() -> str:
    """The start page: what Rolwissel is, a new game, and a box to join one."""
    return render_template("start.html", page="start")


@bp.get("/join")
@bp.get("/j/<code>")
def join(code: str = "") -> str:
    """The join page; `/j/<code>` is what the QR code opens, with the code filled in."""
    code = code or request.args.get("code", "")
    if not _CODE.match(code):
        code = ""
    # A scan of the QR code after the game was closed leads to the summary.
    closed = api.closed_room(code) if code and has_extension() else None
    return render_template(
        "join.html",
        page="join",
        code=code.upper(),
        closed_summary_url=api.summary_url(closed) if closed else None,
    )


@bp.get("/room/<room_id>/play")
def play(room_id: str) -> str:
    """A participant's page (phone first); the seat token is in this browser's storage."""
    return render_template("play.html", page="play", room_id=_known_room(room_id))


@bp.get("/room/<room_id>/host")
def host(room_id: str) -> str:
    """The facilitator console; the token arrives in the fragment (#t=...)."""
    return render_template("host.html", page="host", room_id=_known_room(room_id))


@bp.get("/room/<room_id>/screen")
def screen(room_id: str) -> str:
    """The big screen for the projector; its key arrives in the fragment (#k=...)."""
    return render_template("screen.html", page="screen", room_id=_known_room(room_id))


@bp.get("/privacy")
def privacy() -> str:
    """What Rolwissel keeps about whom, why, for how long, and how to have it deleted."""
    days = current_app.config.get("RETENTION_DAYS", 30)
    idle = current_app.config.get("IDLE_RETENTION_DAYS", 90)
    return render_template(
        "privacy.html",
        page="privacy",
        retention_days=f"{days:g}",
        idle_days=f"{idle:g}",
    )


@bp.get("/event/<event_id>")
def event(event_id: str) -> str:
    """The facilitator's overview of all tables of an event."""
    return render_template("event.html", page="event", event_id=_checked_id(event_id))
