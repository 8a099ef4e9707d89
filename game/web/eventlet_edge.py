"""What the eventlet server needs to refuse a keyless client before it costs anything.

Imported only when the async mode is eventlet (it imports eventlet).

* `protocol_for(admission)`: eventlet's HTTP protocol class, setting TCP_NODELAY (small
  messages leave at once) and counting every accepted connection per address
  (game/web/admission.py) before a byte is read; a connection over a cap gets two seconds
  to send its request and is answered with its refusal by the Guard middleware; headers
  must arrive within IDLE_TIMEOUT (no slow-header trickle).
* `GuardedWebSocket`: eventlet's RFC 6455 reader with three changes. A message may not be
  larger than the cap *across all its fragments*: before each frame's payload is read, the
  frame may only be as long as what is left of the cap (eventlet checks each frame on its
  own, so a 20 MB message in 64 KB fragments would otherwise be read, unmasked byte by byte
  in Python on the hub, and kept whole); a message over it closes the connection with 1009.
  Unmasking is done in C (one big-integer XOR) instead of a Python loop per byte. And a text
  packet python-engineio would raise on closes the connection with 1008.
* `DirectSocket`: python-engineio's socket, which writes a message straight to its
  websocket when nothing is waiting to go out before it (see the class).
* `install(socketio)` makes python-engineio use them; `run_options(...)` are the arguments
  for `eventlet.wsgi.server`: the pool above the cap, timeouts, and no tracebacks to clients.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Mapping
from typing import Any

import eventlet
from engineio import packet as eio_packet  # type: ignore[import-untyped]
from engineio import socket as eio_socket
from engineio.async_drivers.eventlet import (  # type: ignore[import-untyped]
    WebSocketWSGI as EngineIOWebSocketWSGI,
)
from eventlet import wsgi
from eventlet.greenio.base import GreenSocket
from eventlet.websocket import FailedConnectionError, RFC6455WebSocket
from flask_socketio import SocketIO

from game.codes import ServerCode
from game.logfmt import line
from game.web.admission import CLOSE_KEY, CONNECTION_KEY, Admission, Ticket
from game.web.wiregate import engineio_text_ok

logger = logging.getLogger("rolwissel.guard")

REFUSAL_READ_S = 2.0  # a refused connection has this long to send the request we answer
MAX_FRAGMENTS = 64  # fragments of one websocket message (browsers send one)
CONTROL_FRAME = 125  # the largest control frame (ping, pong, close) RFC 6455 allows


def protocol_for(
    admission: Admission, idle_timeout: float, nodelay: bool = True
) -> type[wsgi.HttpProtocol]:
    """eventlet's protocol class, counting and capping connections with `admission`."""

    class GuardedProtocol(wsgi.HttpProtocol):
        ticket: Ticket

        def handle(self) -> None:
            # Small messages go out at once: with Nagle's algorithm, a reply waiting behind
            # the peer's delayed acknowledgement costs 40-50 ms (docs/benchmarks.md).
            if nodelay:
                with contextlib.suppress(OSError):
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            ticket = admission.open_connection(str(self.client_address[0]))
            if ticket is None:
                self.close_connection = 1
                return  # a flood over the cap: closed unanswered (finish() closes it)
            self.ticket = ticket
            try:
                if ticket.refusal is None:
                    super().handle()
                    return
                with eventlet.Timeout(REFUSAL_READ_S, False):
                    self.handle_one_request()  # the Guard answers it with the refusal
            finally:
                admission.close_connection(ticket)

        def parse_request(self) -> bool:
            # The request line waits IDLE_TIMEOUT (keepalive); the headers get as long in all.
            with eventlet.Timeout(idle_timeout, TimeoutError("headers too slow")):
                return bool(super().parse_request())

        def get_environ(self) -> dict[str, Any]:
            environ = super().get_environ()
            environ[CONNECTION_KEY] = self.ticket
            environ[CLOSE_KEY] = self._close_after_response
            return environ

        def _close_after_response(self) -> None:
            # Also keeps eventlet from reading (discarding) the rest of a refused body.
            self.close_connection = 1

        def log_message(self, format: str, *args: Any) -> None:
            # The standard library's lines for requests it could not parse, in our format.
            logger.info(line("http_refused", client=self.client_address[0], detail=format % args))

    return GuardedProtocol


