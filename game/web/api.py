"""The JSON HTTP API: scenarios, new rooms, joining, the facilitator's deleting and letting
back in, the QR code and the health check.

Routes translate and call the room service; they hold no game rules. Every refusal is
`{"ok": false, "code": ..., "message": ...}` with the sentence in the requested language.
Facilitator requests carry `Authorization: Bearer <facilitator token>`.
"""

from __future__ import annotations

import io
import logging
from typing import Annotated, Any, Literal

import segno
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from game.codes import ServerCode
from game.engine.errors import ErrorCode
from game.engine.plans import DEFAULT_PLAN, PLANS
from game.engine.roles import Role
from game.extension import extension
from game.languages import DEFAULT_LANGUAGE, language
from game.logfmt import line
from game.rooms import seats
from game.rooms.lifecycle import CreatedRooms
from game.rooms.patches import READY
from game.rooms.queries import RoomInfo
from game.rooms.writer import Applied, Job, Refused
from game.web import links
from game.web.messages import message
from game.web.ratelimit import ApiLimits

logger = logging.getLogger("rolwissel.api")

bp = Blueprint("api", __name__)

LIMITS_KEY = "rolwissel.api_limits"
# How long /healthz waits for its write before it says the database cannot be written.
HEALTH_WRITE_WAIT_S = 5.0

# HTTP status per refusal code; anything not listed is 400.
STATUS: dict[str, int] = {
    ServerCode.UNKNOWN_CODE: 404,
    ServerCode.UNKNOWN_ROOM: 404,
    ServerCode.UNKNOWN_SCENARIO: 404,
    ServerCode.CASE_ID_TAKEN: 409,
    ServerCode.TOO_MANY_ATTEMPTS: 429,
    ServerCode.TOO_MANY_ROOMS: 429,
    ServerCode.TOO_MANY_ACTIONS: 429,
    ServerCode.NO_KEY: 401,
    ServerCode.BAD_TOKEN: 403,
    ServerCode.WRONG_KEY: 403,
    ServerCode.REMOVED_FROM_GAME: 403,
    ServerCode.ROOM_DAMAGED: 409,
    ServerCode.SERVER_RESTARTING: 503,
    ServerCode.SERVER_ERROR: 500,
    ServerCode.TOO_MANY_CONNECTIONS: 429,
    ServerCode.SERVER_BUSY: 503,
    ServerCode.SERVER_OVERLOADED: 503,
    ServerCode.BODY_TOO_LARGE: 413,
    ErrorCode.NAME_TAKEN: 409,
    ErrorCode.ALREADY_JOINED: 409,
    ErrorCode.ROOM_FULL: 409,
    ErrorCode.GAME_CLOSED: 409,
    ErrorCode.NOT_ON_PAPER: 404,
}


class _Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class CreateRooms(_Body):
    """POST /api/rooms: a new game on a scenario, on one table or several (one event)."""

    scenario_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    tables: Annotated[int, Field(ge=1, le=12)] = 1
    # The session plan's length in minutes (game/engine/plans.py); 0: none.
    plan: Literal[0, 60, 90, 120] = 0
    lang: str = DEFAULT_LANGUAGE


class JoinRoom(_Body):
    """POST /api/join: take a seat with the room's code, a display name and a home role."""

    code: Annotated[str, StringConstraints(max_length=32)]
    # The engine checks the real limits (1-40 characters after trimming); this only keeps
    # absurd bodies out.
    name: Annotated[str, StringConstraints(max_length=1000)]
    home_role: Annotated[str, StringConstraints(max_length=32)]
    lang: str = DEFAULT_LANGUAGE
    # The id this browser keeps for itself (localStorage): a device whose player was removed
    # cannot come back under another name until the facilitator lets it.
    device: Annotated[str, StringConstraints(min_length=8, max_length=64)] | None = None


class DeleteRoom(_Body):
    """DELETE /api/rooms/<room_id>: the facilitator deletes the game, after confirming."""

    confirm: bool


class Readmit(_Body):
    """POST /api/rooms/<room_id>/readmit: a removed player's device may join again."""

    player_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


def _asked_language() -> str:
    """The language the request asks for (`lang` in the JSON body, else `?lang=`), Dutch
    when none: the API's sentences never follow a cookie or the browser's settings."""
    body = request.get_json(silent=True)
    asked = body.get("lang") if isinstance(body, dict) else None
    return language(asked or request.args.get("lang"))


