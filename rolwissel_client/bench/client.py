"""One Socket.IO connection as an asyncio protocol, and the JSON HTTP calls of the set-up.

Why asyncio with protocols (not streams, not threads): one process holds every socket; each
incoming chunk is one plain callback (`data_received`) on the selector loop, with no coroutine
or task per message, so the cost per message is close to a hand-written select loop, while the
loop still gives timers, connection set-up and a clean stop. Threads would cost a stack and a
context switch per socket (python-socketio's client costs as much CPU as the server it
measures, see docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import ssl
import time
from collections.abc import Callable
from typing import Any

from rolwissel_client.bench import wire

EventHandler = Callable[["SioConnection", str, str], None]  # (connection, event name, raw text)
AckHandler = Callable[[Any], None]
CloseHandler = Callable[["SioConnection", str], None]  # (connection, reason)


def tls_context() -> ssl.SSLContext:
    """TLS for the bench's own nginx on 127.0.0.1, whose certificate the bench made itself a
    moment ago: encrypted like a browser's connection, the certificate not checked."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class ConnectRefused(Exception):
    """The server refused the Socket.IO connection (CONNECT_ERROR), with its code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SioConnection(asyncio.Protocol):
    """A Socket.IO client over a raw websocket: handshake, ping/pong, connect, events, acks.

    `on_event(conn, name, text)` gets each server event with its raw packet text; `on_close`
    is called once, with a reason, when the connection ends for any reason but `close()`.
    """

    def __init__(
        self,
        host: str,
        port: int,
        auth: dict[str, Any] | None,
        *,
        compression: bool,
        on_event: EventHandler | None = None,
        on_close: CloseHandler | None = None,
        tag: Any = None,
        tls: bool = False,
    ) -> None:
        self.host, self.port = host, port
        self.tls = tls
        self.tag = tag  # the caller's object for this connection (set before any event)
        self.auth = auth
        self.compression = compression
        self.on_event = on_event
        self.on_close = on_close
        self.transport: asyncio.Transport | None = None
        self.connected: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.reader: wire.FrameReader | None = None
        self.deflate = False
        self.sid = ""
        self.closed = False
        self.closing = False  # close() was asked for: the end is not a failure
        self._key = wire.new_key()
        self._head = bytearray()
        self._acks: dict[int, AckHandler] = {}
        self._next_ack = 0
        self.protocol_errors: list[str] = []
        self.sent_bytes = 0

    # asyncio's side

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        request = wire.handshake_request(
            self.host, self.port, wire.SOCKETIO_PATH, self._key, self.compression, self.tls
        )
        transport.write(request)

    def data_received(self, data: bytes) -> None:
        try:
            if self.reader is None:
                self._handshake(data)
            else:
                self.reader.feed(data)
        except (wire.WireError, ValueError, KeyError, IndexError, UnicodeDecodeError) as error:
            self._fail(f"protocol: {error}")

    def connection_lost(self, exc: Exception | None) -> None:
        reason = "closed" if exc is None else f"transport: {exc}"
        self._ended(reason)

    # The handshake

    def _handshake(self, data: bytes) -> None:
        self._head += data
        end = self._head.find(b"\r\n\r\n")
        if end < 0:
            if len(self._head) > 16384:
                raise wire.WireError("no end to the upgrade answer")
            return
        upgrade = wire.parse_upgrade(bytes(self._head[:end]), self._key)
        rest = bytes(self._head[end + 4 :])
        self._head = bytearray()
        self.deflate = upgrade.deflate
        self.reader = wire.FrameReader(self._on_text, self._on_control, upgrade)
        if rest:
            self.reader.feed(rest)

    # Frames and packets

    def _on_control(self, opcode: int, payload: bytes) -> None:
        if opcode == wire.OP_PING:
            self._write(wire.client_frame(payload, wire.OP_PONG))
        elif opcode == wire.OP_CLOSE:
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            self._ended(f"ws_close {code}")

    def _on_text(self, text: str) -> None:
        kind = text[:1]
        if kind == wire.EIO_MESSAGE:
            packet = text[1:2]
            if packet == wire.SIO_EVENT:
                if self.on_event is not None:
                    self.on_event(self, wire.event_name(text), text)
            elif packet == wire.SIO_ACK:
                ack_id, answer = wire.split_ack(text)
                handler = self._acks.pop(ack_id, None)
                if handler is not None:
                    handler(answer)
            elif packet == wire.SIO_CONNECT:
                body = json.loads(text[2:]) if len(text) > 2 else {}
                self.sid = str(body.get("sid", ""))
                if not self.connected.done():
                    self.connected.set_result(self.sid)
            elif packet == wire.SIO_CONNECT_ERROR:
                body = json.loads(text[2:]) if len(text) > 2 else {}
                data = body.get("data") if isinstance(body, dict) else None
                code = data.get("code") if isinstance(data, dict) else None
                if not self.connected.done():
                    self.connected.set_exception(ConnectRefused(str(code or "refused")))
                self.close()
            elif packet == wire.SIO_DISCONNECT:
                self._ended("server_disconnect")
            else:
                raise wire.WireError(f"unexpected Socket.IO packet {text[:20]!r}")
        elif kind == wire.EIO_PING:
            self.send_text(wire.EIO_PONG + text[1:])
        elif kind == wire.EIO_OPEN:
            self.send_text(wire.connect_packet(self.auth))
        elif kind == wire.EIO_CLOSE:
            self._ended("eio_close")
        elif kind != "6":  # 6 is Engine.IO's noop
            raise wire.WireError(f"unexpected Engine.IO packet {text[:20]!r}")

    # Sending

    def _write(self, frame: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.sent_bytes += len(frame)
            self.transport.write(frame)

    def send_text(self, text: str) -> None:
        self._write(wire.client_frame(text.encode("utf-8")))

    def emit(self, event: str, data: Any, on_ack: AckHandler | None = None) -> None:
        """Send an event; `on_ack(answer)` is called with the server's answer, if one is wanted."""
        ack_id = None
        if on_ack is not None:
            ack_id = self._next_ack
            self._next_ack += 1
            self._acks[ack_id] = on_ack
        self.send_text(wire.event_packet(event, data, ack_id))

    async def call(self, event: str, data: Any, timeout: float = 30.0) -> Any:
        """Send an event and wait for its answer (for scripted steps, not the hot path)."""
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def done(reply: Any) -> None:
            if not answer.done():
                answer.set_result(reply)

        self.emit(event, data, done)
        return await asyncio.wait_for(answer, timeout)

    # The end

    def close(self) -> None:
        """End the connection on purpose (no on_close call)."""
        self.closing = True
        if self.transport is not None and not self.closed:
            self._write(wire.client_frame(b"\x03\xe8", wire.OP_CLOSE))
            self.transport.close()
        self.closed = True

    def _fail(self, reason: str) -> None:
        self.protocol_errors.append(reason)
        if self.transport is not None:
            self.transport.abort()
        self._ended(reason)

    def _ended(self, reason: str) -> None:
        if not self.connected.done():
            self.connected.set_exception(ConnectionError(reason))
        was_closed = self.closed
        self.closed = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()
        if not was_closed and not self.closing and self.on_close is not None:
            self.on_close(self, reason)


