"""The summary page and its downloads, and the comparison of an event's tables.

    GET  /room/<room_id>/summary                    the page (printable)
    GET  /room/<room_id>/summary.{pdf,md,json,csv}  downloads, `?lang=en` for English
    POST /room/<room_id>/summary/open               a key for this browser (below)
    GET  /event/<event_id>/compare                  the closed tables side by side
    GET  /event/<event_id>/compare.{pdf,md,json,csv}
    POST /event/<event_id>/compare/open

The room id alone opens nothing. A summary opens with the summary's key, the facilitator's
or the seat token of a player still in the game; the comparison with the event's facilitator
key. A script sends it as `Authorization: Bearer <key>`. A browser has it in the page's
fragment (`#k=`) or in its storage, where no server sees it: the page's script posts it to
`.../open` once, and gets a grant, an HttpOnly cookie for that room's (or event's) addresses
only, signed with the secret key and valid for GRANT_S; the page and its download links then
work as plain links. The summary is the same for every viewer (no names, only the secrets
revealed at the debrief, only shared reflections) and cached per (room, version): a closed
room never changes. Before the facilitator closes the game the page says "not yet" and a
download answers 409 with a code and a sentence. The comparison never lists, counts or
links a table that is still playing.

Rooms are read through a `SummarySource`. By default that is the server's room service
(`game.extension()`); tests put another one in `app.extensions["rolwissel.summary_source"]`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from game.codes import ServerCode
from game.engine import replay
from game.engine.events import AnyEvent
from game.engine.roles import Role
from game.engine.state import RoomState
from game.engine.wording import role_name
from game.exports import compare as compare_export
from game.exports import csv as csv_export
from game.exports import json as json_export
from game.exports import markdown as markdown_export
from game.exports import pdf as pdf_export
from game.exports import wording as W
from game.exports.summary import Summary, build_summary
from game.extension import extension
from game.languages import language
from game.rooms.lifecycle import RoomLifecycle
from game.rooms.seats import looks_like_id
from game.web.i18n import current_language
from game.web.messages import message
from game.words import N_, gettext, pgettext

ROOT = Path(__file__).resolve().parents[2]

bp = Blueprint("summary", __name__, template_folder=str(ROOT / "templates"))

SOURCE_KEY = "rolwissel.summary_source"
CACHE_KEY = "rolwissel.summary_cache"
CACHE_SIZE = 256
# How long a browser's grant (the cookie after `.../open`) lasts; then its script asks again.
GRANT_S = 12 * 60 * 60
GRANT_COOKIE = "rw_grant"


FORMATS = {
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}

# Codes and sentences of the refusals of this module (HTTP downloads).
NOT_READY = "summary_not_ready"
UNKNOWN_ROOM = "unknown_room"
UNKNOWN_EVENT = "unknown_event"
SENTENCES = {
    NOT_READY: N_("The summary is ready once the workshop leader has closed the game."),
    UNKNOWN_ROOM: N_("This game does not exist (any more). Check the address."),
    UNKNOWN_EVENT: N_("This event does not exist (any more). Check the address."),
}


class SummarySource(Protocol):
    """Where the summary pages read rooms from."""

    def current_state(self, room_id: str) -> RoomState | None:
        """The room's newest state, or None when there is no such room."""

    def room_events(self, room_id: str) -> list[AnyEvent]:
        """The room's whole log, in order."""

    def event_room_ids(self, event_id: str) -> list[str]:
        """The rooms of an event in the order they were made; [] for an unknown event."""

    def opens_summary(self, room_id: str, key: str) -> bool:
        """Whether `key` opens this room's summary."""

    def opens_event(self, event_id: str, key: str) -> bool:
        """Whether `key` is the facilitator key of this event."""