def refusal(code: str, lang: str, detail: dict[str, Any] | None = None) -> tuple[Response, int]:
    """The JSON answer for a refused request, with its HTTP status."""
    body = {"ok": False, "code": str(code), "message": message(code, lang, detail)}
    if detail:
        body["detail"] = detail
    return jsonify(body), STATUS.get(code, 400)


def _body(model: type[_Body]) -> Any:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return None
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


def room_links(info: RoomInfo, token: str | None = None) -> dict[str, Any]:
    """A room's code and addresses; with the facilitator token, its console, big screen and
    summary links carry their keys. A key rides in the fragment (`#t=`, `#k=`): browsers
    never send it to a server or a log."""
    shown = seats.format_code(info.code)
    addresses = {
        "room_id": info.id,
        "code": shown,
        "join_url": links.join_url(shown),
        "qr_url": url_for("api.qr", code=shown),
        "screen_url": url_for("pages.screen", room_id=info.id),
        "summary_url": url_for("summary.summary_page", room_id=info.id),
        "host_url": url_for("pages.host", room_id=info.id),
    }
    if token:
        addresses["host_url"] += f"#t={token}"
        addresses["screen_url"] += "#k=" + seats.derived_key(token, info.id, seats.Purpose.SCREEN)
        addresses["summary_url"] += "#k=" + seats.derived_key(token, info.id, seats.Purpose.SUMMARY)
    return addresses


def bearer() -> str:
    """The key of an `Authorization: Bearer <key>` header ("" without one)."""
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""


def client_address() -> str:
    """The client's address: the connection's, or behind TRUSTED_PROXIES proxies the one they
    passed on (werkzeug's ProxyFix, installed by create_app). Only the rate limits use it, in
    memory; it is never stored."""
    return request.remote_addr or "-"


def api_limits() -> ApiLimits:
    """The app's API rate limits (game/web/ratelimit.py), made on first use."""
    found = current_app.extensions.get(LIMITS_KEY)
    if found is None:
        cfg = current_app.config
        found = ApiLimits(
            cfg["RATELIMIT_STORAGE_URI"],
            cfg["ROOM_CREATE_LIMIT"],
            cfg["JOIN_FAIL_LIMIT"],
            cfg["JOIN_GUESS_LIMIT"],
            cfg["VIEW_LIMIT"],
        )
        current_app.extensions[LIMITS_KEY] = found
    return found


@bp.get("/api/scenarios")
def scenarios() -> Response:
    """Sent by the start page: the scenarios to choose from, in the asked language."""
    lang = language(request.args.get("lang"))
    catalog = extension().scenarios
    shipped = getattr(catalog, "shipped", catalog)
    items = [
        {
            "id": s.id,
            "title": s.title.get(lang),
            "summary": s.summary.get(lang),
            "minutes": sum(r.minutes for r in s.rounds),
            "has_options": bool(s.options),
            # Written in the editor ("Eigen casussen"); a case without English plays in Dutch.
            "own": s.id not in shipped,
            "languages": list(s.languages),
        }
        for s in sorted(extension().scenarios.values(), key=lambda s: s.title.get(lang))
    ]
    # The session plans: the whole session's length and its steps (game/engine/plans.py).
    plans = [
        {
            "minutes": minutes,
            "steps": [
                {"key": step.key, "title": step.title(lang), "minutes": step.minutes}
                for step in plan.steps(has_options=True)
            ],
        }
        for minutes, plan in sorted(PLANS.items())
    ]
    return jsonify({"ok": True, "scenarios": items, "plans": plans, "default_plan": DEFAULT_PLAN})


@bp.post("/api/rooms")
def create_rooms() -> tuple[Response, int]:
    """Sent by the start page's "new game": creates the rooms and returns their links and
    the facilitator token (kept in that browser; only its hash is stored). Each table counts
    against ROOM_CREATE_LIMIT of the client's address."""
    lang = _asked_language()
    body = _body(CreateRooms)
    if body is None:
        return refusal(ServerCode.BAD_REQUEST, lang)
    if not api_limits().create(client_address(), body.tables):
        return refusal(ServerCode.TOO_MANY_ROOMS, lang)
    created = extension().lifecycle.create_rooms(body.scenario_id, body.tables, body.plan)
    if isinstance(created, Refused):
        return refusal(created.code, lang, created.detail)
    return jsonify(_created(created)), 201


