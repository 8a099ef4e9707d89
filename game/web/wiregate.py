"""The gate every socket message passes before python-socketio reads it.

python-socketio trusts what it decodes: an empty event list, an event named `connect` or
`disconnect`, JSON nested a thousand levels deep or a binary attachment all reach it as they
are, and some of them raise inside the library (a traceback, and no answer for the sender).
`SocketGate` sits in front of it as Engine.IO's `message` handler. It reads the Socket.IO
packet header the way python-socketio does and lets through only what the handlers can take:

* EVENT packets whose JSON is a list starting with the name of an event the server handles
  (never a reserved one), nested at most MAX_DEPTH deep, with only finite numbers and only
  text that can be stored (no lone surrogates);
* CONNECT packets whose auth is such a JSON object (or absent), on a namespace the session
  is not connected to yet, and DISCONNECT packets.

Anything else is answered, never raised: with the acknowledgement the sender asked for, else
with a `refusal` event, and a CONNECT with a connect error. Each answer carries a code and the
sentence in the connection's language. Client ACKs are dropped (the server never asks for one).

The functions `engineio_text_ok` and `polling_payload_ok` check the layer below, Engine.IO
packets on a websocket or in a long-polling body, for what python-engineio would raise on.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from socketio import packet as sio_packet

from game.codes import ServerCode
from game.logfmt import line
from game.web.messages import message

logger = logging.getLogger("rolwissel.wire")

# The protocol nests four levels (an event list, an action, its conditions, one condition).
MAX_DEPTH = 20
# Events python-socketio or the browser's client treat as their own.
RESERVED_EVENTS = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "__disconnect_final"}
)
# Engine.IO packet types a client may send in a long-polling body (close, pong, message,
# upgrade); on a websocket python-engineio ignores the other digits.
POLLING_TYPES = frozenset("1345")
MAX_POLLING_PACKETS = 16  # python-engineio refuses more with an exception

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON `text` nests arrays and objects more than `limit` deep (strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


class _NotJson(ValueError):
    pass


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NotJson("a number too large")
    return number


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not JSON")


def parse_json(text: str) -> Any:
    """Strict JSON (no NaN or Infinity, no overflowing numbers); ValueError when it is not."""
    if too_deep(text):
        raise _NotJson("nested too deep")
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise _NotJson("nested too deep") from None


def storable(value: Any) -> bool:
    """Whether every string in `value` can be written as UTF-8 (no lone surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def engineio_text_ok(text: str, types: frozenset[str] | None = None) -> bool:
    """Whether python-engineio can decode this text packet without raising: a known type
    digit first, and when it would try the rest as JSON, JSON that is not nested too deep."""
    if not text or text[0] not in (types or "0123456"):
        return False
    rest = text[1:]
    return not (rest[:1] in ("[", "{") and too_deep(rest))


def polling_payload_ok(body: bytes) -> bool:
    """Whether a long-polling POST body is Engine.IO packets python-engineio can take."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not text:
        return True
    packets = text.split("\x1e")
    return len(packets) <= MAX_POLLING_PACKETS and all(
        engineio_text_ok(p, POLLING_TYPES) for p in packets
    )


@dataclass(frozen=True)
class Header:
    """The head of a Socket.IO packet, read the way python-socketio reads it."""

    kind: int
    attachments: int
    namespace: str
    ack: int | None
    body: str  # the JSON part ('' when absent)


def read_header(text: str) -> Header | None:
    """The header of a Socket.IO text packet; None when python-socketio would raise on it."""
    if not text or text[0] not in "0123456":
        return None
    rest = text[1:]
    attachments = 0
    dash = rest.find("-")
    if dash > 0 and rest[:dash].isdigit():
        if dash > 10 or not rest[:dash].isascii():
            return None
        attachments = int(rest[:dash])
        rest = rest[dash + 1 :]
    namespace = "/"
    if rest[:1] == "/":
        comma = rest.find(",")
        namespace, rest = (rest, "") if comma == -1 else (rest[:comma], rest[comma + 1 :])
        namespace = namespace.split("?", 1)[0]
    ack = None
    digits = 0
    while digits < len(rest) and rest[digits].isdigit():
        digits += 1
    if digits:
        if digits >= 100 or not rest[:digits].isascii():
            return None
        ack, rest = int(rest[:digits]), rest[digits:]
    return Header(int(text[0]), attachments, namespace, ack, rest)


def connect_error(code: ServerCode, sentence: str, namespace: str = "/") -> sio_packet.Packet:
    """A Socket.IO connect error: the browser's `connect_error` gets `message` and `data`."""
    data = {"message": sentence, "data": {"code": str(code), "message": sentence}}
    return sio_packet.Packet(sio_packet.CONNECT_ERROR, data=data, namespace=namespace)


@dataclass(frozen=True)
class Problem:
    """Why a packet may not pass, and how to answer it."""

    code: ServerCode
    why: str
    header: Header | None = None


@dataclass
class SocketGate:
    """Engine.IO's `message` handler: checks each packet, answers the bad, passes the good."""

    server: Any  # socketio.Server
    forward: Callable[[str, Any], Any]  # python-socketio's own handler
    lang_of: Callable[[str], str]  # eio_sid -> the connection's language
    # Binary attachments still to come of a refused packet, per Engine.IO session.
    swallow: dict[str, int] = field(default_factory=dict)

    def __call__(self, eio_sid: str, data: Any) -> Any:
        if isinstance(data, bytes):
            if self.swallow.get(eio_sid):
                self.swallow[eio_sid] -= 1  # part of a packet already answered
                return None
            return self.answer(eio_sid, Problem(ServerCode.BAD_PACKET, "binary"))
        problem = self.check(eio_sid, data)
        if problem is None:
            return self.forward(eio_sid, data)
        if problem.why == "ack":
            return None  # the server never asks a client to acknowledge anything
        return self.answer(eio_sid, problem)

    def check(self, eio_sid: str, data: Any) -> Problem | None:
        """None when python-socketio may have the packet; else what is wrong with it."""
        header = read_header(data) if isinstance(data, str) else None
        if header is None:
            return Problem(ServerCode.BAD_PACKET, "header")
        kind = header.kind
        if kind in (sio_packet.BINARY_EVENT, sio_packet.BINARY_ACK):
            self.swallow[eio_sid] = header.attachments
            return Problem(ServerCode.BAD_PACKET, "binary", header)
        if kind in (sio_packet.ACK, sio_packet.CONNECT_ERROR):
            return Problem(ServerCode.BAD_PACKET, "ack", header)
        if kind not in (sio_packet.CONNECT, sio_packet.DISCONNECT, sio_packet.EVENT):
            return Problem(ServerCode.BAD_PACKET, "type", header)
        if header.attachments:
            return Problem(ServerCode.BAD_PACKET, "binary", header)
        try:
            body = parse_json(header.body) if header.body else None
        except ValueError:
            return Problem(ServerCode.BAD_PACKET, "json", header)
        if not storable(body):
            return Problem(ServerCode.BAD_TEXT, "text", header)
        if kind == sio_packet.CONNECT:
            if body is not None and not isinstance(body, dict):
                return Problem(ServerCode.BAD_AUTH, "auth", header)
            if self.server.manager.sid_from_eio_sid(eio_sid, header.namespace) is not None:
                # A second connect would give this session a second socket on the namespace.
                return Problem(ServerCode.BAD_PACKET, "connected", header)
        elif kind == sio_packet.EVENT:
            if not isinstance(body, list) or not body or not isinstance(body[0], str):
                return Problem(ServerCode.BAD_PACKET, "event", header)
            if body[0] in RESERVED_EVENTS:
                return Problem(ServerCode.UNKNOWN_EVENT, "reserved", header)
            if body[0] not in self.server.handlers.get(header.namespace, {}):
                # python-socketio would answer nothing when no acknowledgement was asked for
                return Problem(ServerCode.UNKNOWN_EVENT, "unknown", header)
        return None

    def answer(self, eio_sid: str, problem: Problem) -> None:
        """The code and sentence, the way this sender can receive them."""
        code, header = problem.code, problem.header
        sentence = message(code, self.lang_of(eio_sid))
        namespace = header.namespace if header is not None else "/"
        logger.info(line("message_refused", code=code, why=problem.why))
        if header is not None and header.kind == sio_packet.CONNECT:
            return self._send(eio_sid, connect_error(code, sentence, namespace))
        refusal = {"ok": False, "code": str(code), "message": sentence, "detail": {}}
        if header is not None and header.ack is not None:
            reply = sio_packet.Packet(
                sio_packet.ACK, data=[refusal], namespace=namespace, id=header.ack
            )
            return self._send(eio_sid, reply)
        if self.server.manager.sid_from_eio_sid(eio_sid, "/") is None:
            return None  # not connected to the namespace: nobody to tell
        return self._send(eio_sid, sio_packet.Packet(sio_packet.EVENT, ["refusal", refusal]))

    def _send(self, eio_sid: str, reply: sio_packet.Packet) -> None:
        self.server.eio.send(eio_sid, reply.encode())

    def forget(self, eio_sid: str) -> None:
        """The session ended."""
        self.swallow.pop(eio_sid, None)
