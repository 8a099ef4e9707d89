"""The bytes on the wire: WebSocket frames and the Engine.IO v4 / Socket.IO v5 packets.

Written for a load generator, so it does as little as it can: the text of a server message is
handed on as it came, and only the few characters that say what it is are looked at. Client
frames are masked (RFC 6455 requires it) with an integer XOR, which costs next to nothing for
the small messages a player sends. Compression (RFC 7692, permessage-deflate) is asked for
the way Chromium asks; the client sends its own messages uncompressed, which the RFC allows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# What Chromium sends; the server may agree to it in its reply.
DEFLATE_OFFER = "permessage-deflate; client_max_window_bits"
SOCKETIO_PATH = "/socket.io/?EIO=4&transport=websocket"

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
DEFLATE_TAIL = b"\x00\x00\xff\xff"
# A frame's header length when its 7-bit length is 126 (16-bit length follows) or 127 (64-bit).
EXTENDED_HEAD = {126: 4, 127: 10}

# Engine.IO packet types (the first character of a text message).
EIO_OPEN, EIO_CLOSE, EIO_PING, EIO_PONG, EIO_MESSAGE = "0", "1", "2", "3", "4"
# Socket.IO packet types (the character after Engine.IO's "4").
SIO_CONNECT, SIO_DISCONNECT, SIO_EVENT, SIO_ACK, SIO_CONNECT_ERROR = "0", "1", "2", "3", "4"

# How far into a message to look for its version: `{"version":` or `{"base":..,"version":`
# is at the front of the `state`, `patch` and echo messages.
VERSION_HEAD = 200


class WireError(Exception):
    """The peer sent something this client does not understand (a protocol error)."""


# The opening handshake


def handshake_request(
    host: str, port: int, path: str, key: str, compression: bool, tls: bool = False
) -> bytes:
    """The HTTP/1.1 upgrade request, with the headers a browser sends that matter here."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: {'https' if tls else 'http'}://{host}:{port}",
    ]
    if compression:
        lines.append(f"Sec-WebSocket-Extensions: {DEFLATE_OFFER}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def new_key() -> str:
    return base64.b64encode(random.randbytes(16)).decode("ascii")


def accept_for(key: str) -> str:
    """The Sec-WebSocket-Accept a server must answer to `key`."""
    digest = hashlib.sha1((key + WS_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class Upgrade:
    """What the server's 101 answer settled: compression and its context rule."""

    deflate: bool
    server_no_context_takeover: bool


def parse_upgrade(head: bytes, key: str) -> Upgrade:
    """Check the server's answer to the upgrade request (status, accept key, extensions)."""
    text = head.decode("latin-1")
    status, _, rest = text.partition("\r\n")
    if " 101 " not in status + " ":
        raise WireError(f"upgrade refused: {status.strip()}")
    headers: dict[str, str] = {}
    for line in rest.split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if headers.get("sec-websocket-accept") != accept_for(key):
        raise WireError("bad Sec-WebSocket-Accept")
    extensions = headers.get("sec-websocket-extensions", "").lower()
    deflate = "permessage-deflate" in extensions
    return Upgrade(deflate, deflate and "server_no_context_takeover" in extensions)


# Frames


def _masked(payload: bytes, mask: bytes) -> bytes:
    size = len(payload)
    if not size:
        return payload
    pad = (mask * (size // 4 + 1))[:size]
    value = int.from_bytes(payload, "little") ^ int.from_bytes(pad, "little")
    return value.to_bytes(size, "little")


def client_frame(payload: bytes, opcode: int = OP_TEXT) -> bytes:
    """One final, masked frame from the client (never compressed)."""
    size = len(payload)
    first = 0x80 | opcode
    if size < 126:
        head = bytes((first, 0x80 | size))
    elif size < 1 << 16:
        head = bytes((first, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((first, 0x80 | 127)) + size.to_bytes(8, "big")
    mask = random.randbytes(4)
    return head + mask + _masked(payload, mask)


class FrameReader:
    """Turns the server's bytes into whole messages; answers pings; inflates compressed ones.

    `on_text(str)` gets each text message, `on_control(opcode, payload)` each ping and close.
    """

    def __init__(
        self,
        on_text: Callable[[str], None],
        on_control: Callable[[int, bytes], None],
        upgrade: Upgrade,
    ) -> None:
        self.on_text = on_text
        self.on_control = on_control
        self.deflate = upgrade.deflate
        self.fresh_context = upgrade.server_no_context_takeover
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS) if self.deflate else None
        self._buffer = bytearray()
        self._need = 2  # bytes the next step needs before it can look again
        self._parts: list[bytes] = []
        self._compressed = False
        self._opcode = 0
        self.wire_bytes = 0
        self.messages = 0

    def feed(self, data: bytes) -> None:
        """Add bytes from the socket; whole messages are handed on at once."""
        self.wire_bytes += len(data)
        buffer = self._buffer
        buffer += data
        if len(buffer) < self._need:
            return
        pos = 0
        end = len(buffer)
        need = 2
        while True:
            avail = end - pos
            if avail < 2:
                break
            first, second = buffer[pos], buffer[pos + 1]
            if second & 0x80:
                raise WireError("the server masked a frame")
            size = second & 0x7F
            head = EXTENDED_HEAD.get(size, 2)  # 126 and 127 say: the length follows
            if head > 2:
                if avail < head:
                    need = head
                    break
                size = int.from_bytes(buffer[pos + 2 : pos + head], "big")
            if avail < head + size:
                need = head + size
                break
            payload = bytes(buffer[pos + head : pos + head + size])
            pos += head + size
            self._frame(first, payload)
        if pos:
            del buffer[:pos]
        self._need = need

    def _frame(self, first: int, payload: bytes) -> None:
        opcode = first & 0x0F
        final = bool(first & 0x80)
        if opcode >= 0x8:
            self.on_control(opcode, payload)
            return
        if opcode != OP_CONT:
            self._opcode = opcode
            self._compressed = bool(first & 0x40)
            self._parts = [payload]
        else:
            self._parts.append(payload)
        if not final:
            return
        data = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        self._parts = []
        if self._compressed:
            data = self._inflate(data)
        if self._opcode != OP_TEXT:
            raise WireError("a binary message (this protocol sends none)")
        self.messages += 1
        self.on_text(data.decode("utf-8"))

    def _inflate(self, data: bytes) -> bytes:
        if not self.deflate:
            raise WireError("a compressed message without permessage-deflate")
        if self.fresh_context or self._inflater is None:
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._inflater.decompress(data + DEFLATE_TAIL)


# Engine.IO and Socket.IO packets


def connect_packet(auth: dict[str, Any] | None) -> str:
    """Socket.IO CONNECT on the default namespace, with the auth object."""
    return "40" if auth is None else "40" + json.dumps(auth, separators=(",", ":"))


def event_packet(event: str, data: Any, ack_id: int | None = None) -> str:
    """Socket.IO EVENT, with an ack id when an answer is wanted."""
    body = json.dumps([event, data], separators=(",", ":"))
    return f"42{ack_id}{body}" if ack_id is not None else "42" + body


def split_ack(text: str) -> tuple[int, Any]:
    """An ACK packet ("43<id>[...]") as (id, the first value of the answer)."""
    bracket = text.find("[", 2)
    if bracket < 3:
        raise WireError(f"bad ack packet: {text[:40]!r}")
    answer = json.loads(text[bracket:])
    return int(text[2:bracket]), answer[0] if answer else None


def event_name(text: str) -> str:
    """The event name of a server EVENT packet ('42["state",{...}]'), without parsing it."""
    if text.startswith('42["'):
        end = text.find('"', 4)
        if end > 0:
            return text[4:end]
    raise WireError(f"bad event packet: {text[:40]!r}")


def event_body(text: str) -> Any:
    """The data of a server EVENT packet (parses the whole message: use sparingly)."""
    value = json.loads(text[2:])
    return value[1] if len(value) > 1 else None


def scan_version(text: str) -> int | None:
    """The `version` of a `state`, `patch` or echo message, read from its first characters.

    A full parse of a large view for every receiver would cost the generator more than the
    server; the version sits at the front of the message, so a find is enough. Falls back to
    parsing when it is not there.
    """
    at = text.find('"version":', 0, VERSION_HEAD)
    if at < 0:
        body = event_body(text)
        found = body.get("version") if isinstance(body, dict) else None
        return found if isinstance(found, int) else None
    pos = at + 10
    while text[pos] == " ":
        pos += 1
    end = pos
    while text[end].isdigit():
        end += 1
    return int(text[pos:end]) if end > pos else None
