"""The socket handlers: who is this, is the message well-formed, hand it on, reply.

They hold no game rules. The shapes of every message are in game/web/protocol.py; what a
room may do is the engine's; the order "commit, then acknowledge, then tell" is the writer's.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from flask import current_app, request
from flask_socketio import SocketIO, join_room
from socketio.exceptions import ConnectionRefusedError as Refuse

from game.logfmt import line
from game.rooms.broadcast import Connection, sio_room
from game.rooms.service import Identity
from game.rooms.writer import Applied, Outcome, Refused, log_action
from game.web import protocol
from game.web.messages import message
from game.web.protocol import ConnectAuth, ProtocolError, Resync, ServerCode, SetLang

logger = logging.getLogger("rolwissel.sockets")


def register(socketio: SocketIO) -> None:
    """Attach the handlers to the app's SocketIO."""

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        """Sent by every browser on (re)connect with ConnectAuth. Refused with a code, or the
        socket joins its viewer's rooms and gets the current `state`; a seat token already
        connected elsewhere takes the seat over (the older socket gets `seat_taken_over`)."""
        ext = _ext()
        try:
            checked: ConnectAuth = protocol.check(ConnectAuth, auth)
        except ProtocolError:
            _refuse(ServerCode.BAD_AUTH, _lang_of(auth))
        identity = ext.service.identify(checked.room, checked.token)
        if isinstance(identity, Refused):
            _refuse(identity.code, checked.lang)
        state = ext.refresh_or_state(checked.room)
        if state is None:
            _refuse(ServerCode.UNKNOWN_ROOM, checked.lang)
        if checked.last_seq > state.version:
            # The browser saw a version the database does not have: must never happen.
            logger.error(
                line(
                    "client_ahead",
                    room=identity.room_id,
                    last_seq=checked.last_seq,
                    version=state.version,
                )
            )
        # A valid key: this session no longer counts against the caps on keyless ones.
        ext.admission.key_shown(request.environ)
        sid = request.sid  # type: ignore[attr-defined]
        viewer_room = sio_room(identity.room_id, identity.viewer_key)
        older = ext.broadcaster.add(Connection(sid, identity, checked.lang))
        if ext.shared and identity.viewer_key.startswith("p:"):
            # Sockets of this seat in other processes: they stop when they read the notice.
            _notice(ext, viewer_room, ServerCode.SEAT_TAKEN_OVER, checked.lang, skip_sid=sid)
        for old in older:
            _notice(ext, old, ServerCode.SEAT_TAKEN_OVER, ext.lang_of(old))
            ext.socketio.server.disconnect(old)
        join_room(identity.room_id)
        join_room(viewer_room)
        logger.info(
            line(
                "connect",
                room=identity.room_id,
                viewer=_role(identity),
                version=state.version,
                takeover=len(older),
            )
        )
        ext.broadcaster.send_state(sid, state, identity.viewer_key)
        if identity.viewer_key.startswith("p:"):
            ext.broadcaster.publish_presence(identity.room_id, state)

    @socketio.on("action")
    def on_action(payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Sent by a participant or the facilitator: an intention (ActionMessage). Replied to
        with Ack after its commit (then every viewer gets `state`) or with a Refusal."""
        ext = _ext()
        connection = ext.broadcaster.connections.get(request.sid)  # type: ignore[attr-defined]
        if connection is None:
            return _reply(Refused(ServerCode.BAD_AUTH), "nl")
        identity, lang = connection.identity, connection.lang
        if identity.actor is None:
            return _refused_early(identity, payload, ServerCode.SCREEN_CANNOT_ACT, lang)
        try:
            checked = protocol.check_action(payload, ext.max_message_bytes)
        except ProtocolError as error:
            return _refused_early(identity, payload, error.code, lang, error.detail)
        outcome = ext.service.act(
            identity.room_id, identity.actor, protocol.action_fields(checked), checked.key
        )
        return _reply(outcome, lang)

    @socketio.on("set_lang")
    def on_set_lang(payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Sent by any browser when its person switches language; later sentences follow."""
        ext = _ext()
        connection = ext.broadcaster.connections.get(request.sid)  # type: ignore[attr-defined]
        lang = connection.lang if connection else "nl"
        try:
            checked: SetLang = protocol.check(SetLang, payload)
        except ProtocolError as error:
            return _reply(Refused(error.code, error.detail), lang)
        if connection is not None:
            connection.lang = checked.lang
        return {"ok": True}

    @socketio.on("resync")
    def on_resync(payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Sent by a browser that may have missed something (a tab back in front); it gets
        the current `state` again."""
        ext = _ext()
        connection = ext.broadcaster.connections.get(request.sid)  # type: ignore[attr-defined]
        if connection is None:
            return _reply(Refused(ServerCode.BAD_AUTH), "nl")
        try:
            protocol.check(Resync, payload)
        except ProtocolError as error:
            return _reply(Refused(error.code, error.detail), connection.lang)
        identity = connection.identity
        state = ext.refresh_or_state(identity.room_id)
        if state is None:
            return _reply(Refused(ServerCode.UNKNOWN_ROOM), connection.lang)
        ext.broadcaster.send_state(connection.sid, state, identity.viewer_key)
        return {"ok": True}

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        """A socket went away (reload, network, takeover, restart): the seat stays; only the
        facilitator's presence list changes."""
        ext = _ext()
        connection = ext.broadcaster.remove(request.sid)  # type: ignore[attr-defined]
        if connection is None:
            return
        identity = connection.identity
        logger.info(
            line("disconnect", room=identity.room_id, viewer=_role(identity), reason=reason)
        )
        if identity.viewer_key.startswith("p:"):
            room_id = identity.room_id
            ext.broadcaster.publish_presence(room_id, ext.service.state(room_id))

    @socketio.on("*")
    def on_unknown(_event: Any = None, *_args: Any) -> dict[str, Any]:
        """Any other event name, answered `unknown_event` (python-socketio would call no
        handler). On the real server the message gate (wiregate.py) answers these first."""
        logger.info(line("event_refused", code=ServerCode.UNKNOWN_EVENT))
        return _reply(Refused(ServerCode.UNKNOWN_EVENT), _ext().lang_of(request.sid))  # type: ignore[attr-defined]

    @socketio.on_error_default
    def on_error(_error: Exception) -> dict[str, Any]:
        """A handler raised (a bug): the traceback goes to the log, the sender gets an answer."""
        event = getattr(request, "event", None) or {}
        logger.exception(line("event_failed", event=event.get("message")))
        return _reply(Refused(ServerCode.SERVER_ERROR), _ext().lang_of(request.sid))  # type: ignore[attr-defined]


def _ext() -> Any:
    return current_app.extensions["rolwissel"]


def _role(identity: Identity) -> str:
    # Only the kind of viewer: player ids stay out of the log.
    return "participant" if identity.viewer_key.startswith("p:") else identity.viewer_key


def _lang_of(auth: Any) -> str:
    lang = auth.get("lang") if isinstance(auth, dict) else None
    return lang if lang in protocol.LANGUAGES else "nl"


def _refuse(code: str, lang: str) -> NoReturn:
    """Refuse a connection: the browser's connect_error gets message and data.code."""
    sentence = message(code, lang)
    raise Refuse(sentence, {"code": str(code), "message": sentence})


def _notice(ext: Any, to: str, code: str, lang: str, skip_sid: str | None = None) -> None:
    ext.socketio.emit(
        "notice", {"code": str(code), "message": message(code, lang)}, to=to, skip_sid=skip_sid
    )


def _reply(outcome: Outcome, lang: str) -> dict[str, Any]:
    if isinstance(outcome, Applied):
        return protocol.Ack(version=outcome.version).model_dump()
    return protocol.Refusal(
        code=str(outcome.code),
        message=message(outcome.code, lang, outcome.detail),
        detail=outcome.detail,
    ).model_dump()


def _refused_early(
    identity: Identity, payload: Any, code: str, lang: str, detail: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A refusal before the engine, logged like every other action (never its text)."""
    kind = payload.get("type") if isinstance(payload, dict) else None
    known = isinstance(kind, str) and kind in protocol.action_types()
    log_action(
        room=identity.room_id,
        seq=None,
        actor=identity.actor,
        kind=kind if known else "-",
        ms=0.0,
        outcome=str(code),
    )
    return _reply(Refused(code, detail or {}), lang)
