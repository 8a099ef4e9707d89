"""The socket handlers: who is this, is the message well-formed, hand it on, reply.

They hold no game rules. The shapes of every message are in game/web/protocol.py; what a
room may do is the engine's; connecting, taking a seat over and dropping are the room
lifecycle's (game/rooms/lifecycle.py); the order "commit, then acknowledge, then tell" is the
writer's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NoReturn

import socketio as python_socketio
from flask import request
from flask_socketio import SocketIO
from socketio.exceptions import ConnectionRefusedError as Refuse

from game.codes import ServerCode
from game.extension import Rolwissel, extension
from game.languages import DEFAULT_LANGUAGE, language
from game.logfmt import line
from game.rooms.action_log import log_action
from game.rooms.connections import Connection, Identity
from game.rooms.writer import Applied, Outcome, Refused
from game.web import protocol
from game.web.api import room_links
from game.web.messages import message
from game.web.protocol import ConnectAuth, ProtocolError, Resync, SetLang

logger = logging.getLogger("rolwissel.sockets")


class SocketTransport:
    """Socket.IO as the room lifecycle uses it: rooms, notices with their sentence, and
    closing a socket from the server's side."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def enter(self, sid: str, room: str) -> None:
        self.socketio.server.enter_room(sid, room, namespace="/")

    def notice(self, to: str, code: str, lang: str, *, skip_sid: str | None = None) -> None:
        notice = protocol.Notice(code=str(code), message=message(code, lang))
        self.socketio.emit("notice", notice.model_dump(), to=to, skip_sid=skip_sid)

    def disconnect(self, sid: str) -> None:
        self.socketio.server.disconnect(sid)

    def close(self, room: str, code: str) -> None:
        # The sentence is Dutch: each page shows its own translation of these codes. The
        # closing itself happens where the notice is delivered (close_on_notice), in every
        # process the message queue carries it to.
        self.notice(room, code, DEFAULT_LANGUAGE)


# Notices after which the server closes the sockets they were delivered to.
CLOSING_NOTICES = frozenset(
    {ServerCode.REMOVED_FROM_GAME, ServerCode.LEFT_GAME, ServerCode.GAME_DELETED}
)


def close_on_notice(socketio: SocketIO, closed: Callable[[str, str], None]) -> None:
    """Close every socket a closing notice (CLOSING_NOTICES) is delivered to, in the process
    that holds it, then call `closed(room, code)` there.

    A notice to a Socket.IO room reaches every server process through the message queue,
    but only the process holding a socket can close it, and only python-socketio's client
    manager knows which of its sockets are in the room. So the hook sits where the manager
    delivers an emit locally: `_handle_emit` of a message-queue manager (run for the emits of
    this process and of the others), `emit` of the one-process manager. A client that ignores
    the notice is closed all the same.
    """
    server = socketio.server
    manager = server.manager

    def after(event: Any, data: Any, room: Any) -> None:
        code = data.get("code") if isinstance(data, dict) else None
        if event != "notice" or code not in CLOSING_NOTICES or not isinstance(room, str):
            return
        sids = [sid for sid, _eio_sid in manager.get_participants("/", room)]
        for sid in sids:
            server.disconnect(sid, namespace="/", ignore_queue=True)
        closed(room, str(code))

    if isinstance(manager, python_socketio.PubSubManager):
        deliver = manager._handle_emit

        def handle_emit(message: dict[str, Any]) -> None:
            deliver(message)
            data = message.get("data")  # the queue carries the arguments as a list
            first = data[0] if isinstance(data, list) and len(data) == 1 else data
            after(message.get("event"), first, message.get("room"))

        manager._handle_emit = handle_emit
    else:
        emit = manager.emit

        def local_emit(
            event: Any, data: Any, namespace: Any, room: Any = None, **kwargs: Any
        ) -> Any:
            emit(event, data, namespace, room=room, **kwargs)
            after(event, data, kwargs.get("to") or room)

        manager.emit = local_emit