class ServiceSource:
    """The server's rooms: states from the room service, the log from the database, keys
    checked by the room lifecycle."""

    def __init__(self, lifecycle: RoomLifecycle) -> None:
        self.lifecycle = lifecycle
        self.service = lifecycle.service

    def current_state(self, room_id: str) -> RoomState | None:
        queries = self.service.queries
        if queries.room(room_id) is None:
            return None
        if not queries.stored(room_id):
            # Deleted where this process did not see it (`rolwissel purge`): forget it here.
            self.lifecycle.forget_deleted(room_id)
            return None
        return self.service.current(room_id)

    def room_events(self, room_id: str) -> list[AnyEvent]:
        return self.service.queries.room_events(room_id)

    def event_room_ids(self, event_id: str) -> list[str]:
        return [info.id for info in self.service.queries.event_rooms(event_id)]

    def opens_summary(self, room_id: str, key: str) -> bool:
        return self.lifecycle.opens_summary(room_id, key)

    def opens_event(self, event_id: str, key: str) -> bool:
        return self.lifecycle.is_facilitator_of_event(event_id, key)


class Cache:
    """A small LRU of summaries and rendered files, keyed by room and version."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def drop(self, room_id: str) -> None:
        """Forget everything cached of a room (it was deleted)."""
        with self._lock:
            for key in [k for k in self._items if room_id in k]:
                del self._items[key]

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: two makers of one key make the same value
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def _source() -> SummarySource:
    source = current_app.extensions.get(SOURCE_KEY)
    if source is None:
        source = ServiceSource(extension().lifecycle)
        current_app.extensions[SOURCE_KEY] = source
    return source


def forget_room(app: Flask, room_id: str) -> None:
    """Drop what the summary pages cached of a deleted room."""
    cache = app.extensions.get(CACHE_KEY)
    if isinstance(cache, Cache):
        cache.drop(room_id)


# Keys and grants


def _grants() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="rolwissel-grant")


def _granted(scope: str) -> bool:
    """Whether this request carries a grant for `scope` ("room:<id>" or "event:<id>")."""
    cookie = request.cookies.get(GRANT_COOKIE)
    if not cookie:
        return False
    try:
        return bool(_grants().loads(cookie, max_age=GRANT_S) == scope)
    except BadSignature:
        return False


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""


def _access(scope: str, opens: Callable[[str], bool]) -> str | None:
    """None when this request may read `scope` (a grant cookie for it, or a bearer key that
    `opens` it), else the refusal's code."""
    if _granted(scope):
        return None
    key = _bearer()
    if not key:
        return ServerCode.NO_KEY
    return None if opens(key) else ServerCode.WRONG_KEY


def _room_access(room_id: str) -> str | None:
    """None when this request may read the room's summary, else the refusal's code."""
    return _access(f"room:{room_id}", lambda key: _source().opens_summary(room_id, key))


def _event_access(event_id: str) -> str | None:
    """None when this request may read the event's comparison, else the refusal's code."""
    return _access(f"event:{event_id}", lambda key: _source().opens_event(event_id, key))