async def open_connection(
    host: str,
    port: int,
    auth: dict[str, Any] | None,
    *,
    compression: bool,
    on_event: EventHandler | None = None,
    on_close: CloseHandler | None = None,
    tag: Any = None,
    timeout: float = 20.0,
    tls: bool = False,
) -> SioConnection:
    """Connect (over TLS with `tls`), upgrade and join the default namespace; raises
    ConnectRefused with its code."""
    loop = asyncio.get_running_loop()
    holder: list[SioConnection] = []

    def factory() -> SioConnection:
        conn = SioConnection(
            host,
            port,
            auth,
            compression=compression,
            on_event=on_event,
            on_close=on_close,
            tag=tag,
            tls=tls,
        )
        holder.append(conn)
        return conn

    context = tls_context() if tls else None
    await asyncio.wait_for(loop.create_connection(factory, host, port, ssl=context), timeout)
    conn = holder[0]
    try:
        await asyncio.wait_for(asyncio.shield(conn.connected), timeout)
    except BaseException:
        conn.close()
        raise
    return conn


# The JSON HTTP API (set-up only: create rooms, join, health)


class Http:
    """Keep-alive JSON calls to one server (one instance per thread), over TLS with `tls`."""

    def __init__(self, host: str, port: int, timeout: float = 30.0, tls: bool = False) -> None:
        self.host, self.port, self.timeout, self.tls = host, port, timeout, tls
        self._conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """(status, JSON body or {}); one retry on a dropped keep-alive connection."""
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = (
                    http.client.HTTPSConnection(
                        self.host, self.port, timeout=self.timeout, context=tls_context()
                    )
                    if self.tls
                    else http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                )
            try:
                self._conn.request(method, path, body=payload, headers=headers)
                reply = self._conn.getresponse()
                raw = reply.read()
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {}
            return reply.status, data if isinstance(data, dict) else {}
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def wait_healthy(host: str, port: int, seconds: float, path: str = "/healthz") -> float:
    """Poll `path` until it answers 200; returns when, in time.perf_counter() seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        client = Http(host, port, timeout=2)
        try:
            status, _ = client.request("GET", path)
            if status == 200:
                return time.perf_counter()
        except OSError:
            pass
        finally:
            client.close()
        time.sleep(0.02)
    raise TimeoutError(f"{path} did not answer 200 within {seconds:.0f} s")