def _created(created: CreatedRooms) -> dict[str, Any]:
    token = created.facilitator_token
    answer: dict[str, Any] = {
        "ok": True,
        "facilitator_token": token,
        "event_id": created.event_id,
        "overview_url": (
            url_for("pages.event", event_id=created.event_id) + f"#t={token}"
            if created.event_id
            else None
        ),
        "rooms": [room_links(info, token) for info in created.rooms],
    }
    return answer


def summary_url(info: RoomInfo) -> str:
    """The address of a room's summary, without a key: it opens for a browser that holds
    one (a seat in the game, the facilitator's, or the summary's from the big screen's QR)."""
    return url_for("summary.summary_page", room_id=info.id)


def closed_room(code: str) -> RoomInfo | None:
    """The closed room with this join code (the join page of a closed game links to its
    summary), or None. Looking up a code counts like a join: an unknown one is a failed
    guess, and a client over its limit learns nothing."""
    stored = seats.normalise_code(code)
    address = client_address()
    limits = api_limits()
    if stored is None or limits.refused(address, stored):
        return None
    info = extension().queries.room_by_code(stored)
    if info is None:
        limits.failed(address, stored)
        return None
    return info if info.closed else None


@bp.post("/api/join")
def join() -> tuple[Response, int]:
    """Sent by the join page: a seat in the room with this code. Returns the seat token
    (kept in the browser per room) and the address of the player's page. Wrong codes are
    limited per address and code, and per address across codes (game/web/ratelimit.py)."""
    lang = _asked_language()
    body = _body(JoinRoom)
    if body is None:
        return refusal(ServerCode.BAD_REQUEST, lang)
    code = seats.normalise_code(body.code)
    address = client_address()
    limits = api_limits()
    if limits.refused(address, code or "-"):
        return refusal(ServerCode.TOO_MANY_ATTEMPTS, lang)
    info = extension().queries.room_by_code(code) if code else None
    if info is None:
        limits.failed(address, code or "-")
        return refusal(ServerCode.UNKNOWN_CODE, lang)
    limits.joined(address, info.code)
    if info.closed:
        # The join page shows the way to the summary instead of a form that cannot work.
        return refusal(ErrorCode.GAME_CLOSED, lang, {"summary_url": summary_url(info)})
    if body.home_role not in {r.value for r in Role}:
        return refusal(ServerCode.BAD_ROLE, lang)
    joined = extension().lifecycle.join(info.id, body.name, Role(body.home_role), body.device)
    if isinstance(joined, Refused):
        return refusal(joined.code, lang, joined.detail)
    return jsonify(
        {
            "ok": True,
            "room_id": joined.room_id,
            "player_id": joined.player_id,
            "seat_token": joined.seat_token,
            "play_url": url_for("pages.play", room_id=joined.room_id),
        }
    ), 201


class FirstView(_Body):
    """POST /api/rooms/<room_id>/view: the seat token (or another key of the room) in the body,
    never in the address, where a log or a proxy would keep it."""

    token: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    lang: str = DEFAULT_LANGUAGE


@bp.post("/api/rooms/<room_id>/view")
def first_view(room_id: str) -> Response | tuple[Response, int]:
    """The view the socket would send first, over HTTP, so a page can show it while its
    socket connects (the socket then continues from its version). Refused with the socket's
    codes: `bad_token`, `removed_from_game`, `unknown_room`, `room_damaged`; `bad_request`
    for a body of another shape; `too_many_actions` over VIEW_LIMIT per client address (as a
    socket over its rate)."""
    lang = _asked_language()
    if not api_limits().view(client_address()):
        return refusal(ServerCode.TOO_MANY_ACTIONS, lang)
    checked = _body(FirstView)
    if checked is None:
        return refusal(ServerCode.BAD_REQUEST, lang)
    if not seats.looks_like_id(room_id):
        return refusal(ServerCode.UNKNOWN_ROOM, lang)
    found = extension().lifecycle.first_view(room_id, checked.token)
    if isinstance(found, Refused):
        return refusal(found.code, lang)
    return Response(
        found[READY], mimetype="application/json", headers={"Cache-Control": "no-store"}
    )