class GuardedWebSocket(RFC6455WebSocket):
    """eventlet's websocket with a cap per message across fragments (see the module's docs),
    and compression only for messages of at least `deflate_from` bytes."""

    message_cap: int
    deflate_from: int = 0
    _plain: bool = False  # this message goes uncompressed
    # The connection's own non-blocking socket, for `write_now` (None: always through `_send`).
    _raw: socket.socket | None = None
    _rest = b""  # the end of a frame `write_now` could not write at once; it goes out first

    def _deflates(self, message: Any) -> bool:
        # RFC 7692 lets each message be compressed or not: a small patch is not worth it.
        return len(message) >= self.deflate_from and "permessage-deflate" in self.extensions

    def _pack_message(self, message: Any, *args: Any, **kwargs: Any) -> Any:
        self._plain = not self._deflates(message)
        try:
            return super()._pack_message(message, *args, **kwargs)
        finally:
            self._plain = False

    def _get_permessage_deflate_enc(self) -> Any:
        return None if self._plain else super()._get_permessage_deflate_enc()

    def write_now(self, pkt: eio_packet.Packet) -> bool:
        """Write an Engine.IO packet's frame to the connection at once, from the calling
        greenlet, if it can go out without waiting; False leaves it to the writer greenlet.

        The caller makes sure nothing is queued before it (DirectSocket). Nothing is written
        while `_send` holds the lock (it may be waiting for the connection to drain), nor
        while the end of an earlier frame is still to go out, so frames never interleave.
        An uncompressed frame is the same bytes for every socket: it is made once per packet.
        """
        if self._raw is None or self._rest or self._sendlock.locked() or self.websocket_closed:
            return False
        text = pkt.encode()
        if not isinstance(text, str):
            return False
        if self._deflates(text):
            return False  # compressed per socket: the writer greenlet does that
        frame: bytes | None = getattr(pkt, "plain_frame", None)
        if frame is None:
            frame = self._pack_message(text)
            pkt.plain_frame = frame
        try:
            sent = self._raw.send(frame)
        except OSError:  # full (BlockingIOError) or broken: the writer greenlet finds out
            return False
        if sent < len(frame):
            self._rest = frame[sent:]
            eventlet.spawn_n(self._send_rest)
        return True

    def _send_rest(self) -> None:
        # A broken connection is the reader's and the writer greenlet's to find out.
        with contextlib.suppress(OSError):
            self._send(b"")

    def _send(self, frame: bytes) -> None:
        # Every frame the writer greenlet sends (and a close) goes after what `write_now` left.
        self._sendlock.acquire()
        try:
            rest, self._rest = self._rest, b""
            if rest:
                self.socket.sendall(rest)
            if frame:
                self.socket.sendall(frame)
        finally:
            self._sendlock.release()

    def _recv_frame(self, message: Any = None) -> Any:
        received = sum(map(len, message.data)) if message is not None else 0
        if message is not None and len(message.data) >= MAX_FRAGMENTS:
            raise FailedConnectionError(1009, "too many fragments")
        # eventlet compares each frame's announced length with this before reading it.
        self.max_frame_length = max(self.message_cap - received, CONTROL_FRAME)
        frame = super()._recv_frame(message)
        if not frame.opcode & 8 and sum(map(len, frame.data)) > self.message_cap:
            raise FailedConnectionError(1009, "message too big")
        return frame

    @staticmethod
    def _apply_mask(data: bytes, mask: Any, length: int | None = None, offset: int = 0) -> bytes:
        length = len(data) if length is None else length
        key = bytes(mask[(offset + i) % 4] for i in range(4))
        stream = (key * (length // 4 + 1))[:length]
        mixed = int.from_bytes(data[:length], "big") ^ int.from_bytes(stream, "big")
        return mixed.to_bytes(length, "big")

    def wait(self) -> Any:
        data = super().wait()
        if isinstance(data, str) and not engineio_text_ok(data):
            self._refused("bad_packet")
            self.close(close_data=(1008, ServerCode.BAD_PACKET.value))
            return None
        return data

    def close(self, close_data: Any = None) -> None:
        if getattr(self, "_closed", False):
            return  # python-engineio closes again after we did; the socket is gone by then
        self._closed = True
        if close_data is not None and close_data[0] == 1009:
            self._refused("message_too_big")
            close_data = (1009, ServerCode.MESSAGE_TOO_BIG.value)
        super().close(close_data=close_data)

    def _refused(self, reason: str) -> None:
        address = self.environ.get("REMOTE_ADDR") if self.environ else None
        logger.info(line("websocket_closed", reason=reason, client=address))


class DirectSocket(eio_socket.Socket):
    """python-engineio's socket, writing a message straight to its websocket when nothing is
    queued before it.

    python-engineio puts every packet in the socket's queue, and a writer greenlet per socket
    takes it out and writes it: for a broadcast to a room, one wake-up of a greenlet (two
    timers, two switches) and one websocket frame per socket. Most of the time that writer is
    idle, so the broadcasting greenlet writes the frame itself (GuardedWebSocket.write_now).
    Anything else (pings, a close, a socket still upgrading, a full connection) goes through
    the queue as before, and once something is queued everything after it is queued too.
    """

    websocket: GuardedWebSocket | None = None

    def send(self, pkt: eio_packet.Packet) -> None:
        websocket = self.websocket
        if (
            websocket is None
            or pkt.packet_type != eio_packet.MESSAGE
            or not self.upgraded
            or self.upgrading
            or self.closing
            or self.closed
            or self.queue.qsize()
        ):
            super().send(pkt)
        elif self.check_ping_timeout() and not websocket.write_now(pkt):
            self.queue.put(pkt)


class GuardedWebSocketWSGI(EngineIOWebSocketWSGI):
    """python-engineio's websocket application, making GuardedWebSockets.

    Per-message compression (RFC 7692, which every browser asks for) is agreed only as
    `deflate` says: None refuses it; a number N agrees to it without context takeover
    either way, so no socket keeps a compressor or decompressor between messages (about
    100-170 KB each), and compresses only messages of at least N bytes (a first state, not
    the small patches). docs/benchmarks.md has the measurements."""

    deflate: int | None = None

    def __init__(self, handler: Any, server: Any) -> None:
        super().__init__(handler, server)
        # The drafts before RFC 6455 (hixie-75/76) read a message with no size limit.
        self.support_legacy_versions = False
        self.message_cap = int(server.max_http_buffer_size)

    def _negotiate_permessage_deflate(self, extensions: Any) -> Any:
        if self.deflate is None:
            return None
        agreed = super()._negotiate_permessage_deflate(extensions)
        if agreed is None:
            return None
        # A server may add both (RFC 7692, 7.1.1): each message is compressed on its own.
        return {**agreed, "server_no_context_takeover": True, "client_no_context_takeover": True}

    def _handle_hybi_request(self, environ: dict[str, Any]) -> Any:
        websocket = super()._handle_hybi_request(environ)
        websocket.__class__ = GuardedWebSocket
        websocket.message_cap = self.message_cap
        websocket.deflate_from = self.deflate or 0
        engineio_socket = getattr(self.handler, "__self__", None)
        # Only a plain connection: on a TLS socket the raw one would bypass the encryption.
        if type(websocket.socket) is GreenSocket and isinstance(engineio_socket, eio_socket.Socket):
            websocket._raw = websocket.socket.fd
            engineio_socket.__class__ = DirectSocket
            engineio_socket.websocket = websocket
        return websocket


def install(socketio: SocketIO, deflate_min_bytes: int | None) -> None:
    """Make this app's python-engineio server use GuardedWebSocketWSGI, compressing messages
    of at least `deflate_min_bytes` (None: no compression at all)."""
    eio = socketio.server.eio
    websocket = type("Websocket", (GuardedWebSocketWSGI,), {"deflate": deflate_min_bytes})
    eio._async = {**eio._async, "websocket": websocket}


def run_options(cfg: Mapping[str, Any], admission: Admission) -> dict[str, Any]:
    """The arguments for `socketio.run` (passed on to `eventlet.wsgi.server`)."""
    idle = float(cfg["IDLE_TIMEOUT"])
    return {
        "max_size": admission.limits.pool_size,
        "protocol": protocol_for(admission, idle, bool(cfg["TCP_NODELAY"])),
        "keepalive": idle,  # how long a connection may wait before sending a request
        "socket_timeout": idle,  # each read or write of a request (websockets set their own)
        "debug": False,  # never send a traceback to a client
    }