def _grant(scope: str, path: str, opens: Callable[[str], bool]) -> Response | tuple[Response, int]:
    """POST .../open: the key in the JSON body; when it opens `scope`, a grant cookie for
    the addresses under `path` (the page, its downloads), for GRANT_S."""
    body = request.get_json(silent=True)
    key = body.get("key") if isinstance(body, dict) else None
    lang = language(request.args.get("lang") or current_language())
    if not isinstance(key, str) or not key or len(key) > 128:
        return _refusal(ServerCode.NO_KEY, lang, 401)
    if not opens(key):
        return _refusal(ServerCode.WRONG_KEY, lang, 403)
    response = jsonify({"ok": True})
    response.set_cookie(
        GRANT_COOKIE,
        _grants().dumps(scope),
        max_age=GRANT_S,
        path=path,
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _cache() -> Cache:
    cache = current_app.extensions.get(CACHE_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(CACHE_KEY, Cache())
    return cache


def summary_of(room_id: str) -> Summary | None:
    """The summary of a room at its newest version (cached), or None for no such room."""
    source = _source()
    state = source.current_state(room_id)
    if state is None:
        return None

    def make() -> Summary:
        events = source.room_events(room_id)
        # State and timeline from the same read of the log, so they always agree.
        return build_summary(replay.fold(events), events)

    return _cache().get(("summary", room_id, state.version), make)


def _refusal(code: str, lang: str, status: int) -> tuple[Response, int]:
    text = gettext(SENTENCES[code], lang) if code in SENTENCES else message(code, lang)
    return jsonify({"ok": False, "code": str(code), "message": text}), status


# The HTTP status of a refused key.
KEY_STATUS: dict[str, int] = {ServerCode.NO_KEY: 401, ServerCode.WRONG_KEY: 403}


def _download(body: str | bytes, fmt: str, filename: str, etag: str) -> Response:
    response = Response(body, mimetype=None, content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.set_etag(etag)
    response.make_conditional(request)  # answers 304 itself when the browser has this one
    return response


def _filename(kind: str, scenario_id: str, moment: int | None, lang: str) -> str:
    # i18n: the first word of a download's file name: lower case, no spaces.
    word = {
        "summary": pgettext("file name", "summary", lang),
        "compare": pgettext("file name", "comparison", lang),
    }
    day = ""
    if moment:
        day = "-" + datetime.fromtimestamp(moment / 1000, W.TIMEZONE).strftime("%Y-%m-%d")
    return f"rolwissel-{word[kind]}-{scenario_id}{day}"


def render_summary(summary: Summary, fmt: str, lang: str) -> str | bytes:
    """A summary in one download format."""
    if fmt == "pdf":
        return pdf_export.render(summary, lang)
    if fmt == "md":
        return markdown_export.render(summary, lang)
    if fmt == "json":
        return json_export.render(summary, lang)
    return csv_export.render(summary, lang)


def render_comparison(
    comparison: compare_export.Comparison, fmt: str, lang: str, made_at: int
) -> str | bytes:
    """A comparison in one download format."""
    if fmt == "pdf":
        return compare_export.to_pdf(comparison, lang, made_at)
    if fmt == "md":
        return compare_export.to_markdown(comparison, lang)
    if fmt == "json":
        return compare_export.to_json(comparison, lang)
    return compare_export.to_csv(comparison, lang)


def _page_helpers(lang: str) -> dict[str, Any]:
    return {
        "lang_text": lambda texts: texts.get(lang),
        "group_name": lambda role: role_name(Role(role), lang, plural=True),
        "role_of": lambda role: role_name(Role(role), lang),
        "choice_name": lambda choice: W.choice_name(choice, lang),
        "mean_text": lambda mean: W.mean_text(mean, lang),
        "clock": W.clock,
        "date": lambda ms: W.date(ms, lang),
        "round_title": lambda summary, number: W.round_title(summary, number, lang),
        "timeline_lines": lambda summary: W.timeline_lines(summary, lang),
        "source_note": lambda c: W.source_note(c, lang),
        "content_lang": lang,
    }


def _room_known(room_id: str) -> bool:
    return looks_like_id(room_id) and _source().current_state(room_id) is not None


def _page(template: str, status: str, code: int, **context: Any) -> tuple[str, int]:
    """The summary or comparison page in one of its states: missing, locked (its script
    opens it with a key this browser holds), not_yet or ready."""
    helpers = _page_helpers(current_language())
    return render_template(template, page="summary", status=status, **helpers, **context), code


@bp.get("/room/<room_id>/summary")
def summary_page(room_id: str) -> tuple[str, int]:
    """The summary for everyone who played, once the game is closed; 'not yet' before."""
    if not _room_known(room_id):
        return _page("summary.html", "missing", 404, room_id=None)
    refused = _room_access(room_id)
    if refused is not None:
        return _page("summary.html", "locked", KEY_STATUS[refused], room_id=room_id)
    summary = summary_of(room_id)
    if summary is None:
        return _page("summary.html", "missing", 404, room_id=None)
    if not summary.closed:
        return _page("summary.html", "not_yet", 200, room_id=room_id)
    return _page("summary.html", "ready", 200, room_id=room_id, s=summary, formats=tuple(FORMATS))


@bp.get("/room/<room_id>/summary.<fmt>")
def summary_download(room_id: str, fmt: str) -> Response | tuple[Response, int]:
    """The summary as PDF, Markdown, JSON or CSV in `?lang=` (Dutch by default)."""
    lang = language(request.args.get("lang") or current_language())
    if fmt not in FORMATS or not _room_known(room_id):
        return _refusal(UNKNOWN_ROOM, lang, 404)
    refused = _room_access(room_id)
    if refused is not None:
        return _refusal(refused, lang, KEY_STATUS[refused])
    summary = summary_of(room_id)
    if summary is None:
        return _refusal(UNKNOWN_ROOM, lang, 404)
    if not summary.closed:
        return _refusal(NOT_READY, lang, 409)
    body = _cache().get(
        ("file", room_id, summary.version, fmt, lang),
        lambda: render_summary(summary, fmt, lang),
    )
    name = _filename("summary", summary.scenario_id, summary.started_at, lang)
    return _download(body, fmt, name, f"{room_id}-{summary.version}-{fmt}-{lang}")


@bp.post("/room/<room_id>/summary/open")
def summary_open(room_id: str) -> Response | tuple[Response, int]:
    """Sent by the summary page's script with a key it holds: a grant for this room."""
    if not _room_known(room_id):
        return _refusal(UNKNOWN_ROOM, current_language(), 404)
    return _grant(
        f"room:{room_id}",
        f"/room/{room_id}/",
        lambda key: _source().opens_summary(room_id, key),
    )


def comparison_of(event_id: str) -> tuple[compare_export.Comparison, Sequence[Summary]] | None:
    """The comparison of an event's closed tables, or None when none is closed (or there is
    no such event). A table still playing is never listed, counted or linked."""
    room_ids = _source().event_room_ids(event_id) if looks_like_id(event_id) else []
    summaries = [s for s in (summary_of(r) for r in room_ids) if s is not None and s.closed]
    if not summaries:
        return None
    return compare_export.build_comparison(event_id, summaries), summaries


def _event_known(event_id: str) -> bool:
    return looks_like_id(event_id) and bool(_source().event_room_ids(event_id))


@bp.get("/event/<event_id>/compare")
def compare_page(event_id: str) -> tuple[str, int]:
    """Every closed table of an event side by side: decision, gedragen, support, conditions."""
    lang = current_language()
    if not _event_known(event_id):
        return _page("compare.html", "missing", 404, event_id=None)
    refused = _event_access(event_id)
    if refused is not None:
        return _page("compare.html", "locked", KEY_STATUS[refused], event_id=event_id)
    found = comparison_of(event_id)
    if found is None:
        return _page("compare.html", "not_yet", 200, event_id=event_id)
    comparison, _summaries = found
    return _page(
        "compare.html",
        "ready",
        200,
        event_id=event_id,
        c=comparison,
        roles=comparison.roles,
        formats=tuple(FORMATS),
        support_cell=lambda t, r: compare_export.support_cell(t, r, lang),
        outcome_word=lambda t: compare_export.outcome_word(t, lang),
    )


@bp.get("/event/<event_id>/compare.<fmt>")
def compare_download(event_id: str, fmt: str) -> Response | tuple[Response, int]:
    """The comparison as PDF, Markdown, JSON or CSV in `?lang=` (Dutch by default)."""
    lang = language(request.args.get("lang") or current_language())
    if fmt not in FORMATS or not _event_known(event_id):
        return _refusal(UNKNOWN_EVENT, lang, 404)
    refused = _event_access(event_id)
    if refused is not None:
        return _refusal(refused, lang, KEY_STATUS[refused])
    found = comparison_of(event_id)
    if found is None:
        return _refusal(NOT_READY, lang, 409)
    comparison, summaries = found
    versions = "-".join(f"{s.room_id}.{s.version}" for s in summaries)
    made_at = max((s.closed_at or s.created_at) for s in summaries)
    body = _cache().get(
        ("compare", event_id, versions, fmt, lang),
        lambda: render_comparison(comparison, fmt, lang, made_at),
    )
    first = summaries[0]
    name = _filename("compare", first.scenario_id, first.started_at, lang)
    digest = hashlib.sha256(versions.encode()).hexdigest()[:16]
    return _download(body, fmt, name, f"{event_id}-{digest}-{fmt}-{lang}")


@bp.post("/event/<event_id>/compare/open")
def compare_open(event_id: str) -> Response | tuple[Response, int]:
    """Sent by the comparison page's script with the event's facilitator key: a grant."""
    if not _event_known(event_id):
        return _refusal(UNKNOWN_EVENT, current_language(), 404)
    return _grant(
        f"event:{event_id}",
        f"/event/{event_id}/",
        lambda key: _source().opens_event(event_id, key),
    )