@bp.get("/api/events/<event_id>")
def event(event_id: str) -> tuple[Response, int]:
    """Sent by the event overview page with `Authorization: Bearer <facilitator token>`:
    the tables of the event and their links."""
    lang = language(request.args.get("lang"))
    token = bearer()
    ext = extension()
    if not token:
        return refusal(ServerCode.NO_KEY, lang)
    if not ext.lifecycle.is_facilitator_of_event(event_id, token):
        return refusal(ServerCode.BAD_TOKEN, lang)
    rooms = [room_links(info, token) for info in ext.queries.event_rooms(event_id)]
    return jsonify({"ok": True, "event_id": event_id, "rooms": rooms}), 200


def facilitator_refusal(room_id: str, lang: str) -> tuple[Response, int] | None:
    """The refusal of a facilitator request without this room's facilitator token."""
    token = bearer()
    if not token:
        return refusal(ServerCode.NO_KEY, lang)
    if not seats.looks_like_id(room_id) or not extension().lifecycle.is_facilitator(room_id, token):
        return refusal(ServerCode.BAD_TOKEN, lang)
    return None


@bp.delete("/api/rooms/<room_id>")
def delete_room(room_id: str) -> tuple[Response, int]:
    """Sent by the console after "Delete the game" was confirmed: the room and everything in
    it is deleted at once; every connection of the room is told and closed."""
    lang = _asked_language()
    refused = facilitator_refusal(room_id, lang)
    if refused is not None:
        return refused
    body = _body(DeleteRoom)
    if body is None or not body.confirm:
        return refusal(ServerCode.CONFIRM_DELETE, lang)
    (outcome,) = extension().lifecycle.delete([room_id])
    if isinstance(outcome, Refused):
        return refusal(outcome.code, lang, outcome.detail)
    return jsonify({"ok": True, "deleted": room_id}), 200


@bp.post("/api/rooms/<room_id>/readmit")
def readmit(room_id: str) -> tuple[Response, int]:
    """Sent by the console's "Let back in": a removed player's device may join again (under
    a new seat; the old seat token stays closed)."""
    lang = _asked_language()
    refused = facilitator_refusal(room_id, lang)
    if refused is not None:
        return refused
    body = _body(Readmit)
    if body is None:
        return refusal(ServerCode.BAD_REQUEST, lang)
    outcome = extension().lifecycle.readmit(room_id, body.player_id)
    if isinstance(outcome, Refused):
        return refusal(outcome.code, lang, outcome.detail)
    return jsonify({"ok": True}), 200


@bp.app_errorhandler(413)
def too_large(_error: Exception) -> tuple[Response, int]:
    """A body over MAX_BODY_BYTES (the Guard refuses most before Flask sees them)."""
    return refusal(ServerCode.BODY_TOO_LARGE, language(request.args.get("lang")))


@bp.get("/qr/<code>.svg")
def qr(code: str) -> Response:
    """The QR code of a room's join address, as SVG (the big screen and the host show it).

    Made for any well-formed code without looking it up, so it tells nobody whether a code
    exists.
    """
    normal = seats.normalise_code(code)
    if normal is None:
        return Response("not a join code\n", status=404, mimetype="text/plain")
    shown = seats.format_code(normal)
    target = links.join_url(shown)
    out = io.BytesIO()
    segno.make(target, error="m").save(
        out, kind="svg", scale=10, border=2, xmldecl=False, omitsize=True, title=shown
    )
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Sent by monitoring: the process is up, the database answers `SELECT 1` and can be
    written (the writer touches one row of the `health` table, through the same queue and
    thread as every action), and, when several processes share a Redis, Redis answers PING.
    503 names the checks that failed."""
    ext = extension()
    try:
        readable = ext.reader.ping()
    except Exception as error:  # any failure means "not healthy", with its kind in the log
        logger.warning(line("healthz_read_failed", error=type(error).__name__))
        readable = False
    health = Job(room_id="", health=True)
    outcome = ext.writer.submit(health, HEALTH_WRITE_WAIT_S, at_most_s=HEALTH_WRITE_WAIT_S)
    checks = {"database": readable, "database_write": isinstance(outcome, Applied)}
    if current_app.config["REDIS_URL"]:
        checks["redis"] = ext.connections.online.healthy()
    failed = [name for name, ok in checks.items() if not ok]
    return jsonify({"ok": not failed, **checks, "failed": failed}), 200 if not failed else 503