def register(socketio: SocketIO) -> None:
    """Attach the handlers to the app's SocketIO."""

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        """Sent by every browser on (re)connect with ConnectAuth. Refused with a code, or the
        socket joins its viewer's rooms and gets the current `state`; a seat token already
        connected elsewhere takes the seat over (the older socket gets `seat_taken_over`)."""
        try:
            checked: ConnectAuth = protocol.check(ConnectAuth, auth)
        except ProtocolError:
            asked = auth.get("lang") if isinstance(auth, dict) else None
            _refuse(ServerCode.BAD_AUTH, language(asked))
        ext = extension()
        connected = ext.lifecycle.connect(
            _sid(), checked.room, checked.token, checked.lang, checked.last_seq
        )
        if isinstance(connected, Refused):
            _refuse(connected.code, checked.lang)
        # A valid key: this session no longer counts against the caps on keyless ones.
        extension().admission.key_shown(request.environ)
        _send_links(connected, checked.token)

    @socketio.on("set_lang")
    def on_set_lang(payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Sent by any browser when its person switches language; later sentences follow."""
        connection = extension().connections.get(_sid())
        slow_down = _too_fast(connection) if connection is not None else None
        if slow_down is not None:
            return _reply(slow_down, connection.lang if connection else DEFAULT_LANGUAGE)
        try:
            checked: SetLang = protocol.check(SetLang, payload)
        except ProtocolError as error:
            lang = connection.lang if connection else DEFAULT_LANGUAGE
            return _reply(Refused(error.code, error.detail), lang)
        if connection is not None:
            connection.lang = checked.lang
        return {"ok": True}

    @socketio.on("resync")
    def on_resync(payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Sent by a browser that may have missed something (a tab back in front); it gets
        the current `state` again."""
        ext = extension()
        connection = ext.connections.get(_sid())
        if connection is None:
            return _reply(Refused(ServerCode.BAD_AUTH), DEFAULT_LANGUAGE)
        slow_down = _too_fast(connection)
        if slow_down is not None:
            return _reply(slow_down, connection.lang)
        try:
            protocol.check(Resync, payload)
        except ProtocolError as error:
            return _reply(Refused(error.code, error.detail), connection.lang)
        return _resend(connection)

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        """A socket went away (reload, network, takeover, restart): the seat stays; only the
        facilitator's presence list changes."""
        extension().lifecycle.drop(_sid(), reason)

    @socketio.on("*")
    def on_unknown(_event: Any = None, *_args: Any) -> dict[str, Any]:
        """Any other event name, answered `unknown_event` (python-socketio would call no
        handler). On the real server the message gate (wiregate.py) answers these first."""
        logger.info(line("event_refused", code=ServerCode.UNKNOWN_EVENT))
        return _reply(Refused(ServerCode.UNKNOWN_EVENT), _lang())

    @socketio.on_error_default
    def on_error(_error: Exception) -> dict[str, Any]:
        """A handler raised (a bug): the traceback goes to the log, the sender gets an answer."""
        event = getattr(request, "event", None) or {}
        logger.exception(line("event_failed", event=event.get("message")))
        return _reply(Refused(ServerCode.SERVER_ERROR), _lang())


def register_action(socketio: SocketIO, ext: Rolwissel) -> None:
    """Attach the `action` handler straight to python-socketio, without Flask-SocketIO's
    wrapper: every action would otherwise open a Flask request context and the cookie
    session (about a tenth of an action's CPU, docs/benchmarks.md), and this handler needs
    neither: the app's parts come in as `ext`, the socket as `sid`."""

    def on_action(sid: str, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Sent by a participant or the facilitator: an intention (ActionMessage). Replied
        to with Ack after its commit (then every viewer is told) or with a Refusal."""
        connection = ext.connections.get(sid)
        if connection is None:
            return _reply(Refused(ServerCode.BAD_AUTH), DEFAULT_LANGUAGE)
        try:
            return _act(ext, connection, payload)
        except Exception:  # a bug: the traceback goes to the log, the sender gets an answer
            logger.exception(line("event_failed", event="action"))
            return _reply(Refused(ServerCode.SERVER_ERROR), connection.lang)

    socketio.server.on("action", on_action, namespace="/")


def _act(ext: Rolwissel, connection: Connection, payload: Any) -> dict[str, Any]:
    identity, lang = connection.identity, connection.lang
    if identity.actor is None:
        return _refused_early(identity, payload, ServerCode.SCREEN_CANNOT_ACT, lang)
    slow_down = _too_fast(connection)
    if slow_down is not None:
        return _refused_early(identity, payload, slow_down.code, lang, slow_down.detail)
    try:
        checked = protocol.check_action(payload, ext.max_message_bytes)
    except ProtocolError as error:
        return _refused_early(identity, payload, error.code, lang, error.detail)
    outcome = ext.lifecycle.act(
        identity.room_id, identity.actor, protocol.action_fields(checked), checked.key
    )
    return _reply(outcome, lang)


def _too_fast(connection: Connection) -> Refused | None:
    """The refusal for a message over the connection's rate (ACTION_RATE, ACTION_BURST):
    answered at once, before any checking or writing, so a flood costs the others little."""
    bucket = connection.bucket
    if bucket is None or bucket.take():
        return None
    return Refused(ServerCode.TOO_MANY_ACTIONS, {"retry_after_ms": bucket.wait_ms()})


def _send_links(identity: Identity, token: str | None) -> None:
    """The facilitator and the big screen get the join code and its address (the only
    viewers that may show them); the facilitator also gets the big screen's and the
    summary's links, with their keys (derived from the facilitator's own)."""
    if identity.is_seat:
        return
    info = extension().queries.room(identity.room_id)
    if info is None:
        return
    links = room_links(info, token if identity.actor is not None else None)
    if identity.actor is None:
        links = {k: links[k] for k in ("room_id", "code", "join_url", "qr_url")}
    extension().socketio.emit("links", links, to=_sid())


def _sid() -> str:
    return str(request.sid)  # type: ignore[attr-defined]


def _lang() -> str:
    """The language of this socket's sentences (Dutch before it connected)."""
    connection = extension().connections.get(_sid())
    return connection.lang if connection else DEFAULT_LANGUAGE


def _resend(connection: Connection) -> dict[str, Any]:
    ext = extension()
    identity = connection.identity
    state = ext.service.current(identity.room_id)
    if state is None:
        return _reply(Refused(ServerCode.UNKNOWN_ROOM), connection.lang)
    ext.broadcaster.send_state(connection.sid, state, identity.viewer_key)
    return {"ok": True}


def _refuse(code: str, lang: str) -> NoReturn:
    """Refuse a connection: the browser's connect_error gets message and data.code."""
    sentence = message(code, lang)
    raise Refuse(sentence, {"code": str(code), "message": sentence})


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
        kind=kind if known and isinstance(kind, str) else "-",
        ms=0.0,
        outcome=str(code),
    )
    return _reply(Refused(code, detail or {}), lang)
