"""The JSON HTTP API: scenarios, new rooms, joining, the QR code and the health check.

Routes translate and call the room service; they hold no game rules. Every refusal is
`{"ok": false, "code": ..., "message": ...}` with the sentence in the requested language.
"""

from __future__ import annotations

import io
import logging
from typing import Annotated, Any

import segno
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from game.codes import ServerCode
from game.engine.errors import ErrorCode
from game.engine.roles import Role
from game.extension import extension
from game.languages import DEFAULT_LANGUAGE, language
from game.rooms import seats
from game.rooms.lifecycle import CreatedRooms
from game.rooms.queries import RoomInfo
from game.rooms.writer import Refused
from game.web import links
from game.web.messages import message

logger = logging.getLogger("rolwissel.api")

bp = Blueprint("api", __name__)

# Per client address. Behind a proxy, put werkzeug's ProxyFix in front (docs/operations.md).
limiter = Limiter(key_func=get_remote_address)

# HTTP status per refusal code; anything not listed is 400.
STATUS: dict[str, int] = {
    ServerCode.UNKNOWN_CODE: 404,
    ServerCode.UNKNOWN_ROOM: 404,
    ServerCode.UNKNOWN_SCENARIO: 404,
    ServerCode.TOO_MANY_ATTEMPTS: 429,
    ServerCode.SERVER_RESTARTING: 503,
    ServerCode.SERVER_ERROR: 500,
    ServerCode.TOO_MANY_CONNECTIONS: 429,
    ServerCode.SERVER_BUSY: 503,
    ServerCode.BODY_TOO_LARGE: 413,
    ErrorCode.NAME_TAKEN: 409,
    ErrorCode.ALREADY_JOINED: 409,
    ErrorCode.ROOM_FULL: 409,
    ErrorCode.GAME_CLOSED: 409,
}


class _Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class CreateRooms(_Body):
    """POST /api/rooms: a new game on a scenario, on one table or several (one event)."""

    scenario_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    tables: Annotated[int, Field(ge=1, le=12)] = 1
    lang: str = DEFAULT_LANGUAGE


class JoinRoom(_Body):
    """POST /api/join: take a seat with the room's code, a display name and a home role."""

    code: Annotated[str, StringConstraints(max_length=32)]
    # The engine checks the real limits (1-40 characters after trimming); this only keeps
    # absurd bodies out.
    name: Annotated[str, StringConstraints(max_length=1000)]
    home_role: Annotated[str, StringConstraints(max_length=32)]
    lang: str = DEFAULT_LANGUAGE


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


def _room_links(info: RoomInfo, token: str | None = None) -> dict[str, Any]:
    shown = seats.format_code(info.code)
    host = url_for("pages.host", room_id=info.id)
    return {
        "room_id": info.id,
        "code": shown,
        "join_url": links.join_url(shown),
        "qr_url": url_for("api.qr", code=shown),
        "screen_url": url_for("pages.screen", room_id=info.id),
        # The token rides in the fragment: browsers never send it to a server or a log.
        "host_url": host + (f"#t={token}" if token else ""),
    }


@bp.get("/api/scenarios")
def scenarios() -> Response:
    """Sent by the start page: the scenarios to choose from, in the asked language."""
    lang = language(request.args.get("lang"))
    items = [
        {
            "id": s.id,
            "title": s.title.get(lang),
            "summary": s.summary.get(lang),
            "minutes": sum(r.minutes for r in s.rounds),
        }
        for s in sorted(extension().scenarios.values(), key=lambda s: s.title.get(lang))
    ]
    return jsonify({"ok": True, "scenarios": items})


@bp.post("/api/rooms")
@limiter.limit(lambda: current_app.config["ROOM_CREATE_LIMIT"])
def create_rooms() -> tuple[Response, int]:
    """Sent by the start page's "new game": creates the rooms and returns their links and
    the facilitator token (kept in that browser; only its hash is stored)."""
    lang = _asked_language()
    body = _body(CreateRooms)
    if body is None:
        return refusal(ServerCode.BAD_REQUEST, lang)
    created = extension().lifecycle.create_rooms(body.scenario_id, body.tables)
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
        "rooms": [_room_links(info, token) for info in created.rooms],
    }
    return answer


@bp.post("/api/join")
@limiter.limit(
    lambda: current_app.config["JOIN_FAIL_LIMIT"],
    # Only failed attempts count: a full workshop behind one address joins freely.
    deduct_when=lambda response: response.status_code == 404,
)
def join() -> tuple[Response, int]:
    """Sent by the join page: a seat in the room with this code. Returns the seat token
    (kept in the browser per room) and the address of the player's page."""
    lang = _asked_language()
    body = _body(JoinRoom)
    if body is None:
        return refusal(ServerCode.BAD_REQUEST, lang)
    code = seats.normalise_code(body.code)
    info = extension().queries.room_by_code(code) if code else None
    if info is None:
        return refusal(ServerCode.UNKNOWN_CODE, lang)
    if body.home_role not in {r.value for r in Role}:
        return refusal(ServerCode.BAD_ROLE, lang)
    joined = extension().lifecycle.join(info.id, body.name, Role(body.home_role))
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


@bp.get("/api/events/<event_id>")
def event(event_id: str) -> tuple[Response, int]:
    """Sent by the event overview page with `Authorization: Bearer <facilitator token>`:
    the tables of the event and their links."""
    lang = language(request.args.get("lang"))
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    ext = extension()
    if not token or not ext.lifecycle.is_facilitator_of_event(event_id, token):
        return refusal(ServerCode.BAD_TOKEN, lang)
    rooms = [_room_links(info) for info in ext.queries.event_rooms(event_id)]
    return jsonify({"ok": True, "event_id": event_id, "rooms": rooms}), 200


@bp.app_errorhandler(429)
def too_many(_error: Exception) -> tuple[Response, int]:
    """Flask-Limiter's refusal, as our JSON with a sentence."""
    return refusal(ServerCode.TOO_MANY_ATTEMPTS, _asked_language())


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
    """Sent by monitoring: the process is up, the database answers `SELECT 1` and, when
    several processes share a Redis, Redis answers PING."""
    try:
        database = extension().reader.ping()
    except Exception:  # any failure means "not healthy", with the reason in the log
        logger.exception("healthz_database_failed")
        database = False
    checks = {"database": database}
    if current_app.config["REDIS_URL"]:
        checks["redis"] = extension().connections.online.healthy()
    ok = all(checks.values())
    return jsonify({"ok": ok, **checks}), 200 if ok else 503
