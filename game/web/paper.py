"""Paper for a table, downloaded from the console with the facilitator's key
(`Authorization: Bearer <facilitator token>`; the console's script fetches the file).

    GET /api/rooms/<room_id>/paper/<player_id>.pdf   the sheet of a player on paper
    GET /api/rooms/<room_id>/kit.pdf                 the table kit (case, questions, timetable,
                                                     the vote explained, empty ballots)

`?lang=en` for English. The sheet holds the secrets dealt to that player so far (the engine's
`views.paper_sheet` decides); print it again when a round starts. The kit holds no secret.
Both are made from the room's own scenario: the version the game started with.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from game.codes import ServerCode
from game.engine import views
from game.engine.errors import ErrorCode
from game.engine.plans import plan_for
from game.engine.state import RoomState
from game.exports.paper import kit_pdf, sheet_pdf
from game.extension import extension
from game.languages import language
from game.web.api import facilitator_refusal, refusal

bp = Blueprint("paper", __name__)


def _pdf(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    # It may hold secrets: never kept by a shared cache or the browser's.
    response.headers["Cache-Control"] = "no-store"
    return response


def _room(room_id: str, lang: str) -> RoomState | tuple[Response, int]:
    """The room's state for its facilitator, or the refusal (no key, wrong key, no room)."""
    refused = facilitator_refusal(room_id, lang)
    if refused is not None:
        return refused
    state = extension().service.current(room_id)
    return refusal(ServerCode.UNKNOWN_ROOM, lang) if state is None else state


@bp.get("/api/rooms/<room_id>/paper/<player_id>.pdf")
def sheet(room_id: str, player_id: str) -> Response | tuple[Response, int]:
    """The printable sheet of a player on paper, for the console's "Print the sheet"."""
    lang = language(request.args.get("lang"))
    state = _room(room_id, lang)
    if not isinstance(state, RoomState):
        return state
    found = views.paper_sheet(state, player_id)
    if found is None:
        return refusal(ErrorCode.NOT_ON_PAPER, lang)
    word = "speelblad" if lang == "nl" else "player-sheet"
    return _pdf(sheet_pdf(found, lang), f"{word}-{player_id}-ronde-{state.round}")


@bp.get("/api/rooms/<room_id>/kit.pdf")
def kit(room_id: str) -> Response | tuple[Response, int]:
    """The table kit of the room's case, with the timetable of the room's session plan."""
    lang = language(request.args.get("lang"))
    state = _room(room_id, lang)
    if not isinstance(state, RoomState):
        return state
    plan = plan_for(state.settings.plan_minutes)
    scenario = views.scenario_public(state.scenario)
    word = "spelmap" if lang == "nl" else "table-kit"
    return _pdf(kit_pdf(scenario, plan, lang), f"{word}-{state.scenario.id}")
